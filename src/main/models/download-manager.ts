/**
 * Downloads catalogue models: progress, pause (cancel keeps the partial file), resume (also after
 * a restart), a free-disk check first, sha256 when known. See http-download.ts for why this is not
 * node-llama-cpp's downloader.
 */
import { createHash } from 'node:crypto'
import { createReadStream, existsSync, mkdirSync, readdirSync, rmSync, statfsSync, statSync } from 'node:fs'
import { join } from 'node:path'
import type { DownloadProgress, ModelInfo } from '../../shared/api'
import { FolioError } from '../../shared/errors'
import type { EventBus } from '../common/event-bus'
import type { CatalogueModel } from './catalogue'
import { bytesOnDisk, httpDownload } from './http-download'
import type { ModelRegistry } from './model-registry'

const DISK_MARGIN = 256 * 1024 * 1024

export interface DownloadState {
  status: 'none' | 'partial' | 'downloading' | 'complete'
  downloadedBytes: number
  totalBytes: number
}

export class DownloadManager {
  private readonly active = new Map<string, Promise<ModelInfo[]>>()

  constructor(
    private readonly modelsDir: string,
    private readonly catalogue: readonly CatalogueModel[],
    private readonly registry: ModelRegistry,
    private readonly events: EventBus,
    private readonly freeBytes: (dir: string) => number = (dir) => {
      const s = statfsSync(dir)
      return s.bavail * s.bsize
    },
    private readonly stallTimeoutMs = 30_000,
  ) {}

  entries(): readonly CatalogueModel[] {
    return this.catalogue
  }

  state(id: string): DownloadState {
    const entry = this.entry(id)
    const total = entry.files.reduce((a, f) => a + f.sizeBytes, 0)
    const dir = this.dirFor(entry)
    if (this.active.has(id)) return { status: 'downloading', downloadedBytes: this.bytesIn(dir), totalBytes: total }
    if (entry.files.every((f) => existsSync(join(dir, f.fileName))) && !this.hasTempFiles(entry)) {
      return { status: 'complete', downloadedBytes: total, totalBytes: total }
    }
    const bytes = this.bytesIn(dir)
    return { status: bytes > 0 ? 'partial' : 'none', downloadedBytes: bytes, totalBytes: total }
  }

  download(id: string, opts: { signal?: AbortSignal; onProgress?: (p: DownloadProgress) => void } = {}): Promise<ModelInfo[]> {
    const running = this.active.get(id)
    if (running) throw new FolioError('CONFLICT', 'This model is already downloading.')
    const p = this.run(id, opts).finally(() => {
      this.active.delete(id)
      this.events.emit('models.changed', { reason: 'download' })
    })
    this.active.set(id, p)
    return p
  }

  /** Deletes what a paused download left behind. */
  discard(id: string): { deletedBytes: number } {
    if (this.active.has(id)) throw new FolioError('CONFLICT', 'Pause the download before discarding it.')
    const entry = this.entry(id)
    const dir = this.dirFor(entry)
    const bytes = this.bytesIn(dir)
    if (!this.registry.list().some((m) => m.catalogueId === id)) rmSync(dir, { recursive: true, force: true })
    else for (const f of this.tempFiles(entry)) rmSync(join(dir, f), { force: true })
    this.events.emit('models.changed', { reason: 'download' })
    return { deletedBytes: bytes }
  }

