import { describe, expect, it } from 'vitest'
import { Doc, type DocNode } from '../../../../src/shared/doc'
import { all, corpus, expectEnglishCorpus, marked, parseHtml, parseMd, textOf, writeHtml } from './helpers'

describe('HTML → Folio → HTML', () => {
  for (const file of ['en-all.html', 'zh-all.html']) {
    it(`reads ${file}, writes it, and reads the same document back`, () => {
      const first = parseHtml(corpus(file))
      const second = parseHtml(writeHtml(first))
      expect(second.title).toBe(first.title)
      expect(second.doc).toEqual(first.doc)
      expect(second.warnings).toEqual([])
    })
  }

  it('reads every construct of the English page with its meaning', () => {
    const parsed = parseHtml(corpus('en-all.html'))
    expect(parsed.warnings).toEqual([])
    expectEnglishCorpus(parsed)
    const { doc } = parsed
    // HTML white space (line breaks in the source) reads as single spaces.
    expect(textOf(doc.content?.[0] as DocNode)).toBe(
      'The bicycle began as a running machine in 1817, with pedals no pedals at all. Read the overview or write to the museum. Parts were hand made and wheel.size = 26 was typical.',
    )
    expect(all(doc, 'figure').map((f) => [f.attrs?.imageId, f.attrs?.alt, textOf(f)])).toEqual([
      ['ref:images/draisine.png', 'A wooden running machine', "Karl Drais's running machine, 1817"],
      ['ref:images/no-caption.png', '', ''],
    ])
  })

  it('reads the Chinese page as the same document as the Chinese Markdown', () => {
    const html = parseHtml(corpus('zh-all.html'))
    const md = parseMd(corpus('zh-all.md'))
    expect(html.title).toBe(md.title)
    expect(html.doc).toEqual(md.doc)
  })

  it('carries a Markdown document through HTML unchanged', () => {
    for (const file of ['en-all.md', 'zh-all.md']) {
      const md = parseMd(corpus(file))
      const html = parseHtml(writeHtml(md))
      expect(html.title, file).toBe(md.title)
      expect(html.doc, file).toEqual(md.doc)
    }
  })

  it('writes right-to-left paragraphs with dir="rtl" and the page language', () => {
    const page = writeHtml(parseMd(corpus('zh-all.md')))
    expect(page).toContain('<html lang="zh">')
    expect(page).toContain('<p dir="rtl">שלום עולם')
    expect(page).toContain('<h1 class="doc-title">自行车的历史 🚲</h1>')
  })
})

describe('imported HTML never runs', () => {
  const hostile = `<!doctype html><html><head><script>alert('head')</script><meta http-equiv="refresh" content="0;url=https://evil.example/"></head><body>
    <p onclick="alert('click')">Safe <b onmouseover="alert('b')">text</b>.</p>
    <script>alert('body')</script>
    <img src="x.png" alt="pic" onerror="alert('img')">
    <a href="javascript:alert('link')">js link</a> <a href=" JAVASCRIPT:alert(1)">upper</a> <a href="vbscript:x">vb</a>
    <iframe src="https://evil.example/"></iframe><object data="x.swf"></object><embed src="x.swf">
    <svg><script>alert('svg')</script><text>svg text</text></svg>
    <form action="https://evil.example/"><input value="typed"><button>Send</button></form>
    <style>p { background: url(javascript:alert(1)) }</style>
    <noscript><p>noscript</p></noscript><template><p>template</p></template>
  </body></html>`

  it('keeps the text and drops scripts, handlers, frames, objects, forms and unsafe links, saying so', () => {
    const { doc, warnings } = parseHtml(hostile)
    const json = JSON.stringify(doc)
    expect(json).not.toMatch(/alert|onclick|onerror|onmouseover|javascript|vbscript|evil\.example|swf|iframe/i)
    expect(textOf(doc)).toContain('Safe text.')
    expect(textOf(doc)).toContain('js link upper vb')
    expect(marked(doc, 'bold')).toEqual(['text'])
    expect(all(doc, 'figure').map((f) => f.attrs?.alt)).toEqual(['pic'])
    expect(textOf(doc)).not.toMatch(/svg text|typed|Send|noscript|template/)
    expect(warnings.join('\n')).toMatch(/Removed <script> elements/)
    expect(warnings.join('\n')).toMatch(/Removed <iframe> elements/)
    expect(warnings.join('\n')).toMatch(/javascript: link/)
    expect(Doc.safeParse(doc).success).toBe(true)
  })

  it('uses only node types the editor knows', () => {
    const known = new Set(['doc', 'paragraph', 'heading', 'text', 'hardBreak', 'figure', 'bulletList', 'orderedList', 'listItem', 'blockquote', 'codeBlock', 'horizontalRule'])
    const types = new Set<string>()
    const visit = (n: DocNode) => {
      types.add(n.type)
      n.content?.forEach(visit)
    }
    visit(parseHtml(hostile).doc)
    visit(parseHtml(corpus('en-all.html')).doc)
    expect([...types].filter((t) => !known.has(t))).toEqual([])
  })
})

describe('HTML that is not tidy', () => {
  it('repairs malformed markup the way a browser does, keeps every word and warns', () => {
    const { doc, warnings } = parseHtml('<p>unclosed <b>bold <i>both</p><p>next</b> para<div>in a div</span></div></p></i><p class="a"b>attr</p x=1>')
    expect(textOf(doc)).toContain('unclosed bold both')
    expect(textOf(doc)).toContain('in a div')
    expect(warnings.join('\n')).toMatch(/The HTML had \d+ markup errors? \(first: .*line/)
  })

  it('collapses white space like a browser, keeps it in code', () => {
    const { doc } = parseHtml('<p>  one\n   two\t three  <br>  four </p><pre>  keep\n    this  </pre>')
    expect(doc.content?.[0]).toEqual({
      type: 'paragraph',
      content: [{ type: 'text', text: 'one two three' }, { type: 'hardBreak' }, { type: 'text', text: 'four' }],
    })
    expect(textOf(doc.content?.[1] as DocNode)).toBe('  keep\n    this  ')
  })

  it('turns table rows into paragraphs, with a warning', () => {
    const { doc, warnings } = parseHtml('<table><caption>Sizes</caption><tr><th>Wheel</th><th>Inches</th></tr><tr><td>Front</td><td>26</td></tr></table>')
    expect(doc.content?.map(textOf)).toEqual(['Sizes', 'Wheel | Inches', 'Front | 26'])
    expect(warnings).toEqual(['Tables were converted to paragraphs, one per row'])
  })

  it('joins a Word caption ("Figure 1: …") to the picture before it', () => {
    const { doc } = parseHtml('<p><img src="a.png" alt="A"></p><p class="folio-caption">Figure 1: The first one</p><p class="folio-caption">图 2：第二</p>')
    expect(doc.content?.map((n) => [n.type, textOf(n)])).toEqual([
      ['figure', 'The first one'],
      ['paragraph', '图 2：第二'],
    ])
  })

  it('flattens deep nesting into a valid document, with a warning', () => {
    const depth = 200
    const { doc, warnings } = parseHtml(`${'<blockquote><ul><li>'.repeat(depth)}deep${'</li></ul></blockquote>'.repeat(depth)}`)
    expect(textOf(doc)).toBe('deep')
    expect(Doc.safeParse(doc).success).toBe(true)
    expect(warnings.join('\n')).toMatch(/flattened/)
  })

  it('refuses absurd nesting with a specific error instead of crashing', () => {
    const depth = 5000
    expect(() => parseHtml(`${'<div><span>'.repeat(depth)}deep`)).toThrow(/nested too deeply/)
  })
})
