import { describe, expect, it } from 'vitest'
import { toMarkdown } from '../../../../src/main/articles/export/to-markdown'
import type { DocNode } from '../../../../src/shared/doc'
import { all, corpus, expectEnglishCorpus, imageSrc, marked, parseMd, textOf, writeMd } from './helpers'

describe('Markdown → Folio → Markdown', () => {
  for (const file of ['en-all.md', 'zh-all.md']) {
    it(`writes ${file} back exactly as it was read`, () => {
      const md = corpus(file)
      const parsed = parseMd(md)
      expect(parsed.warnings).toEqual([])
      expect(writeMd(parsed)).toBe(md)
    })
  }

  it('reads every construct of the English corpus with its meaning', () => {
    const parsed = parseMd(corpus('en-all.md'))
    expectEnglishCorpus(parsed)
    const { doc } = parsed
    expect(all(doc, 'figure')).toEqual([
      {
        type: 'figure',
        attrs: { imageId: 'ref:images/draisine.png', alt: 'A wooden running machine', width: null },
        content: [{ type: 'text', text: "Karl Drais's running machine, 1817" }],
      },
      { type: 'figure', attrs: { imageId: 'ref:images/no-caption.png', alt: '', width: null } },
    ])
    const literal = all(doc, 'paragraph').map(textOf)
    expect(literal).toContain('Text with *literal stars*, _underscores_, <script>alert(1)</script> & AT&T and both marks.')
    expect(literal).toContain('1. not a list')
    expect(literal).toContain('# not a heading')
  })

  it('keeps Chinese, right-to-left text and emoji, and joins Chinese lines without a space', () => {
    const { title, doc } = parseMd(corpus('zh-all.md'))
    expect(title).toBe('自行车的历史 🚲')
    const text = textOf(doc)
    expect(text).toContain('表情符号也能保留：🚴‍♀️👍🏽。')
    expect(text).toContain('שלום עולם — עברית נכתבת מימין לשמאל.')
    expect(text).toContain('مرحبا بالعالم، هذه جملة عربية.')
    expect(all(doc, 'figure')[0].attrs).toMatchObject({ imageId: 'ref:images/跑步机.png', alt: '一辆木制的跑步机' })
    expect(textOf(all(doc, 'figure')[0])).toBe('德莱斯的跑步机，1817 年')
    expect(textOf(parseMd('第一行\n第二行\nand English\nwords').doc)).toBe('第一行第二行 and English words')
  })

  it('reads other spellings of the same Markdown the same way', () => {
    const canonical = parseMd('# T\n\n## Sub\n\n*em* **strong** [link](https://a.example/)\n\n```\ncode\n```\n\n- a\n- b\n').doc
    const variant = parseMd('T\n=\n\nSub\n---\n\n_em_ __strong__ [link][ref]\n\n    code\n\n* a\n* b\n\n[ref]: https://a.example/\n').doc
    expect(variant).toEqual(canonical)
  })

  it('writes a figure as an image with its caption as the title, alone in its paragraph, and reads it back', () => {
    const doc: DocNode = {
      type: 'doc',
      content: [
        { type: 'paragraph', content: [{ type: 'text', text: 'Before' }] },
        { type: 'figure', attrs: { imageId: 'ref:images/a b.png', alt: 'Alt "quoted" [x]' }, content: [{ type: 'text', text: 'A "caption" (with) *stars*' }] },
        { type: 'paragraph', content: [{ type: 'text', text: 'After' }] },
      ],
    }
    const md = toMarkdown(doc, { imageSrc }, '')
    expect(md).toBe('Before\n\n![Alt "quoted" \\[x\\]](<images/a b.png> "A \\"caption\\" (with) *stars*")\n\nAfter\n')
    const back = parseMd(md).doc
    expect(back.content?.[1]).toEqual({
      type: 'figure',
      attrs: { imageId: 'ref:images/a b.png', alt: 'Alt "quoted" [x]', width: null },
      content: [{ type: 'text', text: 'A "caption" (with) *stars*' }],
    })
  })

  it('takes an image out of running text as a figure between the two halves', () => {
    const { doc } = parseMd('Look ![a cat](cat.png "Tom") here.')
    expect(doc.content?.map((n) => [n.type, textOf(n)])).toEqual([
      ['paragraph', 'Look'],
      ['figure', 'Tom'],
      ['paragraph', 'here.'],
    ])
  })

  it('keeps a loose list loose and a tight one tight', () => {
    expect(writeMd(parseMd('- a\n\n- b\n'))).toBe('- a\n\n- b\n')
    expect(writeMd(parseMd('- a\n- b\n'))).toBe('- a\n- b\n')
    // Lists made in the editor carry no tightness: tight.
    const editorList: DocNode = { type: 'doc', content: [{ type: 'bulletList', content: [{ type: 'listItem', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'x' }] }] }] }] }
    expect(toMarkdown(editorList, { imageSrc }, '')).toBe('- x\n')
  })

  it('drops javascript: and data: links but keeps their text, with a warning', () => {
    const { doc, warnings } = parseMd('[click](javascript:alert(1)) and [data](data:text/html,<script>x</script>) and [ok](https://ok.example/)')
    expect(textOf(doc)).toBe('click and data and ok')
    expect(marked(doc, 'link', 'href')).toEqual(['ok → https://ok.example/'])
    expect(warnings.join('\n')).toMatch(/javascript: link/)
    expect(JSON.stringify(doc)).not.toMatch(/javascript:|data:text/)
  })

  it('reads HTML inside Markdown by the HTML rules: scripts and handlers go, images become figures', () => {
    const { doc, warnings } = parseMd('<script>alert(1)</script>\n\n<div onclick="alert(2)"><p>Kept <b>bold</b></p><img src="x.png" alt="X" onerror="alert(3)"></div>\n\nInline <img src="y.png" alt="Y"> image.')
    expect(JSON.stringify(doc)).not.toMatch(/alert|onclick|onerror/)
    expect(marked(doc, 'bold')).toEqual(['bold'])
    expect(all(doc, 'figure').map((f) => f.attrs?.imageId)).toEqual(['ref:x.png', 'ref:y.png'])
    expect(warnings.join('\n')).toMatch(/Removed <script> elements/)
  })

  it('makes headings of levels 4 to 6 level 3, with a warning', () => {
    const { doc, warnings } = parseMd('#### Four\n\n###### Six')
    expect(all(doc, 'heading').map((h) => h.attrs?.level)).toEqual([3, 3])
    expect(warnings).toEqual(['Headings of levels 4–6 became level-3 headings (the editor has three levels) (2 times)'])
  })

  it('never writes a pending composition spot, and keeps a missing figure’s caption as text', () => {
    const doc: DocNode = {
      type: 'doc',
      content: [
        { type: 'composeSpot', attrs: { caption: 'A spot waiting for an image', state: 'pending' } },
        { type: 'figure', attrs: { imageId: 'img_000000000000', alt: 'gone' }, content: [{ type: 'text', text: 'Still ', marks: [{ type: 'bold' }] }, { type: 'text', text: 'here' }] },
      ],
    }
    expect(toMarkdown(doc, { imageSrc: () => null }, 'T')).toBe('# T\n\n**Still** here\n')
  })

  it('moves spaces out of formatting so bold text stays bold in Markdown', () => {
    const doc: DocNode = { type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'a ' }, { type: 'text', text: 'bold ', marks: [{ type: 'bold' }] }, { type: 'text', text: 'word' }] }] }
    const md = toMarkdown(doc, { imageSrc }, '')
    expect(md).toBe('a **bold** word\n')
    expect(marked(parseMd(md).doc, 'bold')).toEqual(['bold'])
  })
})
