/** Records of the library's album methods (see `albums.*` in api.ts). */
import { z } from 'zod'
import { AlbumId, ImageId } from './ids'

import { MAX_ALBUM_NAME } from './limits'

export { MAX_ALBUM_NAME }
export const MAX_ALBUM_BATCH = 1000

/** 1–100 characters once trimmed (control characters become spaces). */
export const AlbumName = z
  .string()
  .max(1000)
  .transform((s) => s.replace(/[\u0000-\u001f\u007f]/g, ' ').trim())
  .pipe(
    z
      .string()
      .min(1, 'an album needs a name')
      .max(MAX_ALBUM_NAME, `an album name is at most ${MAX_ALBUM_NAME} characters`),
  )

export const Album = z.object({
  id: AlbumId,
  name: z.string(),
  /** Images in it, not counting those in the trash. */
  count: z.number().int(),
  /** The most recently added image (not in the trash), for a cover thumbnail. */
  coverImageId: ImageId.nullable(),
})
export type Album = z.infer<typeof Album>

export const AlbumImagesInput = z
  .object({ albumId: AlbumId, imageIds: z.array(ImageId).min(1).max(MAX_ALBUM_BATCH) })
  .strict()

export { AlbumId }
