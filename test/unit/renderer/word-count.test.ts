import { Editor } from '@tiptap/core'
import { afterEach, describe, expect, it } from 'vitest'
import { buildExtensions } from '../../../src/renderer/src/editor/extensions'
import { selectWordCount } from '../../../src/renderer/src/editor/editor-state'

let editors: Editor[] = []
afterEach(() => {
  for (const e of editors) e.destroy()
  editors = []
})
function headless(content: unknown): Editor {
  const e = new Editor({ extensions: buildExtensions({ resolveImageUrl: (id) => `/api/image/${id}` }), content: content as never })
  editors.push(e)
  return e
}
const p = (text: string) => ({ type: 'paragraph', content: [{ type: 'text', text }] })

describe('selectWordCount (counted per top-level block)', () => {
  it('matches a count of the whole document, across headings, lists, quotes and CJK text', () => {
    const editor = headless({
      type: 'doc',
      content: [
        { type: 'heading', attrs: { level: 1 }, content: [{ type: 'text', text: 'Harbours at dawn' }] },
        p('Gulls over the quay,'),
        { type: 'bulletList', content: [{ type: 'listItem', content: [p('nets drying')] }, { type: 'listItem', content: [p('boats')] }] },
        { type: 'blockquote', content: [p('自行车的历史'), p('and more words')] },
        { type: 'paragraph' },
      ],
    })
    const whole = editor.storage.characterCount.words({ node: editor.state.doc })
    expect(whole).toBe(3 + 4 + 3 + 6 + 3)
    expect(selectWordCount(editor)).toBe(whole)
  })

  it('follows edits in one block while the others keep their counts', () => {
    const editor = headless({ type: 'doc', content: Array.from({ length: 200 }, (_, i) => p(`paragraph ${i} has five words`)) })
    expect(selectWordCount(editor)).toBe(1000)
    // Type two words at the end of paragraph 100, then delete a paragraph.
    let end = 0
    editor.state.doc.forEach((node, offset, index) => {
      if (index === 100) end = offset + node.nodeSize - 1
    })
    editor.commands.insertContentAt(end, { type: 'text', text: ' more words' })
    expect(selectWordCount(editor)).toBe(1002)
    editor.commands.deleteRange({ from: 0, to: editor.state.doc.child(0).nodeSize })
    expect(selectWordCount(editor)).toBe(997)
    expect(selectWordCount(editor)).toBe(editor.storage.characterCount.words({ node: editor.state.doc }))
  })
})
