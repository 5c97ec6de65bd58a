/**
 * Shrinks an image before it is sent to the vision model (CPU image encoding is slow, and the
 * projector resizes anyway): EXIF orientation applied, long side ≤ maxSize, JPEG (PNG when the
 * image has transparency). llama-server cannot decode WebP, so every format is re-encoded.
 */
import { loadSharp } from '../../common/sharp'

export const DEFAULT_CAPTION_MAX_SIZE = 448
/** Same decompression-bomb guard as the importer uses. */
const MAX_INPUT_PIXELS = 268_402_689

export interface EncodedImage {
  data: Uint8Array
  mime: 'image/jpeg' | 'image/png'
  width: number
  height: number
}

export async function downscaleForCaption(input: string | Uint8Array, maxSize = DEFAULT_CAPTION_MAX_SIZE): Promise<EncodedImage> {
  const sharp = await loadSharp()
  const base = sharp(input, { limitInputPixels: MAX_INPUT_PIXELS, animated: false })
    .rotate()
    .resize({ width: maxSize, height: maxSize, fit: 'inside', withoutEnlargement: true })
  const meta = await sharp(input, { limitInputPixels: MAX_INPUT_PIXELS }).metadata()
  const png = meta.hasAlpha === true
  const { data, info } = png
    ? await base.png({ compressionLevel: 6 }).toBuffer({ resolveWithObject: true })
    : await base.flatten({ background: '#ffffff' }).jpeg({ quality: 85 }).toBuffer({ resolveWithObject: true })
  return { data: new Uint8Array(data), mime: png ? 'image/png' : 'image/jpeg', width: info.width, height: info.height }
}
