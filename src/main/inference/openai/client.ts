/**
 * An Engine over any OpenAI-compatible HTTP server: Folio's managed llama-server (vision), or a remote
 * llama-server / vLLM / Ollama / LM Studio. Global fetch (Node's undici), no dependencies.
 *
 * generate():
 *  - POST {base}/v1/chat/completions with `stream: true` (+ `stream_options.include_usage`), parsing
 *    the server-sent events (`data: {...}`, `data: [DONE]`, `: ping` comments, a mid-stream
 *    `data: {"error": ...}`); `onToken` gets each content delta in order.
 *  - `jsonSchema` → `response_format: {type: 'json_schema', json_schema: {name, schema, strict: true}}`.
 *  - Images (request.images go with the last user message) → `image_url` parts holding data: URLs,
 *    placed before the message's text.
 *  - Cancellation (same contract as the node-llama-cpp engine): once the request has been sent, an
 *    abort does not throw — generate() RESOLVES with the text streamed so far (possibly '') and
 *    `stats.stopReason === 'cancelled'`, so Folio keeps partial text when a person presses Stop. A
 *    signal already aborted before the request went out (or while a managed server was still
 *    starting) rejects with FolioError CANCELLED. Every other failure throws a FolioError; errors
 *    raised after some text arrived carry it in `details.partialText`.
 *  - Stats come from the final chunks' `usage` (prompt/completion token counts; the prompt count
 *    includes image tokens and cached tokens) and llama-server's `timings` (prompt_per_second,
 *    predicted_per_second); ttftMs/totalMs are measured here, from sending the request.
 *  - `requestTimeoutMs` bounds the wait for the response headers and every gap between streamed
 *    chunks (not the whole generation, which may legitimately run for minutes). llama-server sends
 *    its headers only once the prompt (including images) has been processed, so keep it generous.
 *
 * Error mapping (FolioError codes; see the end of this file for the rules):
 *   401 → UNAUTHORIZED "the server refused the API key"; 403 → FORBIDDEN; 404 → NOT_FOUND (model or
 *   endpoint); 400/422 → INVALID_INPUT with the server's message; 413 → PAYLOAD_TOO_LARGE;
 *   429, 5xx, a connection lost mid-response → retryable IO_ERROR with the server's message;
 *   connection refused / DNS → retryable UNREACHABLE "cannot reach <url>"; no answer within
 *   requestTimeoutMs → retryable TIMEOUT; a body that is neither SSE nor JSON → BAD_RESPONSE;
 *   images sent to a server without a vision model → NO_VISION "this model cannot see images — add a
 *   vision model"; an image the server cannot decode (llama-server: WebP without ffmpeg, corrupt
 *   data) → UNSUPPORTED_MEDIA.
 */
import { FolioError, type ErrorCode } from '../../../shared/errors'
import type {
  Backend,
  ChatMessage,
  Engine,
  EngineCapabilities,
  GenerateRequest,
  GenerateResult,
  GenerationStats,
  ImageInput,
  StopReason,
} from '../engine'

/** Where to send one request; a managed server hands out a new one per (re)start. */
export interface OpenAIEndpoint {
  /** e.g. http://127.0.0.1:8080, http://127.0.0.1:8080/v1 or https://host/openai/v1. */
  baseUrl: string
  apiKey?: string
  /** Time spent starting the server for this request (reported as stats.loadMs). */
  loadMs?: number
  /** Called once when the request is over (ends a manager lease). */
  release?: () => void
}

export interface OpenAICompatibleEngineOptions {
  id?: string
  /** A fixed server. Either this or `endpoint`. */
  baseUrl?: string
  apiKey?: string
  /** A per-request endpoint provider (LlamaServerManager.endpointProvider). */
  endpoint?: (signal?: AbortSignal) => Promise<OpenAIEndpoint>
  /** The `model` field sent (llama-server ignores it; remote servers need it). Default 'default'. */
  model?: string
  /** Whether a vision model (mmproj) is configured: images are refused up front otherwise. */
  vision?: boolean
  /** Whether the server serves embeddings (reported in capabilities; embed() tries regardless). */
  embeddings?: boolean
  /** Whether the server serves chat completions. Default true. */
  text?: boolean
  /** Max wait for headers and between streamed chunks. Default 300 s. */
  requestTimeoutMs?: number
  /** Reported in stats. Default 'remote'. */
  backend?: Backend
  threads?: number | null
  /** Extra fields merged into every chat request body (server-specific sampling options). */
  extraBody?: Record<string, unknown>
  /** Called by dispose() (e.g. to stop a managed server). */
  onDispose?: () => Promise<void> | void
}

