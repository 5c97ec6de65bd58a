/** A figure keeps the candidates it was chosen from: stored, copied, swapped, undone. */
import { Editor, getSchema } from '@tiptap/core'
import { history } from '@tiptap/pm/history'
import type { Node as PMNode } from '@tiptap/pm/model'
import { afterEach, describe, expect, it } from 'vitest'
import { buildExtensions } from '../../../src/renderer/src/editor/extensions'
import { cleanCandidates, MAX_CANDIDATES } from '../../../src/renderer/src/editor/extensions/figure'
import { searchAgainRequest } from '../../../src/renderer/src/editor/figure-search'
import { Doc, type DocNode } from '../../../src/shared/doc'

const A = 'img_aaaaaaaaaaaa'
const B = 'img_bbbbbbbbbbbb'
const C = 'img_cccccccccccc'
const D = 'img_dddddddddddd'
const resolveImageUrl = (id: string) => `/api/image/${id}`

let editors: Editor[] = []
afterEach(() => {
  for (const e of editors) e.destroy()
  editors = []
})

/**
 * A headless editor (no DOM). Without a view TipTap runs no plugins, so undo is given the same
 * prosemirror-history plugin (default options) that the UndoRedo extension adds in the app.
 */
function editorWith(content: unknown) {
  const editor = new Editor({ extensions: buildExtensions({ resolveImageUrl }), content: content as never })
  editor.view.updateState(editor.state.reconfigure({ plugins: [history()] }))
  editors.push(editor)
  return editor
}

const para = (text: string) => ({ type: 'paragraph', content: [{ type: 'text', text }] })
/** The shape the compose flow inserts. */
const figure = (imageId: string, candidates: unknown, caption = 'A harbour at dawn') => ({
  type: 'figure',
  attrs: { imageId, alt: 'alt', candidates },
  ...(caption ? { content: [{ type: 'text', text: caption }] } : {}),
})
const firstFigure = (editor: Editor) => editor.getJSON().content!.find((n) => n.type === 'figure')!

/** A stand-in for the `<figure>` element the parse rules read (no DOM in unit tests). */
function fakeFigureElement(figureAttrs: Record<string, unknown>, imgAttrs: Record<string, unknown>) {
  const get = (attrs: Record<string, unknown>) => (n: string) => (attrs[n] === undefined ? null : String(attrs[n]))
  return { getAttribute: get(figureAttrs), querySelector: () => ({ getAttribute: get(imgAttrs) }) } as unknown as HTMLElement
}

