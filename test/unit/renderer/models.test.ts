import { describe, expect, it } from 'vitest'
import type { DownloadProgress, GenerationStats, ModelInfo } from '../../../src/shared/api'
import { FolioError } from '../../../src/shared/errors'
import {
  cardState,
  downloadReducer,
  DownloadStore,
  type DownloadClient,
  type Downloads,
} from '../../../src/renderer/src/models/download-store'
import {
  backendLabel,
  formatBytes,
  formatDuration,
  formatEta,
  formatGb,
  formatSpeed,
  formatStats,
  isHttpUrl,
  languageName,
  percent,
  remoteInput,
  validateRemoteForm,
  type RemoteForm,
} from '../../../src/renderer/src/models/format'
import { ModelsStore, writerState } from '../../../src/renderer/src/models/models-store'
import { TokenBatcher } from '../../../src/renderer/src/models/token-batcher'
import { translate, type MessageKey, type Vars } from '../../../src/renderer/src/i18n'
import { deferred, flushMicrotasks, type Deferred } from './fake-timers'

const en = (k: MessageKey, v?: Vars) => translate('en', k, v)
const zh = (k: MessageKey, v?: Vars) => translate('zh', k, v)

describe('model formatting', () => {
  it('formats sizes in decimal units', () => {
    expect(formatBytes(3.34e9)).toBe('3.3 GB')
    expect(formatBytes(640e6)).toBe('640 MB')
    expect(formatBytes(12.34e6)).toBe('12.3 MB')
    expect(formatBytes(446_336)).toBe('446 KB')
    expect(formatBytes(12)).toBe('12 B')
    expect(formatBytes(-1)).toBe('—')
    expect(formatBytes(Number.NaN)).toBe('—')
  })

  it('formats download sizes in GB', () => {
    expect(formatGb(3.34e9)).toBe('3.3 GB')
    expect(formatGb(0.64e9)).toBe('0.64 GB')
    expect(formatGb(0)).toBe('0.00 GB')
    expect(formatGb(25_276_059_648, 'zh-CN')).toBe('25.3 GB')
  })

  it('formats speed, and a dash before it is known', () => {
    expect(formatSpeed(12_500_000)).toBe('12.5 MB/s')
    expect(formatSpeed(40_000)).toBe('0.0 MB/s')
    expect(formatSpeed(0)).toBe('—')
    expect(formatSpeed(Number.POSITIVE_INFINITY)).toBe('—')
  })

  it('formats durations and ETAs in both languages', () => {
    expect(formatDuration(44.2, en)).toBe('45 s')
    expect(formatDuration(200, en)).toBe('3 min 20 s')
    expect(formatDuration(180, en)).toBe('3 min')
    expect(formatDuration(725, en)).toBe('12 min')
    expect(formatDuration(3600, en)).toBe('1 h')
    expect(formatDuration(3900, en)).toBe('1 h 5 min')
    expect(formatDuration(200, zh)).toBe('3 分 20 秒')
    expect(formatEta(200, en)).toBe('3 min 20 s left')
    expect(formatEta(null, en)).toBe('estimating time left…')
    expect(formatEta(Number.NaN, en)).toBe('estimating time left…')
    expect(formatEta(45, zh)).toBe('剩余 45 秒')
  })

  it('computes whole percentages, clamped', () => {
    expect(percent(0, 0)).toBe(0)
    expect(percent(1, 3)).toBe(33)
    expect(percent(5, 4)).toBe(100)
    expect(percent(-1, 4)).toBe(0)
  })

  it('writes the stats line', () => {
    const stats = { ttftMs: 412.6, tokensPerSecond: 18.34 } as GenerationStats
    expect(formatStats(stats, en)).toBe('first token 413 ms · 18.3 tok/s')
    expect(formatStats({ ttftMs: 1543, tokensPerSecond: 5.55 }, en, 'en')).toBe('first token 1,543 ms · 5.6 tok/s')
    expect(formatStats(stats, zh, 'zh-CN')).toBe('首个词元 413 毫秒 · 18.3 词元/秒')
  })

  it('names backends and languages', () => {
    expect(backendLabel('cpu', en)).toBe('CPU')
    expect(backendLabel('cuda', en)).toBe('CUDA')
    expect(backendLabel('vulkan', zh)).toBe('Vulkan')
    expect(backendLabel('metal', en)).toBe('Metal')
    expect(backendLabel('rocm', en)).toBe('rocm')
    expect(backendLabel('remote', en)).toBe('Remote')
    expect(backendLabel('remote', zh)).toBe('远程')
    expect(languageName('zh', en)).toBe('Chinese')
    expect(languageName('fr', en)).toBe('fr')
  })
})

