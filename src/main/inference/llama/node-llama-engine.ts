/**
 * `NodeLlamaEngine`: the in-process text + embedding engine on node-llama-cpp.
 *
 * - Lazy: the model (and its chat context / embedding context) loads on first use; the request
 *   that waited for the load reports it as `stats.loadMs`. `unload()` frees native memory and the
 *   engine reloads on the next request; `dispose()` is final.
 * - Checks the file and the memory fit before loading (model-check.ts).
 * - Chat wrapper resolved once per engine (it costs ~300 ms per call otherwise).
 * - One FIFO queue per engine over `sequences` context sequences (default 1). A request holds one
 *   sequence from its first to its last token, so streams never interleave; a request cancelled
 *   while queued is removed without running.
 * - Prefix reuse: each sequence keeps one `LlamaChat`; node-llama-cpp compares the new prompt's
 *   tokens with the tokens already in the sequence and only evaluates from the first difference.
 *   With several sequences a request goes to the free one whose last prompt shares the most
 *   leading messages with it.
 * - Cancelling a running request stops it after the current token: it resolves with the partial
 *   text and `stopReason: 'cancelled'`. A request cancelled before it started (queued, or while
 *   the model loads) rejects with FolioError CANCELLED.
 * - Prompts are counted before generating: one that does not fit the context is refused
 *   (INVALID_INPUT, reason 'context-too-small') instead of node-llama-cpp silently dropping
 *   messages, and maxTokens is clamped to the room left.
 * - JSON schemas are checked for keywords a grammar would silently ignore (pattern, minimum…),
 *   then compiled once per distinct schema.
 * - Errors: NO_VISION (images), MODEL_INVALID / MODEL_TOO_LARGE / NOT_FOUND (load), INVALID_INPUT
 *   (request), CANCELLED, INTERNAL.
 */
import { basename } from 'node:path'
import { performance } from 'node:perf_hooks'
import {
  LlamaChat,
  resolveChatWrapper,
  type ChatHistoryItem,
  type ChatWrapper,
  type GbnfJsonSchema,
  type Llama,
  type LlamaContext,
  type LlamaEmbeddingContext,
  type LlamaGrammar,
  type LlamaModel,
} from 'node-llama-cpp'
import { FolioError } from '../../../shared/errors'
import type {
  Engine,
  EngineCapabilities,
  GenerateRequest,
  GenerateResult,
  GenerationStats,
  StopReason,
} from '../engine'
import { ensureModelFits, inspectModelFile, type FitReport, type MemoryBudget } from './model-check'
import type { LlamaBackend } from './runtime'

/** What the engine needs from the runtime (a `LlamaRuntime` satisfies it). */
export interface EngineRuntime {
  readonly llama: Llama
  readonly backend: LlamaBackend
  /** Current thread cap. */
  readonly threads: number
  /** Threads contexts are created for (defaults to `threads`). */
  readonly defaultThreads?: number
}

export interface NodeLlamaEngineOptions {
  id?: string
  /** Shown in stats; default: the file name. */
  modelName?: string
  /** Tokens of context per sequence; default min(4096, the model's training context). */
  contextSize?: number
  /** Default: the runtime's threads (physical cores). */
  threads?: number
  /** GPU layers: 'auto' (default, as many as fit), 'max', or a count. Ignored on CPU. */
  gpuLayers?: number | 'auto' | 'max'
  /** Parallel context sequences (default 1). Each request still gets its own coherent stream. */
  sequences?: number
  /** Embedding context size; default min(contextSize, 2048). */
  embeddingContextSize?: number
  /** Temperature when a request gives none (default 0.7). */
  defaultTemperature?: number
  /** Validate the file and the memory fit before loading (default true). */
  checkModel?: boolean
  /** Memory budget for the fit check (default: measured free RAM/VRAM). */
  memoryBudget?: MemoryBudget
  /** Called before each (re)load, e.g. so a model manager can unload other engines first. */
  beforeLoad?: (engine: NodeLlamaEngine) => void | Promise<void>
  /** Loading progress, 0…1 (for a progress bar while a multi-GB model is read). */
  onLoadProgress?: (progress: number) => void
}

