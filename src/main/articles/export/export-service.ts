/**
 * Exports an article: Markdown (alone, or zipped with its images), HTML (images embedded, beside it,
 * or zipped), DOCX and PDF. Every format is converted from the stored TipTap JSON by its own
 * converter; figures refer to library images, which this service reads and names.
 */
import { existsSync, readFileSync } from 'node:fs'
import { loadSharp } from '../../common/sharp'
import type { ExportFormat } from '../../../shared/article-io-api'
import type { DocNode } from '../../../shared/doc'
import { FolioError } from '../../../shared/errors'
import type { ImageService } from '../../images/image-service'
import type { ArticleService } from '../article-service'
// The converters (docx, mdast, hast) load on first use: serve mode and the CLI start without them.
import { blockChildren } from './doc-model'
import { documentCss } from './document-css'
import { BundleNames, fileStem } from './file-names'
import { ChromiumPdfPrinter, type PageSize, type PdfPrinter } from './pdf-printer'
import type { DocxImage } from './to-docx'
import { zipFiles } from './zip'


export interface ExportOptions {
  /** PDF paper size (default A4). */
  pageSize?: PageSize
  /** HTML: images inside the file as data: URIs (default) or as files in images/ beside it. */
  images?: 'embed' | 'folder'
  signal?: AbortSignal
}

export interface ExportOutput {
  /** A suggested, sanitized file name. */
  fileName: string
  mime: string
  /** Text formats (md, html): the document. */
  content: string | null
  /** Binary formats (zip, docx, pdf): the file. */
  data: Uint8Array | null
  /** Image files the document links to by a relative path (md, html with images in a folder). */
  images: { imageId: string; path: string }[]
  /** Something the export could not carry over (a figure whose image is gone, …). */
  warnings: string[]
}

const MIME: Record<ExportFormat, string> = {
  md: 'text/markdown; charset=utf-8',
  'md-zip': 'application/zip',
  html: 'text/html; charset=utf-8',
  'html-zip': 'application/zip',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  pdf: 'application/pdf',
}
const EXTENSION: Record<ExportFormat, string> = { md: 'md', 'md-zip': 'zip', html: 'html', 'html-zip': 'zip', docx: 'docx', pdf: 'pdf' }
/** Image types Word shows; others are converted to PNG first. */
const DOCX_TYPES: Record<string, DocxImage['type']> = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/gif': 'gif', 'image/bmp': 'bmp' }

export class ExportService {
  constructor(
    private readonly articles: ArticleService,
    private readonly images: ImageService,
    private readonly printer: PdfPrinter = new ChromiumPdfPrinter(),
  ) {}

  async export(id: string, format: ExportFormat, opts: ExportOptions = {}): Promise<ExportOutput> {
    const article = this.articles.get(id)
    const doc = article.doc as DocNode
    const title = article.title
    const assets = new ImageAssets(this.images)
    const base = { fileName: `${fileStem(title)}.${EXTENSION[format]}`, mime: MIME[format], content: null, data: null, images: [] }
    const linked = (src: (id: string) => string | null) => ({ imageSrc: src })

    switch (format) {
      case 'md': {
        const { toMarkdown } = await import('./to-markdown')
        const content = toMarkdown(doc, linked((i) => assets.path(i)), title)
        return { ...base, content, images: assets.listed(), warnings: assets.warnings }
      }
      case 'md-zip': {
        const { toMarkdown } = await import('./to-markdown')
        const md = toMarkdown(doc, linked((i) => assets.path(i, true)), title)
        const data = zipFiles([{ path: 'article.md', data: md }, ...assets.files()])
        return { ...base, data, warnings: assets.warnings }
      }
      case 'html':
      case 'html-zip': {
        const embed = format === 'html' && opts.images !== 'folder'
        const { toHtml } = await import('./to-html')
        const html = toHtml(doc, linked((i) => (embed ? assets.dataUri(i) : assets.path(i, format === 'html-zip'))), { title, css: documentCss() })
        if (format === 'html') return { ...base, content: html, images: embed ? [] : assets.listed(), warnings: assets.warnings }
        return { ...base, data: zipFiles([{ path: 'article.html', data: html }, ...assets.files()]), warnings: assets.warnings }
      }
      case 'docx': {
        const ready = await assets.forWord(figureIds(doc))
        const { toDocx } = await import('./to-docx')
        const data = await toDocx(doc, { title, image: (i) => ready.get(i) ?? null })
        return { ...base, data, warnings: assets.warnings }
      }
      case 'pdf': {
        const pageSize = opts.pageSize ?? 'a4'
        const { toHtml } = await import('./to-html')
        const html = toHtml(doc, linked((i) => assets.dataUri(i)), { title, css: documentCss(), pageSize })
        const data = await this.printer.print(html, { pageSize, signal: opts.signal })
        return { ...base, data, warnings: assets.warnings }
      }
      default:
        throw new FolioError('INVALID_INPUT', `Unknown export format: ${String(format)}`)
    }
  }
}

