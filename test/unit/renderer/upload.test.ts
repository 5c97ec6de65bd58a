import { describe, expect, it } from 'vitest'
import { FolioError } from '../../../src/shared/errors'
import {
  MODEL_UPLOAD_URL,
  SpeedMeter,
  UploadError,
  uploadModelFile,
  uploadModelFiles,
  type UploadProgress,
  type XhrLike,
  type XhrProgressEvent,
} from '../../../src/renderer/src/models/upload'
import { flushMicrotasks } from './fake-timers'

interface FakeFile {
  name: string
  size: number
}

type Listener = () => void

/** A stand-in for XMLHttpRequest: records what was sent; the test plays the network. */
class FakeXhr implements XhrLike<FakeFile> {
  static all: FakeXhr[] = []
  static last(): FakeXhr {
    const x = FakeXhr.all.at(-1)
    if (!x) throw new Error('no request was made')
    return x
  }

  method = ''
  url = ''
  headers: Record<string, string> = {}
  body: FakeFile | null = null
  aborted = false
  status = 0
  responseText = ''
  private readonly listeners = new Map<string, Listener[]>()
  private readonly progressListeners: ((e: XhrProgressEvent) => void)[] = []
  readonly upload = {
    addEventListener: (_type: 'progress', listener: (e: XhrProgressEvent) => void) => {
      this.progressListeners.push(listener)
    },
  }

  constructor() {
    FakeXhr.all.push(this)
  }

  open(method: string, url: string): void {
    this.method = method
    this.url = url
  }
  setRequestHeader(name: string, value: string): void {
    this.headers[name.toLowerCase()] = value
  }
  send(body: FakeFile): void {
    this.body = body
  }
  addEventListener(type: 'load' | 'error' | 'abort' | 'timeout', listener: Listener): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener])
  }
  abort(): void {
    if (this.aborted) return
    this.aborted = true
    this.fire('abort')
  }

  // ---- the network's side ----
  fire(type: string): void {
    for (const l of this.listeners.get(type) ?? []) l()
  }
  progress(loaded: number, total: number, lengthComputable = true): void {
    for (const l of this.progressListeners) l({ loaded, total, lengthComputable })
  }
  respond(status: number, body: unknown): void {
    this.status = status
    this.responseText = typeof body === 'string' ? body : JSON.stringify(body)
    this.fire('load')
  }
}

const file = (name: string, size: number): FakeFile => ({ name, size })

function setup() {
  FakeXhr.all = []
  let clock = 0
  const progress: UploadProgress[] = []
  return {
    progress,
    tick: (ms: number) => {
      clock += ms
    },
    opts: (extra: { signal?: AbortSignal } = {}) => ({
      Xhr: FakeXhr,
      now: () => clock,
      onProgress: (p: UploadProgress) => progress.push(p),
      ...extra,
    }),
  }
}

async function rejection(p: Promise<unknown>): Promise<UploadError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  )
  expect(e).toBeInstanceOf(UploadError)
  return e as UploadError
}

