/**
 * Serve mode's "Add a GGUF file": each file goes as the raw body of `POST /api/models/upload`
 * (same origin: the HttpOnly session cookie authenticates it, no token here), and the server
 * answers `{ ok: true, output: { id, bytes } }` or `{ ok: false, error }`. XMLHttpRequest because
 * fetch reports no upload progress. The constructor is a parameter so that the logic is unit-tested
 * with a fake; nothing here uses the DOM types (the unit tests compile without them).
 */
import { FolioError, isErrorCode, type ErrorCode } from '../../../shared/errors'

export const MODEL_UPLOAD_URL = '/api/models/upload'

/** What the renderer sends: a File in the browser, anything with a size in tests. */
export interface UploadBody {
  readonly size: number
}

export interface XhrProgressEvent {
  readonly loaded: number
  readonly total: number
  readonly lengthComputable: boolean
}

/** The part of XMLHttpRequest this module uses (the real one fits it). */
export interface XhrLike<B> {
  open(method: string, url: string): void
  setRequestHeader(name: string, value: string): void
  send(body: B): void
  abort(): void
  readonly status: number
  readonly responseText: string
  readonly upload: { addEventListener(type: 'progress', listener: (e: XhrProgressEvent) => void): void }
  addEventListener(type: 'load' | 'error' | 'abort' | 'timeout', listener: () => void): void
}

export type XhrConstructor<B> = new () => XhrLike<B>

export interface UploadProgress {
  loadedBytes: number
  totalBytes: number
  /** Recent average; 0 until it can be told. */
  bytesPerSecond: number
}

export interface UploadResult {
  id: string
  bytes: number
}

/**
 * Why an upload failed: `server` (the server's own error, message shown as is), `network` (no
 * answer), `bad-response` (an answer that is not Folio's JSON, e.g. from a proxy), `cancelled`.
 */
export type UploadFailure = 'server' | 'network' | 'bad-response' | 'cancelled'

export type UploadSlot = 'model' | 'mmproj'

export class UploadError extends FolioError {
  readonly reason: UploadFailure
  /** HTTP status (0 when there was no answer). */
  readonly status: number
  /** Which file it was about, when there were several. */
  slot: UploadSlot | null = null

  constructor(reason: UploadFailure, code: ErrorCode, message: string, opts: { retryable?: boolean; status?: number } = {}) {
    super(code, message, { retryable: opts.retryable })
    this.name = 'UploadError'
    this.reason = reason
    this.status = opts.status ?? 0
  }
}

const SPEED_WINDOW_MS = 3000
const MIN_SPEED_SPAN_MS = 250

/** Bytes per second over the last few seconds of samples. */
export class SpeedMeter {
  private samples: { at: number; bytes: number }[] = []
  private last = 0

  add(at: number, bytes: number): number {
    this.samples.push({ at, bytes })
    while (this.samples.length > 2 && at - this.samples[1].at >= SPEED_WINDOW_MS) this.samples.shift()
    const first = this.samples[0]
    const span = at - first.at
    if (span >= MIN_SPEED_SPAN_MS) this.last = Math.max(0, ((bytes - first.bytes) / span) * 1000)
    return this.last
  }
}

function parseAnswer(status: number, text: string): UploadResult {
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    body = undefined
  }
  if (body && typeof body === 'object') {
    const b = body as { ok?: unknown; output?: unknown; error?: unknown }
    if (b.ok === true && b.output && typeof b.output === 'object') {
      const out = b.output as { id?: unknown; bytes?: unknown }
      if (typeof out.id === 'string' && typeof out.bytes === 'number' && status >= 200 && status < 300) {
        return { id: out.id, bytes: out.bytes }
      }
    }
    if (b.ok === false && b.error && typeof b.error === 'object') {
      const e = b.error as { code?: unknown; message?: unknown; retryable?: unknown }
      if (typeof e.message === 'string') {
        throw new UploadError('server', isErrorCode(e.code) ? e.code : 'INTERNAL', e.message, {
          retryable: typeof e.retryable === 'boolean' ? e.retryable : undefined,
          status,
        })
      }
    }
  }
  throw new UploadError('bad-response', 'BAD_RESPONSE', `The server answered ${status} without a usable reply.`, { status })
}

export interface UploadOptions<B> {
  Xhr: XhrConstructor<B>
  signal?: AbortSignal
  onProgress?(p: UploadProgress): void
  /** Clock for the speed (ms). Default: Date.now. */
  now?(): number
  url?: string
}

/** Uploads one file; resolves with its upload id, rejects with an UploadError. */
export function uploadModelFile<B extends UploadBody>(file: B, opts: UploadOptions<B>): Promise<UploadResult> {
  const now = opts.now ?? Date.now
  return new Promise<UploadResult>((resolve, reject) => {
    const cancelled = () => new UploadError('cancelled', 'CANCELLED', 'The upload was cancelled.')
    if (opts.signal?.aborted) {
      reject(cancelled())
      return
    }
    const xhr = new opts.Xhr()
    const meter = new SpeedMeter()
    let settled = false
    const onAbort = () => xhr.abort()
    const settle = (fn: () => void) => {
      if (settled) return
      settled = true
      opts.signal?.removeEventListener('abort', onAbort)
      fn()
    }

    xhr.upload.addEventListener('progress', (e) => {
      if (settled) return
      const total = e.lengthComputable && e.total > 0 ? e.total : file.size
      const loaded = Math.min(e.loaded, total)
      opts.onProgress?.({ loadedBytes: loaded, totalBytes: total, bytesPerSecond: meter.add(now(), loaded) })
    })
    xhr.addEventListener('load', () => {
      settle(() => {
        try {
          resolve(parseAnswer(xhr.status, xhr.responseText))
        } catch (e) {
          reject(e)
        }
      })
    })
    xhr.addEventListener('error', () =>
      settle(() => reject(new UploadError('network', 'UNREACHABLE', 'The upload stopped: the connection to Folio was lost.', { retryable: true }))),
    )
    xhr.addEventListener('timeout', () =>
      settle(() => reject(new UploadError('network', 'TIMEOUT', 'The upload timed out.', { retryable: true }))),
    )
    xhr.addEventListener('abort', () => settle(() => reject(cancelled())))
    opts.signal?.addEventListener('abort', onAbort, { once: true })

    xhr.open('POST', opts.url ?? MODEL_UPLOAD_URL)
    xhr.setRequestHeader('Content-Type', 'application/octet-stream')
    opts.onProgress?.({ loadedBytes: 0, totalBytes: file.size, bytesPerSecond: 0 })
    xhr.send(file)
  })
}

/**
 * Uploads the model, then its projector (one at a time: they share the disk and the line).
 * An UploadError says in `slot` which file failed; a cancel stops the rest.
 */
export async function uploadModelFiles<B extends UploadBody>(
  files: { model: B; mmproj?: B | null },
  opts: Omit<UploadOptions<B>, 'onProgress'> & { onProgress?(slot: UploadSlot, p: UploadProgress): void },
): Promise<{ model: string; mmproj?: string }> {
  const one = async (slot: UploadSlot, file: B): Promise<string> => {
    try {
      const r = await uploadModelFile(file, { ...opts, onProgress: (p) => opts.onProgress?.(slot, p) })
      return r.id
    } catch (e) {
      if (e instanceof UploadError) e.slot = slot
      throw e
    }
  }
  const model = await one('model', files.model)
  if (!files.mmproj) return { model }
  const mmproj = await one('mmproj', files.mmproj)
  return { model, mmproj }
}
