/** `folio models …` and `folio generate …` — the CLI face of the model manager and the writer engine. */
import type { GenerationStats, ModelInfo, ModelRole } from '../../../shared/api'
import { FolioError } from '../../../shared/errors'
import type { CliCommand } from './commands'
import { int, need } from './args'

const ROLES: readonly ModelRole[] = ['writer', 'vision', 'embedder']

function role(v: unknown): ModelRole | undefined {
  if (v === undefined) return undefined
  if (typeof v === 'string' && (ROLES as string[]).includes(v)) return v as ModelRole
  throw new FolioError('INVALID_INPUT', `--role must be one of ${ROLES.join(', ')}.`)
}

/** The public `models list --json` entry shape: scripts rely on exactly these keys. */
function entry(m: ModelInfo): Record<string, unknown> {
  const where = m.kind === 'remote' ? { url: m.url } : { path: m.path }
  return { id: m.id, ...where, mmproj: m.mmproj, roles: m.roles, architecture: m.architecture, sizeBytes: m.sizeBytes }
}

function line(m: ModelInfo): string {
  const roles = m.roles.length ? ` [${m.roles.join(', ')}]` : ''
  const where = m.kind === 'remote' ? m.url : m.path
  const size = m.sizeBytes ? ` ${(m.sizeBytes / 1e9).toFixed(2)} GB` : ''
  return `${m.id}  ${m.name}${roles}${size}\n    ${where}${m.mmproj ? `\n    mmproj: ${m.mmproj}` : ''}`
}

function progressBar(done: number, total: number, speed: number, eta: number | null): string {
  const width = 30
  const frac = total > 0 ? Math.min(1, done / total) : 0
  const bar = '#'.repeat(Math.round(frac * width)).padEnd(width, '.')
  const mb = (n: number) => (n / 1e6).toFixed(1)
  const etaText = eta === null ? '' : ` ETA ${Math.round(eta)} s`
  return `[${bar}] ${(frac * 100).toFixed(1)}% ${mb(done)}/${mb(total)} MB ${mb(speed)} MB/s${etaText}`
}

