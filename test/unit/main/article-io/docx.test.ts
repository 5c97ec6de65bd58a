import { strFromU8, unzipSync, zipSync } from 'fflate'
import { describe, expect, it } from 'vitest'
import { toDocx } from '../../../../src/main/articles/export/to-docx'
import { Warnings } from '../../../../src/main/articles/import/doc-builder'
import { docxToHtml } from '../../../../src/main/articles/import/from-docx'
import type { DocNode } from '../../../../src/shared/doc'
import { PNG_3x2 } from '../../../integration/images/image-fixtures'
import { all, corpus, describeLists, marked, parseHtml, parseMd, textOf } from './helpers'

const png = { data: PNG_3x2, type: 'png' as const, width: 300, height: 200, name: 'pic.png' }

/** Folio document → DOCX → (mammoth) → Folio document. */
async function throughWord(md: string): Promise<{ before: DocNode; after: DocNode; title: string | null; xml: string; warnings: string[] }> {
  const parsed = parseMd(md)
  const bytes = await toDocx(parsed.doc, { title: parsed.title ?? '', image: (id) => (id.startsWith('ref:') ? png : null) })
  const w = new Warnings()
  const html = await docxToHtml('a.docx', bytes, w)
  const back = parseHtml(html)
  const xml = strFromU8(unzipSync(bytes)['word/document.xml'])
  return { before: parsed.doc, after: back.doc, title: back.title, xml, warnings: [...w.list(), ...back.warnings] }
}

describe('DOCX written and read back', () => {
  it('keeps the title, headings, marks, links, nested lists, quotes, code and figures of the English corpus', async () => {
    const { before, after, title, xml, warnings } = await throughWord(corpus('en-all.md'))
    expect(warnings).toEqual([])
    expect(title).toBe('The History of the Bicycle')
    expect(all(after, 'heading').map((h) => [h.attrs?.level, textOf(h)])).toEqual([
      [2, 'Early designs'],
      [3, 'The draisine'],
    ])
    for (const mark of ['bold', 'italic', 'strike', 'underline', 'code']) expect(marked(after, mark), mark).toEqual(marked(before, mark))
    expect(marked(after, 'link', 'href')).toEqual(marked(before, 'link', 'href'))
    // Word has no loose/tight lists and mammoth reads no start numbers; an item's second paragraph
    // (indented, unnumbered in Word) ends the list there. Items, order and nesting stay.
    const lists = describeLists(after).map((l) => l.replace(/ordered from \d+|tight|loose/g, (m) => (m.startsWith('ordered') ? 'ordered' : '')))
    expect(lists.sort()).toEqual([
      'bullet : front wheel steers | rear wheel fixed',
      'bullet : wooden frame | iron-rimmed wheels | no pedals',
      'ordered : The safety bicycle',
      'ordered : The velocipede | The penny-farthing',
      'ordered : seventh | eighth',
    ])
    expect(textOf(after)).toContain('It had a very large front wheel.')
    expect(all(after, 'blockquote').map(textOf).join(' ')).toContain('A bicycle is a quiet machine.')
    expect(textOf(all(after, 'codeBlock')[0])).toBe('const wheels = 2 // a comment with <brackets> & *stars*')
    expect(all(after, 'figure').map((f) => [f.attrs?.alt, textOf(f), String(f.attrs?.imageId).slice(0, 26)])).toEqual([
      ['A wooden running machine', "Karl Drais's running machine, 1817", 'ref:data:image/png;base64,'],
      ['', '', 'ref:data:image/png;base64,'],
    ])
    // Real Word captions: the Caption style with a SEQ Figure field, numbered in order.
    expect(xml).toContain('<w:pStyle w:val="Caption"/>')
    expect(xml.match(/<w:fldSimple w:instr="SEQ Figure \\\* ARABIC"><w:r><w:t xml:space="preserve">(\d)<\/w:t>/g)?.length).toBe(2)
    expect(xml).toContain('descr="A wooden running machine"')
    expect(xml).toContain('<w:pStyle w:val="Heading2"/>')
    expect(xml).toContain('<w:pStyle w:val="Title"/>')
  })

  it('keeps Chinese, right-to-left text and emoji, and marks right-to-left paragraphs as such', async () => {
    const { after, title, xml } = await throughWord(corpus('zh-all.md'))
    expect(title).toBe('自行车的历史 🚲')
    const text = textOf(after)
    for (const s of ['表情符号也能保留：🚴‍♀️👍🏽。', 'שלום עולם — עברית נכתבת מימין לשמאל.', 'مرحبا بالعالم، هذه جملة عربية.', '德莱斯的跑步机，1817 年', 'print("你好，世界")']) {
      expect(text).toContain(s)
    }
    expect(xml).toContain('<w:bidi/>')
    expect(xml).toContain('<w:rtl/>')
  })

  it('says a file that is not a ZIP archive is not a DOCX file', async () => {
    await expect(docxToHtml('notes.docx', new TextEncoder().encode('# just markdown'), new Warnings())).rejects.toMatchObject({
      code: 'UNSUPPORTED_MEDIA',
      message: 'notes.docx is not a DOCX file: a DOCX file is a ZIP archive, and this one is not.',
    })
  })

  it('says a ZIP archive without a Word document in it cannot be read as one', async () => {
    const zip = zipSync({ 'readme.txt': new TextEncoder().encode('hello') })
    await expect(docxToHtml('other.docx', zip, new Warnings())).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringMatching(/^other\.docx could not be read as a Word document: /),
    })
  })
})
