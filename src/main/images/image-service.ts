import type { Database } from 'better-sqlite3'
import { createHash } from 'node:crypto'
import { mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { isAbsolute, join } from 'node:path'
import type { ImageInfo } from '../../shared/api'
import { FolioError, toWireError } from '../../shared/errors'
import { newId } from '../../shared/ids'
import { ImageProbeError, probeImage } from './image-probe'

interface ImageRow {
  id: string
  sha256: string
  file_name: string
  mime: string
  width: number
  height: number
  bytes: number
  path: string
  created_at: number
  thumb_path?: string | null
  preview_path?: string | null
}

export interface ImportFile {
  name: string
  data: Uint8Array
}
export interface ImportResult {
  images: (ImageInfo & { duplicate: boolean; name: string })[]
  rejected: { name: string; reason: string }[]
}

/** Content-addressed image store: files under images/ab/<sha256>.<ext>, metadata in SQLite. */
export class ImageService {
  constructor(
    private readonly db: Database,
    private readonly imagesDir: string,
    private readonly now: () => number = Date.now,
    /** The library's thumbnails and previews (regenerable, outside the originals folder). */
    private readonly thumbsDir: string = join(imagesDir, '..', 'thumbs'),
  ) {}

  importFiles(
    files: ImportFile[],
    opts: { signal?: AbortSignal; onProgress?: (p: { done: number; total: number; fileName: string }) => void } = {},
  ): ImportResult {
    const out: ImportResult = { images: [], rejected: [] }
    files.forEach((f, i) => {
      if (opts.signal?.aborted) throw new FolioError('CANCELLED', 'Import cancelled.')
      try {
        out.images.push(this.importOne(f))
      } catch (e) {
        if (e instanceof ImageProbeError) out.rejected.push({ name: f.name, reason: e.message })
        else {
          const w = toWireError(e)
          if (w.code === 'DISK_FULL' || w.code === 'READ_ONLY') throw FolioError.fromWire(w)
          out.rejected.push({ name: f.name, reason: w.message })
        }
      }
      opts.onProgress?.({ done: i + 1, total: files.length, fileName: f.name })
    })
    return out
  }

  get(id: string): ImageInfo {
    return toInfo(this.requireRow(id))
  }

  /**
   * Absolute file path and type for the image protocol/route; ids only, never client paths.
   * `size` picks the library's thumbnail or preview (WebP) when one was made; `variant` says which was found.
   */
  resolveFile(id: string, size?: string | null): { path: string; mime: string; variant: 'original' | 'thumb' | 'preview' } {
    const row = this.requireRow(id)
    const derived = size === 'thumb' ? row.thumb_path : size === 'preview' ? row.preview_path : null
    if (derived && (size === 'thumb' || size === 'preview')) return { path: join(this.thumbsDir, derived), mime: 'image/webp', variant: size }
    // Referenced-in-place library images keep their original absolute path.
    return { path: isAbsolute(row.path) ? row.path : join(this.imagesDir, row.path), mime: row.mime, variant: 'original' }
  }

  private importOne(f: ImportFile): ImageInfo & { duplicate: boolean; name: string } {
    const probe = probeImage(f.data)
    const sha256 = createHash('sha256').update(f.data).digest('hex')
    const existing = this.db.prepare('SELECT * FROM images WHERE sha256 = ?').get(sha256) as ImageRow | undefined
    if (existing) return { ...toInfo(existing), duplicate: true, name: f.name }

    const rel = join(sha256.slice(0, 2), `${sha256}.${probe.ext}`)
    const abs = join(this.imagesDir, rel)
    mkdirSync(join(this.imagesDir, sha256.slice(0, 2)), { recursive: true })
    // Temporary file + rename: a crash never leaves a half-written image under its final name.
    const tmp = `${abs}.${process.pid}.tmp`
    try {
      writeFileSync(tmp, f.data)
      renameSync(tmp, abs)
    } catch (e) {
      rmSync(tmp, { force: true })
      throw e
    }
    const row: ImageRow = {
      id: newId('img'),
      sha256,
      file_name: safeName(f.name),
      mime: probe.mime,
      width: probe.width,
      height: probe.height,
      bytes: statSync(abs).size,
      path: rel,
      created_at: this.now(),
    }
    this.db
      .prepare(`INSERT INTO images (id, sha256, file_name, mime, width, height, bytes, path, created_at)
        VALUES (@id, @sha256, @file_name, @mime, @width, @height, @bytes, @path, @created_at)`)
      .run(row)
    return { ...toInfo(row), duplicate: false, name: f.name }
  }

  private requireRow(id: string): ImageRow {
    const row = this.db.prepare('SELECT * FROM images WHERE id = ?').get(id) as ImageRow | undefined
    if (!row) throw new FolioError('NOT_FOUND', `No image ${id}.`)
    return row
  }
}

function safeName(name: string): string {
  return name.replace(/[\\/]/g, '_').replace(/[\u0000-\u001f]/g, '').slice(0, 255) || 'image'
}

/** The image columns every image record shares (the library's rows carry more). */
export function toInfo(r: Pick<ImageRow, 'id' | 'file_name' | 'mime' | 'width' | 'height' | 'bytes' | 'sha256' | 'created_at'>): ImageInfo {
  return {
    id: r.id,
    fileName: r.file_name,
    mime: r.mime,
    width: r.width,
    height: r.height,
    bytes: r.bytes,
    sha256: r.sha256,
    createdAt: r.created_at,
  }
}
