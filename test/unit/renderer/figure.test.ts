import { Editor, getSchema } from '@tiptap/core'
import { DOMSerializer } from '@tiptap/pm/model'
import { NodeSelection } from '@tiptap/pm/state'
import { afterEach, describe, expect, it } from 'vitest'
import { exitFigureCaption, Figure, insertionRange, isImageId } from '../../../src/renderer/src/editor/extensions/figure'
import { buildExtensions } from '../../../src/renderer/src/editor/extensions'
import { Doc, countWords } from '../../../src/shared/doc'

const IMG = 'img_abcdefghjkmn'
const IMG2 = 'img_0123456789ab'
const resolveImageUrl = (id: string) => `/api/image/${id}`

let editors: Editor[] = []
afterEach(() => {
  for (const e of editors) e.destroy()
  editors = []
})

/** A headless editor (no DOM): TipTap 3 keeps state without a view. */
function editorWith(content: unknown) {
  const editor = new Editor({ extensions: buildExtensions({ resolveImageUrl }), content: content as never })
  editors.push(editor)
  return editor
}

const para = (text?: string) => (text ? { type: 'paragraph', content: [{ type: 'text', text }] } : { type: 'paragraph' })

describe('figure node', () => {
  it('has the schema shape the document format relies on', () => {
    const schema = getSchema(buildExtensions({ resolveImageUrl }))
    const spec = schema.nodes.figure.spec
    expect(spec.group).toBe('block')
    expect(spec.content).toBe('inline*')
    expect(spec.draggable).toBe(true)
    expect(spec.isolating).toBe(true)
    expect(Object.keys(schema.nodes.figure.spec.attrs ?? {}).sort()).toEqual(['alt', 'candidates', 'imageId', 'width'])
  })

  it('renders figure > img[data-image-id] + figcaption with the src from resolveImageUrl', () => {
    const schema = getSchema([...buildExtensions({ resolveImageUrl })])
    const node = schema.nodes.figure.create({ imageId: IMG, alt: 'A cat' }, schema.text('Caption'))
    const out = schema.nodes.figure.spec.toDOM!(node) as unknown as unknown[]
    expect(out[0]).toBe('figure')
    expect(out[1]).toMatchObject({ 'data-type': 'figure' })
    expect(out[2]).toEqual(['img', { src: `/api/image/${IMG}`, alt: 'A cat', 'data-image-id': IMG }])
    expect(out[3]).toEqual(['figcaption', 0])
    expect(DOMSerializer).toBeDefined()
  })

  it('renders width when set and no src for a malformed id', () => {
    const schema = getSchema(buildExtensions({ resolveImageUrl }))
    const ok = schema.nodes.figure.create({ imageId: IMG, alt: '', width: 320 })
    expect((schema.nodes.figure.spec.toDOM!(ok) as unknown as unknown[])[2]).toEqual([
      'img',
      { src: `/api/image/${IMG}`, alt: '', 'data-image-id': IMG, width: 320 },
    ])
    const bad = schema.nodes.figure.create({ imageId: '/etc/passwd', alt: '' })
    expect(((schema.nodes.figure.spec.toDOM!(bad) as unknown as unknown[])[2] as [string, { src: string }])[1].src).toBe('')
  })

  it('parses only figures that reference a library image', () => {
    const schema = getSchema(buildExtensions({ resolveImageUrl }))
    const rule = schema.nodes.figure.spec.parseDOM![0]
    expect(rule.tag).toBe('figure[data-type="figure"]')
    expect(rule.contentElement).toBe('figcaption')
    const fakeFigure = (attrs: Record<string, string>) =>
      ({ querySelector: () => ({ getAttribute: (n: string) => attrs[n] ?? null }) }) as unknown as HTMLElement
    expect(rule.getAttrs!(fakeFigure({ 'data-image-id': IMG, alt: 'x' }))).toMatchObject({ imageId: IMG, alt: 'x' })
    expect(rule.getAttrs!(fakeFigure({ 'data-image-id': 'blob:http://x/1' }))).toBe(false)
    expect(rule.getAttrs!(fakeFigure({}))).toBe(false)
    const attrs = Figure.config.addAttributes!.call({ name: 'figure', options: Figure.options, storage: {}, parent: undefined, editor: undefined } as never) as Record<
      string,
      { parseHTML(el: HTMLElement): unknown }
    >
    const el = fakeFigure({ 'data-image-id': IMG, alt: 'Dog', width: '640' })
    expect(attrs.imageId.parseHTML(el)).toBe(IMG)
    expect(attrs.alt.parseHTML(el)).toBe('Dog')
    expect(attrs.width.parseHTML(el)).toBe(640)
    expect(attrs.imageId.parseHTML(fakeFigure({ 'data-image-id': 'file:///tmp/a.png' }))).toBeNull()
  })

  it('folioInsertFigure replaces an empty paragraph with a figure and puts the cursor in its caption', () => {
    const editor = editorWith({ type: 'doc', content: [para()] })
    expect(editor.commands.folioInsertFigure({ imageId: IMG, alt: 'Sunset' })).toBe(true)
    const json = editor.getJSON()
    expect(json.content?.[0]).toEqual({ type: 'figure', attrs: { imageId: IMG, alt: 'Sunset', width: null, candidates: [] } })
    expect(editor.state.selection.$from.parent.type.name).toBe('figure')
    // Typing now writes the caption.
    editor.commands.insertContent({ type: 'text', text: 'Evening' })
    expect(editor.getJSON().content?.[0].content).toEqual([{ type: 'text', text: 'Evening' }])
    expect(Doc.safeParse(editor.getJSON()).success).toBe(true)
  })

  it('inserts after the paragraph holding the cursor, never inside it', () => {
    const editor = editorWith({ type: 'doc', content: [para('Hello world')] })
    editor.commands.setTextSelection(4)
    editor.commands.folioInsertFigure({ imageId: IMG, caption: 'A caption' })
    const types = editor.getJSON().content?.map((n) => n.type)
    expect(types?.slice(0, 2)).toEqual(['paragraph', 'figure'])
    expect(editor.getJSON().content?.[0]).toEqual(para('Hello world'))
    expect(editor.getJSON().content?.[1].content).toEqual([{ type: 'text', text: 'A caption' }])
  })

  it('inserts before a paragraph when the cursor is at its start', () => {
    const editor = editorWith({ type: 'doc', content: [para('Hello')] })
    editor.commands.setTextSelection(1)
    editor.commands.folioInsertFigure({ imageId: IMG })
    expect(editor.getJSON().content?.map((n) => n.type).slice(0, 2)).toEqual(['figure', 'paragraph'])
  })

  it('several figures in one chain land in order, one after another', () => {
    const editor = editorWith({ type: 'doc', content: [para('Intro')] })
    editor.commands.setTextSelection(6)
    editor.chain().folioInsertFigure({ imageId: IMG, alt: 'one' }).folioInsertFigure({ imageId: IMG2, alt: 'two' }).run()
    const content = editor.getJSON().content ?? []
    expect(content.map((n) => n.type).slice(0, 3)).toEqual(['paragraph', 'figure', 'figure'])
    expect(content.slice(1, 3).map((n) => n.attrs?.imageId)).toEqual([IMG, IMG2])
  })

  it('refuses anything but a library id (no paths, no blob URLs)', () => {
    const editor = editorWith({ type: 'doc', content: [para()] })
    for (const bad of ['/home/me/cat.png', 'blob:http://localhost/abc', 'img_SHORT', 'file:///x.png']) {
      expect(editor.commands.folioInsertFigure({ imageId: bad })).toBe(false)
    }
    expect(editor.getJSON()).toEqual({ type: 'doc', content: [para()] })
    expect(isImageId(IMG)).toBe(true)
  })

  it('folioSetFigureAlt updates the figure around the cursor or the selected figure', () => {
    const editor = editorWith({
      type: 'doc',
      content: [{ type: 'figure', attrs: { imageId: IMG, alt: 'old' }, content: [{ type: 'text', text: 'cap' }] }, para()],
    })
    editor.commands.setTextSelection(2)
    expect(editor.commands.folioSetFigureAlt('new alt')).toBe(true)
    expect(editor.getJSON().content?.[0].attrs?.alt).toBe('new alt')
    editor.commands.setNodeSelection(0)
    expect(editor.state.selection).toBeInstanceOf(NodeSelection)
    editor.commands.folioSetFigureAlt('third')
    expect(editor.getJSON().content?.[0].attrs?.alt).toBe('third')
  })

  it('a document with figures round-trips through getJSON and validates as a Doc', () => {
    const doc = {
      type: 'doc',
      content: [
        { type: 'heading', attrs: { level: 1 }, content: [{ type: 'text', text: 'Title' }] },
        para('Some text'),
        { type: 'figure', attrs: { imageId: IMG, alt: 'x', width: null, candidates: [] }, content: [{ type: 'text', text: 'cap' }] },
        para(),
      ],
    }
    const editor = editorWith(doc)
    expect(editor.getJSON()).toEqual(doc)
    expect(Doc.safeParse(editor.getJSON()).success).toBe(true)
  })

  it('Enter in a caption leaves the figure for a new paragraph', () => {
    const editor = editorWith({
      type: 'doc',
      content: [{ type: 'figure', attrs: { imageId: IMG, alt: '' }, content: [{ type: 'text', text: 'cap' }] }, para('after')],
    })
    editor.commands.setTextSelection(3)
    expect(exitFigureCaption(editor)).toBe(true)
    const content = editor.getJSON().content ?? []
    expect(content.map((n) => n.type)).toEqual(['figure', 'paragraph', 'paragraph'])
    expect(content[0].content).toEqual([{ type: 'text', text: 'cap' }])
    expect(editor.state.selection.$from.parent.type.name).toBe('paragraph')
    expect(editor.state.selection.$from.parent.content.size).toBe(0)
  })

  it('insertionRange helper covers node selections', () => {
    const editor = editorWith({
      type: 'doc',
      content: [{ type: 'figure', attrs: { imageId: IMG, alt: '' } }, para('x')],
    })
    editor.commands.setNodeSelection(0)
    const [from, to] = insertionRange(editor.state.selection)
    expect(from).toBe(to)
    expect(from).toBe(editor.state.doc.child(0).nodeSize)
  })
})