describe('remote server form', () => {
  const form = (patch: Partial<RemoteForm>): RemoteForm => ({ url: '', model: '', apiKey: '', vision: false, role: '', ...patch })

  it('accepts http(s) URLs only', () => {
    expect(isHttpUrl('http://127.0.0.1:9/v1')).toBe(true)
    expect(isHttpUrl(' https://api.example.com/v1 ')).toBe(true)
    expect(isHttpUrl('ftp://example.com')).toBe(false)
    expect(isHttpUrl('localhost:8080')).toBe(false)
    expect(isHttpUrl('not a url')).toBe(false)
    expect(isHttpUrl('')).toBe(false)
  })

  it('validates inline', () => {
    expect(validateRemoteForm(form({}))).toEqual({ url: 'models.remote.urlRequired' })
    expect(validateRemoteForm(form({ url: 'not a url' }))).toEqual({ url: 'models.remote.urlInvalid' })
    expect(validateRemoteForm(form({ url: 'http://x/v1', role: 'vision' }))).toEqual({ role: 'models.remote.visionRole' })
    expect(validateRemoteForm(form({ url: 'http://x/v1', role: 'vision', vision: true }))).toEqual({})
  })

  it('leaves empty optional fields out of the request', () => {
    expect(remoteInput(form({ url: ' http://x/v1 ' }))).toEqual({ url: 'http://x/v1' })
    expect(remoteInput(form({ url: 'http://x/v1', model: ' qwen ', apiKey: 'sk', vision: true, role: 'writer' }))).toEqual({
      url: 'http://x/v1',
      model: 'qwen',
      apiKey: 'sk',
      vision: true,
      role: 'writer',
    })
  })
})

const progress = (done: number, total = 1000): DownloadProgress => ({
  file: 'm.gguf',
  downloadedBytes: done,
  totalBytes: total,
  bytesPerSecond: 100,
  etaSeconds: (total - done) / 100,
})

describe('download reducer', () => {
  it('runs a download from start to completion', () => {
    let s: Downloads = {}
    s = downloadReducer(s, { type: 'start', id: 'a' })
    expect(s.a).toEqual({ phase: 'downloading', progress: null, error: null })
    s = downloadReducer(s, { type: 'progress', id: 'a', progress: progress(10) })
    expect(s.a.progress?.downloadedBytes).toBe(10)
    s = downloadReducer(s, { type: 'complete', id: 'a' })
    expect(s).toEqual({})
  })

  it('pauses, and ignores progress for downloads it does not track', () => {
    let s: Downloads = downloadReducer({}, { type: 'start', id: 'a' })
    const before = s
    expect(downloadReducer(s, { type: 'progress', id: 'b', progress: progress(1) })).toBe(before)
    s = downloadReducer(s, { type: 'pause', id: 'a' })
    expect(s.a.phase).toBe('pausing')
    // Late progress still moves the bar while the server stops.
    s = downloadReducer(s, { type: 'progress', id: 'a', progress: progress(20) })
    expect(s.a).toMatchObject({ phase: 'pausing', progress: { downloadedBytes: 20 } })
    expect(downloadReducer(s, { type: 'pause', id: 'a' })).toBe(s)
    s = downloadReducer(s, { type: 'paused', id: 'a' })
    expect(s).toEqual({})
  })

  it('keeps the last progress through an error and a retry', () => {
    let s: Downloads = downloadReducer({}, { type: 'start', id: 'a' })
    s = downloadReducer(s, { type: 'progress', id: 'a', progress: progress(300) })
    s = downloadReducer(s, { type: 'failed', id: 'a', error: { code: 'UNREACHABLE', message: 'offline' } })
    expect(s.a).toMatchObject({ phase: 'error', error: { code: 'UNREACHABLE' }, progress: { downloadedBytes: 300 } })
    expect(downloadReducer(s, { type: 'progress', id: 'a', progress: progress(1) })).toBe(s)
    s = downloadReducer(s, { type: 'start', id: 'a' })
    expect(s.a).toMatchObject({ phase: 'downloading', error: null, progress: { downloadedBytes: 300 } })
    s = downloadReducer(s, { type: 'cancel', id: 'a' })
    expect(s.a.phase).toBe('cancelling')
    expect(downloadReducer(s, { type: 'discarded', id: 'a' })).toEqual({})
  })

  it('leaves other downloads untouched (stable references for selectors)', () => {
    let s: Downloads = downloadReducer({}, { type: 'start', id: 'a' })
    s = downloadReducer(s, { type: 'start', id: 'b' })
    const a = s.a
    s = downloadReducer(s, { type: 'progress', id: 'b', progress: progress(5) })
    expect(s.a).toBe(a)
  })
})

