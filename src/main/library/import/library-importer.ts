/**
 * LibraryImporter: imports files by path (CLI) into the image library — sha256 dedupe, decoding and
 * thumbnails in the worker pool, EXIF, atomic copies or references in place — as a persisted job
 * that resumes after a crash; and bytes from renderers (`images.import`) through the same per-file step.
 */
import type { Database } from 'better-sqlite3'
import { createHash } from 'node:crypto'
import { basename, join } from 'node:path'
import { FolioError } from '../../../shared/errors'
import { newId } from '../../../shared/ids'
import { LibraryRepo, type Derived, type LibraryRow } from '../library-repo'
import { atomicWrite, derivedPaths, readCandidate } from './files'
import { ImportJobs, type ImportReport } from './import-jobs'
import { MAX_PIXELS, RejectError, decodeReason, fileReason, formatOf, precheck } from './reasons'
import { expandPaths } from './walk'
import { DecodeError, WorkerPool, type DecodedImage } from './worker-pool'

export const THUMB_SIZE = 256
export const PREVIEW_SIZE = 1024
export const COPY_SETTING = 'library.copyOnImport'

export interface ImportProgress {
  done: number
  total: number
  file: string
  etaSeconds: number | null
}
export interface ImportOptions {
  signal?: AbortSignal
  onProgress?: (p: ImportProgress) => void
}
export interface ImporterOptions {
  imagesDir: string
  /** Thumbnails (256/…) and previews (1024/…); default <imagesDir>/../thumbs. */
  thumbsDir?: string
  /** Worker threads (default max(1, cores − 1)). */
  workers?: number
  now?: () => number
}

export interface BufferImportOptions {
  signal?: AbortSignal
  onProgress?: (p: { done: number; total: number; fileName: string }) => void
}
type BufferOutcome = { state: 'done' | 'duplicate'; imageId: string } | { state: 'rejected'; reason: string }
export type BufferImportResult = BufferOutcome & { name: string }

type Outcome =
  | { state: 'done'; sha256: string; row: Parameters<LibraryRepo['insert']>[0] }
  | { state: 'duplicate'; imageId: string }
  | { state: 'rejected'; reason: string }

export class LibraryImporter {
  private readonly pool: WorkerPool
  private readonly jobs: ImportJobs
  private readonly repo: LibraryRepo
  private readonly life = new AbortController()
  private readonly now: () => number
  private closed = false

  constructor(
    private readonly db: Database,
    private readonly opts: ImporterOptions,
  ) {
    this.pool = new WorkerPool({ size: opts.workers, maxPixels: MAX_PIXELS, thumbSize: THUMB_SIZE, previewSize: PREVIEW_SIZE })
    this.jobs = new ImportJobs(db)
    this.repo = new LibraryRepo(db)
    this.now = opts.now ?? Date.now
  }

  get workers(): number {
    return this.pool.size
  }

  /** `library.copyOnImport` (settings table, JSON): true copies files into the library, false references them in place. */
  copyOnImport(): boolean {
    const row = this.db.prepare('SELECT value FROM settings WHERE key = ?').get(COPY_SETTING) as { value: string } | undefined
    return !row || !['false', '0', '"false"'].includes(row.value.trim())
  }

  async importPaths(paths: string[], opts: ImportOptions = {}): Promise<ImportReport> {
    const { files, missing } = expandPaths(paths)
    const jobId = this.jobs.create(files, missing, this.copyOnImport(), this.now())
    return this.runJob(jobId, opts)
  }

  /**
   * Imports bytes sent by a renderer (drop, pick, paste) through the same validation, EXIF, thumbnail
   * and dedupe step as paths; always stored in the library. Results are in input order. Not a persisted
   * job: the bytes live only in this call, so there is nothing to resume after a crash.
   */
  async importBuffers(files: { name: string; data: Uint8Array }[], opts: BufferImportOptions = {}): Promise<BufferImportResult[]> {
    const signal = opts.signal ? AbortSignal.any([opts.signal, this.life.signal]) : this.life.signal
    const out: BufferImportResult[] = []
    // One file at a time (decoding still runs in a worker): progress in input order, cancel between files.
    for (const f of files) {
      if (signal.aborted) break
      const o = await this.importBytes(f.data, f.name, null, null)
      if (this.closed) break
      out.push({ name: f.name, ...this.recordBuffer(o) })
      opts.onProgress?.({ done: out.length, total: files.length, fileName: f.name })
    }
    if (this.closed) throw new FolioError('CANCELLED', 'Folio stopped; import the files again.')
    if (signal.aborted) throw new FolioError('CANCELLED', 'Import cancelled.')
    return out
  }