/** GenerationStats plus what only this engine knows. */
export interface NodeLlamaGenerationStats extends GenerationStats {
  /** Prompt tokens actually evaluated (the rest were reused from the sequence's cache). */
  promptTokensEvaluated: number
  /** Prompt tokens reused from the previous request on the same sequence. */
  promptTokensReused: number
  /** Time spent waiting for a free sequence (and behind the load of the model). */
  queueMs: number
  /** Which context sequence served the request. */
  sequence: number
}

export interface NodeLlamaGenerateResult extends GenerateResult {
  stats: NodeLlamaGenerationStats
}

interface Loaded {
  model: LlamaModel
  fit: FitReport | null
  loadMs: number
}

interface Slot {
  chat: LlamaChat
  /** Messages of the last prompt this slot evaluated (for prefix-affinity when sequences > 1). */
  lastMessages: readonly { role: string; content: string }[]
}

const CANCELLED_MESSAGE = 'The request was cancelled.'

export class NodeLlamaEngine implements Engine {
  readonly id: string
  readonly capabilities: EngineCapabilities = { text: true, vision: false, embeddings: true }
  readonly modelPath: string
  readonly modelName: string

  private readonly runtime: EngineRuntime
  private readonly opts: NodeLlamaEngineOptions
  private readonly sequences: number
  private readonly pool: SlotPool

  private loading: Promise<Loaded> | null = null
  private loaded: Loaded | null = null
  private chatState: Promise<{ context: LlamaContext; slots: Slot[] }> | null = null
  private embeddingState: Promise<LlamaEmbeddingContext> | null = null
  private chatWrapper: ChatWrapper | null = null
  private readonly grammars = new Map<string, Promise<LlamaGrammar>>()
  private readonly running = new Set<AbortController>()
  private embedChain: Promise<unknown> = Promise.resolve()
  private disposed = false
  private disposing: Promise<void> | null = null
  private chatStateReady: { context: LlamaContext; slots: Slot[] } | null = null

  constructor(runtime: EngineRuntime, modelPath: string, options: NodeLlamaEngineOptions = {}) {
    this.runtime = runtime
    this.modelPath = modelPath
    this.opts = options
    this.modelName = options.modelName ?? basename(modelPath)
    this.id = options.id ?? `llama:${this.modelName}`
    this.sequences = Math.max(1, Math.floor(options.sequences ?? 1))
    this.pool = new SlotPool(this.sequences)
  }

  get backend(): LlamaBackend {
    return this.runtime.backend
  }

  /** Threads this engine's contexts ask for (the runtime's current cap applies per batch). */
  get threads(): number {
    const wanted = this.idealThreads
    const max = this.runtime.llama.maxThreads
    return max > 0 ? Math.min(wanted, max) : wanted
  }

  /** Whether the model is in memory now. */
  get isLoaded(): boolean {
    return this.loaded !== null
  }

  /** The fit report of the current load (null before loading or when checks are off). */
  get fit(): FitReport | null {
    return this.loaded?.fit ?? null
  }

  /** Requests waiting for a sequence. */
  get queued(): number {
    return this.pool.waiting
  }

  /** Loads the model now (otherwise the first request does). Returns the load time in ms (0 if loaded). */
  async load(): Promise<number> {
    this.ensureUsable()
    const wasLoaded = this.loaded !== null
    const loaded = await this.ensureModel()
    return wasLoaded ? 0 : loaded.loadMs
  }

  // -------------------------------------------------------------------------------------------
  // Generation

  async generate(req: GenerateRequest): Promise<NodeLlamaGenerateResult> {
    const tRequest = performance.now()
    this.ensureUsable()
    validateRequest(req)
    if (req.signal?.aborted) throw cancelled()

    const slotIndex = await this.pool.acquire(req.signal, (free) => this.pickSlot(free, req))
    const abort = new AbortController()
    const onAbort = (): void => abort.abort(req.signal?.reason)
    req.signal?.addEventListener('abort', onAbort, { once: true })
    if (req.signal?.aborted) onAbort() // aborted between getting the slot and listening
    this.running.add(abort)
    try {
      if (this.disposed) throw new FolioError('CANCELLED', 'The engine was disposed.')
      if (abort.signal.aborted) throw cancelled()
      const tLoad = performance.now()
      const wasReady = this.chatStateReady !== null
      const { slots } = await this.ensureChat()
      const loadMs = wasReady ? 0 : performance.now() - tLoad
      if (abort.signal.aborted) throw cancelled()
      const grammar = req.jsonSchema ? await this.grammarFor(req.jsonSchema) : undefined
      return await this.runOnSlot(slots[slotIndex], slotIndex, req, grammar, abort.signal, tRequest, loadMs)
    } finally {
      req.signal?.removeEventListener('abort', onAbort)
      this.running.delete(abort)
      this.pool.release(slotIndex)
    }
  }

