/** Fitting a conversation into the model's context: oldest whole turns go first; a question that cannot fit says why. */
import { describe, expect, it } from 'vitest'
import { estimateImageTokens, estimateTextTokens, fitHistory, promptBudget, type HistoryMessage } from '../../../src/main/chat/history'
import { FolioError } from '../../../src/shared/errors'

const img = (w = 448, h = 448) => ({ width: w, height: h })
const q = (content: string, images: { width: number; height: number }[] = []): HistoryMessage => ({ role: 'user', content, images })
const a = (content: string): HistoryMessage => ({ role: 'assistant', content, images: [] })

function failure(f: () => unknown): FolioError {
  try {
    f()
  } catch (e) {
    expect(e).toBeInstanceOf(FolioError)
    return e as FolioError
  }
  throw new Error('expected a failure')
}

describe('chat history fitting', () => {
  it('estimates text on the safe side for English and Chinese, and images by their sent size', () => {
    expect(estimateTextTokens('What is in this picture?')).toBe(8)
    expect(estimateTextTokens('这张图片里有什么？')).toBe(14)
    expect(estimateImageTokens(img())).toBe(260)
    expect(estimateImageTokens(img(448, 252))).toBe(16 * 9 + 4)
  })

  it('sends everything when it fits', () => {
    const msgs = [q('first', [img()]), a('an answer'), q('second')]
    expect(fitHistory(msgs, { contextTokens: 4096, maxTokens: 512, systemTokens: 60 }).start).toBe(0)
  })

  it('leaves out the oldest turns first, never an answer without its question', () => {
    const long = 'x'.repeat(900) // 300 tokens
    const msgs = [q(long), a(long), q(long), a(long), q('now?')]
    // Budget: 1600 - 400 (a quarter for the answer) - 50 = 1150 → two turns of ~616 do not fit, one does.
    const b = { contextTokens: 1600, maxTokens: 1024, systemTokens: 50 }
    expect(promptBudget(b)).toEqual({ budget: 1150, answerTokens: 400 })
    const fit = fitHistory(msgs, b)
    expect(fit.start).toBe(2)
    expect(msgs[fit.start].role).toBe('user')
    // Only the new question fits.
    expect(fitHistory(msgs, { contextTokens: 600, maxTokens: 100, systemTokens: 50 }).start).toBe(4)
  })

  it('a question whose images cannot fit fails with what they need and what to do', () => {
    const err = failure(() => fitHistory([q('compare', [img(), img(), img()])], { contextTokens: 700, maxTokens: 64, systemTokens: 50 }))
    expect(err.code).toBe('PAYLOAD_TOO_LARGE')
    expect(err.message).toMatch(/too small for these 3 images/)
    expect(err.message).toMatch(/about 780 tokens/)
    expect(err.message).toMatch(/fewer images|image size/)
    expect(err.details).toMatchObject({ reason: 'context', contextTokens: 700 })
  })

  it('a text that cannot fit fails as too long', () => {
    const err = failure(() => fitHistory([q('y'.repeat(3000))], { contextTokens: 700, maxTokens: 64, systemTokens: 50 }))
    expect(err.code).toBe('PAYLOAD_TOO_LARGE')
    expect(err.message).toMatch(/message is too long/)
  })
})
