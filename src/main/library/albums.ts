/** Albums: named sets of library images. Deleting an album (or removing images from it) never touches the images. */
import type { Database } from 'better-sqlite3'
import type { Album } from '../../shared/albums-api'
import { FolioError } from '../../shared/errors'
import { newId } from '../../shared/ids'

interface AlbumRow {
  id: string
  name: string
  count: number
  cover: string | null
}

export class AlbumService {
  constructor(
    private readonly db: Database,
    private readonly now: () => number = Date.now,
  ) {}

  list(): Album[] {
    const rows = this.db
      .prepare(
        `SELECT a.id, a.name,
           (SELECT COUNT(*) FROM album_images ai JOIN images i ON i.id = ai.image_id
             WHERE ai.album_id = a.id AND i.trashed_at IS NULL) AS count,
           (SELECT ai.image_id FROM album_images ai JOIN images i ON i.id = ai.image_id
             WHERE ai.album_id = a.id AND i.trashed_at IS NULL ORDER BY ai.added_at DESC, ai.image_id DESC LIMIT 1) AS cover
         FROM albums a ORDER BY a.name COLLATE NOCASE, a.id`,
      )
      .all() as AlbumRow[]
    return rows.map(toAlbum)
  }

  get(id: string): Album {
    const a = this.list().find((x) => x.id === id)
    if (!a) throw new FolioError('NOT_FOUND', `No album ${id}.`)
    return a
  }

  /** Throws NOT_FOUND for an unknown album id. */
  require(id: string): void {
    if (!this.db.prepare('SELECT 1 FROM albums WHERE id = ?').get(id)) throw new FolioError('NOT_FOUND', `No album ${id}.`)
  }

  create(name: string): Album {
    const id = newId('alb')
    this.unique(name, null)
    this.db.prepare('INSERT INTO albums (id, name, created_at) VALUES (?, ?, ?)').run(id, name, this.now())
    return this.get(id)
  }

  rename(id: string, name: string): Album {
    this.require(id)
    this.unique(name, id)
    this.db.prepare('UPDATE albums SET name = ? WHERE id = ?').run(name, id)
    return this.get(id)
  }

  /** Deletes the album; its images stay in the library. */
  delete(id: string): { id: string } {
    this.require(id)
    this.db.prepare('DELETE FROM albums WHERE id = ?').run(id)
    return { id }
  }

  /** Adds images (already members are left as they are); every id must name a library image. */
  addImages(albumId: string, imageIds: readonly string[]): Album {
    this.require(albumId)
    const ids = [...new Set(imageIds)]
    const known = this.db
      .prepare('SELECT COUNT(*) AS n FROM images WHERE id IN (SELECT value FROM json_each(?))')
      .get(JSON.stringify(ids)) as { n: number }
    if (known.n !== ids.length) throw new FolioError('NOT_FOUND', 'Some of these images are not in the library.')
    const at = this.now()
    const insert = this.db.prepare('INSERT OR IGNORE INTO album_images (album_id, image_id, added_at) VALUES (?, ?, ?)')
    this.db.transaction(() => ids.forEach((img, n) => insert.run(albumId, img, at + n)))()
    return this.get(albumId)
  }

  removeImages(albumId: string, imageIds: readonly string[]): Album {
    this.require(albumId)
    this.db
      .prepare('DELETE FROM album_images WHERE album_id = ? AND image_id IN (SELECT value FROM json_each(?))')
      .run(albumId, JSON.stringify([...new Set(imageIds)]))
    return this.get(albumId)
  }

  private unique(name: string, self: string | null): void {
    const other = this.db.prepare('SELECT id, name FROM albums WHERE name = ? COLLATE NOCASE').get(name) as
      | { id: string; name: string }
      | undefined
    if (other && other.id !== self) throw new FolioError('CONFLICT', `An album named “${other.name}” already exists.`)
  }
}

const toAlbum = (r: AlbumRow): Album => ({ id: r.id, name: r.name, count: r.count, coverImageId: r.cover })
