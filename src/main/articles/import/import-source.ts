/**
 * Where an import's document and images come from: files sent by a renderer (a document plus the
 * images it refers to, or one .zip), or a path on disk (CLI). Finds the document, decodes its text,
 * and resolves the image references written in it — with size limits on everything.
 */
import { readFileSync, statSync } from 'node:fs'
import { basename, dirname, extname, isAbsolute, posix, resolve as resolvePath } from 'node:path'
import { fileURLToPath } from 'node:url'
import { unzipSync } from 'fflate'
import { MAX_IMPORT_FILE_BYTES } from '../../../shared/article-io-api'
import { FolioError } from '../../../shared/errors'
import type { Warnings } from './doc-builder'

export type DocumentKind = 'markdown' | 'html' | 'docx'

/** A Markdown or HTML text larger than this is refused (a DOCX may use the full file limit). */
export const MAX_TEXT_BYTES = 16 * 1024 * 1024
/** A .zip may unpack to at most this much, in at most this many entries (zip bombs). */
export const MAX_ZIP_TOTAL_BYTES = 512 * 1024 * 1024
export const MAX_ZIP_ENTRIES = 5000

const KINDS: Record<string, DocumentKind> = {
  '.md': 'markdown',
  '.markdown': 'markdown',
  '.mdown': 'markdown',
  '.mkd': 'markdown',
  '.txt': 'markdown',
  '.html': 'html',
  '.htm': 'html',
  '.xhtml': 'html',
  '.docx': 'docx',
}
const SUPPORTED = 'Folio imports Markdown (.md), HTML (.html) and Word (.docx) files, or a .zip holding one of them with its images'

export interface ResolvedImage {
  name: string
  data: Uint8Array
}

export interface ImportSource {
  /** The document's file name (for the title when the document names none, and messages). */
  name: string
  kind: DocumentKind
  data: Uint8Array
  /** The bytes of an image the document refers to by a relative (or, from the CLI, absolute) path. */
  resolve(ref: string): ResolvedImage | null
}

export function kindOf(name: string): DocumentKind | null {
  return KINDS[extname(name).toLowerCase()] ?? null
}

const mb = (n: number) => `${Math.round((n / 1024 / 1024) * 10) / 10} MB`

function checkSize(name: string, size: number, kind: DocumentKind): void {
  const limit = kind === 'docx' ? MAX_IMPORT_FILE_BYTES : MAX_TEXT_BYTES
  if (size > limit) {
    throw new FolioError('PAYLOAD_TOO_LARGE', `${name} is ${mb(size)}; Folio imports ${kind === 'docx' ? 'Word documents' : 'Markdown and HTML files'} up to ${mb(limit)}.`)
  }
  if (size === 0) throw new FolioError('INVALID_INPUT', `${name} is empty.`)
}

