/**
 * Imports a Markdown, HTML or DOCX document as a new article. Its local images (files beside it, in
 * its .zip, or data: URIs) enter the library through the library's own import (validation,
 * thumbnails, dedupe), and its figures then refer to them by id. What cannot come along (a missing
 * or remote image, a script) is reported as a warning; its words are kept.
 */
import { extname } from 'node:path'
import type { ArticleImportProgress, ArticleImportResult } from '../../../shared/article-io-api'
import { MAX_IMPORT_FILE_BYTES } from '../../../shared/article-io-api'
import { Doc, type DocNode } from '../../../shared/doc'
import { FolioError } from '../../../shared/errors'
import type { LibraryImporter } from '../../library/import/library-importer'
import type { ArticleService } from '../article-service'
import { EXT_BY_MIME } from '../export/file-names'
import { isPendingFigure, paragraph, Warnings, type Converted } from './doc-builder'
import { decodeText, sourceFromFiles, sourceFromPath, type ImportSource } from './import-source'

export interface ImportRunOptions {
  signal?: AbortSignal
  onProgress?: (p: ArticleImportProgress) => void
  /** The client that asked (tags the article's change event). */
  origin?: string
}

const MAX_TITLE = 300

export class ImportService {
  constructor(
    private readonly articles: ArticleService,
    private readonly importer: LibraryImporter,
  ) {}

  importFiles(files: { name: string; data: Uint8Array }[], opts: ImportRunOptions = {}): Promise<ArticleImportResult> {
    return this.run(sourceFromFiles(files), opts)
  }

  importPath(path: string, opts: ImportRunOptions = {}): Promise<ArticleImportResult> {
    return this.run(sourceFromPath(path), opts)
  }

  private async run(source: ImportSource, opts: ImportRunOptions): Promise<ArticleImportResult> {
    const warn = new Warnings()
    opts.onProgress?.({ stage: 'reading', done: 0, total: 1, fileName: source.name })
    const converted = await convert(source, warn)
    checkCancelled(opts.signal)

    const imageIds = await this.bringImages(converted.blocks, source, warn, opts)
    checkCancelled(opts.signal)

    opts.onProgress?.({ stage: 'saving', done: 0, total: 1, fileName: source.name })
    const blocks = converted.blocks.length ? converted.blocks : [paragraph([])]
    const parsed = Doc.safeParse({ type: 'doc', content: blocks })
    if (!parsed.success) {
      throw new FolioError('INVALID_INPUT', `${source.name} could not be imported: ${parsed.error.issues[0]?.message ?? 'invalid document'}.`)
    }
    const title = cleanTitle(converted.title ?? source.name.replace(/\.[^.]+$/, ''))
    const article = this.articles.create({ title, doc: parsed.data }, opts.origin)
    opts.onProgress?.({ stage: 'saving', done: 1, total: 1, fileName: source.name })
    return { articleId: article.id, images: imageIds, warnings: warn.list() }
  }

  /** Imports the images the figures refer to and points the figures at them; returns the image ids used. */
  private async bringImages(blocks: DocNode[], source: ImportSource, warn: Warnings, opts: ImportRunOptions): Promise<string[]> {
    const figures = pendingFigures(blocks)
    const refs = [...new Set(figures.map((f) => String(f.node.attrs?.src ?? '')))]
    const files: { ref: string; name: string; data: Uint8Array }[] = []
    const outcome = new Map<string, string | null>()
    for (const [i, ref] of refs.entries()) {
      const got = loadImage(ref, i, source, warn)
      if (got) files.push({ ref, ...got })
      else outcome.set(ref, null)
    }
    if (files.length) {
      opts.onProgress?.({ stage: 'images', done: 0, total: files.length, fileName: files[0].name })
      const results = await this.importer.importBuffers(
        files.map(({ name, data }) => ({ name, data })),
        { signal: opts.signal, onProgress: (p) => opts.onProgress?.({ stage: 'images', ...p }) },
      )
      results.forEach((r, i) => {
        if (r.state === 'rejected') {
          warn.add(`${files[i].ref.slice(0, 200)} was not imported (${r.reason}); its alt text and caption were kept as text`)
          outcome.set(files[i].ref, null)
        } else outcome.set(files[i].ref, r.imageId)
      })
    }
    const used: string[] = []
    for (const f of figures) {
      const id = outcome.get(String(f.node.attrs?.src ?? '')) ?? null
      f.replace(id ? resolvedFigure(f.node, id) : fallback(f.node))
      if (id && !used.includes(id)) used.push(id)
    }
    return used
  }
}

