/**
 * Turns roles into engines: a local writer/embedder runs in node-llama-cpp, a local vision model
 * in a managed llama-server, a remote model through the OpenAI-compatible client. Keeps a model
 * file resident in one engine at a time unless memory allows both, and records every generation's
 * stats.
 */
import { freemem } from 'node:os'
import type { Llama } from 'node-llama-cpp'
import type { GenerationStats, ModelRole } from '../../shared/api'
import { FolioError } from '../../shared/errors'
import type { EventBus } from '../common/event-bus'
import type { ModelRepo, ModelRow } from '../models/model-repo'
import type { ModelRegistry } from '../models/model-registry'
import type { z } from 'zod'
import type { Engine, GenerateRequest, GenerateResult, JsonSchema } from './engine'
import { generateStructured, type StructuredResult } from './structured'
import type { DownloadProgress } from '../../shared/api'
import { bundledLlamaCpp, defaultCacheRoot, findLlamaServer, type GpuFlavour } from './llama-server/binary'
import { installReleaseLlamaServer } from './llama-server/release-download'
import { LlamaServerManager, type LlamaServerStatus } from './llama-server/manager'
import type { NodeLlamaEngine } from './llama/node-llama-engine'
import type { LlamaRuntime } from './llama/runtime'
import { OpenAICompatibleEngine } from './openai/client'

export interface InferenceDeps {
  registry: ModelRegistry
  repo: ModelRepo
  events: EventBus
  logsDir: string
  /** A llama-server chosen in Settings. */
  llamaServerPath?: () => string | null
  now?: () => number
  /** Memory both copies of a model would need beyond its file size (KV cache, buffers). */
  residentOverheadBytes?: number
  idleStopMs?: number
}

export class InferenceService {
  private readonly local = new Map<string, NodeLlamaEngine>()
  private readonly remote = new Map<string, OpenAICompatibleEngine>()
  private server: LlamaServerManager | null = null
  private serverModel: string | null = null
  private serverStatus: LlamaServerStatus | null = null
  private lastStats: GenerationStats | null = null
  /** On a CPU backend, requests to different engines take turns (see generate). */
  private cpuTurn: Promise<unknown> = Promise.resolve()

  constructor(private readonly deps: InferenceDeps) {
    const last = deps.repo.lastGeneration()
    if (last) this.lastStats = JSON.parse(last.stats) as GenerationStats
  }

  /** node-llama-cpp is imported on first use: it costs ~0.6 s, which commands without a model should not pay. */
  async runtime(): Promise<LlamaRuntime> {
    const { getLlamaRuntime } = await import('./llama/runtime')
    return getLlamaRuntime()
  }

  async llama(): Promise<Llama> {
    return (await this.runtime()).llama
  }

  /** The engine for a role (or an explicit model), created on first use and then reused. */
  async engineFor(role: ModelRole, modelId?: string): Promise<Engine> {
    const row = modelId ? this.deps.registry.row(modelId) : this.deps.registry.forRole(role)
    if (row.kind === 'remote') return this.remoteEngine(row, role)
    if (role === 'vision') return this.visionEngine(row)
    return this.localEngine(row)
  }

  async generate(
    role: ModelRole,
    req: GenerateRequest,
    opts: { modelId?: string; purpose?: string } = {},
  ): Promise<GenerateResult> {
    const engine = await this.engineFor(role, opts.modelId)
    // Two llama.cpp engines using every core at once (the writer in-process and the vision
    // server) slowed generation 10-300x in measurements; on the CPU they run one after another.
    const rt = await this.runtime()
    const result = rt.backend === 'cpu' ? await this.takeCpuTurn(() => engine.generate(req), req.signal) : await engine.generate(req)
    const stats: GenerationStats = pickStats(result.stats)
    this.lastStats = stats
    const modelId = opts.modelId ?? this.deps.registry.roles()[role]
    this.deps.repo.recordGeneration(modelId, opts.purpose ?? 'generate', stats, (this.deps.now ?? Date.now)())
    this.deps.events.emit('inference.stats', { stats })
    return { text: result.text, stats }
  }

