import { describe, expect, it } from 'vitest'
import { ImageProbeError, MAX_PIXELS, probeImage } from '../../../src/main/images/image-probe'
import {
  GIF_1x1,
  JPEG_4x3,
  PNG_1x1,
  PNG_3x2,
  pngDeclaring,
  WEBP_LOSSLESS_1x1,
  WEBP_LOSSY_1x1,
  webpVp8x,
} from '../../integration/images/image-fixtures'

const reason = (b: Uint8Array): string => {
  try {
    probeImage(b)
  } catch (e) {
    expect(e).toBeInstanceOf(ImageProbeError)
    return (e as Error).message
  }
  throw new Error('expected the probe to refuse the bytes')
}
const bytes = (...parts: (string | number[])[]) =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...Buffer.from(p, 'latin1')] : p)))

describe('probeImage', () => {
  it('reads type and size of real images', () => {
    expect(probeImage(PNG_1x1)).toEqual({ mime: 'image/png', ext: 'png', width: 1, height: 1 })
    expect(probeImage(PNG_3x2)).toEqual({ mime: 'image/png', ext: 'png', width: 3, height: 2 })
    expect(probeImage(JPEG_4x3)).toEqual({ mime: 'image/jpeg', ext: 'jpg', width: 4, height: 3 })
    expect(probeImage(GIF_1x1)).toEqual({ mime: 'image/gif', ext: 'gif', width: 1, height: 1 })
    expect(probeImage(WEBP_LOSSLESS_1x1)).toEqual({ mime: 'image/webp', ext: 'webp', width: 1, height: 1 })
    expect(probeImage(WEBP_LOSSY_1x1)).toEqual({ mime: 'image/webp', ext: 'webp', width: 1, height: 1 })
  })

  it('reads a byte view into a larger buffer at an offset', () => {
    const big = new Uint8Array(PNG_3x2.length + 7)
    big.set(PNG_3x2, 7)
    expect(probeImage(big.subarray(7))).toMatchObject({ width: 3, height: 2 })
  })

  it('refuses an empty file', () => {
    expect(reason(new Uint8Array(0))).toBe('the file is empty')
  })

  it('refuses text and unknown content whatever the name', () => {
    expect(reason(new TextEncoder().encode('<html><body>not a picture</body></html>'))).toBe('not an image (unrecognised file content)')
    expect(reason(Uint8Array.from([0x89]))).toBe('not an image (unrecognised file content)')
    expect(reason(PNG_1x1.subarray(0, 23))).toBe('not an image (unrecognised file content)')
  })

  it('refuses a PNG without an IHDR chunk first', () => {
    const b = Uint8Array.from(PNG_1x1)
    b.set(Buffer.from('IDAT'), 12)
    expect(reason(b)).toBe('damaged PNG header')
  })

  it('refuses images with no size', () => {
    expect(reason(pngDeclaring(0, 10))).toBe('the image has no size')
    expect(reason(bytes('GIF89a', [0, 0, 1, 0]))).toBe('the image has no size')
  })

  it('refuses decompression bombs by declared pixel count, accepting exactly the limit', () => {
    expect(reason(pngDeclaring(20000, 20000))).toBe('the image is too large (20000×20000 pixels; the limit is 100 megapixels)')
    expect(probeImage(pngDeclaring(10000, MAX_PIXELS / 10000))).toMatchObject({ width: 10000, height: 10000 })
    expect(reason(pngDeclaring(10001, 10000))).toMatch(/too large/)
    expect(reason(pngDeclaring(0xffffffff, 0xffffffff))).toMatch(/too large/)
  })

  it('reads JPEG frame sizes past other segments and fill bytes', () => {
    // SOI, fill byte, APP1 (4 bytes of payload), SOF2 (progressive) 640×480.
    const jpeg = bytes([0xff, 0xd8, 0xff, 0xff, 0xe1, 0x00, 0x06, 1, 2, 3, 4, 0xff, 0xc2, 0x00, 0x0b, 8, 0x01, 0xe0, 0x02, 0x80, 1, 1, 0x11, 0])
    expect(probeImage(jpeg)).toEqual({ mime: 'image/jpeg', ext: 'jpg', width: 640, height: 480 })
  })

  it('skips DHT segments (whose marker sits among the SOF markers)', () => {
    const jpeg = bytes([0xff, 0xd8, 0xff, 0xc4, 0x00, 0x04, 0, 0, 0xff, 0xc0, 0x00, 0x0b, 8, 0x00, 0x02, 0x00, 0x03, 1, 1, 0x11, 0])
    expect(probeImage(jpeg)).toMatchObject({ width: 3, height: 2 })
  })

  it('refuses a truncated or damaged JPEG', () => {
    expect(reason(JPEG_4x3.subarray(0, 89))).toBe('truncated JPEG (no frame header)')
    expect(reason(bytes([0xff, 0xd8, 0xff]))).toBe('truncated JPEG (no frame header)')
    expect(reason(bytes([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x04, 0, 0, 0x12, 0x34, 0, 0, 0, 0, 0, 0, 0, 0]))).toBe('damaged JPEG')
  })

  it('reads GIF87a as well as GIF89a', () => {
    expect(probeImage(bytes('GIF87a', [0x20, 0x03, 0x58, 0x02]))).toMatchObject({ mime: 'image/gif', width: 800, height: 600 })
  })

  it('reads extended (VP8X) WebP canvas sizes, up to 24 bits per side', () => {
    expect(probeImage(webpVp8x(1920, 1080))).toEqual({ mime: 'image/webp', ext: 'webp', width: 1920, height: 1080 })
    expect(probeImage(webpVp8x(5, 16_000_000))).toMatchObject({ width: 5, height: 16_000_000 })
    // A canvas this tall is a bomb, and must be refused as one (not as a "no size" image).
    expect(reason(webpVp8x(16384, 9_000_000))).toBe('the image is too large (16384×9000000 pixels; the limit is 100 megapixels)')
  })

  it('refuses a WebP with an unknown first chunk', () => {
    const b = webpVp8x(10, 10)
    b.set(Buffer.from('ALPH'), 12)
    expect(reason(b)).toBe('damaged WebP')
  })

  it('accepts AVIF by its brand, without a size', () => {
    expect(probeImage(bytes([0, 0, 0, 0x1c], 'ftypavif', [0, 0, 0, 0]))).toEqual({ mime: 'image/avif', ext: 'avif', width: 0, height: 0 })
    expect(reason(bytes([0, 0, 0, 0x1c], 'ftypheic', [0, 0, 0, 0]))).toBe('not an image (unrecognised file content)')
  })
})
