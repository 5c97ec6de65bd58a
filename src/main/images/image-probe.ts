/**
 * Identifies an image from its bytes (never its extension) and reads its pixel size from the
 * header, so non-images, truncated headers and decompression bombs are refused before storage.
 */
export interface ProbeResult {
  mime: string
  ext: string
  width: number
  height: number
}

export const MAX_PIXELS = 100_000_000

export class ImageProbeError extends Error {}

export function probeImage(b: Uint8Array): ProbeResult {
  if (b.byteLength === 0) throw new ImageProbeError('the file is empty')
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength)
  const ascii = (o: number, n: number) => String.fromCharCode(...b.subarray(o, o + n))
  let r: ProbeResult
  if (b.length >= 24 && b[0] === 0x89 && ascii(1, 3) === 'PNG') {
    if (ascii(12, 4) !== 'IHDR') throw new ImageProbeError('damaged PNG header')
    r = { mime: 'image/png', ext: 'png', width: dv.getUint32(16), height: dv.getUint32(20) }
  } else if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) {
    r = { mime: 'image/jpeg', ext: 'jpg', ...jpegSize(b, dv) }
  } else if (b.length >= 10 && (ascii(0, 6) === 'GIF87a' || ascii(0, 6) === 'GIF89a')) {
    r = { mime: 'image/gif', ext: 'gif', width: dv.getUint16(6, true), height: dv.getUint16(8, true) }
  } else if (b.length >= 30 && ascii(0, 4) === 'RIFF' && ascii(8, 4) === 'WEBP') {
    r = { mime: 'image/webp', ext: 'webp', ...webpSize(b, dv, ascii) }
  } else if (b.length >= 12 && ascii(4, 4) === 'ftyp' && /^(avif|avis)$/.test(ascii(8, 4))) {
    r = { mime: 'image/avif', ext: 'avif', width: 0, height: 0 }
  } else {
    throw new ImageProbeError('not an image (unrecognised file content)')
  }
  if (r.mime !== 'image/avif' && (r.width <= 0 || r.height <= 0)) throw new ImageProbeError('the image has no size')
  if (r.width * r.height > MAX_PIXELS) {
    throw new ImageProbeError(`the image is too large (${r.width}×${r.height} pixels; the limit is ${MAX_PIXELS / 1e6} megapixels)`)
  }
  return r
}

function jpegSize(b: Uint8Array, dv: DataView): { width: number; height: number } {
  let o = 2
  while (o + 9 < b.length) {
    if (b[o] !== 0xff) throw new ImageProbeError('damaged JPEG')
    const marker = b[o + 1]
    if (marker === 0xff) {
      o++
      continue
    }
    const len = dv.getUint16(o + 2)
    // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC) carry the frame size.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { height: dv.getUint16(o + 5), width: dv.getUint16(o + 7) }
    }
    o += 2 + len
  }
  throw new ImageProbeError('truncated JPEG (no frame header)')
}

function webpSize(b: Uint8Array, dv: DataView, ascii: (o: number, n: number) => string): { width: number; height: number } {
  const chunk = ascii(12, 4)
  if (chunk === 'VP8X') return { width: 1 + (dv.getUint32(24, true) & 0xffffff), height: 1 + (dv.getUint32(26, true) >>> 8) }
  if (chunk === 'VP8L') {
    const bits = dv.getUint32(21, true)
    return { width: 1 + (bits & 0x3fff), height: 1 + ((bits >> 14) & 0x3fff) }
  }
  if (chunk === 'VP8 ') return { width: dv.getUint16(26, true) & 0x3fff, height: dv.getUint16(28, true) & 0x3fff }
  throw new ImageProbeError('damaged WebP')
}
