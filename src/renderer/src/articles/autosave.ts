/**
 * Autosave scheduling, free of React and the DOM so it can be tested under Node.
 *
 * Every edit bumps a change counter; a save records the counter it started from, so edits made
 * while a save is in flight are never mistaken for saved. One save runs at a time (except a
 * keep-alive save at page unload, which must not wait). Failed saves keep the content and retry
 * with backoff until one succeeds.
 */
import { backoffDelay, realTimers, type Timers } from '../api/backoff'

export type SaveStatus = 'saved' | 'dirty' | 'saving' | 'error'

export interface SaveState {
  readonly status: SaveStatus
  /** The last failure, kept until a save succeeds. */
  readonly error: unknown
}

export interface SaveRequest {
  /** The page is going away: use a request that outlives it (fetch keepalive). */
  keepalive: boolean
}

export interface AutosaveOptions {
  /** Stores the current content; reads it at call time. Rejects on failure. */
  save(req: SaveRequest): Promise<void>
  /** Quiet time after the last change before saving. */
  delayMs?: number
  /** Longest an edit waits while changes keep coming (typing without a pause never saved before). */
  maxWaitMs?: number
  retryBaseMs?: number
  retryMaxMs?: number
  timers?: Timers
  /** After close(), only transient failures keep retrying. Default: `error.retryable === true`. */
  isTransient?(error: unknown): boolean
}

interface Waiter {
  seq: number
  resolve(ok: boolean): void
}

export class Autosave {
  private changeSeq = 0
  private savedSeq = 0
  private inflightSeq: number | null = null
  private inflightKeepalive = false
  private debounceTimer: unknown = null
  private maxWaitTimer: unknown = null
  private retryTimer: unknown = null
  private runRequested = false
  private attempt = 0
  private error: unknown = null
  private closed = false
  private waiters: Waiter[] = []
  private readonly listeners = new Set<() => void>()
  private snapshot: SaveState = { status: 'saved', error: null }
  private readonly timers: Timers
  private readonly delayMs: number
  private readonly maxWaitMs: number
  private readonly retryBaseMs: number
  private readonly retryMaxMs: number

  constructor(private readonly opts: AutosaveOptions) {
    this.timers = opts.timers ?? realTimers
    this.delayMs = opts.delayMs ?? 800
    this.maxWaitMs = opts.maxWaitMs ?? 5000
    this.retryBaseMs = opts.retryBaseMs ?? 1000
    this.retryMaxMs = opts.retryMaxMs ?? 30_000
  }

  /** Stable between changes, for React's useSyncExternalStore. */
  readonly getState = (): SaveState => this.snapshot

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Whether some change has not been confirmed as stored yet. */
  get isDirty(): boolean {
    return this.changeSeq > this.savedSeq
  }

  /** Failed attempts since the last successful save. */
  get failedAttempts(): number {
    return this.attempt
  }

  /** The content changed: save after a quiet period. */
  markDirty(): void {
    this.changeSeq++
    this.scheduleDebounce()
    if (this.maxWaitTimer === null) {
      this.maxWaitTimer = this.timers.set(() => {
        this.maxWaitTimer = null
        this.start(false)
      }, this.maxWaitMs)
    }
    this.emit()
  }

  /**
   * Saves now. Resolves true once every change made before the call is stored, false if the
   * attempt failed (a retry is then scheduled; the content is kept).
   */
  flush(opts: { keepalive?: boolean } = {}): Promise<boolean> {
    const seq = this.changeSeq
    if (this.savedSeq >= seq) return Promise.resolve(true)
    return new Promise<boolean>((resolve) => {
      this.waiters.push({ seq, resolve })
      this.start(opts.keepalive ?? false)
    })
  }

  /** The Retry button: try again immediately. */
  retryNow(): void {
    this.start(false)
  }

  /** The content was replaced by what the server holds (e.g. a restored version): nothing to save. */
  markSaved(): void {
    this.savedSeq = this.changeSeq
    this.clearDebounce()
    this.clearMaxWait()
    this.clearRetry()
    this.error = null
    this.attempt = 0
    this.settle()
    this.emit()
  }

  /** The editor is going away: save what is pending; afterwards only transient failures retry. */
  close(): Promise<boolean> {
    this.closed = true
    return this.flush()
  }

