/** Pure helpers for the caption progress bar and the library settings form. */
import type { CaptionStatus } from '../../../shared/captions-api'
import { CAPTION_MAX_SIZE_MAX, CAPTION_MAX_SIZE_MIN } from '../../../shared/limits'

export interface CaptionProgressView {
  /** Captions written. */
  done: number
  /** Images the queue has seen: done + pending + failed (user-written captions are not counted). */
  total: number
  /** 1-based position of the image being captioned now, or null when none is. */
  current: number | null
}

export function captionProgress(s: Pick<CaptionStatus, 'pending' | 'done' | 'failed' | 'running'>): CaptionProgressView {
  const total = s.done + s.pending + s.failed
  const current = s.running !== null && total > 0 ? Math.min(total, s.done + s.failed + 1) : null
  return { done: s.done, total, current }
}

/** The problem codes that mean "no usable vision model" (shown with a pointer to the Models screen). */
export const isModelProblem = (code: string): boolean => code === 'NO_MODEL' || code === 'NO_VISION'

/** The caption image size typed by the user, or null when it is not an integer in range. */
export function parseCaptionMaxSize(text: string): number | null {
  const t = text.trim()
  if (!/^\d+$/.test(t)) return null
  const n = Number(t)
  return n >= CAPTION_MAX_SIZE_MIN && n <= CAPTION_MAX_SIZE_MAX ? n : null
}
