import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createServices, type FolioServices } from '../../../src/main/app'
import type { Output } from '../../../src/shared/api'
import type { Doc, DocNode } from '../../../src/shared/doc'
import { PNG_3x2, tempDir } from '../images/image-fixtures'

const t = (text: string, ...marks: NonNullable<DocNode['marks']>): DocNode =>
  marks.length ? { type: 'text', text, marks } : { type: 'text', text }
const p = (...content: DocNode[]): DocNode => ({ type: 'paragraph', content })
const li = (...content: DocNode[]): DocNode => ({ type: 'listItem', content })

function everyNode(imageId: string): Doc {
  return {
    type: 'doc',
    content: [
      { type: 'heading', attrs: { level: 2 }, content: [t('Section two')] },
      { type: 'heading', attrs: { level: 3 }, content: [t('Details')] },
      p(
        t('bold', { type: 'bold' }),
        t(' '),
        t('italic', { type: 'italic' }),
        t(' '),
        t('gone', { type: 'strike' }),
        t(' '),
        t('x = 1', { type: 'code' }),
        t(' '),
        t('site', { type: 'link', attrs: { href: 'https://example.com/a b' } }),
        t(' '),
        t('wiki', { type: 'link', attrs: { href: 'https://en.wikipedia.org/wiki/Tea_(drink)' } }),
        t(' '),
        t('evil', { type: 'link', attrs: { href: 'javascript:alert(1)' } }),
        t(' '),
        t('both', { type: 'bold' }, { type: 'italic' }),
      ),
      p(t('*not bold* and _not italic_ and <script>alert(1)</script> & [brackets] `tick` AT&T &copy;')),
      p(t('1. not a list')),
      p(t('# not a heading')),
      {
        type: 'bulletList',
        content: [li(p(t('apples')), { type: 'bulletList', content: [li(p(t('green'))), li(p(t('red')))] }), li(p(t('pears')))],
      },
      { type: 'orderedList', attrs: { start: 7 }, content: [li(p(t('seventh'))), li(p(t('eighth')))] },
      { type: 'orderedList', content: [li(p(t('first')))] },
      { type: 'blockquote', content: [p(t('quoted')), p(t('twice'))] },
      { type: 'codeBlock', attrs: { language: 'ts' }, content: [t('const a = 1 < 2\n*raw* <b>')] },
      { type: 'horizontalRule' },
      p(t('line one'), { type: 'hardBreak' }, t('line two')),
      { type: 'figure', attrs: { imageId, alt: 'Blue pixels' }, content: [t('A tiny caption')] },
    ],
  }
}