async function convert(source: ImportSource, warn: Warnings): Promise<Converted> {
  try {
    switch (source.kind) {
      // Parsers load on first use: serve mode and the CLI start without them.
      case 'markdown':
        return (await import('./from-markdown')).markdownToDoc(decodeText(source.name, source.data, warn), warn)
      case 'html':
        return (await import('./from-html')).htmlToDoc(decodeText(source.name, source.data, warn), warn)
      case 'docx': {
        const html = await (await import('./from-docx')).docxToHtml(source.name, source.data, warn)
        return (await import('./from-html')).htmlToDoc(html, warn)
      }
    }
  } catch (e) {
    if (e instanceof FolioError) throw e
    // A parser's own limits (e.g. absurd nesting overflowing the stack) are the input's fault.
    if (e instanceof RangeError) throw new FolioError('INVALID_INPUT', `${source.name} is nested too deeply to import.`)
    throw e
  }
}

function checkCancelled(signal?: AbortSignal): void {
  if (signal?.aborted) throw new FolioError('CANCELLED', 'Import cancelled; no article was created.')
}

function cleanTitle(t: string): string {
  return Array.from(t.replace(/[\u0000-\u001f\u007f]/g, ' ').replace(/\s+/g, ' ').trim()).slice(0, MAX_TITLE).join('')
}

interface FigureSlot {
  node: DocNode
  replace(n: DocNode | null): void
}

/** Every figure still waiting for its image, with a way to put something in its place. */
function pendingFigures(blocks: DocNode[]): FigureSlot[] {
  const out: FigureSlot[] = []
  const visit = (list: DocNode[]) => {
    for (let i = 0; i < list.length; i++) {
      const n = list[i]
      if (isPendingFigure(n)) {
        const at = i
        out.push({
          node: n,
          replace: (r) => {
            list[at] = r ?? { type: 'paragraph' }
          },
        })
      } else if (n.content) visit(n.content)
    }
  }
  visit(blocks)
  return out
}

function resolvedFigure(n: DocNode, imageId: string): DocNode {
  const fig: DocNode = { type: 'figure', attrs: { imageId, alt: String(n.attrs?.alt ?? ''), width: null } }
  if (n.content?.length) fig.content = n.content
  return fig
}

/** A figure without its image keeps its words: the caption, else the alt text (a remote image keeps its link). */
function fallback(n: DocNode): DocNode {
  const src = String(n.attrs?.src ?? '')
  const alt = String(n.attrs?.alt ?? '').trim()
  const caption = n.content ?? []
  if (/^https?:\/\//i.test(src)) {
    const label = alt || caption.map((c) => c.text ?? '').join('').trim() || src
    return paragraph([{ type: 'text', text: label, marks: [{ type: 'link', attrs: { href: src } }] }])
  }
  if (caption.length) return paragraph(caption)
  return alt ? paragraph([{ type: 'text', text: alt }]) : paragraph([])
}

/** An image reference → its bytes and a file name for the library, or null (with a warning). */
function loadImage(ref: string, index: number, source: ImportSource, warn: Warnings): { name: string; data: Uint8Array } | null {
  if (!ref) {
    warn.add('An image without a source was kept as its alt text and caption')
    return null
  }
  if (/^data:/i.test(ref)) return dataUri(ref, index, warn)
  if (/^https?:\/\//i.test(ref)) {
    warn.add(`Folio does not download images from the web: images such as ${ref.slice(0, 120)} were kept as links`)
    return null
  }
  if (/^[a-z][a-z0-9+.-]*:/i.test(ref) && !/^file:/i.test(ref) && !/^[a-z]:[\\/]/i.test(ref)) {
    warn.add(`Images with unsupported addresses (${ref.split(':')[0]}:) were kept as their alt text and caption`)
    return null
  }
  try {
    const found = source.resolve(ref)
    if (found) return found
  } catch (e) {
    if (e instanceof FolioError) {
      warn.add(`${e.message} It was kept as its alt text and caption`)
      return null
    }
    throw e
  }
  warn.add(`Image not found: ${ref.slice(0, 200)} — its alt text and caption were kept as text`)
  return null
}

function dataUri(ref: string, index: number, warn: Warnings): { name: string; data: Uint8Array } | null {
  const m = /^data:([^;,]*)((?:;[^;,]*)*),(.*)$/is.exec(ref)
  const mime = (m?.[1] ?? '').toLowerCase()
  if (!m || !mime.startsWith('image/')) {
    warn.add('An embedded (data:) image that is not an image was dropped')
    return null
  }
  // Base64 is 4/3 of the bytes: refuse before decoding anything huge.
  if ((m[3].length * 3) / 4 > MAX_IMPORT_FILE_BYTES) {
    warn.add(`An embedded image larger than ${MAX_IMPORT_FILE_BYTES / 1024 / 1024} MB was kept as its alt text and caption`)
    return null
  }
  const data = /;base64/i.test(m[2]) ? Buffer.from(m[3], 'base64') : Buffer.from(decodeURIComponent(m[3]), 'utf8')
  const ext = EXT_BY_MIME[mime] ?? (extname(mime.replace('/', '.')).slice(1) || 'img')
  return { name: `image-${index + 1}.${ext}`, data: new Uint8Array(data) }
}