export interface RemoteModel {
  id: string
  ownedBy?: string
}

export const NO_VISION_MESSAGE = 'this model cannot see images — add a vision model'

const DEFAULT_TIMEOUT_MS = 300_000
const MAX_ERROR_BODY = 4096

/** Messages servers use when a request carries images and no vision model/mmproj is loaded. */
const NO_VISION_RE =
  /image input is not supported|(does not|doesn't|cannot|can't) (support|handle|accept|process) (image|vision|multimodal)|not a (multimodal|vision)|multimodal (is )?not (supported|enabled)|vision (is )?not (supported|enabled)|image_url.*not supported|mmproj/i

export class OpenAICompatibleEngine implements Engine {
  readonly id: string
  readonly capabilities: EngineCapabilities
  private readonly opts: OpenAICompatibleEngineOptions
  private readonly timeoutMs: number

  constructor(options: OpenAICompatibleEngineOptions) {
    if (!options.baseUrl && !options.endpoint) throw new FolioError('INVALID_INPUT', 'An OpenAI-compatible engine needs a server address.')
    this.opts = options
    this.id = options.id ?? `openai:${options.baseUrl ?? 'managed'}`
    this.timeoutMs = options.requestTimeoutMs ?? DEFAULT_TIMEOUT_MS
    this.capabilities = {
      text: options.text ?? true,
      vision: options.vision ?? false,
      embeddings: options.embeddings ?? false,
    }
  }

  async generate(req: GenerateRequest): Promise<GenerateResult> {
    if (!Number.isInteger(req.maxTokens) || req.maxTokens <= 0) {
      throw new FolioError('INVALID_INPUT', 'maxTokens must be a positive integer.')
    }
    if (!req.messages.length) throw new FolioError('INVALID_INPUT', 'A request needs at least one message.')
    const messages = withRequestImages(req.messages, req.images)
    const hasImages = messages.some((m) => m.images?.length)
    if (hasImages && !this.capabilities.vision) throw new FolioError('NO_VISION', `${capitalize(NO_VISION_MESSAGE)}.`, { retryable: false })

    const body: Record<string, unknown> = {
      model: this.opts.model ?? 'default',
      messages: messages.map(toWireMessage),
      stream: true,
      stream_options: { include_usage: true },
      max_tokens: req.maxTokens,
      ...this.opts.extraBody,
      ...req.extraBody,
    }
    if (req.temperature !== undefined) body.temperature = req.temperature
    if (req.seed !== undefined) body.seed = req.seed
    if (req.jsonSchema) {
      body.response_format = {
        type: 'json_schema',
        json_schema: { name: schemaName(req.jsonSchema), schema: req.jsonSchema, strict: true },
      }
    }

    const userSignal = req.signal
    const cancelled = (text: string, t0: number, ttft: number | null, loadMs: number): GenerateResult => ({
      text,
      stats: this.stats({ t0, ttft, loadMs, stopReason: 'cancelled', text }),
    })
    // Cancelled before the request went out (including while a managed server was starting): rejects.
    if (userSignal?.aborted) throw cancelledError()
    let endpoint: OpenAIEndpoint
    try {
      endpoint = await this.resolveEndpoint(userSignal)
    } catch (e) {
      if (userSignal?.aborted) throw cancelledError()
      throw e
    }
    if (userSignal?.aborted) {
      endpoint.release?.()
      throw cancelledError()
    }
    const loadMs = endpoint.loadMs ?? 0
    const url = `${apiBase(endpoint.baseUrl)}/chat/completions`
    const call = new Call(url, this.timeoutMs, userSignal)
    let text = ''
    let ttft: number | null = null
    const tStart = performance.now()
    try {
      const res = await call.fetch({
        method: 'POST',
        headers: headers(endpoint.apiKey, true),
        body: JSON.stringify(body),
      })
      if (!res.ok) throw await httpError(res, url, { hasImages, model: String(body.model) })
      const type = res.headers.get('content-type') ?? ''
      let final: FinalInfo = {}
      if (/application\/json/i.test(type)) {
        // A server that ignores stream: true answers with one JSON completion.
        const json = parseJsonBody(await call.text(res), url, type)
        if (json.error) throw errorFromBody(json, 500, url, { hasImages })
        const choice = (json.choices as Array<Record<string, unknown>> | undefined)?.[0]
        const content = (choice?.message as { content?: unknown } | undefined)?.content
        text = typeof content === 'string' ? content : ''
        ttft = performance.now() - tStart
        if (text) req.onToken?.(text)
        final = { finishReason: choice?.finish_reason, usage: json.usage, timings: json.timings, model: json.model }
      } else if (/text\/event-stream/i.test(type)) {
        final = await readStream(call, res, url, hasImages, (piece) => {
          if (ttft === null) ttft = performance.now() - tStart
          text += piece
          req.onToken?.(piece)
        })
      } else {
        const snippet = (await call.text(res)).slice(0, 200)
        throw new FolioError(
          'BAD_RESPONSE',
          `${url} did not answer like an OpenAI-compatible server (content-type "${type || 'none'}": ${JSON.stringify(snippet)})`,
          { retryable: false },
        )
      }
      return {
        text,
        stats: this.stats({
          t0: tStart,
          ttft,
          loadMs,
          stopReason: mapFinishReason(final.finishReason),
          text,
          final,
        }),
      }
    } catch (e) {
      if (call.cancelledByUser()) return cancelled(text, tStart, ttft, loadMs)
      throw withPartial(call.mapError(e), text)
    } finally {
      call.done()
      endpoint.release?.()
    }
  }