  /** Finishes imports that were running when Folio stopped (call at start-up; runs in the background). */
  async resumeInterruptedImports(): Promise<ImportReport[]> {
    const out: ImportReport[] = []
    for (const job of this.jobs.running()) {
      if (this.closed) break
      try {
        out.push(await this.runJob(job.id, {}))
      } catch (e) {
        if (!(e instanceof FolioError && e.code === 'CANCELLED')) throw e
      }
    }
    return out
  }

  /** Stops work at once (in-flight files stay pending and resume at the next start) and ends the workers. */
  close(): Promise<void> {
    this.closed = true
    this.life.abort()
    return this.pool.close()
  }

  private async runJob(jobId: string, opts: ImportOptions): Promise<ImportReport> {
    const job = this.jobs.job(jobId)
    if (!job) throw new FolioError('NOT_FOUND', `No import job ${jobId}.`)
    const items = this.jobs.pending(jobId)
    const signal = opts.signal ? AbortSignal.any([opts.signal, this.life.signal]) : this.life.signal
    const started = this.now()
    let done = job.done
    let doneHere = 0
    let next = 0
    // When the disk fills up, the database cannot record more files either: stop, and report the
    // rest as not imported; the job stays open, so it resumes once space is freed.
    let diskFull = false
    const lane = async () => {
      while (next < items.length && !signal.aborted && !diskFull) {
        const it = items[next++]
        const outcome = await this.importPath(it.path, job.copy === 1)
        if (this.closed) return
        try {
          this.record(jobId, it.idx, outcome)
        } catch (e) {
          if (!isDiskFull(e)) throw e
          diskFull = true
          return
        }
        done++
        doneHere++
        const elapsed = (this.now() - started) / 1000
        const etaSeconds = doneHere > 0 && elapsed > 0 ? Math.round(((job.total - done) * elapsed) / doneHere) : null
        opts.onProgress?.({ done, total: job.total, file: it.path, etaSeconds })
      }
    }
    // One lane more than workers keeps a file read and hashed while the workers decode.
    await Promise.all(Array.from({ length: Math.max(1, Math.min(items.length, this.pool.size + 1)) }, lane))
    if (this.closed) throw new FolioError('CANCELLED', 'Folio stopped; the import resumes at the next start.')
    if (diskFull) {
      const report = this.jobs.report(jobId)
      for (const it of this.jobs.pending(jobId)) {
        report.rejected.push({ path: it.path, reason: 'the disk is full (free some space; the import resumes at the next start)' })
      }
      return report
    }
    if (signal.aborted) {
      this.jobs.setState(jobId, 'cancelled')
      throw new FolioError('CANCELLED', 'Import cancelled.')
    }
    this.jobs.setState(jobId, 'done')
    return this.jobs.report(jobId)
  }

  /** Synchronous: the duplicate check, the image row and the item's outcome commit together. */
  private record(jobId: string, idx: number, o: Outcome): void {
    if (o.state === 'rejected') return this.jobs.finish(jobId, idx, 'rejected', null, o.reason)
    if (o.state === 'duplicate') return this.jobs.finish(jobId, idx, 'duplicate', o.imageId, null)
    const existing = this.repo.bySha(o.sha256)
    if (existing) return this.duplicate(jobId, idx, existing)
    this.jobs.finish(jobId, idx, 'done', o.row.id, null, () => this.repo.insert(o.row))
  }

