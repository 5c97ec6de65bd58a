/** `articles.export` on real services: every format, written from a stored article with library images. */
import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { strFromU8, unzipSync } from 'fflate'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createServices, type FolioServices } from '../../../src/main/app'
import { ExportService } from '../../../src/main/articles/export/export-service'
import { ChromiumPdfPrinter } from '../../../src/main/articles/export/pdf-printer'
import type { ExportResult } from '../../../src/shared/article-io-api'
import type { Doc, DocNode } from '../../../src/shared/doc'
import { PNG_3x2, WEBP_LOSSLESS_1x1, tempDir } from '../images/image-fixtures'

const t = (text: string, ...marks: NonNullable<DocNode['marks']>): DocNode => (marks.length ? { type: 'text', text, marks } : { type: 'text', text })
const p = (...content: DocNode[]): DocNode => ({ type: 'paragraph', content })
const li = (...content: DocNode[]): DocNode => ({ type: 'listItem', content })
const MISSING = 'img_000000000000'

function article(png: string, webp: string): Doc {
  return {
    type: 'doc',
    content: [
      { type: 'heading', attrs: { level: 2 }, content: [t('Section two')] },
      p(t('bold', { type: 'bold' }), t(' and '), t('site', { type: 'link', attrs: { href: 'https://example.com/a b' } }), t(' and '), t('evil', { type: 'link', attrs: { href: 'javascript:alert(1)' } })),
      p(t('中文段落：自行车的历史。表情 🚲👍🏽')),
      p(t('שלום עולם')),
      { type: 'bulletList', content: [li(p(t('apples')), { type: 'bulletList', content: [li(p(t('green')))] }), li(p(t('pears')))] },
      { type: 'blockquote', content: [p(t('quoted'))] },
      { type: 'codeBlock', attrs: { language: 'ts' }, content: [t('const a = 1 < 2')] },
      { type: 'figure', attrs: { imageId: png, alt: 'Blue pixels' }, content: [t('A tiny caption')] },
      { type: 'composeSpot', attrs: { caption: 'PENDING-SPOT-CAPTION', state: 'pending', error: null } },
      { type: 'figure', attrs: { imageId: webp, alt: 'WebP pixel' }, content: [t('照片说明')] },
      { type: 'figure', attrs: { imageId: MISSING, alt: 'gone' }, content: [t('Lost but kept')] },
      { type: 'figure', attrs: { imageId: png, alt: 'Blue again' } },
    ],
  }
}

const pdfText = (file: string) => execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' })
const pdfInfo = (file: string) => execFileSync('pdfinfo', [file], { encoding: 'utf8' })