  /** POST /v1/embeddings; vectors in input order. */
  async embed(texts: string[], signal?: AbortSignal): Promise<number[][]> {
    if (!texts.length) return []
    const endpoint = await this.resolveEndpoint(signal)
    const url = `${apiBase(endpoint.baseUrl)}/embeddings`
    const call = new Call(url, this.timeoutMs, signal)
    try {
      const res = await call.fetch({
        method: 'POST',
        headers: headers(endpoint.apiKey, true),
        body: JSON.stringify({ model: this.opts.model ?? 'default', input: texts, encoding_format: 'float' }),
      })
      if (!res.ok) throw await httpError(res, url, { model: this.opts.model })
      const json = parseJsonBody(await call.text(res), url, res.headers.get('content-type') ?? '')
      const data = json.data
      if (!Array.isArray(data) || data.length !== texts.length) {
        throw new FolioError('BAD_RESPONSE', `${url} returned ${Array.isArray(data) ? data.length : 'no'} embeddings for ${texts.length} texts`, {
          retryable: false,
        })
      }
      const out: number[][] = new Array(texts.length)
      data.forEach((d: { index?: unknown; embedding?: unknown }, i: number) => {
        const index = typeof d.index === 'number' ? d.index : i
        if (!Array.isArray(d.embedding) || index < 0 || index >= texts.length) {
          throw new FolioError('BAD_RESPONSE', `${url} returned a malformed embedding`, { retryable: false })
        }
        out[index] = d.embedding as number[]
      })
      return out
    } catch (e) {
      if (call.cancelledByUser()) throw new FolioError('CANCELLED', 'The embedding request was cancelled.')
      throw call.mapError(e)
    } finally {
      call.done()
      endpoint.release?.()
    }
  }