describe('uploadModelFile', () => {
  it('posts the file as the raw body and resolves with the upload id', async () => {
    const s = setup()
    const f = file('model.gguf', 1000)
    const done = uploadModelFile(f, s.opts())
    const xhr = FakeXhr.last()
    expect(xhr.method).toBe('POST')
    expect(xhr.url).toBe(MODEL_UPLOAD_URL)
    expect(xhr.url).toBe('/api/models/upload')
    expect(xhr.body).toBe(f)
    expect(xhr.headers['content-type']).toBe('application/octet-stream')
    // No token anywhere: the session cookie authenticates the request.
    expect(Object.keys(xhr.headers)).toEqual(['content-type'])
    xhr.respond(200, { ok: true, output: { id: 'upl_0123456789ab.gguf', bytes: 1000 } })
    await expect(done).resolves.toEqual({ id: 'upl_0123456789ab.gguf', bytes: 1000 })
  })

  it('reports progress with bytes and a speed', async () => {
    const s = setup()
    const done = uploadModelFile(file('model.gguf', 4_000_000), s.opts())
    const xhr = FakeXhr.last()
    expect(s.progress).toEqual([{ loadedBytes: 0, totalBytes: 4_000_000, bytesPerSecond: 0 }])
    xhr.progress(0, 4_000_000)
    s.tick(500)
    xhr.progress(1_000_000, 4_000_000)
    s.tick(500)
    xhr.progress(2_000_000, 4_000_000)
    expect(s.progress.at(-2)).toEqual({ loadedBytes: 1_000_000, totalBytes: 4_000_000, bytesPerSecond: 2_000_000 })
    expect(s.progress.at(-1)).toEqual({ loadedBytes: 2_000_000, totalBytes: 4_000_000, bytesPerSecond: 2_000_000 })
    // Without a computable length the file's size is the total.
    xhr.progress(3_000_000, 0, false)
    expect(s.progress.at(-1)?.totalBytes).toBe(4_000_000)
    xhr.respond(200, { ok: true, output: { id: 'upl_0123456789ab.gguf', bytes: 4_000_000 } })
    await done
    const count = s.progress.length
    xhr.progress(4_000_000, 4_000_000)
    expect(s.progress.length).toBe(count)
  })

  it('rejects with the server’s error, its code and message as they are', async () => {
    const s = setup()
    const done = uploadModelFile(file('x.gguf', 11), s.opts())
    FakeXhr.last().respond(415, {
      ok: false,
      error: { code: 'MODEL_INVALID', message: 'This is not a GGUF model file.', retryable: false },
    })
    const e = await rejection(done)
    expect(e).toBeInstanceOf(FolioError)
    expect(e.reason).toBe('server')
    expect(e.code).toBe('MODEL_INVALID')
    expect(e.message).toBe('This is not a GGUF model file.')
    expect(e.status).toBe(415)
    expect(e.retryable).toBe(false)
  })

  it('keeps a disk-full error retryable', async () => {
    const s = setup()
    const done = uploadModelFile(file('big.gguf', 10), s.opts())
    FakeXhr.last().respond(503, {
      ok: false,
      error: { code: 'DISK_FULL', message: 'Not enough disk space for this model: it needs 9.0 GB, 1.0 GB is free.', retryable: true },
    })
    const e = await rejection(done)
    expect([e.code, e.retryable, e.status]).toEqual(['DISK_FULL', true, 503])
    expect(e.message).toMatch(/^Not enough disk space/)
  })

  it('tells an answer that is not Folio’s JSON from a server error', async () => {
    const s = setup()
    const done = uploadModelFile(file('m.gguf', 10), s.opts())
    FakeXhr.last().respond(502, '<html>Bad Gateway</html>')
    const e = await rejection(done)
    expect([e.reason, e.code, e.status]).toEqual(['bad-response', 'BAD_RESPONSE', 502])

    // A 200 without an id is no success either.
    const odd = uploadModelFile(file('m.gguf', 10), s.opts())
    FakeXhr.last().respond(200, { ok: true, output: {} })
    expect((await rejection(odd)).reason).toBe('bad-response')
  })

  it('maps an unknown error code to INTERNAL and keeps the message', async () => {
    const s = setup()
    const done = uploadModelFile(file('m.gguf', 10), s.opts())
    FakeXhr.last().respond(500, { ok: false, error: { code: 'SOMETHING_NEW', message: 'It broke.' } })
    const e = await rejection(done)
    expect([e.reason, e.code, e.message]).toEqual(['server', 'INTERNAL', 'It broke.'])
  })

  it('rejects with a network failure when there is no answer', async () => {
    const s = setup()
    const done = uploadModelFile(file('m.gguf', 10), s.opts())
    FakeXhr.last().fire('error')
    const e = await rejection(done)
    expect([e.reason, e.code, e.retryable, e.status]).toEqual(['network', 'UNREACHABLE', true, 0])
  })

  it('aborts the request when the signal fires, and rejects as cancelled', async () => {
    const s = setup()
    const controller = new AbortController()
    const done = uploadModelFile(file('m.gguf', 10), s.opts({ signal: controller.signal }))
    const xhr = FakeXhr.last()
    xhr.progress(5, 10)
    controller.abort()
    expect(xhr.aborted).toBe(true)
    const e = await rejection(done)
    expect([e.reason, e.code]).toEqual(['cancelled', 'CANCELLED'])
    // A late answer changes nothing.
    xhr.respond(200, { ok: true, output: { id: 'upl_0123456789ab.gguf', bytes: 10 } })
    await flushMicrotasks()
  })

  it('sends nothing when the signal has already fired', async () => {
    const s = setup()
    const controller = new AbortController()
    controller.abort()
    const e = await rejection(uploadModelFile(file('m.gguf', 10), s.opts({ signal: controller.signal })))
    expect(e.reason).toBe('cancelled')
    expect(FakeXhr.all).toHaveLength(0)
  })
})

