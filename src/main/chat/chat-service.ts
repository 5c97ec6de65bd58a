/**
 * Image chat: conversations persisted in SQLite; every turn sends the whole history (images included)
 * that fits the model's context, oldest turns left out first (the answer records how many); answers
 * stream, and stop, regenerate and edit-and-resend work on the stored conversation. Whatever goes
 * wrong — no vision model, an image the model cannot take, a server that dies mid-answer — the
 * question is already saved and the answer keeps its text so far with a specific error.
 */
import type { Database } from 'better-sqlite3'
import type {
  ChatMessage,
  ChatMessageStats,
  ChatProgress,
  ChatResult,
  ChatSettingsPatch,
  Conversation,
  ConversationSummary,
  EditInput,
  RegenerateInput,
  SendInput,
} from '../../shared/chat-api'
import type { ModelInfo, ModelRole } from '../../shared/api'
import { FolioError, isFolioError } from '../../shared/errors'
import type { EventBus } from '../common/event-bus'
import type { ChatMessage as EngineMessage, GenerationStats } from '../inference/engine'
import type { InferenceService } from '../inference/inference-service'
import { DEFAULTS as SERVER_DEFAULTS } from '../inference/llama-server/manager'
import type { ModelRegistry } from '../models/model-registry'
import { ChatImages } from './chat-images'
import { ChatRepo } from './chat-repo'
import { ChatSettingsStore } from './chat-settings'
import { estimateTextTokens, fitHistory, type HistoryMessage } from './history'
import { CHAT_SYSTEM_PROMPT, titleFor } from './prompts'

/** A remote server's context when the model does not say (most serve at least this much). */
const REMOTE_DEFAULT_CONTEXT = 8192
/** The context node-llama-cpp and the managed llama-server are started with. */
const LOCAL_CONTEXT = SERVER_DEFAULTS.ctxSize

export interface ChatServiceDeps {
  db: Database
  inference: Pick<InferenceService, 'generate' | 'engineFor'>
  registry: Pick<ModelRegistry, 'roles' | 'list'>
  images: ChatImages
  events: EventBus
}

export interface ChatServiceOptions {
  /** Extra request-body fields for OpenAI-compatible servers (tests: a `logit_bias` for random-weight models). */
  requestBody?: Record<string, unknown>
  /** How often the text of a streaming answer is saved (ms). Default 500. */
  saveEveryMs?: number
}

export interface RunContext {
  signal: AbortSignal
  origin?: string
  progress(p: ChatProgress): void
}

interface Sampling {
  maxTokens?: number
  temperature?: number
  seed?: number
}

export class ChatService {
  readonly repo: ChatRepo
  readonly settings: ChatSettingsStore
  /** Conversations with an answer being written, and how to stop it. */
  private readonly busy = new Map<string, AbortController>()

  constructor(
    private readonly deps: ChatServiceDeps,
    private readonly opts: ChatServiceOptions = {},
  ) {
    this.repo = new ChatRepo(deps.db)
    this.settings = new ChatSettingsStore(deps.db)
    this.repo.recoverStreaming()
  }

  list(query: string, limit: number): ConversationSummary[] {
    return this.repo.list(query, limit)
  }

  get(id: string): Conversation {
    return { ...this.repo.summary(id), messages: this.repo.messages(id) }
  }

  rename(id: string, title: string, origin?: string): ConversationSummary {
    this.repo.rename(id, title)
    this.emit(id, 'renamed', origin)
    return this.repo.summary(id)
  }

  delete(id: string, origin?: string): { id: string } {
    this.busy.get(id)?.abort()
    const images = this.repo.delete(id)
    this.deps.images.removeUnused(images, (img) => this.repo.imageInUse(img))
    this.emit(id, 'deleted', origin)
    return { id }
  }

  attach(files: { name: string; data: Uint8Array }[], signal?: AbortSignal) {
    return this.deps.images.attach(files, this.settings.get().imageStorage, signal)
  }

  setSettings(patch: ChatSettingsPatch) {
    return this.settings.set(patch)
  }

  thumbnail(id: string): { mime: string; data: Uint8Array } {
    return this.deps.images.thumbnail(id)
  }

  async toLibrary(id: string): Promise<{ imageId: string }> {
    return { imageId: await this.deps.images.toLibrary(id) }
  }

  async send(input: SendInput, ctx: RunContext): Promise<ChatResult> {
    const images = input.images.map((id) => this.deps.images.describe(id))
    const text = input.text.trim()
    let conversationId = input.conversationId
    if (conversationId) {
      if (!this.repo.exists(conversationId)) throw new FolioError('NOT_FOUND', `No conversation ${conversationId}.`)
      this.claim(conversationId)
    } else {
      conversationId = this.repo.create(titleFor(text, images.map((i) => i.name)))
      this.claim(conversationId)
      this.emit(conversationId, 'created', ctx.origin)
    }
    try {
      const question = this.repo.append(conversationId, { role: 'user', content: text, images })
      const answer = this.repo.append(conversationId, { role: 'assistant', content: '', state: 'streaming' })
      return await this.answer(conversationId, question, answer.id, input, ctx)
    } finally {
      this.release(conversationId)
    }
  }

