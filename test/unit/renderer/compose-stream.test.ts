/** Streaming model text into the editor: one transaction per frame, trailing-block re-render, one undo step. */
import { Editor } from '@tiptap/core'
import { history, undoDepth } from '@tiptap/pm/history'
import type { Transaction } from '@tiptap/pm/state'
import { afterEach, describe, expect, it } from 'vitest'
import { stablePrefixLength, STREAM_META, streamIntoEditor } from '../../../src/renderer/src/compose/stream-into-editor'
import { buildExtensions } from '../../../src/renderer/src/editor/extensions'
import type { FrameScheduler } from '../../../src/renderer/src/models/token-batcher'
import { textToBlocks } from '../../../src/shared/compose/sections'
import type { DocNode } from '../../../src/shared/doc'

let editors: Editor[] = []
afterEach(() => {
  for (const e of editors) e.destroy()
  editors = []
})

/** A headless editor with the history plugin the UndoRedo extension adds in the app (no view, so no plugins otherwise). */
function editorWith(content: DocNode[]) {
  const editor = new Editor({ extensions: buildExtensions({ resolveImageUrl: (id) => id }), content: { type: 'doc', content } })
  editor.view.updateState(editor.state.reconfigure({ plugins: [history()] }))
  editors.push(editor)
  return editor
}

/** Frames run only when the test says so. */
function fakeFrames() {
  const queue = new Map<number, () => void>()
  let next = 1
  const scheduler: FrameScheduler = {
    request: (cb) => {
      queue.set(next, cb)
      return next++
    },
    cancel: (h) => void queue.delete(h as number),
  }
  return {
    scheduler,
    pending: () => queue.size,
    frame() {
      const cbs = [...queue.values()]
      queue.clear()
      for (const cb of cbs) cb()
    },
  }
}

const p = (text: string): DocNode => ({ type: 'paragraph', content: [{ type: 'text', text }] })
const json = (e: Editor) => e.getJSON().content
/** Position after the first `n` top-level blocks. */
const after = (e: Editor, n: number) => {
  let pos = 0
  for (let i = 0; i < n; i++) pos += e.state.doc.child(i).nodeSize
  return pos
}
function countTransactions(e: Editor) {
  const seen: Transaction[] = []
  e.on('transaction', ({ transaction }) => {
    if (transaction.getMeta(STREAM_META) && transaction.docChanged) seen.push(transaction)
  })
  return seen
}

