/**
 * "Insert into article": an answer's text, or an image with the answer as its caption, at the
 * editor's cursor (its selection is kept while the chat panel has the focus).
 */
import type { Editor } from '@tiptap/core'
import { answerToNodes, captionFromAnswer } from './chat-logic'

export function insertAnswer(editor: Editor, answer: string): boolean {
  const nodes = answerToNodes(answer)
  if (nodes.length === 0) return false
  // JSON nodes, not an HTML string: the answer is text, whatever it contains.
  return focusAfter(editor, editor.chain().insertContent(nodes).run())
}

export function insertFigure(editor: Editor, imageId: string, answer: string): boolean {
  const caption = captionFromAnswer(answer)
  return focusAfter(editor, editor.chain().folioInsertFigure({ imageId, alt: caption.slice(0, 150), caption }).run())
}

/** Focus separately: a headless editor (tests) has no view to focus, and that must not undo the insert. */
function focusAfter(editor: Editor, ok: boolean): boolean {
  if (ok && !editor.isDestroyed) editor.commands.focus()
  return ok
}