  private async runOnSlot(
    slot: Slot,
    slotIndex: number,
    req: GenerateRequest,
    grammar: LlamaGrammar | undefined,
    signal: AbortSignal,
    tRequest: number,
    loadMs: number,
  ): Promise<NodeLlamaGenerateResult> {
    const chat = slot.chat
    const sequence = chat.sequence
    const history = toChatHistory(req)
    const temperature = req.temperature ?? this.opts.defaultTemperature ?? 0.7

    // LlamaChat silently drops messages that do not fit the context (a too-long prompt can lose the
    // whole user message), so count first (~1 ms per 2k tokens): refuse a prompt that does not fit,
    // and clamp maxTokens to the room left (the result then stops with 'maxTokens').
    const contextSize = sequence.contextSize
    const promptCount = chat.chatWrapper.generateContextState({ chatHistory: history }).contextText.tokenize(chat.model.tokenizer).length
    if (promptCount >= contextSize) {
      throw new FolioError(
        'INVALID_INPUT',
        `The prompt is ${promptCount.toLocaleString('en-US')} tokens but the model's context holds ${contextSize.toLocaleString('en-US')}; shorten it or raise the context size.`,
        { details: { reason: 'context-too-small', promptTokens: promptCount, contextSize } },
      )
    }
    const maxTokens = Math.min(req.maxTokens, contextSize - promptCount)

    const meterStart = sequence.tokenMeter.getState()
    const tStart = performance.now()
    let tFirst = 0
    let tLast = 0
    let completionTokens = 0
    // Tokens this request evaluated before its first output token: the prompt minus the prefix the
    // sequence already held (node-llama-cpp re-evaluates at least the last prompt token).
    let promptEvaluated = -1
    const notePrompt = (fedBack: number): void => {
      const used = sequence.tokenMeter.diff(meterStart)
      promptEvaluated = used.usedInputTokens + used.usedOutputTokens - fedBack
    }
    const onToken = req.onToken
    let text = ''
    let stopReason: StopReason
    try {
      const res = await chat.generateResponse(history, {
        maxTokens,
        temperature,
        ...(req.seed !== undefined ? { seed: req.seed } : {}),
        ...(grammar ? { grammar } : {}),
        signal,
        stopOnAbortSignal: true,
        trimWhitespaceSuffix: false,
        onToken: (tokens) => {
          const now = performance.now()
          completionTokens += tokens.length
          if (tFirst === 0) {
            tFirst = now
            // At the first emitted token, all but one of the emitted tokens were fed back.
            notePrompt(completionTokens - 1)
          }
          tLast = now
        },
        ...(onToken ? { onTextChunk: (chunk: string) => onToken(chunk) } : {}),
      })
      text = res.response
      stopReason = mapStopReason(res.metadata.stopReason, signal.aborted)
    } catch (err) {
      if (!signal.aborted) throw toEngineError(err)
      stopReason = 'cancelled' // aborted before the first token
    }
    const tEnd = performance.now()
    if (promptEvaluated < 0) notePrompt(0)
    slot.lastMessages = req.messages.map((m) => ({ role: m.role, content: m.content }))

    const ttftMs = (tFirst || tEnd) - tRequest
    const promptMs = (tFirst || tEnd) - tStart
    const decodeTokensPerSecond =
      completionTokens > 1 && tLast > tFirst
        ? ((completionTokens - 1) * 1000) / (tLast - tFirst)
        : completionTokens > 0
          ? (completionTokens * 1000) / Math.max(1e-3, tEnd - tStart)
          : 0
    const stats: NodeLlamaGenerationStats = {
      model: this.modelName,
      backend: this.runtime.backend,
      threads: sequence.context.currentThreads || this.threads,
      loadMs,
      ttftMs,
      totalMs: tEnd - tRequest,
      promptTokens: promptCount,
      completionTokens,
      promptTokensPerSecond: promptEvaluated > 0 && promptMs > 0 ? (promptEvaluated * 1000) / promptMs : 0,
      tokensPerSecond: decodeTokensPerSecond,
      stopReason,
      promptTokensEvaluated: Math.min(promptCount, Math.max(0, promptEvaluated)),
      promptTokensReused: Math.max(0, promptCount - promptEvaluated),
      queueMs: Math.max(0, tStart - tRequest - loadMs),
      sequence: slotIndex,
    }
    return { text, stats }
  }

