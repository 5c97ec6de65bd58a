/** What the image stage needs from the library: search by caption, a text description, the picture. */
import type { Database } from 'better-sqlite3'
import type { ImageService } from '../images/image-service'
import { downscaleForCaption } from '../library/captions/downscale'
import type { LibrarySearch } from '../library/search/library-search'
import type { ImageStageDeps } from './image-stage'

/** Side of the pictures a vision model sees when choosing (the caption queue's default). */
const SELECT_PICTURE_PX = 448

export function libraryAccess(d: { db: Database; search: LibrarySearch; images: ImageService; hasVision: () => boolean }): Omit<ImageStageDeps, 'json'> {
  const row = d.db.prepare('SELECT caption, tags, file_name, trashed_at FROM images WHERE id = ?')
  return {
    async search(query, limit, exclude) {
      const results = await d.search.search({ query, limit, exclude })
      return results.map((r) => r.id)
    },
    describe(id) {
      const r = row.get(id) as { caption: string | null; tags: string | null; file_name: string; trashed_at: number | null } | undefined
      if (!r || r.trashed_at !== null) return null
      return r.caption?.trim() || tagsText(r.tags) || r.file_name
    },
    async picture(id) {
      // The preview (≤ ~1600 px WebP) decodes much faster than a camera original; re-encoded as JPEG/PNG.
      const enc = await downscaleForCaption(d.images.resolveFile(id, 'preview').path, SELECT_PICTURE_PX)
      return { data: enc.data, mime: enc.mime }
    },
    hasVision: d.hasVision,
  }
}

function tagsText(s: string | null): string {
  try {
    const v: unknown = JSON.parse(s ?? '[]')
    return Array.isArray(v) ? v.filter((t) => typeof t === 'string').join(', ') : ''
  } catch {
    return ''
  }
}
