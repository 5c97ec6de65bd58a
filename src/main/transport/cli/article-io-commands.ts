/**
 * `folio articles export` and `folio articles import`. Exports never overwrite a file without
 * --force; files are written beside their target and renamed, so an interrupted export never
 * leaves half a file.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { ExportFormat, PageSize, type ArticleImportResult, type ExportResult } from '../../../shared/article-io-api'
import { FolioError } from '../../../shared/errors'
import type { FolioServices } from '../../app'
import type { CliCommand, ParsedArgs } from './commands'
import { need } from './args'

const FORMATS = ExportFormat.options.join('|')
const BINARY = new Set(['md-zip', 'html-zip', 'docx', 'pdf'])

function atomicWrite(file: string, data: Uint8Array | string): void {
  const tmp = `${file}.${process.pid}.tmp`
  try {
    writeFileSync(tmp, data)
    renameSync(tmp, file)
  } catch (e) {
    rmSync(tmp, { force: true })
    throw e
  }
}

function sameBytes(file: string, data: Uint8Array): boolean {
  try {
    return Buffer.from(readFileSync(file)).equals(Buffer.from(data.buffer, data.byteOffset, data.byteLength))
  } catch {
    return false
  }
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`

export const ARTICLE_IO_COMMANDS: CliCommand[] = [
  {
    path: ['articles', 'export'],
    usage: `articles export <id> --format ${FORMATS} [--out FILE] [--force]`,
    summary:
      'Export (PDF: --page a4|letter; HTML: --images embed|folder). md and folder HTML copy images to images/ beside FILE. Never overwrites without --force',
    flags: { format: 'string', out: 'string', force: 'boolean', page: 'string', images: 'string' },
    async run(s: FolioServices, a: ParsedArgs) {
      const id = need(a, 0, 'article id')
      const format = typeof a.flags.format === 'string' ? a.flags.format : 'md'
      const input = {
        id,
        format,
        ...(typeof a.flags.page === 'string' ? { pageSize: a.flags.page.toLowerCase() } : {}),
        ...(typeof a.flags.images === 'string' ? { images: a.flags.images } : {}),
      }
      if (input.pageSize !== undefined && !PageSize.safeParse(input.pageSize).success) {
        throw new FolioError('INVALID_INPUT', `--page must be a4 or letter, not "${String(a.flags.page)}".`)
      }
      if (BINARY.has(format) && typeof a.flags.out !== 'string') {
        throw new FolioError('INVALID_INPUT', `--out FILE is needed for --format ${format} (it is not text to print).`)
      }
      const out: ExportResult = await s.router.call('articles.export', input, { signal: a.signal })
      if (a.flags.json !== true) for (const w of out.warnings) a.io?.err.write(`folio: warning: ${w}\n`)
      if (typeof a.flags.out !== 'string') return { json: out, text: (out.content ?? '').trimEnd() }

      const file = resolve(a.flags.out)
      const force = a.flags.force === true
      const images = out.images.map((img) => ({
        target: join(dirname(file), img.path),
        data: new Uint8Array(readFileSync(s.images.resolveFile(img.imageId).path)),
      }))
      // Ask first, write after: nothing is written when any target would be overwritten.
      if (!force) {
        const clash = [
          ...(existsSync(file) ? [file] : []),
          ...images.filter((i) => existsSync(i.target) && !sameBytes(i.target, i.data)).map((i) => i.target),
        ]
        if (clash.length) {
          throw new FolioError('CONFLICT', `${clash[0]} already exists${clash.length > 1 ? ` (and ${plural(clash.length - 1, 'other file')})` : ''}; add --force to overwrite.`)
        }
      }
      mkdirSync(dirname(file), { recursive: true })
      const written: string[] = []
      for (const img of images) {
        mkdirSync(dirname(img.target), { recursive: true })
        if (!sameBytes(img.target, img.data)) atomicWrite(img.target, img.data)
        written.push(img.target)
      }
      atomicWrite(file, out.data ?? out.content ?? '')
      return {
        json: { path: file, format, images: written, warnings: out.warnings },
        text: `Exported to ${file}${written.length ? ` (+${plural(written.length, 'image')})` : ''}`,
      }
    },
  },
  {
    path: ['articles', 'import'],
    usage: 'articles import <FILE>',
    summary: 'Import a Markdown, HTML or DOCX file (or a .zip) as a new article; its local images enter the library',
    async run(s: FolioServices, a: ParsedArgs) {
      const path = resolve(need(a, 0, 'file to import'))
      const out: ArticleImportResult = await s.router.call('articles.importPath', { path }, { signal: a.signal })
      const art = await s.router.call('articles.get', { id: out.articleId })
      if (a.flags.json !== true) for (const w of out.warnings) a.io?.err.write(`folio: warning: ${w}\n`)
      return {
        json: { articleId: out.articleId, images: out.images, warnings: out.warnings },
        text: `Imported "${art.title || 'Untitled'}" as ${out.articleId}${out.images.length ? ` (${plural(out.images.length, 'image')})` : ''}`,
      }
    },
  },
]