  /** Free slot whose last prompt shares the most leading messages (then characters) with this one. */
  private pickSlot(free: readonly number[], req: GenerateRequest): number {
    if (free.length === 1 || !this.chatStateReady) return free[0]
    let best = free[0]
    let bestScore = -1
    for (const i of free) {
      const score = sharedPrefixScore(this.chatStateReady.slots[i].lastMessages, req.messages)
      if (score > bestScore) {
        best = i
        bestScore = score
      }
    }
    return best
  }

  private async grammarFor(schema: Record<string, unknown>): Promise<LlamaGrammar> {
    const key = JSON.stringify(schema)
    let pending = this.grammars.get(key)
    if (!pending) {
      checkJsonSchema(schema)
      const llama = this.runtime.llama
      // Folio's JsonSchema is an open record; node-llama-cpp's type is a closed union — validated at run time.
      const create = llama.createGrammarForJsonSchema.bind(llama) as unknown as (s: GbnfJsonSchema) => Promise<LlamaGrammar>
      pending = create(schema as GbnfJsonSchema)
      this.grammars.set(key, pending)
      pending.catch(() => this.grammars.delete(key))
    }
    try {
      return await pending
    } catch (err) {
      throw new FolioError('INVALID_INPUT', `Unsupported JSON schema: ${errText(err)}`, { cause: err })
    }
  }

  // -------------------------------------------------------------------------------------------
  // Embeddings

  async embed(texts: string[], signal?: AbortSignal): Promise<number[][]> {
    this.ensureUsable()
    if (!Array.isArray(texts) || texts.some((t) => typeof t !== 'string')) {
      throw new FolioError('INVALID_INPUT', 'embed() takes an array of strings.')
    }
    if (signal?.aborted) throw cancelled()
    // Serialised: one embedding context, and unload() waits on this chain.
    const run = this.embedChain.then(async () => {
      this.ensureUsable()
      const ctx = await this.ensureEmbedding()
      const size = this.loaded?.model.fileInsights.embeddingVectorSize ?? 0
      const out: number[][] = []
      for (const text of texts) {
        if (signal?.aborted) throw cancelled()
        try {
          const { vector } = await ctx.getEmbeddingFor(text)
          out.push(vector.length > 0 ? Array.from(vector) : new Array<number>(size).fill(0))
        } catch (err) {
          if (/longer than the (usable )?context size/i.test(errText(err))) {
            throw new FolioError('INVALID_INPUT', `Text too long to embed (${text.length} characters): ${errText(err)}`, {
              cause: err,
            })
          }
          throw toEngineError(err)
        }
      }
      return out
    })
    this.embedChain = run.catch(() => undefined)
    return run
  }

  // -------------------------------------------------------------------------------------------
  // Lifecycle

  /**
   * Frees the model, contexts and KV caches but keeps the engine usable (it reloads lazily).
   * Waits for running requests and queued requests ahead of it; requests queued after it wait.
   */
  async unload(): Promise<void> {
    if (this.disposed) return
    let releaseAll: () => void
    try {
      releaseAll = await this.pool.acquireAll()
    } catch {
      return // disposed while waiting
    }
    try {
      await this.freeAfterEmbeds()
    } finally {
      releaseAll()
    }
  }

  /** Frees native memory once queued embeddings are done (and before later ones start). */
  private freeAfterEmbeds(): Promise<void> {
    const done = this.embedChain.then(() => this.freeNative())
    this.embedChain = done.catch(() => undefined)
    return done
  }