describe('figure candidates', () => {
  it('round-trips through the TipTap JSON and validates as a Doc', () => {
    const doc = { type: 'doc', content: [para('Boats.'), { ...figure(A, [A, B, C]), attrs: { imageId: A, alt: 'alt', width: null, candidates: [A, B, C] } }] }
    const editor = editorWith(doc)
    expect(editor.getJSON()).toEqual(doc)
    expect(Doc.safeParse(editor.getJSON()).success).toBe(true)
  })

  it('round-trips through HTML as data-candidates on the <figure> (copy and paste keep the gallery)', () => {
    const schema = getSchema(buildExtensions({ resolveImageUrl }))
    const node = schema.nodes.figure.create({ imageId: A, alt: 'x', candidates: [A, B, C] }, schema.text('cap'))
    const [tag, figureAttrs, img] = schema.nodes.figure.spec.toDOM!(node) as unknown as [string, Record<string, unknown>, [string, Record<string, unknown>]]
    expect(tag).toBe('figure')
    expect(figureAttrs['data-candidates']).toBe(`${A} ${B} ${C}`)
    const parsed = schema.nodes.figure.spec.parseDOM![0].getAttrs!(fakeFigureElement(figureAttrs, img[1]))
    expect(parsed).toMatchObject({ imageId: A, alt: 'x', candidates: [A, B, C] })

    // A figure without candidates writes no attribute, and parses back to an empty list.
    const plain = schema.nodes.figure.create({ imageId: A, alt: '' })
    const plainAttrs = (schema.nodes.figure.spec.toDOM!(plain) as unknown as [string, Record<string, unknown>])[1]
    expect(plainAttrs).not.toHaveProperty('data-candidates')
    expect(schema.nodes.figure.spec.parseDOM![0].getAttrs!(fakeFigureElement(plainAttrs, { 'data-image-id': A }))).toMatchObject({ candidates: [] })
  })

  it('drops anything that is not a library id (paths, URLs, duplicates, non-strings)', () => {
    // A document that holds junk (hand-edited, older build) never renders or keeps it.
    const editor = editorWith({ type: 'doc', content: [figure(A, [B, '/etc/passwd', 'blob:http://x/1', 42, null, B, 'img_SHORT', C])] })
    const node = editor.state.doc.child(0)
    expect((node.type.spec.toDOM!(node) as unknown as [string, Record<string, unknown>])[1]['data-candidates']).toBe(`${B} ${C}`)
    editor.commands.folioSwapFigureImage(C, { pos: 0 })
    expect(firstFigure(editor).attrs?.candidates).toEqual([A, B, C])
    expect(cleanCandidates(`${B}, javascript:alert(1) ${C}`)).toEqual([B, C])
    expect(cleanCandidates('not a list')).toEqual([])
    expect(cleanCandidates({ 0: A })).toEqual([])
    const many = Array.from({ length: 40 }, (_, i) => `img_${String(i).padStart(12, '0')}`)
    expect(cleanCandidates(many)).toHaveLength(MAX_CANDIDATES)
    // Pasted HTML goes through the same filter.
    const schema = getSchema(buildExtensions({ resolveImageUrl }))
    const attrs = schema.nodes.figure.spec.parseDOM![0].getAttrs!(fakeFigureElement({ 'data-candidates': `${B} file:///x.png ${B}` }, { 'data-image-id': A }))
    expect(attrs).toMatchObject({ candidates: [B] })
  })

  it('old documents without the attribute load with no candidates', () => {
    const editor = editorWith({ type: 'doc', content: [{ type: 'figure', attrs: { imageId: A, alt: '' } }] })
    expect(firstFigure(editor).attrs?.candidates).toEqual([])
  })

  it('swaps the image of the figure around the cursor; the previous image stays a candidate; one undo restores it', () => {
    const editor = editorWith({ type: 'doc', content: [para('Intro'), figure(A, [A, B, C])] })
    const figurePos = editor.state.doc.child(0).nodeSize
    editor.commands.setTextSelection(figurePos + 3) // inside the caption
    expect(editor.commands.folioSwapFigureImage(C)).toBe(true)
    expect(firstFigure(editor).attrs).toMatchObject({ imageId: C, candidates: [A, B, C] })
    // The caption text and the rest of the document are untouched.
    expect(firstFigure(editor).content).toEqual([{ type: 'text', text: 'A harbour at dawn' }])

    expect(editor.commands.undo()).toBe(true)
    expect(firstFigure(editor).attrs).toMatchObject({ imageId: A, candidates: [A, B, C] })
    expect(editor.commands.redo()).toBe(true)
    expect(firstFigure(editor).attrs?.imageId).toBe(C)
  })

  it('a swap right after typing in the caption is still its own undo step', () => {
    const editor = editorWith({ type: 'doc', content: [figure(A, [A, B], '')] })
    editor.commands.setTextSelection(1)
    editor.commands.insertContent({ type: 'text', text: 'Quay' })
    editor.commands.folioSwapFigureImage(B)
    editor.commands.undo()
    expect(firstFigure(editor).attrs?.imageId).toBe(A)
    expect(firstFigure(editor).content).toEqual([{ type: 'text', text: 'Quay' }])
  })

  it('adds the previous image to the candidates when it was not listed, and swaps a figure by position', () => {
    const editor = editorWith({ type: 'doc', content: [para('x'), figure(A, [B, C]), figure(D, [])] })
    const doc = editor.state.doc
    const secondPos = doc.child(0).nodeSize + doc.child(1).nodeSize
    editor.commands.setTextSelection(1) // the cursor is elsewhere: pos decides
    expect(editor.commands.folioSwapFigureImage(B, { pos: secondPos, alt: 'Quay at night' })).toBe(true)
    const figs = editor.getJSON().content!.filter((n) => n.type === 'figure')
    expect(figs[0].attrs).toMatchObject({ imageId: A, candidates: [B, C] })
    expect(figs[1].attrs).toMatchObject({ imageId: B, alt: 'Quay at night', candidates: [D, B] })
  })

  it('works on a selected figure (node selection)', () => {
    const editor = editorWith({ type: 'doc', content: [figure(A, [A, B])] })
    editor.commands.setNodeSelection(0)
    expect(editor.commands.folioSwapFigureImage(B)).toBe(true)
    expect(firstFigure(editor).attrs?.imageId).toBe(B)
  })

  it('refuses bad ids, positions that are not figures, a cursor outside figures and the image already shown', () => {
    const editor = editorWith({ type: 'doc', content: [para('x'), figure(A, [A, B])] })
    const before = editor.getJSON()
    editor.commands.setTextSelection(1)
    expect(editor.commands.folioSwapFigureImage(B)).toBe(false) // cursor in a paragraph
    const figurePos = editor.state.doc.child(0).nodeSize
    expect(editor.commands.folioSwapFigureImage('/etc/passwd', { pos: figurePos })).toBe(false)
    expect(editor.commands.folioSwapFigureImage(A, { pos: figurePos })).toBe(false)
    expect(editor.commands.folioSwapFigureImage(B, { pos: 0 })).toBe(false)
    expect(editor.commands.folioSwapFigureImage(B, { pos: 10_000 })).toBe(false)
    expect(editor.commands.folioSetFigureCandidates({ pos: figurePos, imageId: 'nope', candidates: [C] })).toBe(false)
    expect(editor.getJSON()).toEqual(before)
  })

  it('a new search replaces image and candidates in one undo step', () => {
    const editor = editorWith({ type: 'doc', content: [para('x'), figure(A, [A, B])] })
    const figurePos = editor.state.doc.child(0).nodeSize
    expect(editor.commands.folioSetFigureCandidates({ pos: figurePos, imageId: D, alt: 'A lighthouse', candidates: [C, D, 'bad'] })).toBe(true)
    expect(firstFigure(editor).attrs).toMatchObject({ imageId: D, alt: 'A lighthouse', candidates: [C, D] })
    editor.commands.undo()
    expect(firstFigure(editor).attrs).toMatchObject({ imageId: A, alt: 'alt', candidates: [A, B] })
  })

  it('setting candidates alone keeps the image and lists it among them', () => {
    const editor = editorWith({ type: 'doc', content: [figure(A, [])] })
    editor.commands.setTextSelection(2)
    expect(editor.commands.folioSetFigureCandidates({ candidates: [B, C] })).toBe(true)
    expect(firstFigure(editor).attrs).toMatchObject({ imageId: A, candidates: [A, B, C] })
  })

  it('candidate attrs are fresh arrays (editing one figure never changes another)', () => {
    const shared = [A, B]
    const editor = editorWith({ type: 'doc', content: [figure(A, shared), figure(B, shared)] })
    editor.commands.folioSwapFigureImage(C, { pos: 0 })
    const figs: PMNode[] = []
    editor.state.doc.forEach((n) => void figs.push(n))
    expect(figs[0].attrs.candidates).toEqual([C, A, B])
    expect(figs[1].attrs.candidates).toEqual([A, B])
    expect(shared).toEqual([A, B])
  })
})

