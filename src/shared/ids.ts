import { z } from 'zod'

// Crockford-style base32 without look-alike letters: short, URL-safe, easy to type in the CLI.
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz'

export function newId(prefix: 'art' | 'img' | 'ver' | 'op' | 'alb' | 'cnv' | 'msg' | 'att'): string {
  const bytes = new Uint8Array(12)
  globalThis.crypto.getRandomValues(bytes)
  let s = ''
  for (const b of bytes) s += ALPHABET[b & 31]
  return `${prefix}_${s}`
}

export const ArticleId = z.string().regex(/^art_[0-9a-z]{12}$/, 'not an article id (art_…)')
export const ImageId = z.string().regex(/^img_[0-9a-z]{12}$/, 'not an image id (img_…)')
export const AlbumId = z.string().regex(/^alb_[0-9a-z]{12}$/, 'not an album id (alb_…)')
export const VersionId = z.string().regex(/^ver_[0-9a-z]{12}$/, 'not a version id (ver_…)')
export const OpId = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/)