  async dispose(): Promise<void> {
    if (this.disposing) return this.disposing
    this.disposed = true
    this.disposing = (async () => {
      this.pool.rejectWaiting(() => new FolioError('CANCELLED', 'The engine was disposed.'))
      for (const abort of this.running) abort.abort(new FolioError('CANCELLED', 'The engine was disposed.'))
      const releaseAll = await this.pool.acquireAll(true)
      try {
        await this.freeAfterEmbeds()
        this.grammars.clear()
      } finally {
        releaseAll()
      }
    })()
    return this.disposing
  }

  private async freeNative(): Promise<void> {
    const chatState = this.chatState
    const embedding = this.embeddingState
    const loading = this.loading
    this.chatState = null
    this.chatStateReady = null
    this.embeddingState = null
    this.loading = null
    this.loaded = null
    const ctx = await chatState?.catch(() => null)
    if (ctx) {
      for (const slot of ctx.slots) slot.chat.dispose({ disposeSequence: true })
      await ctx.context.dispose()
    }
    const emb = await embedding?.catch(() => null)
    await emb?.dispose()
    const loaded = await loading?.catch(() => null)
    await loaded?.model.dispose()
  }

  private ensureUsable(): void {
    // CANCELLED (retryable): a caller racing a model switch asks its service again and gets a new engine.
    if (this.disposed) throw new FolioError('CANCELLED', `The engine ${this.id} has been disposed.`)
  }

  private ensureModel(): Promise<Loaded> {
    if (!this.loading) {
      const pending = this.loadModel()
      this.loading = pending
      pending.then(
        (l) => {
          if (this.loading === pending) this.loaded = l
        },
        () => {
          if (this.loading === pending) this.loading = null
        },
      )
    }
    return this.loading
  }

  private async loadModel(): Promise<Loaded> {
    const t0 = performance.now()
    await this.opts.beforeLoad?.(this)
    const llama = this.runtime.llama
    let fit: FitReport | null = null
    let gpuLayers: number | 'auto' | 'max' = this.runtime.backend === 'cpu' ? 0 : (this.opts.gpuLayers ?? 'auto')
    if (this.opts.checkModel !== false) {
      const inspected = await inspectModelFile(llama, this.modelPath)
      fit = await ensureModelFits(llama, inspected, {
        contextSize: this.resolveContextSize(inspected.trainContextSize),
        sequences: this.sequences,
        gpuLayers,
        memory: this.opts.memoryBudget,
      })
      gpuLayers = fit.gpuLayers
    }
    let model: LlamaModel
    try {
      model = await llama.loadModel({
        modelPath: this.modelPath,
        gpuLayers,
        onLoadProgress: this.opts.onLoadProgress ? (p) => this.opts.onLoadProgress?.(p) : undefined,
      })
    } catch (err) {
      throw new FolioError('MODEL_INVALID', `llama.cpp could not load "${this.modelName}": ${errText(err)}`, {
        cause: err,
        retryable: false,
        details: { reason: 'load-failed', path: this.modelPath },
      })
    }
    // Resolved once per engine (the model file does not change), not per request or reload.
    if (!this.chatWrapper) this.chatWrapper = resolveChatWrapper(model)
    return { model, fit, loadMs: performance.now() - t0 }
  }

  private resolveContextSize(train: number | null | undefined): number {
    const wanted = this.opts.contextSize ?? 4096
    return train ? Math.min(wanted, train) : wanted
  }

  private ensureChat(): Promise<{ context: LlamaContext; slots: Slot[] }> {
    if (!this.chatState) {
      const pending = (async () => {
        const { model } = await this.ensureModel()
        let context: LlamaContext
        try {
          context = await this.withIdealThreads(() =>
            model.createContext({
              contextSize: this.resolveContextSize(model.trainContextSize),
              sequences: this.sequences,
              threads: this.idealThreads,
            }),
          )
        } catch (err) {
          throw new FolioError('INTERNAL', `Could not create a context for "${this.modelName}": ${errText(err)}`, {
            cause: err,
          })
        }
        const chatWrapper = this.chatWrapper ?? resolveChatWrapper(model)
        const slots: Slot[] = Array.from({ length: this.sequences }, () => ({
          chat: new LlamaChat({ contextSequence: context.getSequence(), chatWrapper, autoDisposeSequence: true }),
          lastMessages: [],
        }))
        return { context, slots }
      })()
      this.chatState = pending
      pending.then(
        (s) => {
          if (this.chatState === pending) this.chatStateReady = s
        },
        () => {
          if (this.chatState === pending) this.chatState = null
        },
      )
    }
    return this.chatState
  }