describe('search again', () => {
  const heading = (text: string) => ({ type: 'heading', attrs: { level: 2 }, content: [{ type: 'text', text }] })
  const posOf = (editor: Editor, n: number) => {
    let pos = 0
    for (let i = 0; i < n; i++) pos += editor.state.doc.child(i).nodeSize
    return pos
  }
  const request = (editor: Editor, block: number) => searchAgainRequest(editor.state.doc, editor.getJSON() as DocNode, posOf(editor, block))

  it('asks for the section before the figure, its caption, 4 candidates with selection, and excludes the other figures’ images', () => {
    const editor = editorWith({
      type: 'doc',
      content: [heading('Ports'), para('Boats leave at dawn.'), figure(A, [A, B]), para('Fish market.'), figure(C, [], '  Gulls over the quay  '), para('Evening.'), figure(D, [])],
    })
    const r = request(editor, 4)
    expect(r).toEqual({
      ok: true,
      input: {
        sections: ['Ports\nBoats leave at dawn.', 'Fish market.', 'Evening.'],
        spots: [{ section: 1, caption: 'Gulls over the quay' }],
        exclude: [A, D],
        k: 4,
        select: true,
      },
    })
    // A figure above all text goes with the first section.
    const top = editorWith({ type: 'doc', content: [figure(A, []), para('Only text.')] })
    expect(request(top, 0)).toMatchObject({ ok: true, input: { spots: [{ section: 0, caption: 'A harbour at dawn' }], exclude: [] } })
  })

  it('refuses a figure without a caption, and an article without text', () => {
    const editor = editorWith({ type: 'doc', content: [para('Text.'), figure(A, [], '')] })
    expect(request(editor, 1)).toEqual({ ok: false, reason: 'noCaption' })
    const bare = editorWith({ type: 'doc', content: [figure(A, [])] })
    expect(request(bare, 0)).toEqual({ ok: false, reason: 'noText' })
  })
})
