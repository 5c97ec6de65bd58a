/**
 * Catalogue downloads in flight, kept above the screens so that a download keeps running (and its
 * progress keeps updating) while the user writes. A pure reducer plus a tiny external store for
 * `useSyncExternalStore`. No React, no DOM: unit-tested with a fake client.
 */
import type { CatalogueEntry, DownloadProgress, ModelInfo } from '../../../shared/api'
import { FolioError } from '../../../shared/errors'

export type DownloadPhase = 'downloading' | 'pausing' | 'cancelling' | 'error'

export interface DownloadUi {
  phase: DownloadPhase
  /** The latest progress report (null until the first one arrives). */
  progress: DownloadProgress | null
  error: { code: string; message: string } | null
}

export type Downloads = Readonly<Record<string, DownloadUi>>

export type DownloadAction =
  | { type: 'start'; id: string }
  | { type: 'progress'; id: string; progress: DownloadProgress }
  | { type: 'pause'; id: string }
  | { type: 'cancel'; id: string }
  /** The stream finished: the model is installed; the server's catalogue says so from now on. */
  | { type: 'complete'; id: string }
  /** The stream ended because we paused it: the partial file stays, the catalogue says "partial". */
  | { type: 'paused'; id: string }
  | { type: 'discarded'; id: string }
  | { type: 'failed'; id: string; error: { code: string; message: string } }
  | { type: 'dismiss'; id: string }

function without(state: Downloads, id: string): Downloads {
  if (!(id in state)) return state
  const next = { ...state }
  delete next[id]
  return next
}

export function downloadReducer(state: Downloads, action: DownloadAction): Downloads {
  const cur = state[action.id] as DownloadUi | undefined
  switch (action.type) {
    case 'start':
      // Resuming after an error keeps the last known progress, so the bar does not jump to 0.
      return { ...state, [action.id]: { phase: 'downloading', progress: cur?.progress ?? null, error: null } }
    case 'progress':
      if (!cur || cur.phase === 'error' || cur.phase === 'cancelling') return state
      return { ...state, [action.id]: { ...cur, progress: action.progress } }
    case 'pause':
      if (!cur || cur.phase !== 'downloading') return state
      return { ...state, [action.id]: { ...cur, phase: 'pausing' } }
    case 'cancel':
      return { ...state, [action.id]: { phase: 'cancelling', progress: cur?.progress ?? null, error: null } }
    case 'complete':
    case 'paused':
    case 'discarded':
    case 'dismiss':
      return without(state, action.id)
    case 'failed':
      return { ...state, [action.id]: { phase: 'error', progress: cur?.progress ?? null, error: action.error } }
  }
}

/** What a catalogue card shows, from the server's entry and the in-flight state. */
export type CardState =
  | { kind: 'installed' }
  | { kind: 'download' }
  | { kind: 'resume'; downloadedBytes: number; totalBytes: number }
  | { kind: 'active'; ui: DownloadUi; downloadedBytes: number; totalBytes: number }
  /** Downloading, but started elsewhere (another window, the CLI): no signal of ours to pause. */
  | { kind: 'elsewhere'; downloadedBytes: number; totalBytes: number }

export function cardState(entry: Pick<CatalogueEntry, 'download' | 'installedModelId' | 'sizeBytes'>, ui: DownloadUi | undefined): CardState {
  const d = entry.download
  const total = d.totalBytes || entry.sizeBytes
  if (ui) {
    const p = ui.progress
    const downloaded = p ? p.downloadedBytes : d.downloadedBytes
    return { kind: 'active', ui, downloadedBytes: downloaded, totalBytes: p?.totalBytes || total }
  }
  if (entry.installedModelId !== null || d.status === 'complete') return { kind: 'installed' }
  if (d.status === 'downloading') return { kind: 'elsewhere', downloadedBytes: d.downloadedBytes, totalBytes: total }
  if (d.status === 'partial') return { kind: 'resume', downloadedBytes: d.downloadedBytes, totalBytes: total }
  return { kind: 'download' }
}

export interface DownloadClient {
  stream(
    method: 'models.download',
    input: { catalogueId: string },
    opts: { onProgress?: (p: DownloadProgress) => void; signal?: AbortSignal },
  ): Promise<{ models: ModelInfo[] }>
  call(method: 'models.discardDownload', input: { catalogueId: string }): Promise<{ deletedBytes: number }>
}