  /** Threads a context should use when nothing else caps it: the option, else physical cores. */
  private get idealThreads(): number {
    return this.opts.threads ?? this.runtime.defaultThreads ?? this.runtime.threads
  }

  /**
   * node-llama-cpp fixes a context's ideal threads at creation, clamped to the llama's current cap.
   * Create contexts with the cap lifted to the ideal so that a temporary `runtime.setThreads(1)`
   * does not stick to contexts created meanwhile; the cap still applies to every decoded batch.
   */
  private async withIdealThreads<T>(create: () => Promise<T>): Promise<T> {
    const llama = this.runtime.llama
    const cap = llama.maxThreads
    if (cap === 0 || cap >= this.idealThreads) return create()
    llama.maxThreads = this.idealThreads
    try {
      return await create()
    } finally {
      llama.maxThreads = cap
    }
  }

  private ensureEmbedding(): Promise<LlamaEmbeddingContext> {
    if (!this.embeddingState) {
      const pending = (async () => {
        const { model } = await this.ensureModel()
        const contextSize = this.opts.embeddingContextSize ?? Math.min(this.resolveContextSize(model.trainContextSize), 2048)
        try {
          return await this.withIdealThreads(() => model.createEmbeddingContext({ contextSize, threads: this.idealThreads }))
        } catch (err) {
          throw new FolioError('INTERNAL', `Could not create an embedding context for "${this.modelName}": ${errText(err)}`, {
            cause: err,
          })
        }
      })()
      this.embeddingState = pending
      pending.catch(() => {
        if (this.embeddingState === pending) this.embeddingState = null
      })
    }
    return this.embeddingState
  }

}

// ---------------------------------------------------------------------------------------------
// Helpers

function cancelled(): FolioError {
  return new FolioError('CANCELLED', CANCELLED_MESSAGE)
}

function errText(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}

function toEngineError(err: unknown): FolioError {
  if (err instanceof FolioError) return err
  if (/context size is too small/i.test(errText(err))) {
    return new FolioError('INVALID_INPUT', 'The prompt is too long for this model\'s context; shorten it or raise the context size.', {
      cause: err,
      details: { reason: 'context-too-small' },
    })
  }
  return new FolioError('INTERNAL', `Generation failed: ${errText(err)}`, { cause: err })
}

export const NO_VISION_MESSAGE = 'This model cannot see images — add a vision model (a GGUF model with its mmproj projector).'

function validateRequest(req: GenerateRequest): void {
  const hasImages = (req.images?.length ?? 0) > 0 || req.messages?.some((m) => (m.images?.length ?? 0) > 0)
  if (hasImages) {
    throw new FolioError('NO_VISION', NO_VISION_MESSAGE, { retryable: false, details: { reason: 'no-vision' } })
  }
  if (!Array.isArray(req.messages) || req.messages.length === 0) {
    throw new FolioError('INVALID_INPUT', 'A generation request needs at least one message.')
  }
  for (const m of req.messages) {
    if (m.role !== 'system' && m.role !== 'user' && m.role !== 'assistant') {
      throw new FolioError('INVALID_INPUT', `Unknown message role "${String(m.role)}".`)
    }
    if (typeof m.content !== 'string') throw new FolioError('INVALID_INPUT', 'Message content must be a string.')
  }
  if (!Number.isInteger(req.maxTokens) || req.maxTokens < 1) {
    throw new FolioError('INVALID_INPUT', `maxTokens must be a positive integer, got ${String(req.maxTokens)}.`)
  }
  if (req.temperature !== undefined && !(req.temperature >= 0)) {
    throw new FolioError('INVALID_INPUT', `temperature must be ≥ 0, got ${String(req.temperature)}.`)
  }
}

/** Maps Folio messages to node-llama-cpp's chat history; a trailing assistant message is continued. */
export function toChatHistory(req: Pick<GenerateRequest, 'messages'>): ChatHistoryItem[] {
  const history: ChatHistoryItem[] = req.messages.map((m): ChatHistoryItem => {
    if (m.role === 'system') return { type: 'system', text: m.content }
    if (m.role === 'user') return { type: 'user', text: m.content }
    return { type: 'model', response: m.content === '' ? [] : [m.content] }
  })
  if (history[history.length - 1].type !== 'model') history.push({ type: 'model', response: [] })
  return history
}

