/**
 * Ctrl+Home / Ctrl+End (⌘↑ / ⌘↓ on macOS), with Shift to extend the selection, done by the editor
 * rather than the browser: with the blocks off screen skipped (`content-visibility: auto`, see
 * caret-block.ts), chromium put the caret at the start of the last paragraph instead of its end.
 */
import { Extension, isMacOS } from '@tiptap/core'
import { Selection, TextSelection } from '@tiptap/pm/state'
import type { EditorView } from '@tiptap/pm/view'

function toEdge(view: EditorView, edge: 'start' | 'end', extend: boolean): boolean {
  const { state } = view
  const target = edge === 'start' ? Selection.atStart(state.doc) : Selection.atEnd(state.doc)
  const selection = extend ? TextSelection.between(state.selection.$anchor, target.$head) : target
  view.dispatch(state.tr.setSelection(selection).scrollIntoView())
  return true
}

export const DocumentEdges = Extension.create({
  name: 'folioDocumentEdges',

  addKeyboardShortcuts() {
    const keys = (start: string, end: string) => ({
      [start]: () => toEdge(this.editor.view, 'start', false),
      [end]: () => toEdge(this.editor.view, 'end', false),
      [`Shift-${start}`]: () => toEdge(this.editor.view, 'start', true),
      [`Shift-${end}`]: () => toEdge(this.editor.view, 'end', true),
    })
    return isMacOS() ? { ...keys('Mod-Home', 'Mod-End'), ...keys('Mod-ArrowUp', 'Mod-ArrowDown') } : keys('Ctrl-Home', 'Ctrl-End')
  },
})
