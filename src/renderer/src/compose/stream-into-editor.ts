/**
 * Streams model text into the editor in place of a block range [from, to): the composed article,
 * a rewritten paragraph, a paragraph inserted before or after one.
 *
 * - Tokens are batched to at most one transaction per animation frame (TokenBatcher).
 * - Each frame re-renders only the trailing block(s) still being written; blocks that can no longer
 *   change are left alone, so a long article costs the same per frame as a short one.
 * - Frame transactions stay out of the undo history. At finish (or stop) the original content is put
 *   back and replaced by the final content in ONE history step: one Ctrl+Z restores the original.
 * - Edits elsewhere keep working meanwhile: the range is mapped through every other transaction.
 */
import type { Editor } from '@tiptap/core'
import { closeHistory } from '@tiptap/pm/history'
import { Fragment, type Slice } from '@tiptap/pm/model'
import type { Transaction } from '@tiptap/pm/state'
import { isListLine, textToBlocks } from '../../../shared/compose/sections'
import { TokenBatcher, type FrameScheduler } from '../models/token-batcher'

/** Marks this module's own transactions (their positions are set, not mapped). */
export const STREAM_META = 'folioStream'

export interface StreamHandle {
  /** Adds streamed text; it reaches the document at the next frame. */
  push(token: string): void
  /** Everything pushed so far. */
  readonly text: string
  /** The document range the streamed blocks occupy now. */
  readonly range: { from: number; to: number }
  /**
   * Renders what is buffered and records the whole generation as one undo step. Returns the final
   * range, or null when nothing was written (the original content is then left untouched).
   */
  finish(): { from: number; to: number } | null
  /** Stops following the range through later edits (call when the range is no longer needed). */
  dispose(): void
}

export const animationFrames: FrameScheduler = {
  request: (cb) => requestAnimationFrame(() => cb()),
  cancel: (h) => cancelAnimationFrame(h as number),
}

/**
 * Where the text that can still change starts: after the last complete line, unless that line is a
 * list item (the next line may extend the list), then before the run of list lines it ends.
 */
export function stablePrefixLength(text: string): number {
  const lastBreak = text.lastIndexOf('\n')
  if (lastBreak < 0) return 0
  const lines = text.slice(0, lastBreak).split('\n')
  let cut = lastBreak + 1
  for (let i = lines.length - 1; i >= 0 && isListLine(lines[i]); i--) cut -= lines[i].length + 1
  return cut
}

export function streamIntoEditor(editor: Editor, opts: { from: number; to: number; scheduler: FrameScheduler }): StreamHandle {
  // [start, end): the whole range; [tail, end): the blocks still being written.
  let start = opts.from
  let tail = opts.from
  let end = opts.to
  let text = ''
  let tailText = 0
  let original: Slice | null = null
  let finished: { from: number; to: number } | null = null
  let done = false
  let broken = false

  const map = (tr: Transaction) => {
    if (!tr.docChanged) return
    start = tr.mapping.map(start, 1)
    tail = Math.max(start, tr.mapping.map(tail, 1))
    end = Math.max(tail, tr.mapping.map(end, -1))
  }
  const onTransaction = ({ transaction, appendedTransactions }: { transaction: Transaction; appendedTransactions: Transaction[] }) => {
    if (!transaction.getMeta(STREAM_META)) map(transaction)
    for (const tr of appendedTransactions) map(tr)
  }
  editor.on('transaction', onTransaction)

  /** Dispatches one of our transactions after setting the positions it leads to. */
  const apply = (tr: Transaction, next: { start: number; tail: number; end: number }) => {
    start = next.start
    tail = next.tail
    end = next.end
    editor.view.dispatch(tr.setMeta(STREAM_META, true))
  }

  const render = () => {
    const { state } = editor
    if (!original) original = state.doc.slice(start, end)
    const pending = text.slice(tailText)
    const nodes = textToBlocks(pending).map((json) => state.schema.nodeFromJSON(json))
    const tr = state.tr.replaceWith(tail, end, Fragment.fromArray(nodes)).setMeta('addToHistory', false)
    const newEnd = tr.mapping.map(end, 1)
    // Blocks made of complete lines are final: the next frame starts after them.
    const stable = stablePrefixLength(pending)
    let newTail = tail
    if (stable > 0) {
      const count = textToBlocks(pending.slice(0, stable)).length
      for (let i = 0; i < count && i < nodes.length; i++) newTail += nodes[i].nodeSize
      tailText += stable
    }
    apply(tr, { start: start, tail: newTail, end: newEnd })
  }

  const batcher = new TokenBatcher((chunk) => {
    text += chunk
    if (done || broken) return
    try {
      render()
    } catch {
      // The range is no longer a run of blocks (its surroundings were deleted or reshaped while the
      // model wrote): stop writing into it rather than into the wrong place; what is there stays.
      broken = true
    }
  }, opts.scheduler)

  const handle: StreamHandle = {
    push(token) {
      if (!done) batcher.push(token)
    },
    get text() {
      return text
    },
    get range() {
      return { from: start, to: end }
    },
    finish() {
      if (done) return finished
      batcher.flush()
      done = true
      batcher.dispose()
      if (!original) return null
      if (!broken) {
        const final = editor.state.doc.slice(start, end)
        // Back to the original outside the history, then original → final as one undo step.
        const restore = editor.state.tr.replace(start, end, original).setMeta('addToHistory', false)
        apply(restore, { start, tail: start, end: restore.mapping.map(end, 1) })
        const commit = closeHistory(editor.state.tr.replace(start, end, final))
        apply(commit, { start, tail: start, end: commit.mapping.map(end, 1) })
        // Typing right after the generation is an undo step of its own.
        editor.view.dispatch(closeHistory(editor.state.tr))
      }
      finished = { from: start, to: end }
      return finished
    },
    dispose() {
      handle.finish()
      editor.off('transaction', onTransaction)
    },
  }
  return handle
}
