/**
 * The captioning queue: images waiting for a caption ('pending', newest imports first) go one at a
 * time through the vision role — downscaled, asked for {caption, description, tags} under a bounded
 * JSON schema — and the answer is written unless the user edited the caption meanwhile. Pause is
 * kept in settings (a restart stays paused); a crash's 'running' rows go back to 'pending'; with no
 * usable vision model the queue idles with a clear problem instead of failing every image.
 */
import type { Database } from 'better-sqlite3'
import type { CaptionStatus } from '../../../shared/captions-api'
import { FolioError, isFolioError, type ErrorCode } from '../../../shared/errors'
import type { EventBus } from '../../common/event-bus'
import type { Engine, GenerateRequest } from '../../inference/engine'
import type { InferenceService } from '../../inference/inference-service'
import { CaptionRepo } from './caption-repo'
import { downscaleForCaption, type EncodedImage } from './downscale'
import { CAPTION_MAX_TOKENS, CAPTION_SCHEMA, CaptionAnswer, captionPrompt } from './prompts'

/** Errors that are about the setup, not the image: the queue waits instead of failing every image. */
const BLOCKING: ReadonlySet<ErrorCode> = new Set(['NO_MODEL', 'NO_VISION', 'NOT_FOUND', 'UNREACHABLE', 'UNAUTHORIZED', 'MODEL_INVALID'])

export interface CaptionQueueDeps {
  db: Database
  inference: Pick<InferenceService, 'generateJson'> & { engineFor(role: 'vision'): Promise<Engine> }
  events: EventBus
  /** The file of an image (original, or referenced in place). */
  resolvePath: (id: string) => string
  /** Embeds new captions for search (a no-op without an embedder). */
  indexEmbeddings?: () => Promise<unknown>
}

export interface CaptionQueueOptions {
  /** Extra sampling fields for the vision request (e.g. `logit_bias`; OpenAI-compatible servers). */
  requestBody?: Record<string, unknown>
  temperature?: number
  seed?: number
  /** How often an idle queue looks for new images (ms). */
  pollMs?: number
  /** Retry a blocked queue (no model, server unreachable) this often (ms). */
  blockedRetryMs?: number
  /** Sees each image as sent to the model (tests). */
  onEncoded?: (id: string, image: EncodedImage) => void
}

type Outcome =
  | { kind: 'done' | 'skipped' | 'gone' | 'cancelled'; id: string }
  | { kind: 'failed'; id: string; reason: string }
  | { kind: 'blocked'; id: string; code: ErrorCode; message: string }

export interface CaptionRunReport {
  captioned: number
  failed: { id: string; reason: string }[]
  skipped: number
}

export class CaptionQueue {
  private readonly repo: CaptionRepo
  private loop: Promise<void> | null = null
  private inFlight: AbortController | null = null
  private running: string | null = null
  private problem: { code: string; message: string; at: number } | null = null
  private started = false
  private disposed = false
  private foreground = false
  private sinceIndex = 0
  private timer: ReturnType<typeof setInterval> | null = null
  private unsubscribe: (() => void) | null = null

  constructor(
    private readonly deps: CaptionQueueDeps,
    private readonly opts: CaptionQueueOptions = {},
  ) {
    this.repo = new CaptionRepo(deps.db)
  }

  /** Start-up: recovers a crash's 'running' rows and works in the background unless paused. */
  start(): void {
    if (this.started || this.disposed) return
    this.started = true
    this.repo.recoverRunning()
    this.repo.skipUserEdited()
    this.unsubscribe = this.deps.events.subscribe((name) => {
      if (name !== 'models.changed') return
      this.problem = null
      this.kick()
    })
    this.timer = setInterval(() => this.poll(), this.opts.pollMs ?? 3000)
    this.timer.unref?.()
    this.kick()
    this.emit()
  }

  status(): CaptionStatus {
    const c = this.repo.counts()
    return {
      ...c,
      running: this.running,
      paused: this.repo.paused(),
      problem: this.problem && c.pending > 0 ? { code: this.problem.code, message: this.problem.message } : null,
    }
  }

  /** Stops after cancelling the request in flight; kept across restarts. */
  pause(): CaptionStatus {
    this.repo.setPaused(true)
    this.inFlight?.abort()
    this.emit()
    return this.status()
  }

  resume(): CaptionStatus {
    this.repo.setPaused(false)
    this.problem = null
    this.kick()
    this.emit()
    return this.status()
  }

  retryFailed(): CaptionStatus {
    this.repo.retryFailed()
    this.problem = null
    this.kick()
    this.emit()
    return this.status()
  }

  /**
   * `folio caption`: captions in the foreground until nothing is pending (ignores a paused queue,
   * without changing it). `all` re-captions every image the user did not edit. Stops cleanly on abort.
   */
  async runForeground(
    o: { all?: boolean; signal?: AbortSignal; onProgress?: (p: { done: number; total: number; id: string }) => void } = {},
  ): Promise<CaptionRunReport> {
    if (this.loop || this.foreground) throw new FolioError('CONFLICT', 'The captioning queue is already running.')
    this.foreground = true
    try {
      this.repo.skipUserEdited()
      if (o.all) this.repo.requeueAll()
      const total = this.repo.counts().pending
      const report: CaptionRunReport = { captioned: 0, failed: [], skipped: 0 }
      let done = 0
      const blocked = await this.drain({
        signal: o.signal,
        ignorePause: true,
        onItem: (out) => {
          if (out.kind === 'done') report.captioned++
          else if (out.kind === 'skipped') report.skipped++
          else if (out.kind === 'failed') report.failed.push({ id: out.id, reason: out.reason })
          o.onProgress?.({ done: ++done, total, id: out.id })
        },
      })
      if (blocked) throw new FolioError(blocked.code, blocked.message)
      return report
    } finally {
      this.foreground = false
      this.emit()
    }
  }