  async regenerate(input: RegenerateInput, ctx: RunContext): Promise<ChatResult> {
    const target = this.repo.message(input.messageId)
    if (target.role !== 'assistant') throw new FolioError('INVALID_INPUT', 'Only an answer can be written again; edit a question instead.')
    const all = this.repo.messages(target.conversationId)
    if (all[all.length - 1]?.id !== target.id) throw new FolioError('INVALID_INPUT', 'Only the last answer of a conversation can be written again.')
    const question = [...all].reverse().find((m) => m.role === 'user')
    if (!question) throw new FolioError('INVALID_INPUT', 'This answer has no question to answer.')
    this.claim(target.conversationId)
    try {
      this.repo.restart(target.id, 0)
      return await this.answer(target.conversationId, question, target.id, input, ctx)
    } finally {
      this.release(target.conversationId)
    }
  }

  async edit(input: EditInput, ctx: RunContext): Promise<ChatResult> {
    const target = this.repo.message(input.messageId)
    if (target.role !== 'user') throw new FolioError('INVALID_INPUT', 'Only a question can be edited; regenerate an answer instead.')
    const images = input.images.map((id) => this.deps.images.describe(id))
    this.claim(target.conversationId)
    try {
      const removed = this.deps.db.transaction(() => {
        this.repo.updateQuestion(target.id, input.text.trim(), images)
        return [...this.repo.deleteAfter(target.conversationId, this.repo.seqOf(target.id)), ...target.images.map((i) => i.id)]
      })()
      this.deps.images.removeUnused(removed, (img) => this.repo.imageInUse(img))
      const question = this.repo.message(target.id)
      const answer = this.repo.append(target.conversationId, { role: 'assistant', content: '', state: 'streaming' })
      return await this.answer(target.conversationId, question, answer.id, input, ctx)
    } finally {
      this.release(target.conversationId)
    }
  }

  /** Stops answers being written (shutdown); their text so far is kept (or recovered as 'interrupted' at the next start). */
  dispose(): void {
    for (const ac of this.busy.values()) ac.abort()
  }

  // ---- one answer ---------------------------------------------------------------------------

  private async answer(conversationId: string, question: ChatMessage, answerId: string, sampling: Sampling, ctx: RunContext): Promise<ChatResult> {
    const ac = this.busy.get(conversationId)!
    const signal = AbortSignal.any([ctx.signal, ac.signal])
    const settings = this.settings.get()
    let text = ''
    let role: ModelRole = 'vision'
    // From here on the question is saved: whatever happens, it stays, and the answer records the outcome.
    ctx.progress({ type: 'start', conversationId, userMessage: question, assistantMessageId: answerId })
    try {
      const history = this.repo.messages(conversationId).filter((m) => m.id !== answerId && (m.role === 'user' || m.content !== ''))
      role = await this.pickRole(history.some((m) => m.images.length > 0))
      const maxTokens = sampling.maxTokens ?? settings.maxTokens
      const encoded = await Promise.all(history.map((m) => Promise.all(m.images.map((img) => this.deps.images.encode(img.id, settings.maxImageSize)))))
      const sized: HistoryMessage[] = history.map((m, i) => ({ role: m.role, content: m.content, images: encoded[i] }))
      const { start } = fitHistory(sized, {
        contextTokens: settings.contextTokens ?? this.contextOf(role),
        maxTokens,
        systemTokens: estimateTextTokens(CHAT_SYSTEM_PROMPT) + 8,
      })
      const messages: EngineMessage[] = [
        { role: 'system', content: CHAT_SYSTEM_PROMPT },
        ...history.slice(start).map((m, i) => ({
          role: m.role,
          content: m.content,
          images: encoded[start + i].map((e) => ({ data: e.data, mime: e.mime })),
        })),
      ]
      this.repo.restart(answerId, start)

      let lastSave = performance.now()
      const result = await this.deps.inference.generate(
        role,
        {
          messages,
          maxTokens,
          temperature: sampling.temperature ?? 0.7,
          seed: sampling.seed,
          signal,
          extraBody: this.opts.requestBody,
          onToken: (token) => {
            text += token
            ctx.progress({ type: 'token', token })
            if (performance.now() - lastSave >= (this.opts.saveEveryMs ?? 500)) {
              lastSave = performance.now()
              this.repo.saveProgress(answerId, text)
            }
          },
        },
        { purpose: 'chat' },
      )
      const state = result.stats.stopReason === 'cancelled' ? 'cancelled' : 'complete'
      const message = this.repo.finish(answerId, { content: result.text, state, stats: statsOf(result.stats) })
      return { conversationId, userMessage: question, message }
    } catch (e) {
      const partial = partialText(e) ?? text
      const err = this.explain(e, role, partial)
      if (err.code === 'CANCELLED' && signal.aborted) {
        const message = this.repo.finish(answerId, { content: partial, state: 'cancelled' })
        return { conversationId, userMessage: question, message }
      }
      this.repo.finish(answerId, { content: partial, state: 'error', error: { code: err.code, message: err.message } })
      throw err
    } finally {
      this.emit(conversationId, 'updated', ctx.origin)
    }
  }