describe('catalogue card state', () => {
  const entry = (status: 'none' | 'partial' | 'downloading' | 'complete', downloaded = 0, installed: string | null = null) => ({
    sizeBytes: 1000,
    installedModelId: installed,
    download: { status, downloadedBytes: downloaded, totalBytes: 1000 },
  })

  it('follows the server when nothing is in flight here', () => {
    expect(cardState(entry('none'), undefined)).toEqual({ kind: 'download' })
    expect(cardState(entry('partial', 400), undefined)).toEqual({ kind: 'resume', downloadedBytes: 400, totalBytes: 1000 })
    expect(cardState(entry('complete', 1000), undefined)).toEqual({ kind: 'installed' })
    expect(cardState(entry('none', 0, 'mdl_000000000000'), undefined)).toEqual({ kind: 'installed' })
    expect(cardState(entry('downloading', 10), undefined)).toEqual({ kind: 'elsewhere', downloadedBytes: 10, totalBytes: 1000 })
  })

  it('shows our own download with its latest progress', () => {
    const ui = { phase: 'downloading' as const, progress: progress(250, 2000), error: null }
    expect(cardState(entry('partial', 100), ui)).toEqual({ kind: 'active', ui, downloadedBytes: 250, totalBytes: 2000 })
    const early = { phase: 'downloading' as const, progress: null, error: null }
    expect(cardState(entry('partial', 100), early)).toMatchObject({ kind: 'active', downloadedBytes: 100, totalBytes: 1000 })
  })
})

/** A models.download that the test drives by hand; aborting rejects like the server does. */
function fakeDownloads() {
  const runs: { id: string; d: Deferred<{ models: ModelInfo[] }>; onProgress?: (p: DownloadProgress) => void }[] = []
  const discarded: string[] = []
  const client: DownloadClient = {
    stream(_m, input, opts) {
      const d = deferred<{ models: ModelInfo[] }>()
      runs.push({ id: input.catalogueId, d, onProgress: opts.onProgress })
      opts.signal?.addEventListener('abort', () => d.reject(new FolioError('CANCELLED', 'paused')), { once: true })
      return d.promise
    },
    async call(_m, input) {
      discarded.push(input.catalogueId)
      return { deletedBytes: 1 }
    },
  }
  const scheduled: (() => void)[] = []
  const completed: string[] = []
  const store = new DownloadStore(client, {
    schedule: (fn) => scheduled.push(fn),
    onComplete: (id) => completed.push(id),
  })
  let notified = 0
  store.subscribe(() => notified++)
  return { store, runs, discarded, scheduled, completed, notified: () => notified }
}

describe('DownloadStore', () => {
  it('coalesces progress notifications and completes', async () => {
    const h = fakeDownloads()
    const done = h.store.start('a')
    expect(h.store.getSnapshot().a.phase).toBe('downloading')
    expect(h.notified()).toBe(1)
    h.runs[0].onProgress?.(progress(1))
    h.runs[0].onProgress?.(progress(2))
    h.runs[0].onProgress?.(progress(3))
    expect(h.scheduled).toHaveLength(1)
    expect(h.notified()).toBe(1)
    h.scheduled[0]()
    expect(h.notified()).toBe(2)
    expect(h.store.getSnapshot().a.progress?.downloadedBytes).toBe(3)
    // Starting again while running joins the same run.
    expect(h.store.start('a')).toBe(done)
    h.runs[0].d.resolve({ models: [] })
    await done
    expect(h.store.getSnapshot()).toEqual({})
    expect(h.completed).toEqual(['a'])
    expect(h.store.isRunning('a')).toBe(false)
  })

  it('pauses by aborting the stream (the partial file is the server’s business)', async () => {
    const h = fakeDownloads()
    void h.store.start('a')
    const paused = h.store.pause('a')
    expect(h.store.getSnapshot().a.phase).toBe('pausing')
    await paused
    expect(h.store.getSnapshot()).toEqual({})
    expect(h.discarded).toEqual([])
    // Resume = start again.
    void h.store.start('a')
    expect(h.runs).toHaveLength(2)
  })

  it('cancels: pauses, then discards the partial files', async () => {
    const h = fakeDownloads()
    void h.store.start('a')
    await h.store.cancel('a')
    expect(h.discarded).toEqual(['a'])
    expect(h.store.getSnapshot()).toEqual({})
  })

  it('keeps errors with their message until retried or dismissed', async () => {
    const h = fakeDownloads()
    const run = h.store.start('a')
    h.runs[0].d.reject(new FolioError('DISK_FULL', 'Not enough disk space'))
    await run
    expect(h.store.getSnapshot().a).toMatchObject({ phase: 'error', error: { code: 'DISK_FULL', message: 'Not enough disk space' } })
    void h.store.start('a')
    expect(h.store.getSnapshot().a.phase).toBe('downloading')
    h.runs[1].d.reject(new FolioError('UNREACHABLE', 'offline'))
    await flushMicrotasks()
    expect(h.store.getSnapshot().a.error?.code).toBe('UNREACHABLE')
    h.store.dismiss('a')
    expect(h.store.getSnapshot()).toEqual({})
  })
})