const SCHEMA_TYPES = new Set(['string', 'number', 'integer', 'boolean', 'null', 'object', 'array'])
const SCHEMA_KEYS = new Set([
  'type', 'description', 'title', '$schema', '$id', '$comment', 'default', 'examples',
  'const', 'enum', 'oneOf', '$defs', '$ref',
  'properties', 'additionalProperties', 'minProperties', 'maxProperties', 'required',
  'items', 'prefixItems', 'minItems', 'maxItems',
  'minLength', 'maxLength', 'format',
])
const SCHEMA_FORMATS = new Set(['date-time', 'time', 'date'])

/**
 * Rejects schemas that node-llama-cpp would silently turn into a different grammar (unknown types
 * become `null`, `pattern`/`minimum`/`anyOf`… are ignored), so callers do not trust bounds that
 * are not enforced. Throws FolioError INVALID_INPUT naming the offending place.
 */
export function checkJsonSchema(schema: unknown): void {
  const fail = (at: string, why: string): never => {
    throw new FolioError('INVALID_INPUT', `Unsupported JSON schema at ${at || '/'}: ${why}`, { details: { reason: 'bad-schema', at } })
  }
  const walk = (node: unknown, at: string, defs: ReadonlySet<string>): void => {
    if (node === null || typeof node !== 'object' || Array.isArray(node)) fail(at, 'expected a schema object')
    const o = node as Record<string, unknown>
    for (const key of Object.keys(o)) {
      if (!SCHEMA_KEYS.has(key)) {
        fail(at, `"${key}" is not enforced by llama.cpp grammars; bound values with enum, maxLength or maxItems instead`)
      }
    }
    const scope = new Set(defs)
    if (o.$defs !== undefined) {
      if (typeof o.$defs !== 'object' || o.$defs === null) fail(`${at}/$defs`, 'expected an object')
      for (const name of Object.keys(o.$defs as object)) scope.add(name)
      for (const [name, def] of Object.entries(o.$defs as object)) walk(def, `${at}/$defs/${name}`, scope)
    }
    if (o.$ref !== undefined) {
      const m = typeof o.$ref === 'string' ? /^#\/\$defs\/(.+)$/.exec(o.$ref) : null
      if (!m || !scope.has(m[1])) fail(at, `$ref ${JSON.stringify(o.$ref)} does not point to a $defs entry`)
      return
    }
    if (o.const !== undefined || o.enum !== undefined) {
      if (o.enum !== undefined && (!Array.isArray(o.enum) || o.enum.length === 0)) fail(at, 'enum must be a non-empty array')
      return
    }
    if (o.oneOf !== undefined) {
      if (!Array.isArray(o.oneOf) || o.oneOf.length === 0) fail(at, 'oneOf must be a non-empty array')
      ;(o.oneOf as unknown[]).forEach((s, i) => walk(s, `${at}/oneOf/${i}`, scope))
      return
    }
    if (o.type === undefined) fail(at, 'every schema needs a type, const, enum, oneOf or $ref')
    const types = Array.isArray(o.type) ? o.type : [o.type]
    for (const t of types) if (typeof t !== 'string' || !SCHEMA_TYPES.has(t)) fail(at, `unknown type ${JSON.stringify(t)}`)
    if (o.format !== undefined && !SCHEMA_FORMATS.has(String(o.format))) {
      fail(at, `format ${JSON.stringify(o.format)} is not supported (only date-time, time, date)`)
    }
    if (o.properties !== undefined) {
      if (typeof o.properties !== 'object' || o.properties === null) fail(`${at}/properties`, 'expected an object')
      for (const [k, v] of Object.entries(o.properties as object)) walk(v, `${at}/properties/${k}`, scope)
    }
    if (o.additionalProperties !== undefined && typeof o.additionalProperties !== 'boolean') {
      walk(o.additionalProperties, `${at}/additionalProperties`, scope)
    }
    if (o.items !== undefined) walk(o.items, `${at}/items`, scope)
    if (o.prefixItems !== undefined) {
      if (!Array.isArray(o.prefixItems)) fail(`${at}/prefixItems`, 'expected an array')
      ;(o.prefixItems as unknown[]).forEach((s, i) => walk(s, `${at}/prefixItems/${i}`, scope))
    }
  }
  walk(schema, '', new Set())
}