describe('uploadModelFiles', () => {
  const ok = (id: string, bytes: number) => ({ ok: true, output: { id, bytes } })

  it('uploads the model, then its projector, one at a time', async () => {
    FakeXhr.all = []
    const seen: string[] = []
    const done = uploadModelFiles(
      { model: file('m.gguf', 100), mmproj: file('p.gguf', 50) },
      { Xhr: FakeXhr, onProgress: (slot, p) => seen.push(`${slot}:${p.loadedBytes}`) },
    )
    expect(FakeXhr.all).toHaveLength(1)
    FakeXhr.last().progress(100, 100)
    FakeXhr.last().respond(200, ok('upl_aaaaaaaaaaaa.gguf', 100))
    await flushMicrotasks()
    expect(FakeXhr.all).toHaveLength(2)
    expect(FakeXhr.last().body?.name).toBe('p.gguf')
    FakeXhr.last().respond(200, ok('upl_bbbbbbbbbbbb.gguf', 50))
    await expect(done).resolves.toEqual({ model: 'upl_aaaaaaaaaaaa.gguf', mmproj: 'upl_bbbbbbbbbbbb.gguf' })
    expect(seen).toEqual(['model:0', 'model:100', 'mmproj:0'])
  })

  it('uploads the model alone when there is no projector', async () => {
    FakeXhr.all = []
    const done = uploadModelFiles({ model: file('m.gguf', 100), mmproj: null }, { Xhr: FakeXhr })
    FakeXhr.last().respond(200, ok('upl_aaaaaaaaaaaa.gguf', 100))
    await expect(done).resolves.toEqual({ model: 'upl_aaaaaaaaaaaa.gguf' })
    expect(FakeXhr.all).toHaveLength(1)
  })

  it('says which file failed, and stops there', async () => {
    FakeXhr.all = []
    const done = uploadModelFiles({ model: file('m.gguf', 100), mmproj: file('p.gguf', 50) }, { Xhr: FakeXhr })
    FakeXhr.last().respond(200, ok('upl_aaaaaaaaaaaa.gguf', 100))
    await flushMicrotasks()
    FakeXhr.last().respond(415, { ok: false, error: { code: 'MODEL_INVALID', message: 'This is not a GGUF model file.', retryable: false } })
    const e = await rejection(done)
    expect([e.slot, e.message]).toEqual(['mmproj', 'This is not a GGUF model file.'])
  })

  it('a cancel during the model stops before the projector', async () => {
    FakeXhr.all = []
    const controller = new AbortController()
    const done = uploadModelFiles({ model: file('m.gguf', 100), mmproj: file('p.gguf', 50) }, { Xhr: FakeXhr, signal: controller.signal })
    controller.abort()
    const e = await rejection(done)
    expect([e.reason, e.slot]).toEqual(['cancelled', 'model'])
    expect(FakeXhr.all).toHaveLength(1)
  })
})

describe('SpeedMeter', () => {
  it('averages over the last few seconds and waits for a long enough span', () => {
    const m = new SpeedMeter()
    expect(m.add(0, 0)).toBe(0)
    expect(m.add(100, 1_000_000)).toBe(0)
    expect(m.add(1000, 1_000_000)).toBe(1_000_000)
    // Later samples forget the first ones: a slowdown shows within the window.
    m.add(4000, 10_000_000)
    m.add(7000, 10_300_000)
    expect(m.add(8000, 10_400_000)).toBeLessThan(1_000_000)
  })
})