function figureIds(doc: DocNode): string[] {
  const out: string[] = []
  const walk = (nodes: DocNode[]) => {
    for (const n of blockChildren(nodes)) {
      if (n.type === 'figure' && typeof n.attrs?.imageId === 'string') out.push(n.attrs.imageId)
      else if (n.content) walk(n.content)
    }
  }
  walk(doc.content ?? [])
  return [...new Set(out)]
}

interface Asset {
  path: string
  file: string
  mime: string
  width: number
  height: number
  name: string
}

/** The library images an export uses: names in the bundle, bytes, and a warning for each one missing. */
class ImageAssets {
  readonly warnings: string[] = []
  private readonly names = new BundleNames()
  private readonly found = new Map<string, Asset | null>()
  /** Images the output refers to, in order of first use, and whether their bytes go in a bundle. */
  private readonly used = new Map<string, boolean>()

  constructor(private readonly images: ImageService) {}

  private asset(id: string): Asset | null {
    if (this.found.has(id)) return this.found.get(id) ?? null
    let asset: Asset | null = null
    try {
      const info = this.images.get(id)
      const file = this.images.resolveFile(id).path
      if (existsSync(file)) {
        asset = { path: this.names.pathFor(id, info.fileName, info.mime), file, mime: info.mime, width: info.width, height: info.height, name: info.fileName }
      } else {
        this.warnings.push(`The file of image ${id} (${info.fileName}) is missing from the library folder; its caption was kept as text.`)
      }
    } catch {
      this.warnings.push(`Image ${id} is no longer in the library; its caption was kept as text.`)
    }
    this.found.set(id, asset)
    return asset
  }

  /** The image's relative path in the bundle (images/…), or null when it is missing. */
  path(id: string, bundled = false): string | null {
    const a = this.asset(id)
    if (a) this.used.set(id, bundled || (this.used.get(id) ?? false))
    return a?.path ?? null
  }

  dataUri(id: string): string | null {
    const a = this.asset(id)
    return a ? `data:${a.mime};base64,${readFileSync(a.file).toString('base64')}` : null
  }

  listed(): { imageId: string; path: string }[] {
    return [...this.used.keys()].map((imageId) => ({ imageId, path: (this.found.get(imageId) as Asset).path }))
  }

  files(): { path: string; data: Uint8Array }[] {
    return [...this.used].filter(([, bundled]) => bundled).map(([id]) => {
      const a = this.found.get(id) as Asset
      return { path: a.path, data: readFileSync(a.file) }
    })
  }

  /** Images ready for Word: PNG, JPEG, GIF and BMP as they are; WebP, AVIF and others as PNG. */
  async forWord(ids: string[]): Promise<Map<string, DocxImage>> {
    const out = new Map<string, DocxImage>()
    for (const id of ids) {
      const a = this.asset(id)
      if (!a) continue
      const bytes = readFileSync(a.file)
      const type = DOCX_TYPES[a.mime]
      try {
        const data = type ? bytes : await (await loadSharp())(bytes).rotate().png().toBuffer()
        out.set(id, { data: new Uint8Array(data), type: type ?? 'png', width: a.width, height: a.height, name: a.name })
      } catch (e) {
        this.warnings.push(`Image ${id} (${a.name}) could not be converted for Word: ${(e as Error).message}; its caption was kept as text.`)
      }
    }
    return out
  }
}
