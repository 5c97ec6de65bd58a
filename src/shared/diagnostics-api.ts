/**
 * The record of `app.diagnostics` and its Markdown form (the CLI prints it; the UI copies it). What a
 * bug report needs — versions, machine, backend, models, counts, settings, recent log lines — and
 * never API keys, document text, or paths outside the data folder beyond a model's file name.
 */
import { z } from 'zod'

export const DiagnosticsModel = z.object({
  name: z.string(),
  kind: z.enum(['local', 'remote']),
  /** writer, vision, embedder. */
  roles: z.array(z.string()),
  /** The GGUF's file name (never its folder). */
  file: z.string().nullable(),
  mmproj: z.string().nullable(),
  /** Remote endpoints: scheme, host and path, without credentials or query. */
  endpoint: z.string().nullable(),
  remoteModel: z.string().nullable(),
  hasApiKey: z.boolean(),
  sizeBytes: z.number().nullable(),
  architecture: z.string().nullable(),
  quantization: z.string().nullable(),
  parameterCount: z.number().nullable(),
  contextLength: z.number().int().nullable(),
})
export type DiagnosticsModel = z.infer<typeof DiagnosticsModel>

export const Diagnostics = z.object({
  generatedAt: z.number(),
  app: z.object({ name: z.string(), version: z.string(), docSchema: z.number().int(), dataDir: z.string() }),
  runtime: z.object({ node: z.string(), v8: z.string(), electron: z.string().nullable(), chromium: z.string().nullable() }),
  system: z.object({
    platform: z.string(),
    release: z.string(),
    arch: z.string(),
    cpu: z.string(),
    cores: z.number().int(),
    ramBytes: z.number(),
    freeRamBytes: z.number(),
  }),
  inference: z.object({
    backend: z.string(),
    backendMessage: z.string(),
    threads: z.number().int(),
    gpuDevices: z.array(z.string()),
    nodeLlamaCpp: z.string().nullable(),
    /** llama.cpp release tag and build kind (prebuilt or a local build). */
    llamaCpp: z.string().nullable(),
    llamaCppBuild: z.string().nullable(),
    llamaServer: z.object({ source: z.string().nullable(), file: z.string().nullable(), message: z.string().nullable() }),
  }),
  models: z.array(DiagnosticsModel),
  library: z.object({
    images: z.number().int(),
    imagesInTrash: z.number().int(),
    albums: z.number().int(),
    articles: z.number().int(),
    articlesInTrash: z.number().int(),
    captions: z.object({ pending: z.number().int(), done: z.number().int(), failed: z.number().int(), paused: z.boolean() }),
  }),
  /** Stored settings by key; secret-looking keys are left out and long values shortened. */
  settings: z.record(z.string(), z.string()),
  log: z.object({ file: z.string(), lines: z.array(z.string()) }),
})
export type Diagnostics = z.infer<typeof Diagnostics>

const cell = (v: unknown): string => (v === null || v === undefined || v === '' ? '—' : String(v).replace(/\|/g, '\\|').replace(/\n/g, ' '))

function bytes(n: number | null): string {
  if (n === null) return '—'
  if (n >= 1024 ** 3) return `${(n / 1024 ** 3).toFixed(1)} GB`
  if (n >= 1024 ** 2) return `${(n / 1024 ** 2).toFixed(1)} MB`
  return `${Math.round(n / 1024)} KB`
}

/** The report as Markdown; `client` names the browser or window that asked (the renderer adds it). */
export function diagnosticsMarkdown(d: Diagnostics, client?: string): string {
  const s = d.system
  const inf = d.inference
  const lines = [
    `## Folio diagnostics`,
    '',
    `- Generated: ${new Date(d.generatedAt).toISOString()}`,
    `- ${d.app.name} ${d.app.version} (document schema ${d.app.docSchema})`,
    `- Runtime: Node ${d.runtime.node}, V8 ${d.runtime.v8}, Electron ${d.runtime.electron ?? '—'}, Chromium ${d.runtime.chromium ?? '—'}`,
    ...(client ? [`- Client: ${client}`] : []),
    `- System: ${s.platform} ${s.release} ${s.arch}; ${s.cpu} × ${s.cores}; RAM ${bytes(s.ramBytes)} (${bytes(s.freeRamBytes)} free)`,
    `- Data folder: ${d.app.dataDir}`,
    '',
    '### Inference',
    '',
    `- Backend: ${inf.backend} — ${inf.backendMessage}`,
    `- Threads: ${inf.threads}; GPU devices: ${inf.gpuDevices.length ? inf.gpuDevices.join(', ') : 'none'}`,
    `- llama.cpp: ${inf.llamaCpp ?? '—'} (${inf.llamaCppBuild ?? '—'}); node-llama-cpp ${inf.nodeLlamaCpp ?? '—'}`,
    `- Vision engine (llama-server): ${inf.llamaServer.file ? `${inf.llamaServer.file} from ${inf.llamaServer.source ?? '—'}` : (inf.llamaServer.message ?? 'not found')}`,
    '',
    '### Models',
    '',
  ]
  if (d.models.length === 0) lines.push('No models.')
  else {
    lines.push('| name | roles | file or endpoint | size | architecture | quantization | context |', '| --- | --- | --- | --- | --- | --- | --- |')
    for (const m of d.models) {
      const where = m.kind === 'remote' ? `${m.endpoint ?? '—'}${m.remoteModel ? ` (${m.remoteModel})` : ''}${m.hasApiKey ? ', API key set' : ''}` : `${m.file ?? '—'}${m.mmproj ? ` + ${m.mmproj}` : ''}`
      lines.push(`| ${cell(m.name)} | ${cell(m.roles.join(', '))} | ${cell(where)} | ${bytes(m.sizeBytes)} | ${cell(m.architecture)} | ${cell(m.quantization)} | ${cell(m.contextLength)} |`)
    }
  }
  const l = d.library
  lines.push(
    '',
    '### Library',
    '',
    `- Images: ${l.images} (${l.imagesInTrash} in the trash); albums: ${l.albums}`,
    `- Captions: ${l.captions.done} done, ${l.captions.pending} pending, ${l.captions.failed} failed${l.captions.paused ? ' (paused)' : ''}`,
    `- Articles: ${l.articles} (${l.articlesInTrash} in the trash)`,
    '',
    '### Settings',
    '',
  )
  const settings = Object.entries(d.settings)
  if (settings.length === 0) lines.push('Defaults only.')
  else lines.push('| key | value |', '| --- | --- |', ...settings.map(([k, v]) => `| ${cell(k)} | ${cell(v)} |`))
  lines.push('', `### Last ${d.log.lines.length} log lines (${d.log.file})`, '', '```', ...d.log.lines, '```', '')
  return lines.join('\n')
}