/** Candidate keys for a reference: as written, percent-decoded, without ./ and query or fragment. */
function refKeys(ref: string, baseDir: string): string[] {
  const cleaned = ref.trim().replace(/^<|>$/g, '').replace(/[?#].*$/, '').replace(/\\/g, '/')
  const forms = new Set([cleaned])
  try {
    forms.add(decodeURIComponent(cleaned))
  } catch {
    // Not percent-encoded after all.
  }
  return [...forms].filter(Boolean).map((f) => posix.normalize(posix.join(baseDir, f)).replace(/^\.\//, ''))
}

/** Files in memory (sent by a renderer, or unpacked from a .zip), keyed by relative path. */
function memorySource(files: { name: string; data: Uint8Array }[], origin: string): ImportSource {
  const candidates = files.filter((f) => kindOf(f.name) !== null && !isIgnored(f.name))
  // A .txt beside a real document (a licence, a readme) is not the document.
  const real = candidates.filter((f) => extname(f.name).toLowerCase() !== '.txt')
  const docs = real.length ? real : candidates
  if (docs.length === 0) throw new FolioError('UNSUPPORTED_MEDIA', `${origin} holds no document to import. ${SUPPORTED}.`)
  // In a bundle, prefer the names Folio's own exports use, then the shallowest document.
  const preferred = docs.find((d) => /^(article\.(md|html)|index\.html?)$/i.test(d.name))
  const depth = (n: string) => n.split('/').length
  const shallowest = Math.min(...docs.map((d) => depth(d.name)))
  const top = docs.filter((d) => depth(d.name) === shallowest)
  if (!preferred && top.length > 1) {
    throw new FolioError('INVALID_INPUT', `Choose one document at a time: found ${top.slice(0, 4).map((d) => d.name).join(', ')}.`)
  }
  const doc = preferred ?? top[0]
  const kind = kindOf(doc.name) as DocumentKind
  checkSize(doc.name, doc.data.length, kind)
  const byPath = new Map<string, Uint8Array>()
  const byName = new Map<string, Uint8Array>()
  for (const f of files) {
    if (f === doc) continue
    byPath.set(posix.normalize(f.name.replace(/\\/g, '/')), f.data)
    // Browsers send file names without folders: "images/a.png" is matched to a picked "a.png".
    const base = posix.basename(f.name).toLowerCase()
    if (!byName.has(base)) byName.set(base, f.data)
  }
  const docDir = posix.dirname(doc.name.replace(/\\/g, '/'))
  return {
    name: posix.basename(doc.name),
    kind,
    data: doc.data,
    resolve(ref) {
      for (const key of refKeys(ref, docDir)) {
        const data = byPath.get(key) ?? byName.get(posix.basename(key).toLowerCase())
        if (data) return { name: posix.basename(key), data }
      }
      return null
    },
  }
}

function isIgnored(name: string): boolean {
  return name.startsWith('__MACOSX/') || name.split('/').some((p) => p.startsWith('.'))
}

/** Files sent by a renderer: one document with its images, or one .zip. */
export function sourceFromFiles(files: { name: string; data: Uint8Array }[]): ImportSource {
  const zips = files.filter((f) => extname(f.name).toLowerCase() === '.zip')
  if (zips.length === 1 && files.length === 1) return sourceFromZip(zips[0].name, zips[0].data)
  if (zips.length) throw new FolioError('INVALID_INPUT', 'Import a .zip on its own, or a document with its image files.')
  if (files.length === 1 && kindOf(files[0].name) === null) {
    throw new FolioError('UNSUPPORTED_MEDIA', `${files[0].name} is not a document Folio can import. ${SUPPORTED}.`)
  }
  return memorySource(files, 'The chosen files')
}

export function sourceFromZip(name: string, data: Uint8Array): ImportSource {
  let total = 0
  let count = 0
  let entries: Record<string, Uint8Array>
  try {
    entries = unzipSync(data, {
      filter: (f) => {
        if (f.name.endsWith('/') || isIgnored(f.name)) return false
        count += 1
        total += f.originalSize
        if (count > MAX_ZIP_ENTRIES) throw new FolioError('PAYLOAD_TOO_LARGE', `${name} holds more than ${MAX_ZIP_ENTRIES} files.`)
        if (f.originalSize > MAX_IMPORT_FILE_BYTES || total > MAX_ZIP_TOTAL_BYTES) {
          throw new FolioError('PAYLOAD_TOO_LARGE', `${name} unpacks to more than ${mb(Math.min(total, MAX_ZIP_TOTAL_BYTES))}; Folio imports archives up to ${mb(MAX_ZIP_TOTAL_BYTES)} (files up to ${mb(MAX_IMPORT_FILE_BYTES)}).`)
        }
        return true
      },
    })
  } catch (e) {
    if (e instanceof FolioError) throw e
    throw new FolioError('INVALID_INPUT', `${name} is not a valid .zip archive: ${(e as Error).message}`)
  }
  const files = Object.entries(entries).map(([path, bytes]) => ({ name: path, data: bytes }))
  return memorySource(files, name)
}

/** A path given on the command line; images are read from disk relative to the document. */
export function sourceFromPath(path: string): ImportSource {
  const abs = resolvePath(path)
  let size: number
  try {
    const st = statSync(abs)
    if (!st.isFile()) throw new FolioError('INVALID_INPUT', `${path} is not a file.`)
    size = st.size
  } catch (e) {
    if (e instanceof FolioError) throw e
    throw new FolioError('NOT_FOUND', `No such file: ${path}`)
  }
  const name = basename(abs)
  if (extname(name).toLowerCase() === '.zip') {
    if (size > MAX_ZIP_TOTAL_BYTES) throw new FolioError('PAYLOAD_TOO_LARGE', `${name} is ${mb(size)}; Folio imports archives up to ${mb(MAX_ZIP_TOTAL_BYTES)}.`)
    return sourceFromZip(name, readFileSync(abs))
  }
  const kind = kindOf(name)
  if (!kind) throw new FolioError('UNSUPPORTED_MEDIA', `${name} is not a document Folio can import. ${SUPPORTED}.`)
  checkSize(name, size, kind)
  const dir = dirname(abs)
  return {
    name,
    kind,
    data: readFileSync(abs),
    resolve(ref) {
      const r = ref.trim()
      let candidates: string[]
      if (/^file:/i.test(r)) {
        try {
          candidates = [fileURLToPath(r)]
        } catch {
          return null
        }
      } else candidates = refKeys(r, '').map((k) => (isAbsolute(k) ? k : resolvePath(dir, k)))
      for (const file of candidates) {
        try {
          const st = statSync(file)
          if (!st.isFile()) continue
          if (st.size > MAX_IMPORT_FILE_BYTES) throw new FolioError('PAYLOAD_TOO_LARGE', `${r} is ${mb(st.size)}; images up to ${mb(MAX_IMPORT_FILE_BYTES)} are imported.`)
          return { name: basename(file), data: readFileSync(file) }
        } catch (e) {
          if (e instanceof FolioError) throw e
        }
      }
      return null
    },
  }
}

/**
 * The document's text: UTF-8 (with or without BOM), UTF-16 with a BOM, or — for files that are
 * not valid UTF-8 — GB18030, the usual encoding of Chinese text files that are not UTF-8.
 */
export function decodeText(name: string, data: Uint8Array, warn: Warnings): string {
  if (data[0] === 0xff && data[1] === 0xfe) return new TextDecoder('utf-16le').decode(data.subarray(2))
  if (data[0] === 0xfe && data[1] === 0xff) return new TextDecoder('utf-16be').decode(data.subarray(2))
  if (data.includes(0)) throw new FolioError('UNSUPPORTED_MEDIA', `${name} looks like a binary file, not Markdown or HTML text.`)
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(data)
  } catch {
    warn.add(`${name} is not UTF-8; it was read as GB18030 (Chinese)`)
    return new TextDecoder('gb18030').decode(data)
  }
}