  private takeCpuTurn<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const run = this.cpuTurn.then(() => {
      if (signal?.aborted) throw new FolioError('CANCELLED', 'The request was cancelled.')
      return fn()
    })
    this.cpuTurn = run.catch(() => undefined)
    return run
  }

  /** A JSON answer validated by `validator` (grammar-constrained; one retry; BAD_RESPONSE after). */
  async generateJson<T>(
    role: ModelRole,
    req: Omit<GenerateRequest, 'jsonSchema'> & { jsonSchema: JsonSchema },
    validator: z.ZodType<T>,
    opts: { modelId?: string; purpose?: string } = {},
  ): Promise<StructuredResult<T>> {
    return generateStructured((q) => this.generate(role, q, opts), req, validator)
  }

  async status(): Promise<{
    backend: string
    backendMessage: string
    threads: number
    writer: string | null
    vision: string | null
    embedder: string | null
    lastStats: GenerationStats | null
  }> {
    const roles = this.deps.registry.roles()
    const name = (id: string | null) => (id ? this.deps.registry.list().find((m) => m.id === id)?.name ?? null : null)
    let backend = 'cpu'
    let message: string
    let threads = 0
    try {
      const rt = await this.runtime()
      backend = rt.backend
      message = rt.message
      threads = rt.threads
    } catch (e) {
      message = `llama.cpp could not start: ${(e as Error).message}`
    }
    return {
      backend,
      backendMessage: message,
      threads,
      writer: name(roles.writer),
      vision: name(roles.vision),
      embedder: name(roles.embedder),
      lastStats: this.lastStats,
    }
  }

  llamaServerInfo(): { path: string | null; source: string | null; message: string | null } {
    const found = findLlamaServer({ settingsPath: this.deps.llamaServerPath?.() ?? null })
    return found.path === null
      ? { path: null, source: null, message: found.message }
      : { path: found.path, source: found.source, message: null }
  }

  async installLlamaServer(
    gpu: GpuFlavour,
    opts: { signal?: AbortSignal; onProgress?: (p: DownloadProgress) => void },
  ): Promise<{ path: string; asset: string }> {
    const out = await installReleaseLlamaServer({
      tag: bundledLlamaCpp().tag,
      cacheRoot: defaultCacheRoot(),
      gpu,
      signal: opts.signal,
      onProgress: opts.onProgress,
    })
    // The next vision request starts the newly installed binary.
    await this.server?.dispose()
    this.server = null
    return out
  }

  /** Forgets engines of models that were removed or re-configured. */
  async invalidate(): Promise<void> {
    const known = new Set(this.deps.registry.list().map((m) => m.id))
    for (const [id, e] of this.local) {
      if (!known.has(id)) {
        this.local.delete(id)
        await e.dispose()
      }
    }
    for (const [id, e] of this.remote) {
      if (!known.has(id)) {
        this.remote.delete(id)
        await e.dispose()
      }
    }
  }

  async dispose(): Promise<void> {
    await Promise.allSettled([...this.local.values()].map((e) => e.dispose()))
    await Promise.allSettled([...this.remote.values()].map((e) => e.dispose()))
    this.local.clear()
    this.remote.clear()
    await this.server?.dispose()
    this.server = null
  }

  private async localEngine(row: ModelRow): Promise<NodeLlamaEngine> {
    const existing = this.local.get(row.id)
    if (existing) return existing
    const rt = await this.runtime()
    const { NodeLlamaEngine } = await import('./llama/node-llama-engine')
    let lastSent = -1
    const engine = new NodeLlamaEngine(rt, row.path!, {
      id: row.id,
      modelName: row.name,
      onLoadProgress: (progress) => {
        // At most ~50 events per load, and always the final one.
        if (progress < 1 && progress - lastSent < 0.02) return
        lastSent = progress
        this.deps.events.emit('inference.loading', { model: row.name, progress })
      },
      // A model file is resident once: stop the vision server holding it unless both copies fit.
      beforeLoad: async () => {
        if (this.server && this.serverModel === row.path && !this.bothFit(row)) {
          await this.server.stop()
          this.serverModel = null
        }
      },
    })
    this.local.set(row.id, engine)
    return engine
  }

  private async visionEngine(row: ModelRow): Promise<Engine> {
    if (!row.mmproj) {
      throw new FolioError('NO_VISION', `"${row.name}" cannot see images — add a vision model (a GGUF model with its mmproj projector).`)
    }
    const cached = this.remote.get(`vision:${row.id}`)
    if (cached) return cached
    const manager = this.serverManager()
    const rt = await this.runtime()
    const provider = manager.endpointProvider(row.path!, row.mmproj)
    const engine = new OpenAICompatibleEngine({
      id: `vision:${row.id}`,
      vision: true,
      backend: rt.backend,
      threads: rt.threads,
      endpoint: async (signal) => {
        const writer = this.local.get(row.id)
        if (writer?.isLoaded && !this.bothFit(row)) await writer.unload()
        this.serverModel = row.path
        const lease = await provider(signal)
        return { baseUrl: lease.baseUrl, apiKey: lease.apiKey, loadMs: lease.loadMs, release: () => lease.release() }
      },
    })
    this.remote.set(`vision:${row.id}`, engine)
    return engine
  }

  private remoteEngine(row: ModelRow, role: ModelRole): OpenAICompatibleEngine {
    const key = `${role}:${row.id}`
    const cached = this.remote.get(key)
    if (cached) return cached
    if (role === 'vision' && !row.vision) {
      throw new FolioError('NO_VISION', `"${row.name}" is not marked as a vision model — add a vision model.`)
    }
    const engine = new OpenAICompatibleEngine({
      id: key,
      baseUrl: row.url!,
      apiKey: this.deps.registry.apiKey(row) ?? undefined,
      model: row.remote_model ?? undefined,
      vision: !!row.vision,
      embeddings: role === 'embedder',
    })
    this.remote.set(key, engine)
    return engine
  }

  private serverManager(): LlamaServerManager {
    if (this.server) return this.server
    const found = findLlamaServer({ settingsPath: this.deps.llamaServerPath?.() ?? null })
    if (found.path === null) throw new FolioError('NOT_FOUND', found.message)
    this.server = new LlamaServerManager(
      { binaryPath: found.path, logsDir: this.deps.logsDir, onStatus: (s) => (this.serverStatus = s) },
      { idleStopMs: this.deps.idleStopMs },
    )
    return this.server
  }

  /** Rough but safe: two copies need the file twice plus working memory, within free RAM. */
  private bothFit(row: ModelRow): boolean {
    const size = row.size_bytes ?? Number.POSITIVE_INFINITY
    return 2 * size + (this.deps.residentOverheadBytes ?? 1e9) < freemem()
  }

  get visionServerStatus(): LlamaServerStatus | null {
    return this.serverStatus
  }
}

function pickStats(s: GenerateResult['stats']): GenerationStats {
  return {
    model: s.model,
    backend: s.backend,
    threads: s.threads,
    loadMs: s.loadMs,
    ttftMs: s.ttftMs,
    totalMs: s.totalMs,
    promptTokens: s.promptTokens,
    completionTokens: s.completionTokens,
    promptTokensPerSecond: s.promptTokensPerSecond,
    tokensPerSecond: s.tokensPerSecond,
    stopReason: s.stopReason,
  }
}
