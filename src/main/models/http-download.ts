/**
 * A resumable HTTP download into `<target>.part`, renamed into place when complete.
 *
 * node-llama-cpp's downloader (ipull) was measured here and not used: after a cancel its partial
 * file was gone and the next run started from zero, and on a dropped connection it retried
 * forever without reporting. Model files are gigabytes, so Folio needs resume and a stall timeout.
 */
import { createWriteStream, existsSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { FolioError } from '../../shared/errors'

export interface HttpDownloadProgress {
  downloadedBytes: number
  totalBytes: number
  bytesPerSecond: number
  etaSeconds: number | null
}

export interface HttpDownloadOptions {
  url: string
  target: string
  /** Expected size, used until the server reports one. */
  expectedBytes?: number
  signal?: AbortSignal
  onProgress?: (p: HttpDownloadProgress) => void
  /** Fail (keeping the partial file) when no byte arrives for this long. Default 30 s. */
  stallTimeoutMs?: number
  headers?: Record<string, string>
  fetchImpl?: typeof fetch
}

interface PartMeta {
  url: string
  etag: string | null
  totalBytes: number | null
}

export function partPath(target: string): string {
  return `${target}.part`
}

/** Bytes already on disk for a target (complete file or partial download). */
export function bytesOnDisk(target: string): number {
  if (existsSync(target)) return statSync(target).size
  const part = partPath(target)
  return existsSync(part) ? statSync(part).size : 0
}

export async function httpDownload(o: HttpDownloadOptions): Promise<string> {
  const part = partPath(o.target)
  const metaPath = `${part}.json`
  const meta = readMeta(metaPath)
  // A partial file from another URL or another version of the file cannot be continued.
  if (meta && meta.url !== o.url) rmSync(part, { force: true })
  let offset = existsSync(part) ? statSync(part).size : 0

  const stallMs = o.stallTimeoutMs ?? 30_000
  const ac = new AbortController()
  const onAbort = () => ac.abort()
  o.signal?.addEventListener('abort', onAbort, { once: true })
  let stalled = false
  let stallTimer: NodeJS.Timeout | undefined
  const arm = () => {
    clearTimeout(stallTimer)
    stallTimer = setTimeout(() => {
      stalled = true
      ac.abort()
    }, stallMs)
  }

  try {
    arm()
    const headers: Record<string, string> = { ...o.headers }
    if (offset > 0) {
      headers.Range = `bytes=${offset}-`
      if (meta?.etag) headers['If-Range'] = meta.etag
    }
    let res: Response
    try {
      res = await (o.fetchImpl ?? fetch)(o.url, { headers, signal: ac.signal, redirect: 'follow' })
    } catch (e) {
      throw failure(e, o, stalled)
    }
    if (res.status === 416 && meta?.totalBytes && offset >= meta.totalBytes) {
      // Already complete on disk: the earlier run stopped between the last byte and the rename.
      renameSync(part, o.target)
      rmSync(metaPath, { force: true })
      return o.target
    }
    if (res.status === 401 || res.status === 403) {
      throw new FolioError('UNAUTHORIZED', `The server refused the download (${res.status}). The model may need an access token.`)
    }
    if (res.status === 404) throw new FolioError('NOT_FOUND', `The model file was not found at ${o.url} (404).`)
    if (res.status !== 200 && res.status !== 206) {
      throw new FolioError('UNREACHABLE', `The download server answered ${res.status} ${res.statusText}. Try again later.`, { retryable: true })
    }
    if (res.status === 200 && offset > 0) offset = 0 // the server ignored the range: start over
    const length = Number(res.headers.get('content-length') ?? NaN)
    const total = Number.isFinite(length) ? offset + length : (meta?.totalBytes ?? o.expectedBytes ?? 0)
    writeFileSync(metaPath, JSON.stringify({ url: o.url, etag: res.headers.get('etag'), totalBytes: total || null } satisfies PartMeta))

    const out = createWriteStream(part, { flags: offset > 0 ? 'a' : 'w' })
    const started = Date.now()
    let received = 0
    let lastReport = 0
    const report = (force = false) => {
      const now = Date.now()
      if (!force && now - lastReport < 100) return
      lastReport = now
      const secs = Math.max(0.001, (now - started) / 1000)
      const speed = received / secs
      const done = offset + received
      o.onProgress?.({
        downloadedBytes: done,
        totalBytes: total,
        bytesPerSecond: speed,
        etaSeconds: speed > 0 && total > done ? (total - done) / speed : null,
      })
    }
    try {
      if (!res.body) throw new FolioError('UNREACHABLE', 'The download server sent no data.', { retryable: true })
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        arm()
        if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()))
        received += chunk.byteLength
        report()
      }
    } catch (e) {
      throw failure(e, o, stalled)
    } finally {
      await new Promise<void>((resolve, reject) => {
        out.end((err?: Error | null) => (err ? reject(failure(err, o, false)) : resolve()))
      })
    }
    report(true)
    const size = statSync(part).size
    if (total && size < total) {
      throw new FolioError('UNREACHABLE', `The connection closed after ${size} of ${total} bytes. Resume to continue.`, { retryable: true })
    }
    renameSync(part, o.target)
    rmSync(metaPath, { force: true })
    return o.target
  } finally {
    clearTimeout(stallTimer)
    o.signal?.removeEventListener('abort', onAbort)
  }
}

function failure(e: unknown, o: HttpDownloadOptions, stalled: boolean): FolioError {
  if (e instanceof FolioError) return e
  const code = (e as { code?: string }).code ?? (e as { cause?: { code?: string } }).cause?.code
  if (code === 'ENOSPC') return new FolioError('DISK_FULL', 'The disk filled up during the download. Free some space and resume.')
  if (stalled) return new FolioError('TIMEOUT', `The download stalled (no data for ${Math.round((o.stallTimeoutMs ?? 30_000) / 1000)} s). Resume to continue.`)
  if (o.signal?.aborted) return new FolioError('CANCELLED', 'Download paused.')
  return new FolioError('UNREACHABLE', `Cannot download ${new URL(o.url).host}: ${(e as Error)?.message ?? String(e)}. Resume to continue.`, {
    retryable: true,
    cause: e,
  })
}

function readMeta(path: string): PartMeta | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as PartMeta
  } catch {
    return null
  }
}