describe('TokenBatcher', () => {
  function frames() {
    const queue = new Map<number, () => void>()
    let seq = 0
    return {
      scheduler: {
        request: (cb: () => void) => {
          queue.set(++seq, cb)
          return seq
        },
        cancel: (h: unknown) => void queue.delete(h as number),
      },
      tick() {
        const cbs = [...queue.values()]
        queue.clear()
        cbs.forEach((cb) => cb())
      },
      get pending() {
        return queue.size
      },
    }
  }

  it('hands over at most once per frame', () => {
    const f = frames()
    const out: string[] = []
    const b = new TokenBatcher((t) => out.push(t), f.scheduler)
    b.push('Hel')
    b.push('lo')
    b.push('')
    expect(f.pending).toBe(1)
    expect(out).toEqual([])
    f.tick()
    expect(out).toEqual(['Hello'])
    f.tick()
    expect(out).toEqual(['Hello'])
    b.push(' world')
    b.flush()
    expect(out).toEqual(['Hello', ' world'])
    expect(f.pending).toBe(0)
  })

  it('drops everything on dispose', () => {
    const f = frames()
    const out: string[] = []
    const b = new TokenBatcher((t) => out.push(t), f.scheduler)
    b.push('x')
    b.dispose()
    f.tick()
    b.flush()
    expect(out).toEqual([])
  })
})

describe('ModelsStore', () => {
  function fakeClient() {
    const handlers = new Map<string, (p: unknown) => void>()
    const calls: string[] = []
    let writer: string | null = null
    const stats = { model: 'm', ttftMs: 10, tokensPerSecond: 5 } as GenerationStats
    const client = {
      async call(method: string) {
        calls.push(method)
        if (method === 'models.list') return { models: [], roles: { writer, vision: null, embedder: null } }
        if (method === 'inference.status') return { backend: 'cpu', writer: writer ? 'Tiny' : null, lastStats: stats }
        return { entries: [], system: {} }
      },
      on(event: string, cb: (p: unknown) => void) {
        handlers.set(event, cb)
        return () => handlers.delete(event)
      },
    }
    return { client: client as never as ConstructorParameters<typeof ModelsStore>[0], handlers, calls, setWriter: (w: string | null) => (writer = w) }
  }

  it('loads, refreshes on models.changed and takes stats from events', async () => {
    const h = fakeClient()
    const store = new ModelsStore(h.client)
    expect(writerState(store.getSnapshot().list)).toBe('loading')
    const stop = store.start()
    await flushMicrotasks()
    expect(writerState(store.getSnapshot().list)).toBe('none')
    expect(store.getSnapshot().stats?.ttftMs).toBe(10)
    expect(h.calls).toEqual(['models.list', 'inference.status'])

    h.setWriter('mdl_000000000000')
    h.handlers.get('models.changed')?.({ reason: 'roles' })
    await flushMicrotasks()
    expect(writerState(store.getSnapshot().list)).toBe('set')
    expect(store.getSnapshot().status.data?.writer).toBe('Tiny')
    // The catalogue is only fetched once a screen asked for it.
    expect(h.calls).not.toContain('models.catalogue')
    store.refreshCatalogue()
    await flushMicrotasks()
    expect(h.calls).toContain('models.catalogue')

    const list = store.getSnapshot().list
    h.handlers.get('inference.stats')?.({ stats: { ttftMs: 99, tokensPerSecond: 1 } })
    expect(store.getSnapshot().stats?.ttftMs).toBe(99)
    expect(store.getSnapshot().list).toBe(list)

    // Model loading shows progress in the status bar, and clears when the model is ready.
    h.handlers.get('inference.loading')?.({ model: 'Qwen3-VL', progress: 0.4 })
    expect(store.getSnapshot().loading).toEqual({ model: 'Qwen3-VL', progress: 0.4 })
    h.handlers.get('inference.loading')?.({ model: 'Qwen3-VL', progress: 1 })
    expect(store.getSnapshot().loading).toBeNull()

    stop()
    expect(h.handlers.size).toBe(0)
  })
})
