/** Pure helpers for the chat (no React, no DOM; tested under Node). */
import type { ChatImage, ChatMessage } from '../../../shared/chat-api'

/** TipTap JSON for an answer: blank lines separate paragraphs, single newlines become line breaks. */
export function answerToNodes(text: string): { type: string; content?: unknown[] }[] {
  return text
    .replace(/\r\n?/g, '\n')
    .split(/\n{2,}/)
    .map((block) => block.trim())
    .filter((block) => block !== '')
    .map((block) => {
      const content: unknown[] = []
      block.split('\n').forEach((line, i) => {
        if (i > 0) content.push({ type: 'hardBreak' })
        if (line) content.push({ type: 'text', text: line })
      })
      return { type: 'paragraph', content }
    })
}

export const MAX_CAPTION = 300

/** A figure caption from an answer: one line, cut at a sentence end (or a word) within MAX_CAPTION characters. */
export function captionFromAnswer(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim()
  if (line.length <= MAX_CAPTION) return line
  const cut = line.slice(0, MAX_CAPTION)
  const sentence = Math.max(cut.lastIndexOf('. '), cut.lastIndexOf('。'), cut.lastIndexOf('! '), cut.lastIndexOf('? '))
  if (sentence > MAX_CAPTION / 3) return cut.slice(0, sentence + 1).trim()
  const space = cut.lastIndexOf(' ')
  return `${(space > MAX_CAPTION / 2 ? cut.slice(0, space) : cut).trim()}…`
}

/** The question an answer responds to: the nearest user message before it. */
export function questionOf(messages: readonly ChatMessage[], answerIndex: number): ChatMessage | null {
  for (let i = answerIndex - 1; i >= 0; i--) if (messages[i].role === 'user') return messages[i]
  return null
}

/** Errors that a visit to the Models screen fixes (no vision model, a model that cannot see images). */
export function needsModelsScreen(code: string | undefined | null): boolean {
  return code === 'NO_VISION' || code === 'NO_MODEL'
}

/**
 * Where the "left out of the context" marker goes: before the first message the last answer was
 * given (its `trimmed` count), or null when the whole conversation was sent.
 */
export function trimMarkerIndex(messages: readonly ChatMessage[]): number | null {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i]
    if (m.role !== 'assistant') continue
    return m.trimmed > 0 && m.trimmed < messages.length ? m.trimmed : null
  }
  return null
}

/** The turn being answered now, drawn over the stored conversation until it is reloaded. */
export interface LiveTurn {
  kind: 'send' | 'regenerate' | 'edit'
  /** send/edit: the question as typed (shown before the server confirms it). */
  question: { text: string; images: ChatImage[] } | null
  /** regenerate: the answer being rewritten; edit: the question being replaced. */
  target: string | null
  /** The stored answer being written (known once the question is saved). */
  answerId?: string
  text: string
  stopping: boolean
}

/** The messages to draw: the stored ones with the live turn laid over them. */
export function shownMessages(stored: readonly ChatMessage[], live: LiveTurn | null): (ChatMessage & { streaming?: boolean })[] {
  if (!live) return [...stored]
  const liveAnswer = (id: string): ChatMessage & { streaming: boolean } => ({
    id,
    conversationId: '',
    role: 'assistant',
    content: live.text,
    images: [],
    state: 'streaming',
    error: null,
    stats: null,
    trimmed: 0,
    createdAt: Date.now(),
    streaming: true,
  })
  const question = (id: string, base?: ChatMessage): ChatMessage => ({
    ...(base ?? liveAnswer(id)),
    id,
    role: 'user',
    content: live.question?.text ?? '',
    images: live.question?.images ?? [],
    state: 'complete',
    error: null,
  })
  const over = (id: string | null | undefined) => stored.map((m) => (m.id === id ? { ...m, ...liveAnswer(m.id), createdAt: m.createdAt } : m))
  if (live.kind === 'regenerate') return over(live.target)
  // A new conversation is loaded while its first answer is written: the stored rows are already there.
  if (live.kind === 'send' && live.answerId && stored.some((m) => m.id === live.answerId)) return over(live.answerId)
  if (live.kind === 'edit') {
    const at = stored.findIndex((m) => m.id === live.target)
    if (at < 0) return [...stored]
    return [...stored.slice(0, at), question(stored[at].id, stored[at]), liveAnswer('live-answer')]
  }
  return [...stored, question('live-question'), liveAnswer('live-answer')]
}
