/** The image suggestion node (`composeSpot`): schema, HTML, and its commands' effect on the document and undo. */
import { Editor, getSchema } from '@tiptap/core'
import { history, undoDepth } from '@tiptap/pm/history'
import { afterEach, describe, expect, it } from 'vitest'
import { allSpots, findSpot } from '../../../src/renderer/src/editor/extensions/compose-spot'
import { buildExtensions } from '../../../src/renderer/src/editor/extensions'
import { Doc, type DocNode } from '../../../src/shared/doc'

const A = 'img_aaaaaaaaaaaa'
const B = 'img_bbbbbbbbbbbb'
const extensions = () => buildExtensions({ resolveImageUrl: (id) => `/api/image/${id}` })

let editors: Editor[] = []
afterEach(() => {
  for (const e of editors) e.destroy()
  editors = []
})

function editorWith(content: DocNode[]) {
  const editor = new Editor({ extensions: extensions(), content: { type: 'doc', content } })
  editor.view.updateState(editor.state.reconfigure({ plugins: [history()] }))
  editors.push(editor)
  return editor
}
const p = (text: string): DocNode => ({ type: 'paragraph', content: [{ type: 'text', text }] })
const types = (e: Editor) => e.getJSON().content?.map((n) => n.type)

describe('composeSpot node', () => {
  it('is a selectable block atom with caption, state, error and spotId', () => {
    const spec = getSchema(extensions()).nodes.composeSpot.spec
    expect(spec.group).toBe('block')
    expect(spec.atom).toBe(true)
    expect(spec.selectable).toBe(true)
    expect(Object.keys(spec.attrs ?? {}).sort()).toEqual(['caption', 'error', 'spotId', 'state'])
  })

  it('renders a div with its caption and state, and parses such divs', () => {
    const schema = getSchema(extensions())
    const node = schema.nodes.composeSpot.create({ caption: 'A red bicycle', state: 'searching', spotId: 's1' })
    expect(schema.nodes.composeSpot.spec.toDOM!(node)).toEqual([
      'div',
      { 'data-type': 'compose-spot', class: 'compose-spot', 'data-state': 'searching', 'data-caption': 'A red bicycle' },
      'A red bicycle',
    ])
    expect(schema.nodes.composeSpot.spec.parseDOM![0].tag).toBe('div[data-type="compose-spot"]')
  })

  it('a document with a saved suggestion (as `folio compose` writes it) loads and validates', () => {
    const editor = editorWith([p('Text.'), { type: 'composeSpot', attrs: { caption: 'Cap', state: 'pending', error: null } }])
    expect(editor.getJSON().content?.[1]).toEqual({ type: 'composeSpot', attrs: { caption: 'Cap', state: 'pending', error: null, spotId: null } })
    expect(Doc.safeParse(editor.getJSON()).success).toBe(true)
  })

  it('folioInsertComposeSpot goes after the given top-level block, as one undo step', () => {
    const editor = editorWith([p('One.'), p('Two.')])
    expect(editor.commands.folioInsertComposeSpot({ afterBlock: 0, caption: ' Boats ', spotId: 's1' })).toBe(true)
    expect(types(editor)).toEqual(['paragraph', 'composeSpot', 'paragraph'])
    expect(findSpot(editor.state.doc, 's1')?.node.attrs).toMatchObject({ caption: 'Boats', state: 'pending', error: null })
    expect(undoDepth(editor.state)).toBe(1)
    editor.commands.undo()
    expect(types(editor)).toEqual(['paragraph', 'paragraph'])
    expect(editor.commands.folioInsertComposeSpot({ pos: 10_000 })).toBe(false)
  })

  it('progress updates are not undo steps; resolving makes a figure with caption, alt and candidates; one undo removes it', () => {
    const editor = editorWith([p('One.'), p('Two.')])
    editor.commands.folioInsertComposeSpot({ afterBlock: 1, spotId: 's1' })
    expect(editor.commands.folioUpdateComposeSpot('s1', { state: 'captioning' })).toBe(true)
    editor.commands.folioUpdateComposeSpot('s1', { caption: 'Harbour at dawn', state: 'searching' })
    expect(editor.commands.folioUpdateComposeSpot('s1', { state: 'bogus' as never })).toBe(false)
    expect(editor.commands.folioUpdateComposeSpot('missing', { state: 'error' })).toBe(false)
    expect(undoDepth(editor.state)).toBe(1)
    // The chosen image joins its candidates if the list lacks it.
    expect(editor.commands.folioResolveComposeSpot('s1', { imageId: A, caption: 'Harbour at dawn', candidates: [B, 'not-an-id'] })).toBe(true)
    expect(undoDepth(editor.state)).toBe(1)
    expect(allSpots(editor.state.doc)).toHaveLength(0)
    expect(editor.getJSON().content?.[2]).toEqual({
      type: 'figure',
      attrs: { imageId: A, alt: 'Harbour at dawn', width: null, candidates: [A, B] },
      content: [{ type: 'text', text: 'Harbour at dawn' }],
    })
    editor.commands.undo()
    expect(types(editor)).toEqual(['paragraph', 'paragraph'])
  })

  it('refuses a figure without a library image id', () => {
    const editor = editorWith([p('One.')])
    editor.commands.folioInsertComposeSpot({ afterBlock: 0, spotId: 's1' })
    expect(editor.commands.folioResolveComposeSpot('s1', { imageId: '/etc/passwd', caption: 'x', candidates: [] })).toBe(false)
    expect(types(editor)).toEqual(['paragraph', 'composeSpot'])
  })

  it('removing a suggestion is an undo step of its own', () => {
    const editor = editorWith([p('One.'), { type: 'composeSpot', attrs: { caption: 'Cap', state: 'error', error: 'x', spotId: 's1' } }])
    expect(editor.commands.folioRemoveComposeSpot('s1')).toBe(true)
    expect(types(editor)).toEqual(['paragraph'])
    editor.commands.undo()
    expect(types(editor)).toEqual(['paragraph', 'composeSpot'])
  })
})
