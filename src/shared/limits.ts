/**
 * The contract's numeric limits, without zod: the renderer needs them at start-up, and importing
 * them from a `*-api.ts` module would build every schema of the contract before the editor shows.
 * The API modules re-export them beside the schemas that enforce them.
 */
export const MAX_TITLE = 300
export const MAX_IMAGE_BYTES = 64 * 1024 * 1024
/** The largest file an import accepts (a document, an image, or a .zip holding them). */
export const MAX_IMPORT_FILE_BYTES = 64 * 1024 * 1024
export const MAX_ALBUM_NAME = 100
export const CAPTION_MAX_SIZE_MIN = 224
export const CAPTION_MAX_SIZE_MAX = 1024
export const MAX_CHAT_IMAGES = 8
export const MAX_CHAT_TEXT = 20_000
export const CHAT_IMAGE_SIZE_MIN = 224
export const CHAT_IMAGE_SIZE_MAX = 2048
/** The original capped articles at about 60 numbered sections; longer articles are grouped into 60. */
export const MAX_SECTIONS = 60
export const MAX_IMAGES = 15