describe('editor extensions', () => {
  it('counts words with the shared CJK-aware counter', () => {
    const editor = editorWith({ type: 'doc', content: [para('Hello brave world'), para('你好世界')] })
    expect(editor.storage.characterCount.words()).toBe(3 + 4)
    expect(countWords('你好世界')).toBe(4)
  })

  it('includes the StarterKit pieces the toolbar needs', () => {
    const editor = editorWith({ type: 'doc', content: [para('text')] })
    const names = editor.extensionManager.extensions.map((e) => e.name)
    for (const n of ['bold', 'italic', 'strike', 'heading', 'bulletList', 'orderedList', 'blockquote', 'link', 'undoRedo', 'underline', 'placeholder', 'characterCount', 'figure']) {
      expect(names).toContain(n)
    }
  })

  it('rejects javascript: links through the Link extension policy', () => {
    const editor = editorWith({ type: 'doc', content: [para('click')] })
    editor.commands.setTextSelection({ from: 1, to: 6 })
    expect(editor.commands.setLink({ href: 'javascript:alert(1)' })).toBe(false)
    expect(editor.commands.setLink({ href: 'https://example.com' })).toBe(true)
    expect(editor.getJSON().content?.[0].content?.[0].marks?.[0]).toMatchObject({
      type: 'link',
      attrs: { href: 'https://example.com' },
    })
  })
})