  /** The vision model; a conversation without images may use the writing model when no vision model is set up. */
  private async pickRole(hasImages: boolean): Promise<ModelRole> {
    try {
      await this.deps.inference.engineFor('vision')
      return 'vision'
    } catch (e) {
      if (!isFolioError(e) || (e.code !== 'NO_MODEL' && e.code !== 'NO_VISION')) throw e
      if (hasImages) {
        if (e.code === 'NO_MODEL') {
          throw new FolioError('NO_VISION', 'No vision model is set: this model cannot see images — add a vision model on the Models screen.', {
            retryable: false,
          })
        }
        throw e
      }
      if (this.deps.registry.roles().writer) return 'writer'
      throw new FolioError('NO_MODEL', 'No model is set up for chat — add a vision model (or a writing model for text-only chat) on the Models screen.')
    }
  }

  private contextOf(role: ModelRole): number {
    const id = this.deps.registry.roles()[role]
    const model: ModelInfo | undefined = this.deps.registry.list().find((m) => m.id === id)
    if (!model) return LOCAL_CONTEXT
    if (model.kind === 'remote') return model.contextLength ?? REMOTE_DEFAULT_CONTEXT
    return Math.min(LOCAL_CONTEXT, model.contextLength ?? LOCAL_CONTEXT)
  }

  /** Turns engine errors into what a person in the chat should read. */
  private explain(e: unknown, role: ModelRole, partial: string): FolioError {
    const err = isFolioError(e) ? e : new FolioError('INTERNAL', (e as Error)?.message ?? String(e))
    const server = role === 'vision' ? 'The vision server' : 'The model'
    if (err.code === 'INVALID_INPUT' && /context|too long|exceeds/i.test(err.message)) {
      return new FolioError(
        'PAYLOAD_TOO_LARGE',
        `The conversation does not fit in the model's context (${err.message}). Send fewer images, lower the chat's image size, or start a new conversation.`,
        { retryable: false, details: err.details },
      )
    }
    if (err.code === 'IO_ERROR' || err.code === 'UNREACHABLE' || err.code === 'TIMEOUT') {
      const when = partial ? 'stopped in the middle of the answer; the text so far is kept' : 'failed before answering'
      return new FolioError('IO_ERROR', `${server} ${when}. Regenerate to try again. (${err.message})`, { retryable: true, details: err.details })
    }
    return err
  }

  private claim(conversationId: string): void {
    if (this.busy.has(conversationId)) {
      throw new FolioError('CONFLICT', 'An answer is still being written in this conversation; stop it first.', { retryable: true })
    }
    this.busy.set(conversationId, new AbortController())
  }

  private release(conversationId: string): void {
    this.busy.delete(conversationId)
  }

  private emit(id: string, reason: 'created' | 'updated' | 'renamed' | 'deleted', origin?: string): void {
    try {
      this.deps.events.emit('chat.changed', { id, reason, ...(origin ? { origin } : {}) })
    } catch {
      // Events are best effort.
    }
  }
}

function partialText(e: unknown): string | null {
  const d = (e as { details?: { partialText?: unknown } } | null)?.details
  return typeof d?.partialText === 'string' && d.partialText ? d.partialText : null
}

function statsOf(s: GenerationStats): ChatMessageStats {
  // Everything but the thread count, which the chat does not show.
  const { threads: _threads, ...stats } = s
  return stats
}

/**
 * FOLIO_CHAT_REQUEST_BODY: a JSON object merged into every chat request sent to an OpenAI-compatible
 * server (server-specific sampling options; the end-to-end tests ban the byte tokens a random-weight
 * model emits). Anything but a JSON object is ignored.
 */
export function chatRequestBodyFromEnv(env: NodeJS.ProcessEnv = process.env): Record<string, unknown> | undefined {
  const raw = env.FOLIO_CHAT_REQUEST_BODY
  if (!raw) return undefined
  try {
    const v = JSON.parse(raw) as unknown
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined
  } catch {
    return undefined
  }
}
