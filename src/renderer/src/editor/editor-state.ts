/** Selectors for useEditorState: small values, so components re-render only when these change. */
import { isActive, type Editor } from '@tiptap/core'
import { redoDepth, undoDepth } from '@tiptap/pm/history'
import type { Node as PMNode } from '@tiptap/pm/model'
import type { EditorState } from '@tiptap/pm/state'

export interface ToolbarState {
  bold: boolean
  italic: boolean
  strike: boolean
  h1: boolean
  h2: boolean
  h3: boolean
  bulletList: boolean
  orderedList: boolean
  blockquote: boolean
  link: boolean
  canUndo: boolean
  canRedo: boolean
}

export const EMPTY_TOOLBAR_STATE: ToolbarState = {
  bold: false,
  italic: false,
  strike: false,
  h1: false,
  h2: false,
  h3: false,
  bulletList: false,
  orderedList: false,
  blockquote: false,
  link: false,
  canUndo: false,
  canRedo: false,
}

/** `editor` is null only in a server snapshot (static rendering). */
export function selectToolbarState(editor: Editor | null): ToolbarState {
  return editor ? toolbarStateOf(editor.state) : EMPTY_TOOLBAR_STATE
}

export function toolbarStateOf(state: EditorState): ToolbarState {
  return {
    bold: isActive(state, 'bold'),
    italic: isActive(state, 'italic'),
    strike: isActive(state, 'strike'),
    h1: isActive(state, 'heading', { level: 1 }),
    h2: isActive(state, 'heading', { level: 2 }),
    h3: isActive(state, 'heading', { level: 3 }),
    bulletList: isActive(state, 'bulletList'),
    orderedList: isActive(state, 'orderedList'),
    blockquote: isActive(state, 'blockquote'),
    link: isActive(state, 'link'),
    // Not editor.can(): it builds a command chain on every keystroke (npm run bench -- typing).
    canUndo: undoDepth(state) > 0,
    canRedo: redoDepth(state) > 0,
  }
}

// Documents are immutable: a selection-only transaction keeps the same doc, so no recount.
const wordCache = new WeakMap<PMNode, number>()
// And per top-level block: a keystroke changes one block, the others are the same objects in the new
// doc. Recounting the whole doc cost ~8 ms per keystroke on a 50,000-word article (npm run bench -- typing).
const blockWords = new WeakMap<PMNode, number>()

export function selectWordCount(editor: Editor | null): number {
  if (!editor) return 0
  const doc = editor.state.doc
  let n = wordCache.get(doc)
  if (n === undefined) {
    let sum = 0
    doc.forEach((block) => {
      let c = blockWords.get(block)
      if (c === undefined) {
        c = editor.storage.characterCount.words({ node: block })
        blockWords.set(block, c)
      }
      sum += c
    })
    n = sum
    wordCache.set(doc, n)
  }
  return n
}