  /** GET /v1/models. */
  async listModels(signal?: AbortSignal): Promise<RemoteModel[]> {
    const endpoint = await this.resolveEndpoint(signal)
    const url = `${apiBase(endpoint.baseUrl)}/models`
    const call = new Call(url, this.timeoutMs, signal)
    try {
      const res = await call.fetch({ method: 'GET', headers: headers(endpoint.apiKey, false) })
      if (!res.ok) throw await httpError(res, url, {})
      const json = parseJsonBody(await call.text(res), url, res.headers.get('content-type') ?? '')
      if (!Array.isArray(json.data)) throw new FolioError('BAD_RESPONSE', `${url} returned no model list`, { retryable: false })
      return (json.data as Array<{ id?: unknown; owned_by?: unknown }>)
        .filter((m) => typeof m.id === 'string')
        .map((m) => ({ id: m.id as string, ...(typeof m.owned_by === 'string' ? { ownedBy: m.owned_by } : {}) }))
    } catch (e) {
      if (call.cancelledByUser()) throw new FolioError('CANCELLED', 'The request was cancelled.')
      throw call.mapError(e)
    } finally {
      call.done()
      endpoint.release?.()
    }
  }

  async dispose(): Promise<void> {
    await this.opts.onDispose?.()
  }

  private async resolveEndpoint(signal?: AbortSignal): Promise<OpenAIEndpoint> {
    if (this.opts.endpoint) return this.opts.endpoint(signal)
    return { baseUrl: this.opts.baseUrl as string, apiKey: this.opts.apiKey }
  }

  private stats(a: {
    t0: number
    ttft: number | null
    loadMs: number
    stopReason: StopReason
    text: string
    final?: FinalInfo
  }): GenerationStats {
    const totalMs = performance.now() - a.t0
    const usage = (a.final?.usage ?? {}) as Record<string, unknown>
    const timings = (a.final?.timings ?? {}) as Record<string, unknown>
    const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined)
    const promptTokens = num(usage.prompt_tokens) ?? num(timings.prompt_n) ?? 0
    const completionTokens = num(usage.completion_tokens) ?? num(timings.predicted_n) ?? a.final?.chunks ?? 0
    const ttftMs = a.ttft ?? totalMs
    const genMs = Math.max(totalMs - ttftMs, 1e-3)
    return {
      model: typeof a.final?.model === 'string' && a.final.model ? a.final.model : (this.opts.model ?? 'default'),
      backend: this.opts.backend ?? 'remote',
      threads: this.opts.threads ?? null,
      loadMs: a.loadMs,
      ttftMs,
      totalMs,
      promptTokens,
      completionTokens,
      promptTokensPerSecond: num(timings.prompt_per_second) ?? (ttftMs > 0 ? (promptTokens * 1000) / ttftMs : 0),
      tokensPerSecond:
        num(timings.predicted_per_second) ?? (completionTokens > 1 ? ((completionTokens - 1) * 1000) / genMs : 0),
      stopReason: a.stopReason,
    }
  }
}

// --- request building --------------------------------------------------------------------------

function withRequestImages(messages: ChatMessage[], images?: ImageInput[]): ChatMessage[] {
  if (!images?.length) return messages
  let last = -1
  for (let i = messages.length - 1; i >= 0; i--) {
    if (messages[i].role === 'user') {
      last = i
      break
    }
  }
  if (last < 0) throw new FolioError('INVALID_INPUT', 'Images need a user message to go with.')
  return messages.map((m, i) => (i === last ? { ...m, images: [...(m.images ?? []), ...images] } : m))
}

function toWireMessage(m: ChatMessage): Record<string, unknown> {
  if (!m.images?.length) return { role: m.role, content: m.content }
  const parts: Array<Record<string, unknown>> = m.images.map((img) => ({
    type: 'image_url',
    image_url: { url: `data:${img.mime || 'application/octet-stream'};base64,${Buffer.from(img.data).toString('base64')}` },
  }))
  if (m.content) parts.push({ type: 'text', text: m.content })
  return { role: m.role, content: parts }
}

function schemaName(schema: Record<string, unknown>): string {
  const title = typeof schema.title === 'string' ? schema.title.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64) : ''
  return title || 'response'
}

function headers(apiKey: string | undefined, json: boolean): Record<string, string> {
  const h: Record<string, string> = { accept: json ? 'text/event-stream, application/json' : 'application/json' }
  if (json) h['content-type'] = 'application/json'
  if (apiKey) h.authorization = `Bearer ${apiKey}`
  return h
}

