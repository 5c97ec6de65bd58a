/**
 * Images in chat: stored once — in the library (through the importer: decode checks, pixel limit,
 * dedupe by hash, thumbnails) or as chat attachments under `chat-images/` (the same checks, deduplicated
 * by hash, outside the library) — and downscaled for the model on the way out (originals are kept).
 */
import type { Database } from 'better-sqlite3'
import { createHash } from 'node:crypto'
import { readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { loadSharp } from '../common/sharp'
import type { ChatImage } from '../../shared/chat-api'
import { FolioError } from '../../shared/errors'
import { newId } from '../../shared/ids'
import type { ImageService } from '../images/image-service'
import type { EncodedImage } from '../library/captions/downscale'
import { downscaleForCaption } from '../library/captions/downscale'
import { atomicWrite } from '../library/import/files'
import type { LibraryImporter } from '../library/import/library-importer'
import { MAX_PIXELS, RejectError, decodeReason, formatOfInfo, precheck } from '../library/import/reasons'

const THUMB_SIZE = 256
/** Downscaled images kept for the next turns (the whole history is sent every turn). */
const ENCODED_CACHE = 32

interface AttachmentRow {
  id: string
  sha256: string
  file_name: string
  mime: string
  width: number
  height: number
  bytes: number
  path: string
  thumb_path: string
  created_at: number
}

export interface ChatImagesDeps {
  db: Database
  importer: Pick<LibraryImporter, 'importBuffers'>
  images: Pick<ImageService, 'get' | 'resolveFile'>
  /** Folder for chat attachments. */
  dir: string
  now?: () => number
}

export class ChatImages {
  private readonly encoded = new Map<string, Promise<EncodedImage>>()

  constructor(private readonly deps: ChatImagesDeps) {}

  /** Checks and stores files; usable images come back in input order, the others with a reason. */
  async attach(
    files: { name: string; data: Uint8Array }[],
    storage: 'library' | 'attachments',
    signal?: AbortSignal,
  ): Promise<{ images: ChatImage[]; rejected: { name: string; reason: string }[] }> {
    const images: ChatImage[] = []
    const rejected: { name: string; reason: string }[] = []
    if (storage === 'library') {
      for (const r of await this.deps.importer.importBuffers(files, { signal })) {
        if (r.state === 'rejected') rejected.push({ name: r.name, reason: r.reason })
        else images.push(this.describe(r.imageId, r.name))
      }
      return { images, rejected }
    }
    for (const f of files) {
      if (signal?.aborted) throw new FolioError('CANCELLED', 'Cancelled.')
      try {
        images.push(await this.storeAttachment(f.name, f.data))
      } catch (e) {
        if (!(e instanceof RejectError)) throw e
        rejected.push({ name: f.name, reason: e.message })
      }
    }
    return { images, rejected }
  }

  /** The stored record of an image id (library or attachment); NOT_FOUND when there is no such image. */
  describe(id: string, name?: string): ChatImage {
    if (id.startsWith('att_')) {
      const row = this.attachment(id)
      return { id, name: name ?? row.file_name, mime: row.mime, width: row.width, height: row.height }
    }
    const info = this.deps.images.get(id)
    return { id, name: name ?? info.fileName, mime: info.mime, width: info.width, height: info.height }
  }

  /** The image as sent to the model: EXIF-rotated, long side ≤ maxSize, JPEG/PNG (cached per size). */
  encode(id: string, maxSize: number): Promise<EncodedImage> {
    const key = `${id}@${maxSize}`
    const hit = this.encoded.get(key)
    if (hit) {
      // Most recently used goes last (the Map keeps insertion order).
      this.encoded.delete(key)
      this.encoded.set(key, hit)
      return hit
    }
    const job = (async () => {
      const path = this.originalPath(id)
      try {
        return await downscaleForCaption(path, maxSize)
      } catch (e) {
        const code = (e as { code?: string }).code
        if (code === 'ENOENT') throw new FolioError('NOT_FOUND', `The image file of ${id} is missing (${path}).`)
        throw new FolioError('UNSUPPORTED_MEDIA', `The image ${id} cannot be read: ${(e as Error).message}`)
      }
    })()
    job.catch(() => this.encoded.delete(key))
    this.encoded.set(key, job)
    while (this.encoded.size > ENCODED_CACHE) this.encoded.delete(this.encoded.keys().next().value as string)
    return job
  }

  thumbnail(id: string): { mime: string; data: Uint8Array } {
    const row = this.attachment(id)
    try {
      return { mime: 'image/jpeg', data: new Uint8Array(readFileSync(join(this.deps.dir, row.thumb_path))) }
    } catch {
      throw new FolioError('NOT_FOUND', `The thumbnail of ${id} is missing.`)
    }
  }

  /** Puts an attachment into the library (deduplicated there too), e.g. to place it in an article. */
  async toLibrary(id: string): Promise<string> {
    const row = this.attachment(id)
    const data = new Uint8Array(readFileSync(join(this.deps.dir, row.path)))
    const [r] = await this.deps.importer.importBuffers([{ name: row.file_name, data }])
    if (r.state === 'rejected') throw new FolioError('UNSUPPORTED_MEDIA', `The library did not take ${row.file_name}: ${r.reason}`)
    return r.imageId
  }

  /** Deletes attachments no message refers to any more (library images stay in the library). */
  removeUnused(ids: readonly string[], inUse: (id: string) => boolean): void {
    for (const id of new Set(ids)) {
      if (!id.startsWith('att_') || inUse(id)) continue
      const row = this.deps.db.prepare('SELECT * FROM chat_attachments WHERE id = ?').get(id) as AttachmentRow | undefined
      if (!row) continue
      this.deps.db.prepare('DELETE FROM chat_attachments WHERE id = ?').run(id)
      for (const p of [row.path, row.thumb_path]) rmSync(join(this.deps.dir, p), { force: true })
      for (const key of [...this.encoded.keys()]) if (key.startsWith(`${id}@`)) this.encoded.delete(key)
    }
  }

  private originalPath(id: string): string {
    if (id.startsWith('att_')) return join(this.deps.dir, this.attachment(id).path)
    return this.deps.images.resolveFile(id).path
  }

  private attachment(id: string): AttachmentRow {
    const row = this.deps.db.prepare('SELECT * FROM chat_attachments WHERE id = ?').get(id) as AttachmentRow | undefined
    if (!row) throw new FolioError('NOT_FOUND', `No chat image ${id}.`)
    return row
  }

  /** The importer's checks (empty, HEIC, format, pixel limit, truncation), then an atomic content-addressed write. */
  private async storeAttachment(name: string, data: Uint8Array): Promise<ChatImage> {
    precheck(data)
    const sha256 = createHash('sha256').update(data).digest('hex')
    const existing = this.deps.db.prepare('SELECT * FROM chat_attachments WHERE sha256 = ?').get(sha256) as AttachmentRow | undefined
    if (existing) return { id: existing.id, name, mime: existing.mime, width: existing.width, height: existing.height }
    let format: { mime: string; ext: string }
    let width: number
    let height: number
    let thumb: Buffer
    const sharp = await loadSharp()
    try {
      const meta = await sharp(data, { limitInputPixels: MAX_PIXELS }).metadata()
      format = formatOfInfo(meta)
      const rotated = (meta.orientation ?? 1) >= 5
      width = (rotated ? meta.height : meta.width) ?? 0
      height = (rotated ? meta.width : meta.height) ?? 0
      // A full decode: truncated and damaged files fail here, not in the middle of a conversation.
      thumb = await sharp(data, { limitInputPixels: MAX_PIXELS, failOn: 'truncated' })
        .rotate()
        .resize(THUMB_SIZE, THUMB_SIZE, { fit: 'inside', withoutEnlargement: true })
        .flatten({ background: '#ffffff' })
        .jpeg({ quality: 80 })
        .toBuffer()
    } catch (e) {
      if (e instanceof RejectError) throw e
      throw new RejectError(decodeReason((e as Error).message))
    }
    const dir = sha256.slice(0, 2)
    const path = join(dir, `${sha256}.${format.ext}`)
    const thumbPath = join(dir, `${sha256}.thumb.jpg`)
    await atomicWrite(join(this.deps.dir, path), data)
    await atomicWrite(join(this.deps.dir, thumbPath), thumb)
    const id = newId('att')
    this.deps.db
      .prepare(
        `INSERT INTO chat_attachments (id, sha256, file_name, mime, width, height, bytes, path, thumb_path, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (sha256) DO NOTHING`,
      )
      .run(id, sha256, safeName(name), format.mime, width, height, data.byteLength, path, thumbPath, (this.deps.now ?? Date.now)())
    // A concurrent attach of the same bytes may have won the insert.
    const row = this.deps.db.prepare('SELECT * FROM chat_attachments WHERE sha256 = ?').get(sha256) as AttachmentRow
    return { id: row.id, name, mime: row.mime, width: row.width, height: row.height }
  }
}

function safeName(name: string): string {
  return name.replace(/[\\/]/g, '_').replace(/[\u0000-\u001f]/g, '').slice(0, 255) || 'image'
}
