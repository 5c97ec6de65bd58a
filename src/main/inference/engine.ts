/**
 * The one inference interface the rest of Folio uses (captions, composition, chat). Implemented by
 * the in-process node-llama-cpp engine and by the OpenAI-compatible HTTP client (managed
 * llama-server for vision, or a remote server).
 */

export type Role = 'system' | 'user' | 'assistant'

export interface ImageInput {
  /** Encoded image bytes (PNG, JPEG or WebP). */
  data: Uint8Array
  mime: string
}

export interface ChatMessage {
  role: Role
  content: string
  /** Images shown with this message (vision engines only). */
  images?: ImageInput[]
}

/** A JSON schema object; keep it bounded (enums, small ranges, maxItems, short strings). */
export type JsonSchema = Record<string, unknown>

export interface GenerateRequest {
  messages: ChatMessage[]
  /** Images attached to the last user message (shorthand for messages[last].images). */
  images?: ImageInput[]
  /** Constrains the answer to this schema (grammar-based); the text is then JSON. */
  jsonSchema?: JsonSchema
  maxTokens: number
  temperature?: number
  seed?: number
  signal?: AbortSignal
  /** Called with each streamed piece of text, in order. */
  onToken?: (text: string) => void
  /** Extra request-body fields (e.g. `logit_bias`); honoured by OpenAI-compatible engines only. */
  extraBody?: Record<string, unknown>
}

export type StopReason = 'eos' | 'maxTokens' | 'cancelled' | 'stop' | 'error'
export type Backend = 'cpu' | 'cuda' | 'vulkan' | 'metal' | 'remote'

export interface GenerationStats {
  model: string
  backend: Backend
  threads: number | null
  /** Time spent loading the model for this request (0 when it was already loaded). */
  loadMs: number
  ttftMs: number
  totalMs: number
  promptTokens: number
  completionTokens: number
  promptTokensPerSecond: number
  tokensPerSecond: number
  stopReason: StopReason
}

export interface GenerateResult {
  text: string
  stats: GenerationStats
}

export interface EngineCapabilities {
  text: boolean
  vision: boolean
  embeddings: boolean
}

export interface Engine {
  readonly id: string
  readonly capabilities: EngineCapabilities
  generate(req: GenerateRequest): Promise<GenerateResult>
  embed(texts: string[], signal?: AbortSignal): Promise<number[][]>
  /** Frees native memory / stops child processes. */
  dispose(): Promise<void>
}