/** http://h:p → http://h:p/v1; …/v1 stays; trailing slashes dropped. */
export function apiBase(baseUrl: string): string {
  const b = baseUrl.replace(/\/+$/, '')
  return /\/v1$/.test(b) ? b : `${b}/v1`
}

function mapFinishReason(r: unknown): StopReason {
  switch (r) {
    case 'length':
      return 'maxTokens'
    case 'stop':
    case 'eos':
    case null:
    case undefined:
      return 'eos'
    default:
      return 'stop'
  }
}

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1)
const cancelledError = () => new FolioError('CANCELLED', 'The request was cancelled.')

// --- one HTTP call: timeout, cancellation, error mapping -----------------------------------------

class Call {
  private readonly controller = new AbortController()
  private timer: NodeJS.Timeout | null = null
  private timedOut = false
  private userAborted = false
  private readonly onUserAbort = () => {
    this.userAborted = true
    this.controller.abort()
  }

  constructor(
    readonly url: string,
    private readonly timeoutMs: number,
    private readonly userSignal?: AbortSignal,
  ) {
    if (userSignal?.aborted) this.onUserAbort()
    else userSignal?.addEventListener('abort', this.onUserAbort, { once: true })
  }

  get signal(): AbortSignal {
    return this.controller.signal
  }

  /** (Re)starts the inactivity timer. */
  arm(): void {
    if (this.timer) clearTimeout(this.timer)
    if (this.timeoutMs <= 0) return
    this.timer = setTimeout(() => {
      this.timedOut = true
      this.controller.abort()
    }, this.timeoutMs)
  }

  async fetch(init: RequestInit): Promise<Response> {
    this.arm()
    let res: Response
    try {
      res = await fetch(this.url, { ...init, signal: this.controller.signal })
    } catch (e) {
      // A pooled keep-alive socket the server had already closed fails before any byte of the answer
      // arrives; undici does not retry POSTs, so retry once on a fresh connection.
      if (this.controller.signal.aborted || !isStaleSocket(e)) throw e
      res = await fetch(this.url, { ...init, signal: this.controller.signal })
    }
    this.arm()
    return res
  }

  async text(res: Response): Promise<string> {
    this.arm()
    return res.text()
  }

  cancelledByUser(): boolean {
    return this.userAborted && !this.timedOut
  }

  done(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    this.userSignal?.removeEventListener('abort', this.onUserAbort)
  }

  mapError(e: unknown): FolioError {
    if (this.timedOut) {
      return new FolioError('TIMEOUT', `${origin(this.url)} did not answer within ${Math.round(this.timeoutMs / 1000)} s`, {
        retryable: true,
        cause: e,
      })
    }
    if (e instanceof FolioError) return e
    return networkError(e, this.url)
  }
}

function origin(url: string): string {
  try {
    return new URL(url).origin
  } catch {
    return url
  }
}

/** fetch() rejected before any response header: the connection closed under us (not refused). */
function isStaleSocket(e: unknown): boolean {
  const code = (e as { cause?: { code?: string } } | null)?.cause?.code
  return code === 'UND_ERR_SOCKET' || code === 'ECONNRESET' || code === 'EPIPE'
}

/** undici's TypeError('fetch failed' | 'terminated') with a cause carrying the system error code. */
function networkError(e: unknown, url: string): FolioError {
  const err = e as { name?: string; message?: string; cause?: { code?: string; message?: string } } | null
  const code = err?.cause?.code ?? (err as { code?: string } | null)?.code ?? ''
  const msg = err?.message ?? String(e)
  if (err?.name === 'AbortError') return new FolioError('CANCELLED', 'The request was cancelled.', { cause: e })
  if (msg === 'terminated' || /other side closed|ECONNRESET|UND_ERR_SOCKET|EPIPE/.test(`${code} ${err?.cause?.message ?? ''}`)) {
    return new FolioError('IO_ERROR', `lost the connection to ${origin(url)} in the middle of the response`, {
      retryable: true,
      cause: e,
    })
  }
  if (/ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|ETIMEDOUT|UND_ERR_CONNECT_TIMEOUT|ECONNRESET/.test(code)) {
    return new FolioError('UNREACHABLE', `cannot reach ${origin(url)} (${code})`, { retryable: true, cause: e })
  }
  if (/fetch failed/.test(msg)) {
    return new FolioError('UNREACHABLE', `cannot reach ${origin(url)}${err?.cause?.message ? ` (${err.cause.message})` : ''}`, {
      retryable: true,
      cause: e,
    })
  }
  return new FolioError('INTERNAL', `request to ${origin(url)} failed: ${msg}`, { cause: e })
}

