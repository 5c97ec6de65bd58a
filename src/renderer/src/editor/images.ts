/** Pure helpers for importing images (tested under Node). */
import { MAX_IMAGE_BYTES } from '../../../shared/limits'

/** Alt text for a freshly imported image: its file name without the extension. */
export function altFromFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? name
  const dot = base.lastIndexOf('.')
  return (dot > 0 ? base.slice(0, dot) : base).trim()
}

const IMAGE_EXT = /\.(png|jpe?g|gif|webp|avif|bmp|svg|heic|heif|tiff?)$/i

export function looksLikeImage(file: { name: string; type: string }): boolean {
  return file.type.startsWith('image/') || (file.type === '' && IMAGE_EXT.test(file.name))
}

export interface SizedFile {
  name: string
  size: number
}

/** `images.import` takes at most 100 files; also keep each request to a sane total size. */
export function batchFiles<T extends SizedFile>(files: readonly T[], maxCount = 100, maxBytes = 48 * 1024 * 1024): T[][] {
  const batches: T[][] = []
  let current: T[] = []
  let bytes = 0
  for (const f of files) {
    if (current.length > 0 && (current.length >= maxCount || bytes + f.size > maxBytes)) {
      batches.push(current)
      current = []
      bytes = 0
    }
    current.push(f)
    bytes += f.size
  }
  if (current.length > 0) batches.push(current)
  return batches
}

/** Splits picked/dropped files into ones to upload and ones rejected before upload. */
export function screenFiles<T extends { name: string; type: string; size: number }>(
  files: readonly T[],
): { accepted: T[]; rejected: { name: string; reason: 'notImage' | 'tooLarge' }[] } {
  const accepted: T[] = []
  const rejected: { name: string; reason: 'notImage' | 'tooLarge' }[] = []
  for (const f of files) {
    if (!looksLikeImage(f)) rejected.push({ name: f.name, reason: 'notImage' })
    else if (f.size > MAX_IMAGE_BYTES) rejected.push({ name: f.name, reason: 'tooLarge' })
    else accepted.push(f)
  }
  return { accepted, rejected }
}

export const MAX_IMAGE_MB = MAX_IMAGE_BYTES / 1024 / 1024