function mapStopReason(reason: string, aborted: boolean): StopReason {
  if (aborted || reason === 'abort') return 'cancelled'
  switch (reason) {
    case 'eogToken':
      return 'eos'
    case 'maxTokens':
      return 'maxTokens'
    case 'stopGenerationTrigger':
    case 'customStopTrigger':
    case 'functionCalls':
      return 'stop'
    default:
      return 'stop'
  }
}

/** Leading equal messages count most; then shared characters of the first differing one. */
function sharedPrefixScore(a: readonly { role: string; content: string }[], b: readonly { role: string; content: string }[]): number {
  let i = 0
  let score = 0
  while (i < a.length && i < b.length && a[i].role === b[i].role && a[i].content === b[i].content) {
    score += 1_000_000 + a[i].content.length
    i++
  }
  if (i < a.length && i < b.length && a[i].role === b[i].role) {
    const x = a[i].content
    const y = b[i].content
    let j = 0
    while (j < x.length && j < y.length && x.charCodeAt(j) === y.charCodeAt(j)) j++
    score += j
  }
  return score
}

// ---------------------------------------------------------------------------------------------
// FIFO pool of context sequences

type Waiter =
  | { kind: 'one'; resolve: (slot: number) => void; reject: (err: unknown) => void; choose: (free: number[]) => number; cleanup: () => void }
  | { kind: 'all'; resolve: (release: () => void) => void; reject: (err: unknown) => void; cleanup: () => void; priority: boolean }

/**
 * N slots handed out strictly in arrival order; `acquireAll` (unload/dispose) waits for every slot
 * and blocks later arrivals until released. Aborting a waiting acquire removes it from the queue.
 */
export class SlotPool {
  private readonly free: number[]
  private readonly waiters: Waiter[] = []

  constructor(private readonly size: number) {
    this.free = Array.from({ length: size }, (_, i) => i)
  }

  get waiting(): number {
    return this.waiters.filter((w) => w.kind === 'one').length
  }

  acquire(signal: AbortSignal | undefined, choose: (free: number[]) => number = (f) => f[0]): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      if (signal?.aborted) return reject(cancelled())
      const onAbort = (): void => {
        const i = this.waiters.indexOf(waiter)
        if (i >= 0) {
          this.waiters.splice(i, 1)
          reject(cancelled())
          this.drain()
        }
      }
      const waiter: Waiter = {
        kind: 'one',
        resolve,
        reject,
        choose,
        cleanup: () => signal?.removeEventListener('abort', onAbort),
      }
      signal?.addEventListener('abort', onAbort, { once: true })
      this.waiters.push(waiter)
      this.drain()
    })
  }

  /** Takes every slot (waiting for running holders); `priority` jumps the queue (dispose). */
  acquireAll(priority = false): Promise<() => void> {
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { kind: 'all', resolve, reject, cleanup: () => {}, priority }
      if (priority) this.waiters.unshift(waiter)
      else this.waiters.push(waiter)
      this.drain()
    })
  }

  release(slot: number): void {
    this.free.push(slot)
    this.drain()
  }

  /** Rejects every queued single-slot waiter (dispose). */
  rejectWaiting(error: () => unknown): void {
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      const w = this.waiters[i]
      if (w.kind === 'all' && w.priority) continue
      this.waiters.splice(i, 1)
      w.cleanup()
      w.reject(error())
    }
  }

  private drain(): void {
    while (this.waiters.length > 0) {
      const head = this.waiters[0]
      if (head.kind === 'one') {
        if (this.free.length === 0) return
        this.free.sort((a, b) => a - b)
        const choice = head.choose([...this.free])
        const at = this.free.indexOf(choice)
        const slot = this.free.splice(at >= 0 ? at : 0, 1)[0]
        this.waiters.shift()
        head.cleanup()
        head.resolve(slot)
      } else {
        if (this.free.length < this.size) return
        const taken = this.free.splice(0, this.free.length)
        this.waiters.shift()
        let released = false
        head.resolve(() => {
          if (released) return
          released = true
          this.free.push(...taken)
          this.drain()
        })
      }
    }
  }
}
