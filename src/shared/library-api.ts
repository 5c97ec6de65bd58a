/** Records of the image library's contract methods (see `library.*` in api.ts). */
import { z } from 'zod'
import { AlbumId, ArticleId, ImageId } from './ids'

/** A stored image as the editor sees it (figures, `images.*`). */
export const ImageInfo = z.object({
  id: ImageId,
  fileName: z.string(),
  mime: z.string(),
  width: z.number().int(),
  height: z.number().int(),
  bytes: z.number().int(),
  sha256: z.string(),
  createdAt: z.number(),
})
export type ImageInfo = z.infer<typeof ImageInfo>

export const LibraryItem = ImageInfo.extend({
  takenAt: z.number().nullable(),
  camera: z.string().nullable(),
  lat: z.number().nullable(),
  lon: z.number().nullable(),
  caption: z.string().nullable(),
  tags: z.array(z.string()),
  captionState: z.string(),
  /** Who wrote caption/description/tags: 'user' edits are never overwritten by the model. */
  captionSource: z.enum(['model', 'user']).nullable(),
  /** Thumbnail/preview made: `/api/image/<id>?size=thumb|preview` (folio://image/<id>?size=…) serve them. */
  hasThumb: z.boolean(),
  /** false: referenced in place at its original path. */
  stored: z.boolean(),
  trashedAt: z.number().nullable(),
})
export type LibraryItem = z.infer<typeof LibraryItem>

export const LibraryDetail = LibraryItem.extend({
  description: z.string().nullable(),
  exifText: z.string().nullable(),
  sourcePath: z.string().nullable(),
  /** Articles whose document uses this image. */
  usedIn: z.array(ArticleId),
})
export type LibraryDetail = z.infer<typeof LibraryDetail>

export const ImportProgress = z.object({
  done: z.number().int(),
  total: z.number().int(),
  file: z.string(),
  etaSeconds: z.number().nullable(),
})

export const ImportReport = z.object({
  imported: z.array(z.object({ id: ImageId, path: z.string(), sha256: z.string() })),
  duplicates: z.array(z.object({ path: z.string(), id: ImageId })),
  rejected: z.array(z.object({ path: z.string(), reason: z.string() })),
})

export const ImportPathsInput = z
  .object({ paths: z.array(z.string().min(1).max(4096)).min(1).max(10_000) })
  .strict()

export const LibraryListInput = z
  .object({
    offset: z.number().int().min(0).default(0),
    limit: z.number().int().min(1).max(500).default(100),
    trashed: z.boolean().default(false),
    /** Only the images in this album. */
    album: AlbumId.optional(),
  })
  .strict()

export const TrashResult = z.object({ id: ImageId, trashedAt: z.number().nullable(), usedIn: z.array(ArticleId) })
