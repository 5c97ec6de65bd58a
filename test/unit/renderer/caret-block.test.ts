import { getSchema } from '@tiptap/core'
import { splitBlock } from '@tiptap/pm/commands'
import { EditorState, TextSelection, type Transaction } from '@tiptap/pm/state'
import { describe, expect, it } from 'vitest'
import { buildExtensions } from '../../../src/renderer/src/editor/extensions'
import { caretBlockKey, caretBlockPlugin } from '../../../src/renderer/src/editor/extensions/caret-block'

const schema = getSchema(buildExtensions({ resolveImageUrl: (id) => `/api/image/${id}` }))

const para = (text: string) => ({ type: 'paragraph', content: [{ type: 'text', text }] })

/** A plain ProseMirror state with the plugin (its state is what the view draws); `state` follows every `apply`. */
function editorWith(content: unknown[]) {
  const ed = {
    state: EditorState.create({ doc: schema.nodeFromJSON({ type: 'doc', content }), plugins: [caretBlockPlugin()] }),
    apply(tr: Transaction) {
      ed.state = ed.state.apply(tr)
    },
    select(from: number, to = from) {
      ed.apply(ed.state.tr.setSelection(TextSelection.create(ed.state.doc, from, to)))
    },
  }
  return ed
}
type Ed = ReturnType<typeof editorWith>

/** The top-level blocks (by index) marked as holding the caret. */
function marked(editor: Ed): number[] {
  const set = caretBlockKey.getState(editor.state)!
  return set.find().map((d) => {
    let index = -1
    editor.state.doc.forEach((_node, offset, i) => {
      if (offset === d.from) index = i
      if (offset === d.from) expect(d.to).toBe(offset + editor.state.doc.child(i).nodeSize)
    })
    return index
  })
}

/** Position inside the top-level block `index`, `offset` characters into its text. */
function inside(editor: Ed, index: number, offset = 0): number {
  let pos = 0
  for (let i = 0; i < index; i++) pos += editor.state.doc.child(i).nodeSize
  return pos + 1 + offset
}

describe('the caret block (kept out of content-visibility skipping)', () => {
  it('marks the top-level block that holds the caret, and follows it', () => {
    const editor = editorWith([para('one'), para('two'), para('three')])
    editor.select(inside(editor, 1, 2))
    expect(marked(editor)).toEqual([1])
    editor.select(inside(editor, 2))
    expect(marked(editor)).toEqual([2])
  })

  it('keeps covering the whole block while typing grows it, and moves to the block Enter creates', () => {
    const editor = editorWith([para('one'), para('two')])
    editor.select(inside(editor, 0, 3))
    editor.apply(editor.state.tr.insertText(' more words'))
    expect(editor.state.doc.child(0).textContent).toBe('one more words')
    expect(marked(editor)).toEqual([0])
    splitBlock(editor.state, (tr) => editor.apply(tr))
    editor.apply(editor.state.tr.insertText('new'))
    expect(editor.state.doc.child(1).textContent).toBe('new')
    expect(marked(editor)).toEqual([1])
  })

  it('marks the outer block when the caret is in a list item or quote', () => {
    const editor = editorWith([para('intro'), { type: 'bulletList', content: [{ type: 'listItem', content: [para('item')] }] }])
    editor.select(inside(editor, 1, 2))
    expect(marked(editor)).toEqual([1])
  })

  it('marks both ends of a selection across blocks', () => {
    const editor = editorWith([para('one'), para('two'), para('three')])
    editor.select(inside(editor, 0, 1), inside(editor, 2, 2))
    expect(marked(editor)).toEqual([0, 2])
  })
})
