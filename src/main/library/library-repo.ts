/** SQL for the library's view of the `images` table (migration 003 columns). */
import type { Database } from 'better-sqlite3'

export interface LibraryRow {
  id: string
  sha256: string
  file_name: string
  mime: string
  width: number
  height: number
  bytes: number
  path: string
  created_at: number
  source_path: string | null
  stored: number
  taken_at: number | null
  camera: string | null
  lat: number | null
  lon: number | null
  exif_text: string | null
  thumb_path: string | null
  preview_path: string | null
  orientation_applied: number | null
  trashed_at: number | null
  caption: string | null
  description: string | null
  tags: string | null
  caption_source: string | null
  caption_state: string
}

export type NewImage = Pick<
  LibraryRow,
  'id' | 'sha256' | 'file_name' | 'mime' | 'width' | 'height' | 'bytes' | 'path' | 'created_at' | 'source_path' | 'stored'
> &
  Derived

/** What decoding adds: oriented size, thumbnails, EXIF. */
export interface Derived {
  width: number
  height: number
  taken_at: number | null
  camera: string | null
  lat: number | null
  lon: number | null
  exif_text: string | null
  thumb_path: string | null
  preview_path: string | null
  orientation_applied: number | null
}

export class LibraryRepo {
  constructor(private readonly db: Database) {}

  bySha(sha256: string): LibraryRow | undefined {
    return this.db.prepare('SELECT * FROM images WHERE sha256 = ?').get(sha256) as LibraryRow | undefined
  }

  byId(id: string): LibraryRow | undefined {
    return this.db.prepare('SELECT * FROM images WHERE id = ?').get(id) as LibraryRow | undefined
  }

  insert(r: NewImage): void {
    this.db
      .prepare(
        `INSERT INTO images (id, sha256, file_name, mime, width, height, bytes, path, created_at, source_path, stored,
           taken_at, camera, lat, lon, exif_text, thumb_path, preview_path, orientation_applied)
         VALUES (@id, @sha256, @file_name, @mime, @width, @height, @bytes, @path, @created_at, @source_path, @stored,
           @taken_at, @camera, @lat, @lon, @exif_text, @thumb_path, @preview_path, @orientation_applied)`,
      )
      .run(r)
  }

  setDerived(id: string, d: Derived): void {
    this.db
      .prepare(
        `UPDATE images SET width = @width, height = @height, taken_at = @taken_at, camera = @camera, lat = @lat, lon = @lon,
           exif_text = @exif_text, thumb_path = @thumb_path, preview_path = @preview_path, orientation_applied = @orientation_applied
         WHERE id = @id`,
      )
      .run({ ...d, id })
  }

  untrash(id: string): void {
    this.db.prepare('UPDATE images SET trashed_at = NULL WHERE id = ?').run(id)
  }

  /** Hand edits: the fields given become the user's; a user caption also ends the model's pending work on it. */
  updateText(id: string, f: { caption?: string; description?: string; tags?: string[] }): void {
    this.db
      .prepare(
        `UPDATE images SET
           caption = CASE WHEN @setCaption THEN @caption ELSE caption END,
           description = CASE WHEN @setDescription THEN @description ELSE description END,
           tags = CASE WHEN @setTags THEN @tags ELSE tags END,
           caption_source = 'user',
           caption_state = CASE WHEN @setCaption THEN 'done' ELSE caption_state END
         WHERE id = @id`,
      )
      .run({
        id,
        setCaption: f.caption === undefined ? 0 : 1,
        caption: f.caption ?? null,
        setDescription: f.description === undefined ? 0 : 1,
        description: f.description ?? null,
        setTags: f.tags === undefined ? 0 : 1,
        tags: f.tags === undefined ? null : JSON.stringify(f.tags),
      })
  }

  setTrashed(id: string, at: number | null): void {
    this.db.prepare('UPDATE images SET trashed_at = ? WHERE id = ?').run(at, id)
  }

  list(trashed: boolean, offset: number, limit: number, album?: string): { rows: LibraryRow[]; total: number } {
    let where = trashed ? 'trashed_at IS NOT NULL' : 'trashed_at IS NULL'
    const args: unknown[] = []
    if (album !== undefined) {
      where += ' AND id IN (SELECT image_id FROM album_images WHERE album_id = ?)'
      args.push(album)
    }
    const rows = this.db
      .prepare(`SELECT * FROM images WHERE ${where} ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`)
      .all(...args, limit, offset) as LibraryRow[]
    const total = (this.db.prepare(`SELECT COUNT(*) AS n FROM images WHERE ${where}`).get(...args) as { n: number }).n
    return { rows, total }
  }

  /** Articles whose stored document mentions the image id (figures keep the id in their attributes). */
  /** Articles showing the image in a figure (an image that is only a figure's swap candidate does not count). */
  usedIn(id: string): string[] {
    return (this.db.prepare('SELECT id FROM articles WHERE instr(doc, ?) > 0 ORDER BY updated_at DESC').all(`"imageId":${JSON.stringify(id)}`) as { id: string }[]).map(
      (r) => r.id,
    )
  }
}