function withPartial(e: FolioError, partialText: string): FolioError {
  if (!partialText) return e
  const details = { ...(typeof e.details === 'object' && e.details ? e.details : {}), partialText }
  return new FolioError(e.code, e.message, { retryable: e.retryable, details, cause: e.cause ?? e })
}

// --- responses -----------------------------------------------------------------------------------

interface FinalInfo {
  finishReason?: unknown
  usage?: unknown
  timings?: unknown
  model?: unknown
  chunks?: number
}

function parseJsonBody(text: string, url: string, type: string): Record<string, unknown> {
  try {
    const v = JSON.parse(text) as unknown
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>
  } catch {
    /* fall through */
  }
  throw new FolioError(
    'BAD_RESPONSE',
    `${url} did not answer with JSON (content-type "${type || 'none'}": ${JSON.stringify(text.slice(0, 200))})`,
    { retryable: false },
  )
}

async function readStream(
  call: Call,
  res: Response,
  url: string,
  hasImages: boolean,
  onPiece: (text: string) => void,
): Promise<FinalInfo> {
  const final: FinalInfo = { chunks: 0 }
  if (!res.body) throw new FolioError('IO_ERROR', `${url} sent an empty response`, { retryable: true })
  const decoder = new TextDecoder()
  let buffer = ''
  let data: string[] = []
  let sawDone = false
  let sawEvent = false

  const dispatch = () => {
    if (!data.length) return
    const payload = data.join('\n')
    data = []
    if (payload.trim() === '[DONE]') {
      sawDone = true
      return
    }
    let chunk: Record<string, unknown>
    try {
      chunk = JSON.parse(payload) as Record<string, unknown>
    } catch {
      throw new FolioError('BAD_RESPONSE', `${url} sent an event that is not JSON: ${JSON.stringify(payload.slice(0, 200))}`, {
        retryable: false,
      })
    }
    sawEvent = true
    if (chunk.error !== undefined) throw errorFromBody(chunk, 500, url, { hasImages })
    if (typeof chunk.model === 'string') final.model = chunk.model
    if (chunk.usage) final.usage = chunk.usage
    if (chunk.timings) final.timings = chunk.timings
    const choice = (chunk.choices as Array<Record<string, unknown>> | undefined)?.[0]
    if (!choice) return
    if (choice.finish_reason) final.finishReason = choice.finish_reason
    const delta = choice.delta as { content?: unknown } | undefined
    if (typeof delta?.content === 'string' && delta.content) {
      final.chunks = (final.chunks ?? 0) + 1
      onPiece(delta.content)
    }
  }

  const handleLine = (line: string) => {
    if (line === '') return dispatch()
    if (line.startsWith(':')) return // comment / keep-alive ping
    const colon = line.indexOf(':')
    const field = colon < 0 ? line : line.slice(0, colon)
    let value = colon < 0 ? '' : line.slice(colon + 1)
    if (value.startsWith(' ')) value = value.slice(1)
    if (field === 'data') data.push(value)
    else if (field !== 'event' && field !== 'id' && field !== 'retry' && !sawEvent) {
      throw new FolioError('BAD_RESPONSE', `${url} did not send server-sent events: ${JSON.stringify(line.slice(0, 200))}`, {
        retryable: false,
      })
    }
  }

  const reader = res.body.getReader()
  try {
    for (;;) {
      call.arm()
      const { done, value } = await reader.read()
      if (done) break
      buffer += decoder.decode(value, { stream: true })
      let nl: number
      while ((nl = buffer.search(/\r\n|\n|\r/)) >= 0) {
        // Nothing reaches onToken after a cancel, even what is already buffered.
        if (call.signal.aborted) throw new DOMException('The request was aborted.', 'AbortError')
        const line = buffer.slice(0, nl)
        buffer = buffer.slice(nl + (buffer[nl] === '\r' && buffer[nl + 1] === '\n' ? 2 : 1))
        handleLine(line)
        if (sawDone) return final
      }
    }
    buffer += decoder.decode()
    if (buffer) handleLine(buffer)
    dispatch()
  } finally {
    reader.cancel().catch(() => undefined)
  }
  if (!sawDone && final.finishReason === undefined) {
    throw new FolioError('IO_ERROR', `the response from ${origin(url)} ended before the answer was complete`, { retryable: true })
  }
  return final
}

