/** `articles.import` / `articles.importPath` on real services: documents become articles, their images enter the library. */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { zipSync } from 'fflate'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createServices, type FolioServices } from '../../../src/main/app'
import type { ArticleImportResult } from '../../../src/shared/article-io-api'
import type { DocNode } from '../../../src/shared/doc'
import { JPEG_4x3, PNG_1x1, PNG_3x2, tempDir } from '../images/image-fixtures'

const enc = (s: string) => new TextEncoder().encode(s)

function figures(doc: DocNode): DocNode[] {
  const out: DocNode[] = []
  const visit = (n: DocNode) => {
    if (n.type === 'figure') out.push(n)
    n.content?.forEach(visit)
  }
  visit(doc)
  return out
}
/** Text of a node: inline pieces joined as they are, blocks with a space between. */
const text = (n: DocNode): string =>
  n.type === 'text' ? (n.text ?? '') : (n.content ?? []).map(text).join(['paragraph', 'heading', 'figure'].includes(n.type) ? '' : ' ')

describe('articles.import', () => {
  const tmp = tempDir()
  let s: FolioServices
  const count = async () => (await s.router.call('articles.list', {})).articles.length
  const doc = async (r: ArticleImportResult) => (await s.router.call('articles.get', { id: r.articleId })).doc as DocNode
  const importFiles = (files: { name: string; data: Uint8Array }[]) => s.router.call('articles.import', { files })

  beforeAll(() => {
    s = createServices({ dataDir: join(tmp.path, 'data'), library: { workers: 1 } })
  })
  afterAll(async () => {
    await s.dispose()
    tmp.cleanup()
  })

  describe('a Markdown file on disk (CLI)', () => {
    let result: ArticleImportResult
    const progress: { stage: string }[] = []

    beforeAll(async () => {
      const dir = join(tmp.path, 'post')
      mkdirSync(join(dir, 'images'), { recursive: true })
      writeFileSync(join(dir, 'images', 'blue.png'), PNG_3x2)
      writeFileSync(join(dir, 'my photo.jpg'), JPEG_4x3)
      writeFileSync(join(dir, '自行车.png'), PNG_1x1)
      writeFileSync(join(dir, 'broken.png'), enc('not really a png'))
      const md = [
        '# 自行车 — A ride',
        '',
        'Intro with **bold** text.',
        '',
        '![Blue](images/blue.png "The blue one")',
        '',
        '![Encoded](my%20photo.jpg "Percent-encoded name")',
        '',
        '![Chinese](./自行车.png)',
        '',
        '![Again](images/blue.png "Same file twice")',
        '',
        '![Gone](images/missing.png "Missing caption")',
        '',
        '![Remote](https://example.com/r.png "From the web")',
        '',
        '![Broken](broken.png "Not an image")',
        '',
        `![Inline](data:image/png;base64,${Buffer.from(PNG_3x2).toString('base64')} "Embedded")`,
      ].join('\n')
      writeFileSync(join(dir, 'post.md'), md)
      result = await s.router.call('articles.importPath', { path: join(dir, 'post.md') }, { onProgress: (p) => progress.push(p as never) })
    })

    it('creates the article titled by its first heading, with its text', async () => {
      const art = await s.router.call('articles.get', { id: result.articleId })
      expect(art.title).toBe('自行车 — A ride')
      expect(text(art.doc as DocNode)).toContain('Intro with bold text.')
    })

    it('imports the local images once each (the same file twice, and the embedded copy, are one image)', async () => {
      expect(result.images).toHaveLength(3)
      const figs = figures(await doc(result))
      expect(figs.map((f) => [f.attrs?.alt, text(f)])).toEqual([
        ['Blue', 'The blue one'],
        ['Encoded', 'Percent-encoded name'],
        ['Chinese', ''],
        ['Again', 'Same file twice'],
        ['Inline', 'Embedded'],
      ])
      expect(figs.map((f) => f.attrs?.imageId)).toEqual([result.images[0], result.images[1], result.images[2], result.images[0], result.images[0]])
      const lib = await s.router.call('images.get', { id: result.images[1] })
      expect(lib).toMatchObject({ fileName: 'my photo.jpg', width: 4, height: 3 })
    })

    it('keeps the words of images it could not bring, and says why for each', async () => {
      const body = text(await doc(result))
      expect(body).toContain('Missing caption')
      expect(body).toContain('Not an image')
      expect(body).toContain('Remote')
      const remote = JSON.stringify(await doc(result))
      expect(remote).toContain('"href":"https://example.com/r.png"')
      expect(result.warnings).toEqual([
        'Image not found: images/missing.png — its alt text and caption were kept as text',
        'Folio does not download images from the web: images such as https://example.com/r.png were kept as links',
        expect.stringMatching(/^broken\.png was not imported \(.+\); its alt text and caption were kept as text$/),
      ])
    })

    it('reports progress through reading, images and saving', () => {
      expect([...new Set(progress.map((p) => p.stage))]).toEqual(['reading', 'images', 'saving'])
    })
  })

  it('imports its own Markdown bundle back: the same document, the same library images', async () => {
    const { images } = await s.router.call('images.import', { files: [{ name: 'blue.png', data: PNG_3x2 }] })
    const original = await s.router.call('articles.create', {
      title: 'Round trip 往返',
      doc: {
        type: 'doc',
        content: [
          { type: 'paragraph', content: [{ type: 'text', text: 'Hello ' }, { type: 'text', text: 'world', marks: [{ type: 'italic' }] }] },
          { type: 'figure', attrs: { imageId: images[0].id, alt: 'Blue' }, content: [{ type: 'text', text: 'Caption 图注' }] },
          { type: 'bulletList', content: [{ type: 'listItem', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'one' }] }] }] },
        ],
      },
    })
    for (const format of ['md-zip', 'html', 'html-zip', 'docx'] as const) {
      const out = await s.router.call('articles.export', { id: original.id, format })
      const data = out.data ?? enc(out.content ?? '')
      const back = await importFiles([{ name: out.fileName, data }])
      expect(back.images, format).toEqual([images[0].id])
      const art = await s.router.call('articles.get', { id: back.articleId })
      expect(art.title, format).toBe('Round trip 往返')
      expect(figures(art.doc as DocNode)[0], format).toEqual({ type: 'figure', attrs: { imageId: images[0].id, alt: 'Blue', width: null }, content: [{ type: 'text', text: 'Caption 图注' }] })
      expect(text(art.doc as DocNode), format).toContain('Hello world')
    }
  })

  it('matches images picked beside a Markdown file by name when the browser sends no folders', async () => {
    const r = await importFiles([
      { name: 'note.md', data: enc('Text\n\n![A](images/a.png "Cap")\n') },
      { name: 'a.png', data: PNG_1x1 },
    ])
    expect(r.warnings).toEqual([])
    expect(figures(await doc(r))[0].attrs?.imageId).toBe(r.images[0])
  })

  it('imports HTML: scripts gone, embedded images in the library, title from <title>', async () => {
    const html = `<html><head><title>Page title</title><script>alert(1)</script></head><body>
      <p onclick="alert(2)">Hello</p><img src="data:image/png;base64,${Buffer.from(PNG_1x1).toString('base64')}" alt="dot" onerror="alert(3)">
      <a href="javascript:alert(4)">link text</a></body></html>`
    const r = await importFiles([{ name: 'page.html', data: enc(html) }])
    const art = await s.router.call('articles.get', { id: r.articleId })
    expect(art.title).toBe('Page title')
    expect(JSON.stringify(art.doc)).not.toMatch(/alert|onclick|onerror|javascript/)
    expect(text(art.doc as DocNode)).toContain('link text')
    expect(r.images).toHaveLength(1)
    expect(r.warnings.join('\n')).toMatch(/Removed <script> elements/)
  })

  it('reads Markdown that is not UTF-8 as GB18030 (Chinese), saying so', async () => {
    const gb = new Uint8Array([0xc4, 0xe3, 0xba, 0xc3, 0xa3, 0xac, 0xca, 0xc0, 0xbd, 0xe7]) // 你好，世界
    const r = await importFiles([{ name: 'gbk.md', data: gb }])
    expect(text(await doc(r))).toBe('你好，世界')
    expect(r.warnings).toEqual(['gbk.md is not UTF-8; it was read as GB18030 (Chinese)'])
    expect((await s.router.call('articles.get', { id: r.articleId })).title).toBe('gbk')
  })

  describe('bad input: a specific error, and no article is created', () => {
    const cases: [string, { name: string; data: Uint8Array }[], string, RegExp][] = [
      ['a DOCX that is not a zip', [{ name: 'report.docx', data: enc('plain text') }], 'UNSUPPORTED_MEDIA', /^report\.docx is not a DOCX file: a DOCX file is a ZIP archive, and this one is not\.$/],
      ['a binary file named .md', [{ name: 'x.md', data: new Uint8Array([1, 0, 2, 0, 3]) }], 'UNSUPPORTED_MEDIA', /^x\.md looks like a binary file/],
      ['an empty file', [{ name: 'empty.md', data: new Uint8Array(0) }], 'INVALID_INPUT', /^empty\.md is empty\.$/],
      ['a huge Markdown file', [{ name: 'huge.md', data: new Uint8Array(17 * 1024 * 1024).fill(0x61) }], 'PAYLOAD_TOO_LARGE', /^huge\.md is 17 MB; Folio imports Markdown and HTML files up to 16 MB\.$/],
      ['a format Folio does not read', [{ name: 'letter.rtf', data: enc('{\\rtf1}') }], 'UNSUPPORTED_MEDIA', /^letter\.rtf is not a document Folio can import\./],
      ['two documents at once', [{ name: 'a.md', data: enc('a') }, { name: 'b.html', data: enc('b') }], 'INVALID_INPUT', /^Choose one document at a time: found a\.md, b\.html\.$/],
      ['a damaged .zip', [{ name: 'bundle.zip', data: enc('PK\u0003\u0004 broken') }], 'INVALID_INPUT', /^bundle\.zip is not a valid \.zip archive/],
      ['a .zip without a document', [{ name: 'pics.zip', data: zipSync({ 'a.png': PNG_1x1 }) }], 'UNSUPPORTED_MEDIA', /^pics\.zip holds no document to import/],
      ['images alone', [{ name: 'a.png', data: PNG_1x1 }], 'UNSUPPORTED_MEDIA', /^a\.png is not a document Folio can import/],
    ]
    for (const [what, files, code, message] of cases) {
      it(what, async () => {
        const before = await count()
        await expect(importFiles(files)).rejects.toMatchObject({ code, message: expect.stringMatching(message) })
        expect(await count()).toBe(before)
      })
    }

    it('a path that does not exist', async () => {
      await expect(s.router.call('articles.importPath', { path: join(tmp.path, 'nope.md') })).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringMatching(/^No such file: /) })
    })

    it('a renderer may not import by path', async () => {
      const r = await s.router.dispatch('articles.importPath', { path: '/etc/passwd' })
      expect(r).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } })
    })

    it('a cancelled import creates nothing', async () => {
      const before = await count()
      const ac = new AbortController()
      ac.abort()
      await expect(
        s.router.call('articles.import', { files: [{ name: 'a.md', data: enc('![x](a.png)') }, { name: 'a.png', data: PNG_1x1 }] }, { signal: ac.signal }),
      ).rejects.toMatchObject({ code: 'CANCELLED' })
      expect(await count()).toBe(before)
    })
  })
})
