/** Library reads and trash: list (newest imports first), detail with EXIF and article usage, trash/restore. */
import { toInfo } from '../images/image-service'
import type { Database } from 'better-sqlite3'
import type { LibraryDetail, LibraryItem } from '../../shared/library-api'
import { FolioError } from '../../shared/errors'
import { AlbumService } from './albums'
import { LibraryRepo, type LibraryRow } from './library-repo'

export class LibraryService {
  private readonly repo: LibraryRepo
  /** Named sets of images (`albums.*`). */
  readonly albums: AlbumService

  constructor(
    db: Database,
    private readonly now: () => number = Date.now,
  ) {
    this.repo = new LibraryRepo(db)
    this.albums = new AlbumService(db, now)
  }

  list(input: { offset: number; limit: number; trashed: boolean; album?: string }): { items: LibraryItem[]; total: number } {
    if (input.album !== undefined) this.albums.require(input.album)
    const { rows, total } = this.repo.list(input.trashed, input.offset, input.limit, input.album)
    return { items: rows.map(toItem), total }
  }

  get(id: string): LibraryDetail {
    const r = this.require(id)
    return {
      ...toItem(r),
      description: r.description,
      exifText: r.exif_text,
      sourcePath: r.source_path,
      usedIn: this.repo.usedIn(id),
    }
  }

  /** Moves to the trash; `usedIn` lists the articles that still show it (the UI warns). */
  trash(id: string): { id: string; trashedAt: number | null; usedIn: string[] } {
    const r = this.require(id)
    const at = r.trashed_at ?? this.now()
    this.repo.setTrashed(id, at)
    return { id, trashedAt: at, usedIn: this.repo.usedIn(id) }
  }

  restore(id: string): { id: string; trashedAt: number | null; usedIn: string[] } {
    this.require(id)
    this.repo.setTrashed(id, null)
    return { id, trashedAt: null, usedIn: this.repo.usedIn(id) }
  }

  /** Hand edits (caption, description, tags): stored as the user's, so the captioning model leaves them alone. */
  update(input: { id: string; caption?: string; description?: string; tags?: string[] }): LibraryItem {
    this.require(input.id)
    const tags = input.tags && [...new Set(input.tags.map((t) => t.trim()).filter((t) => t !== ''))]
    this.repo.updateText(input.id, { caption: input.caption?.trim(), description: input.description?.trim(), tags })
    return toItem(this.require(input.id))
  }

  private require(id: string): LibraryRow {
    const r = this.repo.byId(id)
    if (!r) throw new FolioError('NOT_FOUND', `No image ${id}.`)
    return r
  }
}

function parseTags(s: string | null): string[] {
  if (!s) return []
  try {
    const v: unknown = JSON.parse(s)
    return Array.isArray(v) ? v.filter((t): t is string => typeof t === 'string') : []
  } catch {
    return []
  }
}

function toItem(r: LibraryRow): LibraryItem {
  return {
    ...toInfo(r),
    takenAt: r.taken_at,
    camera: r.camera,
    lat: r.lat,
    lon: r.lon,
    caption: r.caption,
    tags: parseTags(r.tags),
    captionState: r.caption_state,
    captionSource: r.caption_source === 'user' || r.caption_source === 'model' ? r.caption_source : null,
    hasThumb: r.thumb_path !== null,
    stored: r.stored === 1,
    trashedAt: r.trashed_at,
  }
}