export const MODEL_COMMANDS: CliCommand[] = [
  {
    path: ['models', 'list'],
    usage: 'models list',
    summary: 'Models and their roles (--json: {"models": [{id, path|url, mmproj, roles, architecture, sizeBytes}]})',
    async run(s) {
      const { models } = await s.router.call('models.list', {})
      return { json: { models: models.map(entry) }, text: models.length ? models.map(line).join('\n') : 'No models. Add one with: models add FILE' }
    },
  },
  {
    path: ['models', 'add'],
    usage: 'models add <file> [--mmproj FILE] [--role writer|vision|embedder]',
    summary: 'Add a GGUF model (adding the same file again updates its role or projector)',
    flags: { mmproj: 'string', role: 'string' },
    async run(s, a) {
      const m = await s.router.call('models.add', {
        path: need(a, 0, 'model file'),
        mmproj: typeof a.flags.mmproj === 'string' ? a.flags.mmproj : undefined,
        role: role(a.flags.role),
      })
      return { json: entry(m), text: `Added ${line(m)}` }
    },
  },
  {
    path: ['models', 'remove'],
    usage: 'models remove <id>',
    summary: 'Forget a model (its file stays on disk)',
    async run(s, a) {
      const out = await s.router.call('models.remove', { id: need(a, 0, 'model id') })
      return { json: out, text: `Removed ${out.id}` }
    },
  },
  {
    path: ['models', 'set-role'],
    usage: 'models set-role <id> <writer|vision|embedder>',
    summary: 'Choose the model for a role',
    async run(s, a) {
      const m = await s.router.call('models.setRole', { id: need(a, 0, 'model id'), role: role(need(a, 1, 'role'))! })
      return { json: entry(m), text: line(m) }
    },
  },
  {
    path: ['models', 'add-remote'],
    usage: 'models add-remote <url> [--api-key-env VAR] [--model NAME] [--vision] [--role R]',
    summary: 'Add an OpenAI-compatible server (llama-server, vLLM, Ollama, LM Studio)',
    flags: { 'api-key-env': 'string', model: 'string', vision: 'boolean', role: 'string' },
    async run(s, a) {
      const env = a.flags['api-key-env']
      if (typeof env === 'string' && process.env[env] === undefined) {
        throw new FolioError('INVALID_INPUT', `The environment variable ${env} is not set.`)
      }
      const m = await s.router.call('models.addRemote', {
        url: need(a, 0, 'server URL'),
        apiKeyEnv: typeof env === 'string' ? env : undefined,
        model: typeof a.flags.model === 'string' ? a.flags.model : undefined,
        vision: a.flags.vision === true,
        role: role(a.flags.role),
      })
      return { json: entry(m), text: `Added ${line(m)}` }
    },
  },
  {
    path: ['models', 'download'],
    usage: 'models download <catalogue-id>',
    summary: 'Download a recommended model (Ctrl-C pauses; run again to resume)',
    async run(s, a) {
      const id = need(a, 0, 'catalogue id')
      const err = a.io?.err
      let last = 0
      const out = await s.router.call(
        'models.download',
        { catalogueId: id },
        {
          signal: a.signal,
          onProgress: (p) => {
            const now = Date.now()
            if (!err || now - last < 200) return
            last = now
            const q = p as { downloadedBytes: number; totalBytes: number; bytesPerSecond: number; etaSeconds: number | null }
            err.write(`\r${progressBar(q.downloadedBytes, q.totalBytes, q.bytesPerSecond, q.etaSeconds)}`)
          },
        },
      )
      err?.write('\n')
      return { json: { models: out.models.map(entry) }, text: out.models.map(line).join('\n') }
    },
  },
  {
    path: ['llama-server', 'status'],
    usage: 'llama-server status',
    summary: 'Which llama-server the vision engine uses',
    async run(s) {
      const out = await s.router.call('inference.llamaServer', {})
      return { json: out, text: out.path ? `${out.path} (${out.source})` : (out.message ?? 'not found') }
    },
  },
  {
    path: ['llama-server', 'install'],
    usage: 'llama-server install [--gpu cpu|cuda|vulkan]',
    summary: "Download llama.cpp's official llama-server build for this platform",
    flags: { gpu: 'string' },
    async run(s, a) {
      const gpu = a.flags.gpu ?? 'cpu'
      if (gpu !== 'cpu' && gpu !== 'cuda' && gpu !== 'vulkan') throw new FolioError('INVALID_INPUT', '--gpu must be cpu, cuda or vulkan.')
      const err = a.io?.err
      const out = await s.router.call(
        'inference.installLlamaServer',
        { gpu },
        {
          signal: a.signal,
          onProgress: (p) => {
            const q = p as { downloadedBytes: number; totalBytes: number; bytesPerSecond: number; etaSeconds: number | null }
            err?.write(`\r${progressBar(q.downloadedBytes, q.totalBytes, q.bytesPerSecond, q.etaSeconds)}`)
          },
        },
      )
      err?.write('\n')
      return { json: out, text: `Installed ${out.asset} → ${out.path}` }
    },
  },
  {
    path: ['generate'],
    usage: 'generate "<prompt>" [--model ID] [--max-tokens N] [--seed N]',
    summary: 'Generate text with the writer model (streams; --json prints {text, stats})',
    flags: { model: 'string', 'max-tokens': 'string', seed: 'string', temperature: 'string' },
    async run(s, a) {
      const json = a.flags.json === true
      const temperature = a.flags.temperature === undefined ? undefined : Number(a.flags.temperature)
      const out = await s.router.call(
        'inference.generate',
        {
          prompt: need(a, 0, 'prompt'),
          model: typeof a.flags.model === 'string' ? a.flags.model : undefined,
          maxTokens: int(a.flags['max-tokens'], '--max-tokens'),
          seed: int(a.flags.seed, '--seed'),
          temperature,
        },
        { signal: a.signal, onProgress: json ? undefined : (p) => a.io?.out.write((p as { token: string }).token) },
      )
      const st = out.stats
      if (!json) {
        a.io?.out.write('\n')
        a.io?.err.write(
          `${st.completionTokens} tokens, ${st.tokensPerSecond.toFixed(1)} tok/s, first token ${st.ttftMs.toFixed(0)} ms, ${st.backend}, stop: ${st.stopReason}\n`,
        )
      }
      return {
        json: {
          text: out.text,
          stats: cliStats(st),
        },
        text: null,
      }
    },
  },
]

/** The generation stats `--json` prints (`generate`, `chat`): a stable public shape. */
export function cliStats(st: Omit<GenerationStats, 'threads'>): Pick<GenerationStats, 'ttftMs' | 'promptTokensPerSecond' | 'tokensPerSecond' | 'promptTokens' | 'completionTokens' | 'stopReason' | 'backend'> {
  return {
    ttftMs: st.ttftMs,
    promptTokensPerSecond: st.promptTokensPerSecond,
    tokensPerSecond: st.tokensPerSecond,
    promptTokens: st.promptTokens,
    completionTokens: st.completionTokens,
    stopReason: st.stopReason,
    backend: st.backend,
  }
}
