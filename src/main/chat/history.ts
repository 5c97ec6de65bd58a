/**
 * Fits a conversation into the model's context: the whole history goes with every turn, and when it
 * does not fit, the oldest turns (a question with its answers) are left out. Token counts are
 * estimated on the safe side before sending — there is no tokenizer for remote models or the
 * managed server's model in this process — and the server's own limit still applies after.
 */
import { FolioError } from '../../shared/errors'

export interface HistoryImage {
  /** Size of the image as sent (after downscaling). */
  width: number
  height: number
}

export interface HistoryMessage {
  role: 'user' | 'assistant'
  content: string
  images: HistoryImage[]
}

/** Chat-template tokens around every message. */
const MESSAGE_OVERHEAD = 8

/**
 * Text: about 3 ASCII characters per token (English averages ~4), and 1.5 tokens for every other
 * character (CJK is about one per token in Qwen's vocabulary, more in smaller vocabularies).
 */
export function estimateTextTokens(text: string): number {
  let ascii = 0
  let other = 0
  for (const ch of text) {
    if (ch.charCodeAt(0) < 128) ascii++
    else other++
  }
  return Math.ceil(ascii / 3 + other * 1.5)
}

/**
 * Image: one token per 28×28 pixels plus the start/end markers (Qwen2.5-VL's rate; Qwen3-VL uses
 * 32×32, InternVL ~256 per 448 px tile), so a 448 px square counts as 260.
 */
export function estimateImageTokens(img: HistoryImage): number {
  return Math.ceil(img.width / 28) * Math.ceil(img.height / 28) + 4
}

export function estimateMessageTokens(m: HistoryMessage): number {
  return MESSAGE_OVERHEAD + estimateTextTokens(m.content) + m.images.reduce((n, img) => n + estimateImageTokens(img), 0)
}

export interface ContextBudget {
  /** The model's context size in tokens. */
  contextTokens: number
  /** Tokens asked for the answer. */
  maxTokens: number
  /** The system prompt. */
  systemTokens: number
}

/** What the prompt may use: the context less the system prompt and room for the answer (at most a quarter of the context). */
export function promptBudget(b: ContextBudget): { budget: number; answerTokens: number } {
  const answerTokens = Math.min(b.maxTokens, Math.floor(b.contextTokens / 4))
  return { budget: b.contextTokens - answerTokens - b.systemTokens, answerTokens }
}

/**
 * The index of the first message to send: 0 when everything fits, else the first question from which
 * the rest fits. The last message (the new question) is always sent; when it alone does not fit, a
 * PAYLOAD_TOO_LARGE error says why (its images, or its text) and what to do.
 */
export function fitHistory(messages: readonly HistoryMessage[], b: ContextBudget): { start: number; tokens: number } {
  if (messages.length === 0) return { start: 0, tokens: 0 }
  const { budget } = promptBudget(b)
  const costs = messages.map(estimateMessageTokens)
  const suffix: number[] = new Array(messages.length + 1).fill(0)
  for (let i = messages.length - 1; i >= 0; i--) suffix[i] = suffix[i + 1] + costs[i]
  const last = messages.length - 1
  // Cut only before a question, so an answer is never sent without the question it answers.
  for (let i = 0; i <= last; i++) {
    if (i > 0 && messages[i].role !== 'user' && i !== last) continue
    if (suffix[i] <= budget) return { start: i, tokens: suffix[i] }
  }
  throw tooLarge(messages[last], costs[last], budget, b.contextTokens)
}

function tooLarge(m: HistoryMessage, cost: number, budget: number, context: number): FolioError {
  const room = Math.max(0, budget)
  const details = { reason: 'context', neededTokens: cost, availableTokens: room, contextTokens: context }
  if (m.images.length > 0) {
    const imageTokens = m.images.reduce((n, img) => n + estimateImageTokens(img), 0)
    return new FolioError(
      'PAYLOAD_TOO_LARGE',
      `The model's context is too small for ${m.images.length === 1 ? 'this image' : `these ${m.images.length} images`}: ` +
        `they need about ${imageTokens} tokens and the message about ${cost}, but only ${room} of the ${context}-token context are free ` +
        `after room for the answer. Send fewer images, lower the chat's image size, or use a model with a larger context.`,
      { retryable: false, details },
    )
  }
  return new FolioError(
    'PAYLOAD_TOO_LARGE',
    `This message is too long for the model's context: it needs about ${cost} tokens, but only ${room} of the ${context}-token ` +
      `context are free after room for the answer. Shorten it or use a model with a larger context.`,
    { retryable: false, details },
  )
}
