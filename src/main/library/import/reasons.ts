/** Plain-language reasons for files the library refuses, and the content checks done before decoding. */
import type { DecodedImage } from './worker-pool'

export class RejectError extends Error {}

export const MAX_PIXELS = 100_000_000
/** Larger files are not read into memory at all. */
export const MAX_FILE_BYTES = 512 * 1024 * 1024

const FORMATS: Record<string, { mime: string; ext: string }> = {
  jpeg: { mime: 'image/jpeg', ext: 'jpg' },
  png: { mime: 'image/png', ext: 'png' },
  webp: { mime: 'image/webp', ext: 'webp' },
  gif: { mime: 'image/gif', ext: 'gif' },
  tiff: { mime: 'image/tiff', ext: 'tif' },
  avif: { mime: 'image/avif', ext: 'avif' },
}

const HEIC_BRANDS = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'hevm', 'hevs'])
const HEIC_REASON = 'HEIC images are not supported by this build of the image library (it decodes AVIF but not HEVC); convert the file to JPEG first'

/** Refuses what can be told from the bytes alone: empty files and HEIC (which this sharp build cannot decode). */
export function precheck(b: Uint8Array): void {
  if (b.byteLength === 0) throw new RejectError('the file is empty')
  if (b.byteLength >= 12 && String.fromCharCode(...b.subarray(4, 8)) === 'ftyp') {
    const boxLen = Math.min(b.byteLength, Math.max(16, new DataView(b.buffer, b.byteOffset).getUint32(0)), 64)
    const brands: string[] = []
    for (let o = 8; o + 4 <= boxLen; o += 4) if (o !== 12) brands.push(String.fromCharCode(...b.subarray(o, o + 4)))
    if (brands[0] !== 'avif' && brands[0] !== 'avis' && brands.some((x) => HEIC_BRANDS.has(x))) throw new RejectError(HEIC_REASON)
  }
}

/** The stored type of a decoded image, or a rejection for formats the library does not take. */
export function formatOf(d: DecodedImage): { mime: string; ext: string } {
  const f = formatOfInfo(d.info)
  if (!d.thumb || !d.preview) throw new RejectError('the image could not be decoded')
  return f
}

/** The stored type for a decoder's format and compression (sharp metadata), or a rejection. */
export function formatOfInfo({ format, compression }: { format?: string; compression?: string | null }): { mime: string; ext: string } {
  if (format === 'heif') {
    if (compression === 'av1') return FORMATS.avif
    throw new RejectError(HEIC_REASON)
  }
  const f = format ? FORMATS[format] : undefined
  if (!f) throw new RejectError(`unsupported image format (${format}); the library takes JPEG, PNG, WebP, GIF, AVIF and TIFF`)
  return f
}

/** Maps a decoder message (sharp/libvips) to a reason a person understands. */
export function decodeReason(message: string): string {
  const m = message.toLowerCase()
  if (m.includes('unsupported image format')) return 'not an image (unrecognised file content)'
  if (m.includes('pixel limit')) return `the image is too large (over ${MAX_PIXELS / 1e6} megapixels; possibly a decompression bomb)`
  if (m.includes('premature end') || m.includes('truncated') || m.includes('unexpected end') || m.includes('end of file')) {
    return `the image is truncated (${oneLine(message)})`
  }
  if (m.includes('workers have stopped')) return 'the import was stopped'
  return `the image is damaged and cannot be decoded (${oneLine(message)})`
}

/** Maps a file-system error to a reason. */
export function fileReason(e: unknown): string {
  const code = (e as { code?: string } | null)?.code
  if (code === 'ENOENT') return 'the file disappeared before it could be imported'
  if (code === 'EACCES' || code === 'EPERM') return 'the file cannot be read (permission denied)'
  if (code === 'EISDIR') return 'not a file'
  if (code === 'ENOSPC') return 'the disk is full'
  if (code === 'EROFS') return 'the library folder is read-only'
  return `the file cannot be read (${oneLine((e as Error)?.message ?? String(e))})`
}

function oneLine(s: string): string {
  return s.split('\n')[0].slice(0, 200)
}
