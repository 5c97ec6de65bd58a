/**
 * Marks the top-level block that holds the caret (`is-caret-block`). The editor lets Chromium skip the
 * layout and paint of top-level paragraphs and headings off screen (`content-visibility: auto` in
 * app.css): on a 50,000-word article that halves the browser's work per keystroke, most of which was
 * walking the whole editable's text and layout. A block Chromium has not yet seen on screen is
 * skipped too, though, and the one being typed into was often created by Enter a moment earlier:
 * the caret's block is therefore always kept out of it.
 */
import { Extension } from '@tiptap/core'
import type { Node as PMNode } from '@tiptap/pm/model'
import { Plugin, PluginKey, type EditorState, type Transaction } from '@tiptap/pm/state'
import { Decoration, DecorationSet } from '@tiptap/pm/view'

export const CARET_BLOCK_CLASS = 'is-caret-block'

export const caretBlockKey = new PluginKey<DecorationSet>('folioCaretBlock')

/** [from, to) of the top-level blocks holding the selection's ends (none for a caret between blocks). */
function caretBlockRanges(state: EditorState): [number, number][] {
  const { $from, $to } = state.selection
  const ranges: [number, number][] = []
  for (const $pos of $from.pos === $to.pos ? [$from] : [$from, $to]) {
    if ($pos.depth < 1) continue
    const start = $pos.before(1)
    const end = start + (state.doc.child($pos.index(0)) as PMNode).nodeSize
    if (!ranges.some(([a]) => a === start)) ranges.push([start, end])
  }
  return ranges
}

function decorate(state: EditorState, ranges: [number, number][]): DecorationSet {
  return DecorationSet.create(
    state.doc,
    ranges.map(([from, to]) => Decoration.node(from, to, { class: CARET_BLOCK_CLASS })),
  )
}

/** The old set mapped through the change when it still marks exactly these blocks (typing: almost always). */
function sameBlocks(set: DecorationSet, ranges: [number, number][]): boolean {
  const found = set.find()
  return found.length === ranges.length && found.every((d, i) => d.from === ranges[i][0] && d.to === ranges[i][1])
}

/** The plugin alone (what the extension installs), for a plain ProseMirror state. */
export function caretBlockPlugin(): Plugin<DecorationSet> {
  return new Plugin<DecorationSet>({
    key: caretBlockKey,
    state: {
      init: (_, state) => decorate(state, caretBlockRanges(state)),
      apply(tr: Transaction, old: DecorationSet, _oldState: EditorState, state: EditorState) {
        if (!tr.docChanged && !tr.selectionSet) return old
        const ranges = caretBlockRanges(state)
        const mapped = tr.docChanged ? old.map(tr.mapping, tr.doc) : old
        return sameBlocks(mapped, ranges) ? mapped : decorate(state, ranges)
      },
    },
    props: {
      decorations: (state) => caretBlockKey.getState(state),
    },
  })
}

export const CaretBlock = Extension.create({
  name: 'folioCaretBlock',

  addProseMirrorPlugins() {
    return [caretBlockPlugin()]
  },
})