export interface DownloadStoreOptions {
  /** Called once a download has installed its model. */
  onComplete?(id: string, models: ModelInfo[]): void
  /**
   * Coalesces progress notifications (the server may report many times a second): runs `fn` once,
   * later. Default: 100 ms.
   */
  schedule?(fn: () => void): void
}

function toError(e: unknown): { code: string; message: string } {
  if (e instanceof FolioError) return { code: e.code, message: e.message }
  if (e && typeof e === 'object' && 'message' in e) {
    const code = 'code' in e && typeof e.code === 'string' ? e.code : 'INTERNAL'
    return { code, message: String((e as { message: unknown }).message) }
  }
  return { code: 'INTERNAL', message: String(e) }
}

export class DownloadStore {
  private state: Downloads = {}
  private readonly listeners = new Set<() => void>()
  private readonly controllers = new Map<string, AbortController>()
  private readonly running = new Map<string, Promise<void>>()
  private notifyScheduled = false
  private readonly schedule: (fn: () => void) => void

  constructor(
    private readonly client: DownloadClient,
    private readonly opts: DownloadStoreOptions = {},
  ) {
    this.schedule = opts.schedule ?? ((fn) => void setTimeout(fn, 100))
  }

  readonly getSnapshot = (): Downloads => this.state

  readonly subscribe = (cb: () => void): (() => void) => {
    this.listeners.add(cb)
    return () => this.listeners.delete(cb)
  }

  private dispatch(action: DownloadAction, { coalesce = false } = {}): void {
    const next = downloadReducer(this.state, action)
    if (next === this.state) return
    this.state = next
    if (!coalesce) {
      this.listeners.forEach((l) => l())
      return
    }
    if (this.notifyScheduled) return
    this.notifyScheduled = true
    this.schedule(() => {
      this.notifyScheduled = false
      this.listeners.forEach((l) => l())
    })
  }

  isRunning(id: string): boolean {
    return this.running.has(id)
  }

  /** Starts, resumes or retries a download. Resolves when it ends (completed, paused or failed). */
  start(id: string): Promise<void> {
    const existing = this.running.get(id)
    if (existing) return existing
    const controller = new AbortController()
    this.controllers.set(id, controller)
    this.dispatch({ type: 'start', id })
    const run = (async () => {
      try {
        const out = await this.client.stream(
          'models.download',
          { catalogueId: id },
          {
            signal: controller.signal,
            onProgress: (progress) => this.dispatch({ type: 'progress', id, progress }, { coalesce: true }),
          },
        )
        this.dispatch({ type: 'complete', id })
        this.opts.onComplete?.(id, out.models)
      } catch (e) {
        const err = toError(e)
        if (controller.signal.aborted && err.code === 'CANCELLED') {
          // Paused by us; a cancel goes on to discard the partial files.
          if (this.state[id]?.phase !== 'cancelling') this.dispatch({ type: 'paused', id })
        } else {
          this.dispatch({ type: 'failed', id, error: err })
        }
      } finally {
        this.controllers.delete(id)
        this.running.delete(id)
      }
    })()
    this.running.set(id, run)
    return run
  }

  /** Pauses: aborts the stream (the server keeps the partial file). Resolves once it has stopped. */
  async pause(id: string): Promise<void> {
    const controller = this.controllers.get(id)
    if (!controller) return
    this.dispatch({ type: 'pause', id })
    controller.abort()
    await this.running.get(id)
  }

  /** Cancels: pauses if running, then deletes the partial files. Ask the user first. */
  async cancel(id: string): Promise<void> {
    this.dispatch({ type: 'cancel', id })
    this.controllers.get(id)?.abort()
    await this.running.get(id)
    try {
      await this.client.call('models.discardDownload', { catalogueId: id })
      this.dispatch({ type: 'discarded', id })
    } catch (e) {
      this.dispatch({ type: 'failed', id, error: toError(e) })
    }
  }

  /** Forgets an error (the card falls back to what the server reports). */
  dismiss(id: string): void {
    if (!this.running.has(id)) this.dispatch({ type: 'dismiss', id })
  }
}