describe('articles.export', () => {
  const tmp = tempDir()
  let s: FolioServices
  let png: string
  let webp: string
  let id: string
  const run = (format: string, extra: Record<string, unknown> = {}): Promise<ExportResult> => s.router.call('articles.export', { id, format, ...extra })

  beforeAll(async () => {
    s = createServices({ dataDir: join(tmp.path, 'data'), library: { workers: 1 } })
    const imported = await s.router.call('images.import', {
      files: [
        { name: 'blue.png', data: PNG_3x2 },
        { name: '照片 "one"?.webp', data: WEBP_LOSSLESS_1x1 },
      ],
    })
    ;[png, webp] = imported.images.map((i) => i.id)
    id = (await s.router.call('articles.create', { title: 'Export *test*: <draft> 自行车/🚲', doc: article(png, webp) })).id
  })
  afterAll(async () => {
    await s.dispose()
    tmp.cleanup()
  })

  describe('Markdown', () => {
    it('names the file after the title, sanitized, and keeps Chinese and emoji in it', async () => {
      expect((await run('md')).fileName).toBe('Export-test-draft-自行车🚲.md')
      expect((await run('md-zip')).fileName).toBe('Export-test-draft-自行车🚲.zip')
    })

    it('writes figures as images with their captions, lists the image files, and warns about the missing one', async () => {
      const out = await run('md')
      expect(out.data).toBeNull()
      expect(out.content).toContain('![Blue pixels](images/blue.png "A tiny caption")')
      expect(out.content).toContain('![WebP pixel](images/照片-one.webp "照片说明")')
      expect(out.content).toContain('![Blue again](images/blue.png)')
      expect(out.content).toContain('\nLost but kept\n')
      expect(out.content).not.toContain('PENDING-SPOT-CAPTION')
      expect(out.content).not.toContain('javascript:')
      expect(out.images).toEqual([
        { imageId: png, path: 'images/blue.png' },
        { imageId: webp, path: 'images/照片-one.webp' },
      ])
      expect(out.warnings).toEqual([`Image ${MISSING} is no longer in the library; its caption was kept as text.`])
    })

    it('bundles article.md and its images in a .zip whose links all resolve', async () => {
      const out = await run('md-zip')
      expect(out.content).toBeNull()
      expect(out.mime).toBe('application/zip')
      const files = unzipSync(out.data as Uint8Array)
      expect(Object.keys(files).sort()).toEqual(['article.md', 'images/blue.png', 'images/照片-one.webp'])
      expect(files['images/blue.png']).toEqual(PNG_3x2)
      expect(files['images/照片-one.webp']).toEqual(WEBP_LOSSLESS_1x1)
      const md = strFromU8(files['article.md'])
      expect(md.startsWith('# Export \\*test\\*: \\<draft> 自行车/🚲\n')).toBe(true)
      for (const [, path] of md.matchAll(/!\[[^\]]*\]\(([^\s)]+)/g)) expect(Object.keys(files)).toContain(path)
    })
  })

  describe('HTML', () => {
    it('is one self-contained page by default: images as data: URIs, the editor’s typography, no script', async () => {
      const out = await run('html')
      const html = out.content as string
      expect(out.images).toEqual([])
      expect(html).toContain(`<img src="data:image/png;base64,${Buffer.from(PNG_3x2).toString('base64')}" alt="Blue pixels">`)
      expect(html).toContain('<figcaption>A tiny caption</figcaption>')
      expect(html).not.toContain('images/')
      expect(html).not.toMatch(/<script|javascript:/i)
      // The editor's own stylesheet: its document rules and its light-theme variables.
      expect(html).toMatch(/\.tiptap \{[^}]*font-family: var\(--font-text\);[^}]*font-size: 18px;/)
      expect(html).toContain('--font-text: Charter')
      expect(html).toContain('<article class="tiptap">')
      expect(html).toContain('<p dir="rtl">שלום עולם</p>')
    })

    it('links images in an images/ folder when asked, and zips that folder with article.html', async () => {
      const folder = await run('html', { images: 'folder' })
      expect(folder.content).toContain('<img src="images/blue.png" alt="Blue pixels">')
      expect(folder.images.map((i) => i.path)).toEqual(['images/blue.png', 'images/照片-one.webp'])
      const zip = unzipSync((await run('html-zip')).data as Uint8Array)
      expect(Object.keys(zip).sort()).toEqual(['article.html', 'images/blue.png', 'images/照片-one.webp'])
      expect(strFromU8(zip['article.html'])).toContain('src="images/照片-one.webp"')
    })
  })

  describe('DOCX', () => {
    it('writes a Word document that imports back as the same article, with the same library images', async () => {
      const out = await run('docx')
      const files = unzipSync(out.data as Uint8Array)
      // The WebP image was converted: Word shows PNG, JPEG, GIF and BMP.
      expect(Object.keys(files).filter((f) => f.startsWith('word/media/') && !f.endsWith('/')).map((f) => f.split('.').pop()).sort()).toEqual(['png', 'png'])
      const back = await s.router.call('articles.import', { files: [{ name: out.fileName, data: out.data as Uint8Array }] })
      // The PNG comes back as the same library image (deduplicated); the WebP, converted for Word, is a new PNG.
      expect(back.images).toHaveLength(2)
      expect(back.images[0]).toBe(png)
      expect(back.images[1]).not.toBe(webp)
      const doc = (await s.router.call('articles.get', { id: back.articleId })).doc as DocNode
      const figures = (doc.content ?? []).filter((n) => n.type === 'figure')
      expect(figures.map((f) => [f.attrs?.alt, f.content?.map((c) => c.text).join('')])).toEqual([
        ['Blue pixels', 'A tiny caption'],
        ['WebP pixel', '照片说明'],
        ['Blue again', undefined],
      ])
      const text = JSON.stringify(doc)
      for (const needle of ['Section two', '中文段落：自行车的历史。表情 🚲👍🏽', 'שלום עולם', 'Lost but kept', 'const a = 1 < 2']) expect(text).toContain(needle)
      expect((await s.router.call('articles.get', { id: back.articleId })).title).toBe('Export *test*: <draft> 自行车/🚲')
    })
  })

  describe('PDF (Debian chromium)', () => {
    it('prints the article on A4 with extractable text: English, Chinese, right-to-left and the captions', async () => {
      const out = await run('pdf')
      expect(out.mime).toBe('application/pdf')
      const file = join(tmp.path, 'a4.pdf')
      writeFileSync(file, out.data as Uint8Array)
      expect(pdfInfo(file)).toMatch(/Pages:\s+1\n/)
      expect(pdfInfo(file)).toMatch(/Page size:\s+59\d(\.\d+)? x 84\d(\.\d+)? pts \(A4\)/)
      const text = pdfText(file)
      for (const needle of ['Export *test*: <draft>', 'Section two', '中文段落：自行车的历史。', 'A tiny caption', '照片说明', 'Lost but kept', 'const a = 1 < 2']) expect(text).toContain(needle)
      expect(text).toMatch(/שלום עולם|םלוע םולש/)
      expect(text).not.toContain('PENDING-SPOT-CAPTION')
    })

    it('uses Letter paper when asked, and runs to more pages when the article is long', async () => {
      const long = await s.router.call('articles.create', {
        title: 'Long',
        doc: { type: 'doc', content: Array.from({ length: 120 }, (_, i) => p(t(`Paragraph ${i + 1} of a long article, long enough to wrap onto a second line in print.`))) },
      })
      const out = await s.router.call('articles.export', { id: long.id, format: 'pdf', pageSize: 'letter' })
      const file = join(tmp.path, 'letter.pdf')
      writeFileSync(file, out.data as Uint8Array)
      const pages = Number(/Pages:\s+(\d+)/.exec(pdfInfo(file))?.[1])
      expect(pages).toBeGreaterThan(3)
      expect(pdfInfo(file)).toMatch(/Page size:\s+612 x 792 pts \(letter\)/)
      expect(pdfText(file)).toContain('Paragraph 120 of a long article')
    })

    it('says what to install when chromium is missing', async () => {
      const exporter = new ExportService(s.articles, s.images, new ChromiumPdfPrinter('/nonexistent/chromium'))
      await expect(exporter.export(id, 'pdf')).rejects.toMatchObject({
        code: 'NOT_FOUND',
        message: expect.stringContaining('"sudo apt-get install chromium"'),
      })
    })
  })

  it('refuses unknown formats and page sizes naming the field', async () => {
    await expect(run('rtf')).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/format/) })
    await expect(run('pdf', { pageSize: 'a3' })).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/pageSize/) })
  })

  it('reads the same file bytes it lists (md with a folder)', async () => {
    const out = await run('md')
    for (const img of out.images) expect(new Uint8Array(readFileSync(s.images.resolveFile(img.imageId).path))).toEqual(img.imageId === png ? PNG_3x2 : WEBP_LOSSLESS_1x1)
  })
})