  /** Cancels the request in flight and stops (before the database closes); its image stays pending. */
  dispose(): Promise<void> {
    if (!this.disposed) {
      this.disposed = true
      if (this.timer) clearInterval(this.timer)
      this.unsubscribe?.()
      this.inFlight?.abort()
      if (this.running) {
        try {
          this.repo.release(this.running)
        } catch {
          // The database is already closed: the next start recovers the row.
        }
      }
    }
    return this.loop ?? Promise.resolve()
  }

  private poll(): void {
    if (this.loop || this.foreground || this.disposed) return
    if (this.problem && Date.now() - this.problem.at < (this.opts.blockedRetryMs ?? 60_000)) return
    try {
      if (this.repo.counts().pending === 0) return
    } catch {
      return
    }
    this.problem = null
    this.kick()
  }

  private kick(): void {
    if (!this.started || this.disposed || this.foreground || this.loop) return
    if (this.repo.paused()) return
    this.loop = this.drain({})
      .then((blocked) => {
        if (blocked) this.problem = { code: blocked.code, message: blocked.message, at: Date.now() }
      })
      .catch(() => undefined)
      .finally(() => {
        this.loop = null
        if (!this.disposed) this.emit()
      })
  }

  /** Captions pending images until none is left (or paused, aborted, blocked); returns the blocking problem, if any. */
  private async drain(o: {
    signal?: AbortSignal
    ignorePause?: boolean
    onItem?: (out: Outcome) => void
  }): Promise<{ code: ErrorCode; message: string } | null> {
    let blocked: { code: ErrorCode; message: string } | null = null
    try {
      while (!this.disposed && !o.signal?.aborted) {
        if (!o.ignorePause && this.repo.paused()) break
        // Captions the user wrote meanwhile (library.update) leave the queue.
        this.repo.skipUserEdited()
        const next = this.repo.next()
        if (!next) break
        const out = await this.captionOne(next.id, o.signal)
        if (out.kind === 'blocked') {
          blocked = { code: out.code, message: out.message }
          break
        }
        if (out.kind === 'cancelled' || out.kind === 'gone') continue
        o.onItem?.(out)
        if (out.kind === 'done' && ++this.sinceIndex >= 20) await this.index()
      }
    } finally {
      if (!this.disposed) await this.index()
    }
    return blocked
  }

  private async index(): Promise<void> {
    if (this.sinceIndex === 0) return
    this.sinceIndex = 0
    try {
      await this.deps.indexEmbeddings?.()
    } catch {
      // Search works on FTS alone; the embeddings catch up on the next batch.
    }
  }

  private async captionOne(id: string, outer?: AbortSignal): Promise<Outcome> {
    if (!this.repo.claim(id)) return { kind: 'gone', id }
    const ac = new AbortController()
    const onAbort = () => ac.abort()
    outer?.addEventListener('abort', onAbort, { once: true })
    this.inFlight = ac
    this.running = id
    this.emit()
    try {
      try {
        await this.deps.inference.engineFor('vision')
      } catch (e) {
        const err = asFolioError(e)
        this.repo.release(id)
        return { kind: 'blocked', id, code: err.code, message: err.message }
      }
      let image: EncodedImage
      try {
        image = await downscaleForCaption(this.deps.resolvePath(id), this.repo.maxSize())
      } catch (e) {
        const reason = `The image could not be read: ${(e as Error).message}`
        return this.failed(id, reason)
      }
      this.opts.onEncoded?.(id, image)
      const prompt = captionPrompt(this.repo.language())
      const req: Omit<GenerateRequest, 'jsonSchema'> & { jsonSchema: typeof CAPTION_SCHEMA } = {
        messages: [
          { role: 'system', content: prompt.system },
          { role: 'user', content: prompt.user },
        ],
        images: [{ data: image.data, mime: image.mime }],
        jsonSchema: CAPTION_SCHEMA,
        maxTokens: CAPTION_MAX_TOKENS,
        temperature: this.opts.temperature ?? 0.2,
        seed: this.opts.seed,
        signal: ac.signal,
        extraBody: this.opts.requestBody,
      }
      const res = await this.deps.inference.generateJson('vision', req, CaptionAnswer, { purpose: 'caption' })
      if (ac.signal.aborted) {
        this.repo.release(id)
        return { kind: 'cancelled', id }
      }
      return { kind: this.repo.writeAnswer(id, res.value), id }
    } catch (e) {
      if (ac.signal.aborted || this.disposed) {
        if (!this.disposed) this.repo.release(id)
        return { kind: 'cancelled', id }
      }
      const err = asFolioError(e)
      if (BLOCKING.has(err.code)) {
        this.repo.release(id)
        return { kind: 'blocked', id, code: err.code, message: err.message }
      }
      return this.failed(id, err.message)
    } finally {
      outer?.removeEventListener('abort', onAbort)
      if (this.inFlight === ac) this.inFlight = null
      this.running = null
    }
  }

  private failed(id: string, reason: string): Outcome {
    const r = this.repo.fail(id, reason)
    return r === 'failed' ? { kind: 'failed', id, reason } : { kind: r, id }
  }

  private emit(): void {
    if (this.disposed) return
    try {
      this.deps.events.emit('library.captions', this.status())
    } catch {
      // The database closed under us (shutdown).
    }
  }
}

function asFolioError(e: unknown): FolioError {
  if (isFolioError(e)) return e
  return new FolioError('INTERNAL', (e as Error)?.message ?? String(e))
}
