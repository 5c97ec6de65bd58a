/** Small real images for the storage, export and CLI tests, and a temporary-folder helper. */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export function tempDir(): { path: string; cleanup(): void } {
  const path = mkdtempSync(join(tmpdir(), 'folio-test-'))
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) }
}

const b64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'))

/** A decodable 1×1 RGB PNG (valid CRCs and zlib stream). */
export const PNG_1x1 = b64('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR42mO4o6EBAAMQAS0Qc/Z2AAAAAElFTkSuQmCC')
/** A decodable 3×2 RGB PNG. */
export const PNG_3x2 = b64('iVBORw0KGgoAAAANSUhEUgAAAAMAAAACCAIAAAASFvFNAAAAEElEQVR42mPQ0LgDQQxwFgBCLAcJm7z04QAAAABJRU5ErkJggg==')

/**
 * A baseline greyscale JPEG, 4×3 pixels, 159 bytes: SOI, JFIF APP0, DQT, SOF0, one-code DC and AC
 * Huffman tables, SOS with a single MCU (DC difference 0, end of block), EOI.
 */
export const JPEG_4x3 = b64(
  '/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQH/' +
    'wAALCAADAAQBAREA/8QAFAABAAAAAAAAAAAAAAAAAAAAAP/EABQQAQAAAAAAAAAAAAAAAAAAAAD/2gAIAQEAAD8AP//Z',
)
/** The classic 1×1 GIF89a (43 bytes). */
export const GIF_1x1 = b64('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7')
/** 1×1 lossless WebP (VP8L). */
export const WEBP_LOSSLESS_1x1 = b64('UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==')
/** 1×1 lossy WebP (VP8). */
export const WEBP_LOSSY_1x1 = b64('UklGRiIAAABXRUJQVlA4IBYAAAAwAQCdASoBAAEADsD+JaQAA3AAAAAA')

/** A copy of a PNG whose IHDR declares another size (the pixel data is left as it was). */
export function pngDeclaring(width: number, height: number, base: Uint8Array = PNG_1x1): Uint8Array {
  const b = Uint8Array.from(base)
  const dv = new DataView(b.buffer)
  dv.setUint32(16, width)
  dv.setUint32(20, height)
  return b
}

/** A VP8X (extended) WebP header declaring a canvas size; 30 bytes is all the probe reads. */
export function webpVp8x(width: number, height: number): Uint8Array {
  const b = new Uint8Array(30)
  const dv = new DataView(b.buffer)
  b.set(Buffer.from('RIFF'), 0)
  dv.setUint32(4, 22, true)
  b.set(Buffer.from('WEBPVP8X'), 8)
  dv.setUint32(16, 10, true)
  const w = width - 1
  const h = height - 1
  b[24] = w & 0xff
  b[25] = (w >> 8) & 0xff
  b[26] = (w >> 16) & 0xff
  b[27] = h & 0xff
  b[28] = (h >> 8) & 0xff
  b[29] = (h >> 16) & 0xff
  return b
}
