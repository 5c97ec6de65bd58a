/** Records of the library settings contract methods (see `library.settings.*` in api.ts). */
import { z } from 'zod'
import { CAPTION_MAX_SIZE_MAX, CAPTION_MAX_SIZE_MIN } from './limits'

export { CAPTION_MAX_SIZE_MAX, CAPTION_MAX_SIZE_MIN }

export const LibrarySettings = z.object({
  /** true: imports are copied into the library folder; false: referenced where they are. */
  copyOnImport: z.boolean(),
  /** Language of new captions (existing captions are not rewritten). */
  captionLanguage: z.enum(['en', 'zh', 'both']),
  /** Longest side, in pixels, of the image sent to the vision model. */
  captionMaxSize: z.number().int().min(CAPTION_MAX_SIZE_MIN).max(CAPTION_MAX_SIZE_MAX),
})
export type LibrarySettings = z.infer<typeof LibrarySettings>

export const LibrarySettingsPatch = LibrarySettings.partial().strict()
export type LibrarySettingsPatch = z.infer<typeof LibrarySettingsPatch>