  /** The editor is (again) showing this content. */
  open(): void {
    this.closed = false
  }

  /** Stops all timers (tests, or content that no longer exists). */
  dispose(): void {
    this.closed = true
    this.clearDebounce()
    this.clearMaxWait()
    this.clearRetry()
    this.runRequested = false
  }

  private start(keepalive: boolean): void {
    if (this.inflightSeq !== null) {
      // A keep-alive save cannot wait for a normal one that may die with the page.
      if (keepalive && this.isDirty && (!this.inflightKeepalive || this.inflightSeq < this.changeSeq)) {
        this.sideSave()
      } else {
        this.runRequested = true
      }
      return
    }
    const seq = this.changeSeq
    if (seq <= this.savedSeq) {
      this.settle()
      return
    }
    this.clearDebounce()
    this.clearMaxWait()
    this.clearRetry()
    this.runRequested = false
    this.inflightSeq = seq
    this.inflightKeepalive = keepalive
    this.emit()
    this.callSave(keepalive).then(
      () => this.finish(seq, undefined),
      (e: unknown) => this.finish(seq, e ?? new Error('Save failed')),
    )
  }

  private sideSave(): void {
    const seq = this.changeSeq
    this.callSave(true).then(
      () => {
        this.savedSeq = Math.max(this.savedSeq, seq)
        if (!this.isDirty) this.error = null
        this.settle()
        this.emit()
      },
      () => {
        // The normal path keeps retrying; nothing else to do here.
      },
    )
  }

  private callSave(keepalive: boolean): Promise<void> {
    try {
      return Promise.resolve(this.opts.save({ keepalive }))
    } catch (e) {
      return Promise.reject(e)
    }
  }

  private finish(seq: number, failure: unknown): void {
    this.inflightSeq = null
    this.inflightKeepalive = false
    if (failure === undefined || this.savedSeq >= this.changeSeq) {
      this.savedSeq = Math.max(this.savedSeq, failure === undefined ? seq : this.savedSeq)
      this.attempt = 0
      this.error = null
      this.clearRetry()
      this.settle()
      if (this.isDirty) {
        if (this.runRequested || this.waiters.length > 0) this.start(false)
        else if (this.debounceTimer === null) this.scheduleDebounce()
      }
    } else {
      this.error = failure
      this.runRequested = false
      this.settle(false)
      if (!this.closed || this.isTransient(failure)) {
        const delay = backoffDelay(this.attempt, { baseMs: this.retryBaseMs, maxMs: this.retryMaxMs })
        this.clearRetry()
        this.retryTimer = this.timers.set(() => {
          this.retryTimer = null
          this.start(false)
        }, delay)
      }
      this.attempt++
    }
    this.emit()
  }

  private scheduleDebounce(): void {
    this.clearDebounce()
    this.debounceTimer = this.timers.set(() => {
      this.debounceTimer = null
      this.start(false)
    }, this.delayMs)
  }

  /** Resolves waiters that are satisfied; with `failed`, resolves the rest with false. */
  private settle(failed?: false): void {
    const remaining: Waiter[] = []
    for (const w of this.waiters) {
      if (this.savedSeq >= w.seq) w.resolve(true)
      else if (failed === false) w.resolve(false)
      else remaining.push(w)
    }
    this.waiters = remaining
  }

  private isTransient(e: unknown): boolean {
    if (this.opts.isTransient) return this.opts.isTransient(e)
    return (e as { retryable?: unknown } | null)?.retryable === true
  }

  private clearDebounce(): void {
    if (this.debounceTimer !== null) this.timers.clear(this.debounceTimer)
    this.debounceTimer = null
  }

  private clearMaxWait(): void {
    if (this.maxWaitTimer !== null) this.timers.clear(this.maxWaitTimer)
    this.maxWaitTimer = null
  }

  private clearRetry(): void {
    if (this.retryTimer !== null) this.timers.clear(this.retryTimer)
    this.retryTimer = null
  }

  private emit(): void {
    const status: SaveStatus =
      this.inflightSeq !== null ? 'saving' : this.error !== null ? 'error' : this.isDirty ? 'dirty' : 'saved'
    const error = this.error
    if (status === this.snapshot.status && error === this.snapshot.error) return
    this.snapshot = { status, error }
    for (const l of [...this.listeners]) l()
  }
}