describe('streamIntoEditor', () => {
  it('applies at most one transaction per frame however many tokens arrive', () => {
    const editor = editorWith([p('Keep.'), { type: 'paragraph' }])
    const frames = fakeFrames()
    const trs = countTransactions(editor)
    const s = streamIntoEditor(editor, { from: after(editor, 1), to: after(editor, 2), scheduler: frames.scheduler })
    for (const t of ['Hel', 'lo ', 'wor', 'ld']) s.push(t)
    expect(trs).toHaveLength(0)
    expect(frames.pending()).toBe(1)
    frames.frame()
    expect(trs).toHaveLength(1)
    for (const t of ['.', '\nSecond', ' line']) s.push(t)
    frames.frame()
    expect(trs).toHaveLength(2)
    expect(trs.every((tr) => tr.getMeta('addToHistory') === false)).toBe(true)
    expect(json(editor)).toEqual([p('Keep.'), p('Hello world.'), p('Second line')])
  })

  it('turns the whole generation into one undo step that restores the original', () => {
    const editor = editorWith([p('First.'), p('Old paragraph.'), p('Last.')])
    const frames = fakeFrames()
    const s = streamIntoEditor(editor, { from: after(editor, 1), to: after(editor, 2), scheduler: frames.scheduler })
    for (const t of ['New ', 'one.\n', 'And ', 'two.']) {
      s.push(t)
      frames.frame()
    }
    s.push('..')
    expect(undoDepth(editor.state)).toBe(0)
    const range = s.finish()
    expect(json(editor)).toEqual([p('First.'), p('New one.'), p('And two...'), p('Last.')])
    expect(range).toEqual({ from: after(editor, 1), to: after(editor, 3) })
    expect(undoDepth(editor.state)).toBe(1)
    expect(editor.commands.undo()).toBe(true)
    expect(json(editor)).toEqual([p('First.'), p('Old paragraph.'), p('Last.')])
    expect(editor.commands.redo()).toBe(true)
    expect(json(editor)).toEqual([p('First.'), p('New one.'), p('And two...'), p('Last.')])
  })

  it('keeps edits made elsewhere while streaming, each its own undo step', () => {
    const editor = editorWith([p('Intro.'), { type: 'paragraph' }])
    const frames = fakeFrames()
    const s = streamIntoEditor(editor, { from: after(editor, 1), to: after(editor, 2), scheduler: frames.scheduler })
    s.push('Streamed text\nmore')
    frames.frame()
    // The user types at the start of the first paragraph while the model writes.
    editor.view.dispatch(editor.state.tr.insertText('My ', 1))
    s.push(' text.')
    frames.frame()
    s.finish()
    expect(json(editor)).toEqual([p('My Intro.'), p('Streamed text'), p('more text.')])
    editor.commands.undo()
    expect(json(editor)).toEqual([p('My Intro.'), { type: 'paragraph' }])
    editor.commands.undo()
    expect(json(editor)).toEqual([p('Intro.'), { type: 'paragraph' }])
  })

  it('re-renders only the trailing block: finished blocks keep their node (no re-render) frame after frame', () => {
    const editor = editorWith([{ type: 'paragraph' }])
    const frames = fakeFrames()
    const trs = countTransactions(editor)
    const s = streamIntoEditor(editor, { from: 0, to: editor.state.doc.content.size, scheduler: frames.scheduler })
    const lines = Array.from({ length: 40 }, (_, i) => `Paragraph number ${i} with some words in it.`)
    s.push(lines.slice(0, 39).join('\n') + '\n')
    frames.frame()
    const before = editor.state.doc
    s.push(lines[39].slice(0, 10))
    frames.frame()
    s.push(lines[39].slice(10))
    frames.frame()
    const doc = editor.state.doc
    expect(doc.childCount).toBe(40)
    for (let i = 0; i < 39; i++) expect(doc.child(i)).toBe(before.child(i))
    // Each later frame replaced only what follows the 39 finished blocks.
    const finishedEnd = after(editor, 39)
    for (const tr of trs.slice(1)) {
      for (const step of tr.steps) expect((step as unknown as { from: number }).from).toBeGreaterThanOrEqual(finishedEnd)
    }
    s.finish()
    expect(json(editor)).toEqual(lines.map(p))
  })

  it('a list stays open while it streams and ends equal to the whole text rendered at once', () => {
    const editor = editorWith([{ type: 'paragraph' }])
    const frames = fakeFrames()
    const s = streamIntoEditor(editor, { from: 0, to: 2, scheduler: frames.scheduler })
    const text = '## Parts\n- frame\n- wheels\n- chain\nThat is all.\n1. one\n2. two'
    for (const ch of text) {
      s.push(ch)
      frames.frame()
    }
    s.finish()
    expect(json(editor)).toEqual(textToBlocks(text).map((b) => editor.schema.nodeFromJSON(b).toJSON()))
  })

  it('with nothing written, finish leaves the original and the history untouched', () => {
    const editor = editorWith([p('Original.')])
    const frames = fakeFrames()
    const s = streamIntoEditor(editor, { from: 0, to: after(editor, 1), scheduler: frames.scheduler })
    expect(s.finish()).toBeNull()
    expect(json(editor)).toEqual([p('Original.')])
    expect(undoDepth(editor.state)).toBe(0)
    // Tokens after finish are ignored.
    s.push('late')
    frames.frame()
    expect(json(editor)).toEqual([p('Original.')])
  })

  it('inserts at an empty range (insert a paragraph before/after) and undoes it in one step', () => {
    const editor = editorWith([p('A.'), p('B.')])
    const frames = fakeFrames()
    const at = after(editor, 1)
    const s = streamIntoEditor(editor, { from: at, to: at, scheduler: frames.scheduler })
    s.push('Between.')
    frames.frame()
    s.finish()
    expect(json(editor)).toEqual([p('A.'), p('Between.'), p('B.')])
    editor.commands.undo()
    expect(json(editor)).toEqual([p('A.'), p('B.')])
  })
})

describe('stablePrefixLength', () => {
  it('ends after the last complete line, or before a list that may go on', () => {
    expect(stablePrefixLength('partial')).toBe(0)
    expect(stablePrefixLength('one\ntwo')).toBe(4)
    expect(stablePrefixLength('one\n- a\n- b\n- c')).toBe(4)
    expect(stablePrefixLength('- a\n- b\nafter\nnext')).toBe('- a\n- b\nafter\n'.length)
  })
})