describe('articles.export', () => {
  const tmp = tempDir()
  let s: FolioServices
  let imageId: string
  let articleId: string
  let md: Output<'articles.export'>
  let html: Output<'articles.export'>

  beforeAll(async () => {
    s = createServices({ dataDir: tmp.path })
    const imported = await s.router.call('images.import', { files: [{ name: 'blue.png', data: PNG_3x2 }] })
    imageId = imported.images[0].id
    const a = await s.router.call('articles.create', { title: 'Export *test*: <draft>', doc: everyNode(imageId) })
    articleId = a.id
    md = await s.router.call('articles.export', { id: articleId, format: 'md' })
    html = await s.router.call('articles.export', { id: articleId, format: 'html' })
  })
  afterAll(() => {
    s.dispose()
    tmp.cleanup()
  })

  describe('markdown', () => {
    const lines = () => md.content.split('\n')

    it('names the file after the title and lists the figure image', () => {
      expect(md.fileName).toBe('Export-test-draft.md')
      expect(md.images).toEqual([{ imageId, path: `images/${imageId}.png` }])
    })

    it('starts with the escaped title as a level-1 heading', () => {
      expect(lines()[0]).toBe('# Export \\*test\\*: \\<draft\\>')
    })

    it('writes headings at their level', () => {
      expect(lines()).toContain('## Section two')
      expect(lines()).toContain('### Details')
    })

    it('writes inline marks, keeps safe links and drops unsafe ones', () => {
      expect(lines()).toContain(
        '**bold** *italic* ~~gone~~ `x = 1` [site](https://example.com/a%20b) ' +
          '[wiki](https://en.wikipedia.org/wiki/Tea_%28drink%29) evil ***both***',
      )
      expect(md.content).not.toContain('javascript:')
    })

    it('escapes markdown typed as text so it stays text', () => {
      expect(lines()).toContain(
        '\\*not bold\\* and \\_not italic\\_ and \\<script\\>alert(1)\\</script\\> & \\[brackets\\] \\`tick\\` AT&T \\&copy;',
      )
      expect(lines()).toContain('1\\. not a list')
      expect(lines()).toContain('\\# not a heading')
    })

    it('writes nested bullet lists and ordered lists with their start number', () => {
      expect(md.content).toContain('- apples\n\n  - green\n  - red\n- pears')
      expect(md.content).toContain('7. seventh\n8. eighth')
      expect(md.content).toContain('\n1. first\n')
    })

    it('writes blockquotes, fenced code, rules and hard breaks', () => {
      expect(md.content).toContain('> quoted\n>\n> twice')
      expect(md.content).toContain('```ts\nconst a = 1 < 2\n*raw* <b>\n```')
      expect(lines()).toContain('---')
      expect(md.content).toContain('line one\\\nline two')
    })

    it('writes the figure as an image with its caption in italics, and ends with one newline', () => {
      expect(md.content).toContain(`![Blue pixels](images/${imageId}.png)\n\n*A tiny caption*\n`)
      expect(md.content.endsWith('*A tiny caption*\n')).toBe(true)
    })
  })

  describe('html', () => {
    it('names the file and lists the same image path', () => {
      expect(html.fileName).toBe('Export-test-draft.html')
      expect(html.images).toEqual([{ imageId, path: `images/${imageId}.png` }])
    })

    it('is a standalone page with an escaped title', () => {
      expect(html.content.startsWith('<!doctype html>')).toBe(true)
      expect(html.content).toContain('<meta charset="utf-8">')
      expect(html.content).toContain('<title>Export *test*: &lt;draft&gt;</title>')
      expect(html.content).toContain('<h1>Export *test*: &lt;draft&gt;</h1>')
    })

    it('escapes text: a typed <script> is shown, never run', () => {
      expect(html.content).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; [brackets]')
      expect(html.content).not.toMatch(/<script/i)
      expect(html.content).toContain('<code class="language-ts">const a = 1 &lt; 2\n*raw* &lt;b&gt;</code>')
    })

    it('renders marks and only safe links', () => {
      expect(html.content).toContain(
        '<p><strong>bold</strong> <em>italic</em> <s>gone</s> <code>x = 1</code> <a href="https://example.com/a b">site</a> ',
      )
      expect(html.content).toContain('<a href="https://en.wikipedia.org/wiki/Tea_(drink)">wiki</a>')
      expect(html.content).toContain(' evil ')
      expect(html.content).not.toContain('javascript:')
      expect(html.content).toMatch(/<(em|strong)><(em|strong)>both<\/\2><\/\1>/)
    })

    it('renders headings, nested lists, ordered start, quotes, rules, breaks and the figure', () => {
      const c = html.content
      expect(c).toContain('<h2>Section two</h2>')
      expect(c).toContain('<h3>Details</h3>')
      expect(c).toContain('<li><p>apples</p>\n<ul>\n<li><p>green</p></li>\n<li><p>red</p></li>\n</ul></li>')
      expect(c).toContain('<ol start="7">\n<li><p>seventh</p></li>')
      expect(c).toContain('<ol>\n<li><p>first</p></li>\n</ol>')
      expect(c).toContain('<blockquote>\n<p>quoted</p>\n<p>twice</p>\n</blockquote>')
      expect(c).toContain('<hr>')
      expect(c).toContain('<p>line one<br>line two</p>')
      expect(c).toContain(
        `<figure><img src="images/${imageId}.png" alt="Blue pixels"><figcaption>A tiny caption</figcaption></figure>`,
      )
    })
  })

  it('keeps the caption of a figure whose image is not in the library, without listing a file', async () => {
    const missing = 'img_000000000000'
    const a = await s.router.call('articles.create', {
      title: '',
      doc: { type: 'doc', content: [{ type: 'figure', attrs: { imageId: missing, alt: '' }, content: [t('Lost')] }] },
    })
    const out = await s.router.call('articles.export', { id: a.id, format: 'md' })
    expect(out.fileName).toBe('untitled.md')
    expect(out.images).toEqual([])
    expect(out.content).toContain('*Lost*')
  })

  it('lists an image used twice only once', async () => {
    const fig = { type: 'figure', attrs: { imageId, alt: 'x' } }
    const a = await s.router.call('articles.create', { title: 'Twice', doc: { type: 'doc', content: [fig, fig] } })
    const out = await s.router.call('articles.export', { id: a.id, format: 'html' })
    expect(out.images).toEqual([{ imageId, path: `images/${imageId}.png` }])
    expect(out.content.split(`images/${imageId}.png`)).toHaveLength(3)
  })
})
