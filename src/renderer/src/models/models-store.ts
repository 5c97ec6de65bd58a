/**
 * Model data shared by the Models screen, the app shell (first start) and the status bar:
 * `models.list`, `models.catalogue`, `inference.status` and the latest generation stats. Refetches
 * on `models.changed` and after a reconnect; stats come from the `inference.stats` event. An
 * external store with an immutable snapshot, so each component subscribes to just the part it
 * shows (streaming stats re-render the status bar, not the editor).
 */
import type { GenerationStats, Output } from '../../../shared/api'
import type { FolioClient } from '../../../shared/client'

export type ModelList = Output<'models.list'>
export type Catalogue = Output<'models.catalogue'>
export type InferenceStatus = Output<'inference.status'>

export interface Loadable<T> {
  data: T | null
  error: unknown
}

export interface ModelsSnapshot {
  list: Loadable<ModelList>
  catalogue: Loadable<Catalogue>
  status: Loadable<InferenceStatus>
  /** The latest generation's stats (event or `inference.status().lastStats`). */
  stats: GenerationStats | null
  /** A model being read into memory (null when none). */
  loading: { model: string; progress: number } | null
}

type Key = 'list' | 'catalogue' | 'status'

const EMPTY: Loadable<never> = { data: null, error: null }

export interface ConnectionLike {
  get(): { state: string }
  subscribe(cb: () => void): () => void
}

export class ModelsStore {
  private snap: ModelsSnapshot = { list: EMPTY, catalogue: EMPTY, status: EMPTY, stats: null, loading: null }
  private readonly listeners = new Set<() => void>()
  private readonly running = new Map<Key, boolean>()
  private readonly again = new Map<Key, boolean>()
  /** The catalogue asks about RAM and the GPU: only fetched once a screen wants it. */
  private catalogueWanted = false
  private offs: (() => void)[] = []
  private disposed = false

  private statusTimer: ReturnType<typeof setTimeout> | null = null

  constructor(
    private readonly client: Pick<FolioClient, 'call' | 'on'>,
    private readonly connection?: ConnectionLike,
    /**
     * Delay before the first `inference.status`: answering it loads llama.cpp in the server (about a
     * second of CPU), which should not compete with opening the app on a small machine.
     */
    private readonly statusDelayMs = 0,
  ) {}

  readonly getSnapshot = (): ModelsSnapshot => this.snap

  readonly subscribe = (cb: () => void): (() => void) => {
    this.listeners.add(cb)
    return () => this.listeners.delete(cb)
  }

  /** Subscribes to server events and loads the list and status. Returns the matching stop. */
  start(): () => void {
    this.disposed = false
    this.offs.push(
      this.client.on('models.changed', () => this.refreshAll()),
      this.client.on('inference.stats', ({ stats }) => this.set({ stats })),
      this.client.on('inference.loading', ({ model, progress }) => this.set({ loading: progress >= 1 ? null : { model, progress } })),
    )
    if (this.connection) {
      const conn = this.connection
      // After a reconnect (events were missed), or when the first load failed; the first open only
      // sends the calls queued while connecting.
      let wasOpen = conn.get().state === 'open'
      let everOpen = wasOpen
      this.offs.push(
        conn.subscribe(() => {
          const open = conn.get().state === 'open'
          if (open && !wasOpen && (everOpen || this.snap.list.error !== null)) this.refreshAll()
          if (open) everOpen = true
          wasOpen = open
        }),
      )
    }
    this.refresh('list')
    if (this.statusDelayMs > 0) this.statusTimer = setTimeout(() => this.refresh('status'), this.statusDelayMs)
    else this.refresh('status')
    return () => this.stop()
  }

  stop(): void {
    this.disposed = true
    if (this.statusTimer !== null) clearTimeout(this.statusTimer)
    this.statusTimer = null
    this.offs.forEach((off) => off())
    this.offs = []
  }

  refreshAll(): void {
    this.refresh('list')
    this.refresh('status')
    if (this.catalogueWanted) this.refresh('catalogue')
  }

  refreshCatalogue(): void {
    this.catalogueWanted = true
    this.refresh('catalogue')
  }

  /** Single flight per resource; a request made meanwhile runs once more afterwards. */
  refresh(key: Key): void {
    if (this.running.get(key)) {
      this.again.set(key, true)
      return
    }
    this.running.set(key, true)
    void (async () => {
      do {
        this.again.set(key, false)
        try {
          const data = await this.fetch(key)
          if (this.disposed) break
          this.setLoadable(key, { data, error: null })
          if (key === 'status') {
            const last = (data as InferenceStatus).lastStats
            if (last && !this.snap.stats) this.set({ stats: last })
          }
        } catch (e) {
          if (this.disposed) break
          // Keep showing the last good data next to the error.
          this.setLoadable(key, { data: this.snap[key].data, error: e })
        }
      } while (this.again.get(key) && !this.disposed)
      this.running.set(key, false)
    })()
  }

  private fetch(key: Key): Promise<unknown> {
    if (key === 'list') return this.client.call('models.list', {})
    if (key === 'catalogue') return this.client.call('models.catalogue', {})
    return this.client.call('inference.status', {})
  }

  private setLoadable(key: Key, value: Loadable<unknown>): void {
    this.set({ [key]: value } as Partial<ModelsSnapshot>)
  }

  private set(patch: Partial<ModelsSnapshot>): void {
    this.snap = { ...this.snap, ...patch }
    this.listeners.forEach((l) => l())
  }
}

/** First-start check: 'none' when no writer model is configured. */
export function writerState(list: Loadable<ModelList>): 'loading' | 'none' | 'set' | 'unknown' {
  if (list.data) return list.data.roles.writer ? 'set' : 'none'
  return list.error ? 'unknown' : 'loading'
}