  /** Synchronous, like `record`: a twin stored by a concurrent lane since the decode counts as the duplicate. */
  private recordBuffer(o: Outcome): BufferOutcome {
    if (o.state === 'rejected') return { state: 'rejected', reason: o.reason }
    const existing = o.state === 'duplicate' ? this.repo.byId(o.imageId) : this.repo.bySha(o.sha256)
    if (existing) {
      if (existing.trashed_at !== null) this.repo.untrash(existing.id)
      return { state: 'duplicate', imageId: existing.id }
    }
    if (o.state === 'duplicate') return { state: 'duplicate', imageId: o.imageId }
    this.repo.insert(o.row)
    return { state: 'done', imageId: o.row.id }
  }

  private duplicate(jobId: string, idx: number, existing: LibraryRow): void {
    // Importing a trashed image again brings it back.
    this.jobs.finish(jobId, idx, 'duplicate', existing.id, null, () => existing.trashed_at !== null && this.repo.untrash(existing.id))
  }

  private async importPath(path: string, copy: boolean): Promise<Outcome> {
    try {
      return await this.importBytes(await readCandidate(path), basename(path), copy ? null : path, path)
    } catch (e) {
      return rejected(e)
    }
  }

  /**
   * The per-file step shared by paths and renderer bytes: precheck, sha256 dedupe, full decode in the
   * worker pool (truncation, pixel limit, EXIF, thumbnails), then an atomic copy unless `inPlace` names
   * the file to reference where it lies.
   */
  private async importBytes(bytes: Uint8Array, name: string, inPlace: string | null, sourcePath: string | null): Promise<Outcome> {
    try {
      precheck(bytes)
      const sha256 = createHash('sha256').update(bytes).digest('hex')
      const existing = this.repo.bySha(sha256)
      if (existing) return { state: 'duplicate', imageId: existing.id }
      let decoded: DecodedImage
      try {
        decoded = await this.pool.decode(bytes)
      } catch (e) {
        throw new RejectError(decodeReason(e instanceof DecodeError ? e.message : String(e)))
      }
      const format = formatOf(decoded)
      const derived = await this.writeDerived(sha256, decoded)
      let stored = inPlace
      if (stored === null) {
        stored = derivedPaths(sha256, format.ext).original
        await atomicWrite(join(this.opts.imagesDir, stored), bytes)
      }
      const row = {
        id: newId('img'),
        sha256,
        file_name: safeName(name),
        mime: format.mime,
        bytes: bytes.byteLength,
        path: stored,
        created_at: this.now(),
        source_path: sourcePath,
        stored: inPlace === null ? 1 : 0,
        ...derived,
      }
      return { state: 'done', sha256, row }
    } catch (e) {
      return rejected(e)
    }
  }

  private async writeDerived(sha256: string, d: DecodedImage): Promise<Derived> {
    const p = derivedPaths(sha256, 'x')
    if (d.thumb && d.preview) {
      const dir = this.opts.thumbsDir ?? join(this.opts.imagesDir, '..', 'thumbs')
      await atomicWrite(join(dir, p.thumb), d.thumb)
      await atomicWrite(join(dir, p.preview), d.preview)
    }
    const rotated = d.info.orientation >= 5 && d.info.orientation <= 8
    return {
      width: rotated ? d.info.height : d.info.width,
      height: rotated ? d.info.width : d.info.height,
      taken_at: d.exif?.takenAt ?? null,
      camera: d.exif?.camera ?? null,
      lat: d.exif?.lat ?? null,
      lon: d.exif?.lon ?? null,
      exif_text: d.exif?.text ?? null,
      thumb_path: d.thumb ? p.thumb : null,
      preview_path: d.preview ? p.preview : null,
      orientation_applied: d.info.orientation,
    }
  }
}

function rejected(e: unknown): Outcome {
  return { state: 'rejected', reason: e instanceof RejectError ? e.message : fileReason(e) }
}

/** A stored display name: no path separators or control characters. */
function safeName(name: string): string {
  return name.replace(/[\\/]/g, '_').replace(/[\u0000-\u001f]/g, '').slice(0, 255) || 'image'
}

function isDiskFull(e: unknown): boolean {
  const code = (e as { code?: string } | null)?.code
  return code === 'SQLITE_FULL' || code === 'ENOSPC'
}
