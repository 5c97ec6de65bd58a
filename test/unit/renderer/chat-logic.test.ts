/** Chat helpers: answers into the article (text and captioned figures), the context marker, the live turn over stored messages. */
import { Editor } from '@tiptap/core'
import { afterEach, describe, expect, it } from 'vitest'
import { answerToNodes, captionFromAnswer, MAX_CAPTION, questionOf, shownMessages, trimMarkerIndex, type LiveTurn } from '../../../src/renderer/src/chat/chat-logic'
import { insertAnswer, insertFigure } from '../../../src/renderer/src/chat/insert'
import { buildExtensions } from '../../../src/renderer/src/editor/extensions'
import type { ChatMessage } from '../../../src/shared/chat-api'

let editors: Editor[] = []
afterEach(() => {
  for (const e of editors) e.destroy()
  editors = []
})

function editorWith(text: string) {
  const editor = new Editor({
    extensions: buildExtensions({ resolveImageUrl: (id) => `/api/image/${id}` }),
    content: { type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text }] }] },
  })
  editors.push(editor)
  return editor
}

const msg = (role: 'user' | 'assistant', content: string, extra: Partial<ChatMessage> = {}): ChatMessage => ({
  id: `msg_${Math.random().toString(36).slice(2, 14).padEnd(12, '0')}`,
  conversationId: 'cnv_000000000000',
  role,
  content,
  images: [],
  state: 'complete',
  error: null,
  stats: null,
  trimmed: 0,
  createdAt: 1,
  ...extra,
})

describe('chat answers into the article', () => {
  it('splits paragraphs on blank lines and keeps single line breaks; markup stays text', () => {
    expect(answerToNodes('One.\nTwo.\n\n\n<b>Three</b>\r\n\r\n  ')).toEqual([
      { type: 'paragraph', content: [{ type: 'text', text: 'One.' }, { type: 'hardBreak' }, { type: 'text', text: 'Two.' }] },
      { type: 'paragraph', content: [{ type: 'text', text: '<b>Three</b>' }] },
    ])
    expect(answerToNodes('  \n\n ')).toEqual([])
  })

  it('inserts the answer at the cursor, after the text before it', () => {
    const editor = editorWith('Boats at dawn.')
    editor.commands.setTextSelection(editor.state.doc.content.size - 1)
    expect(insertAnswer(editor, 'A harbour.\n\nTwo boats.')).toBe(true)
    expect(editor.getText({ blockSeparator: '|' })).toBe('Boats at dawn.|A harbour.|Two boats.')
    expect(insertAnswer(editor, '   ')).toBe(false)
  })

  it('inserts a figure with the answer as its caption at the cursor', () => {
    const editor = editorWith('Boats at dawn.')
    editor.commands.setTextSelection(1)
    expect(insertFigure(editor, 'img_abcdefghjkmn', 'A blue harbour at dawn.\nMore.')).toBe(true)
    const figure = editor.getJSON().content!.find((n) => n.type === 'figure')!
    expect(figure.attrs).toMatchObject({ imageId: 'img_abcdefghjkmn', alt: 'A blue harbour at dawn. More.' })
    expect(figure.content).toEqual([{ type: 'text', text: 'A blue harbour at dawn. More.' }])
    expect(insertFigure(editor, 'att_abcdefghjkmn', 'not a library image')).toBe(false)
  })

  it('captions are one line, cut at a sentence end or a word', () => {
    const sentences = `${'A long sentence about the harbour. '.repeat(12)}`
    const c = captionFromAnswer(sentences)
    expect(c.length).toBeLessThanOrEqual(MAX_CAPTION)
    expect(c.endsWith('.')).toBe(true)
    const words = captionFromAnswer('word '.repeat(100))
    expect(words.endsWith('word…')).toBe(true)
    expect(captionFromAnswer('  short\n answer ')).toBe('short answer')
  })
})

describe('chat thread helpers', () => {
  it('finds the question of an answer and where the context marker goes', () => {
    const list = [msg('user', 'q1'), msg('assistant', 'a1'), msg('user', 'q2'), msg('assistant', 'a2', { trimmed: 2 })]
    expect(questionOf(list, 3)?.content).toBe('q2')
    expect(questionOf(list, 0)).toBeNull()
    expect(trimMarkerIndex(list)).toBe(2)
    expect(trimMarkerIndex(list.slice(0, 2))).toBeNull()
  })

  it('draws the live turn over the stored conversation', () => {
    const stored = [msg('user', 'q1'), msg('assistant', 'a1')]
    const live = (l: Partial<LiveTurn>): LiveTurn => ({ kind: 'send', question: { text: 'q2', images: [] }, target: null, text: 'par', stopping: false, ...l })
    expect(shownMessages(stored, null)).toEqual(stored)
    expect(shownMessages(stored, live({})).map((m) => [m.role, m.content])).toEqual([
      ['user', 'q1'],
      ['assistant', 'a1'],
      ['user', 'q2'],
      ['assistant', 'par'],
    ])
    // The conversation was (re)loaded with the saved question and the answer being written.
    const saved = [...stored, msg('user', 'q2'), msg('assistant', '', { state: 'streaming' })]
    expect(shownMessages(saved, live({ answerId: saved[3].id })).map((m) => m.content)).toEqual(['q1', 'a1', 'q2', 'par'])
    expect(shownMessages(stored, live({ kind: 'regenerate', question: null, target: stored[1].id })).map((m) => m.content)).toEqual(['q1', 'par'])
    expect(shownMessages(stored, live({ kind: 'edit', question: { text: 'q1b', images: [] }, target: stored[0].id })).map((m) => m.content)).toEqual(['q1b', 'par'])
  })
})
