/** File names Folio writes: readable (Chinese, emoji and right-to-left titles stay), safe on every OS. */

const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])$/i
// Path separators, characters Windows forbids, URL-significant ones (# ? %) that would break a
// relative link to the file, control characters and bidi overrides (they can disguise an extension).
const UNSAFE = /[\\/:*?"<>|#%\u0000-\u001f\u007f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g
const MAX_GRAPHEMES = 80

const graphemes = new Intl.Segmenter('und', { granularity: 'grapheme' })

/** A title or file name → a safe file name stem (no extension). */
export function fileStem(title: string, fallback = 'untitled'): string {
  let s = title.normalize('NFKC').replace(UNSAFE, '').trim().replace(/\s+/g, '-')
  // Cut whole characters (an emoji with modifiers is one), never half a surrogate pair.
  s = Array.from(graphemes.segment(s), (g) => g.segment)
    .slice(0, MAX_GRAPHEMES)
    .join('')
  s = s.replace(/^[.-]+|[.-]+$/g, '')
  if (WINDOWS_RESERVED.test(s)) s = `_${s}`
  return s || fallback
}

export const EXT_BY_MIME: Record<string, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'image/avif': 'avif',
  'image/bmp': 'bmp',
  'image/tiff': 'tiff',
  'image/heic': 'heic',
  'image/svg+xml': 'svg',
}

/** Unique relative paths (`images/<name>.<ext>`) for the images of one exported bundle. */
export class BundleNames {
  private readonly taken = new Set<string>()
  private readonly byId = new Map<string, string>()

  constructor(private readonly folder = 'images') {}

  pathFor(imageId: string, libraryFileName: string, mime: string): string {
    const known = this.byId.get(imageId)
    if (known) return known
    const ext = EXT_BY_MIME[mime] ?? 'bin'
    const stem = fileStem(libraryFileName.replace(/\.[^.]*$/, ''), imageId)
    let name = `${stem}.${ext}`
    // Case-insensitive: two names differing only in case are one file on macOS and Windows.
    for (let n = 2; this.taken.has(name.toLowerCase()); n++) name = `${stem}-${n}.${ext}`
    this.taken.add(name.toLowerCase())
    const path = `${this.folder}/${name}`
    this.byId.set(imageId, path)
    return path
  }
}