async function httpError(res: Response, url: string, ctx: { hasImages?: boolean; model?: string }): Promise<FolioError> {
  let text = ''
  try {
    text = (await res.text()).slice(0, MAX_ERROR_BODY)
  } catch {
    /* the body is optional */
  }
  let body: Record<string, unknown> | null = null
  try {
    const v = JSON.parse(text) as unknown
    if (v && typeof v === 'object') body = v as Record<string, unknown>
  } catch {
    body = null
  }
  return errorFromBody(body ?? { error: { message: text.trim() } }, res.status, url, ctx)
}

/** The server's own words from the usual error shapes: {error: {message}}, {error: "…"}, {message}, {detail}. */
function serverMessage(body: Record<string, unknown>): string {
  const err = body.error
  if (typeof err === 'string') return err
  if (err && typeof err === 'object') {
    const m = (err as { message?: unknown }).message
    if (typeof m === 'string') return m
  }
  if (typeof body.message === 'string') return body.message
  if (typeof body.detail === 'string') return body.detail
  if (Array.isArray(body.detail)) return JSON.stringify(body.detail).slice(0, 500)
  return ''
}

function errorFromBody(
  body: Record<string, unknown>,
  fallbackStatus: number,
  url: string,
  ctx: { hasImages?: boolean; model?: string },
): FolioError {
  const errObj = body.error && typeof body.error === 'object' ? (body.error as Record<string, unknown>) : {}
  const status = typeof errObj.code === 'number' && errObj.code >= 400 ? errObj.code : fallbackStatus
  const message = serverMessage(body)
  const details = { status, serverMessage: message || undefined, url }
  const said = message ? `: ${message}` : ''
  const make = (code: ErrorCode, text: string, retryable?: boolean) => new FolioError(code, text, { retryable, details })

  if (ctx.hasImages && NO_VISION_RE.test(message)) return make('NO_VISION', `${capitalize(NO_VISION_MESSAGE)} (the server said: ${message})`, false)
  if (ctx.hasImages && /failed to (load|decode|read) (the )?(image|media)/i.test(message)) {
    // llama-server decodes with stb_image (PNG, JPEG, BMP, GIF…); WebP only when ffmpeg is installed.
    return make('UNSUPPORTED_MEDIA', `the server could not decode an image — send PNG or JPEG (${message})`, false)
  }
  if (status === 401) return make('UNAUTHORIZED', `the server refused the API key (${origin(url)}${said})`, false)
  if (status === 403) return make('FORBIDDEN', `the server refused access (${origin(url)}${said})`, false)
  if (status === 404) {
    if (/model/i.test(message)) {
      return make('NOT_FOUND', `the model ${ctx.model ? `"${ctx.model}" ` : ''}was not found on ${origin(url)}${said}`, false)
    }
    return make('NOT_FOUND', `${url} does not exist — is this an OpenAI-compatible server address?${said}`, false)
  }
  if (status === 413) return make('PAYLOAD_TOO_LARGE', `the request is too large for ${origin(url)}${said}`, false)
  if (status === 429) return make('IO_ERROR', `${origin(url)} is busy or rate-limited${said}`, true)
  if (status === 501) return make('INVALID_INPUT', `${origin(url)} does not support this${said}`, false)
  if (status >= 500) return make('IO_ERROR', `${origin(url)} failed (${status})${said}`, true)
  if (status >= 400) return make('INVALID_INPUT', `${origin(url)} rejected the request (${status})${said}`, false)
  return make('BAD_RESPONSE', `${origin(url)} answered ${status}${said}`, false)
}