  private async run(id: string, opts: { signal?: AbortSignal; onProgress?: (p: DownloadProgress) => void }): Promise<ModelInfo[]> {
    const entry = this.entry(id)
    const dir = this.dirFor(entry)
    mkdirSync(dir, { recursive: true })
    const total = entry.files.reduce((a, f) => a + f.sizeBytes, 0)
    const remaining = Math.max(0, total - this.bytesIn(dir))
    const free = this.freeBytes(dir)
    if (remaining + DISK_MARGIN > free) {
      throw new FolioError(
        'DISK_FULL',
        `Not enough disk space for ${entry.name}: it needs ${gb(remaining)} more and ${gb(free)} is free in ${dir}. Free some space or choose another models folder.`,
        { retryable: true },
      )
    }

    const paths: Record<'model' | 'mmproj', string | undefined> = { model: undefined, mmproj: undefined }
    for (const file of entry.files) {
      const target = join(dir, file.fileName)
      const before = entry.files.slice(0, entry.files.indexOf(file))
      const doneBefore = before.reduce((a, f) => a + bytesOnDisk(join(dir, f.fileName)), 0)
      if (!existsSync(target)) {
        await httpDownload({
          url: file.url,
          target,
          expectedBytes: file.sizeBytes,
          signal: opts.signal,
          stallTimeoutMs: this.stallTimeoutMs,
          onProgress: (p) =>
            opts.onProgress?.({
              file: file.fileName,
              downloadedBytes: doneBefore + p.downloadedBytes,
              totalBytes: doneBefore + (p.totalBytes || file.sizeBytes) + remainingAfter(entry, file),
              bytesPerSecond: p.bytesPerSecond,
              etaSeconds: p.etaSeconds,
            }),
        }).catch((e: unknown) => {
          if (e instanceof FolioError && e.code === 'CANCELLED') throw paused(entry)
          throw e
        })
        if (file.sha256) await verifySha256(target, file.sha256)
      }
      paths[file.kind] = target
    }
    if (!paths.model) throw new FolioError('INTERNAL', `Catalogue entry ${id} has no model file.`)
    const role = entry.roles.includes('embedder') ? 'embedder' : undefined
    await this.registry.addLocal({ path: paths.model, mmproj: paths.mmproj, catalogueId: id, role })
    return this.registry.list().filter((m) => m.catalogueId === id)
  }

  private entry(id: string): CatalogueModel {
    const e = this.catalogue.find((c) => c.id === id)
    if (!e) throw new FolioError('NOT_FOUND', `No catalogue model "${id}". Known: ${this.catalogue.map((c) => c.id).join(', ')}.`)
    return e
  }

  private dirFor(entry: CatalogueModel): string {
    return join(this.modelsDir, entry.id)
  }

  private bytesIn(dir: string): number {
    if (!existsSync(dir)) return 0
    // Model bytes only: the small .part.json beside a partial file is bookkeeping.
    return readdirSync(dir)
      .filter((f) => !f.endsWith('.part.json'))
      .reduce((a, f) => a + statSync(join(dir, f)).size, 0)
  }

  private tempFiles(entry: CatalogueModel): string[] {
    const dir = this.dirFor(entry)
    if (!existsSync(dir)) return []
    const finals = new Set(entry.files.map((f) => f.fileName))
    return readdirSync(dir).filter((f) => !finals.has(f))
  }

  private hasTempFiles(entry: CatalogueModel): boolean {
    return this.tempFiles(entry).length > 0
  }
}

function remainingAfter(entry: CatalogueModel, file: CatalogueModel['files'][number]): number {
  const i = entry.files.indexOf(file)
  return entry.files.slice(i + 1).reduce((a, f) => a + f.sizeBytes, 0)
}

function paused(entry: CatalogueModel): FolioError {
  return new FolioError('CANCELLED', `Download of ${entry.name} paused; it resumes where it stopped.`)
}

async function verifySha256(path: string, expected: string): Promise<void> {
  const hash = createHash('sha256')
  await new Promise<void>((resolve, reject) => {
    createReadStream(path)
      .on('data', (c) => hash.update(c))
      .on('end', () => resolve())
      .on('error', reject)
  })
  const actual = hash.digest('hex')
  if (actual !== expected.toLowerCase()) {
    rmSync(path, { force: true })
    throw new FolioError('MODEL_INVALID', `The downloaded file ${path} is damaged (checksum mismatch); it was deleted. Download it again.`, {
      retryable: true,
    })
  }
}

function gb(n: number): string {
  return `${(n / 1e9).toFixed(n < 1e9 ? 2 : 1)} GB`
}
