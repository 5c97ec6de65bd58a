/** Records of the captioning queue's contract methods and event (see `library.captions.*` in api.ts). */
import { z } from 'zod'
import { ImageId } from './ids'

export const CaptionStatus = z.object({
  /** Images waiting for a caption (including the one in progress). */
  pending: z.number().int(),
  done: z.number().int(),
  failed: z.number().int(),
  /** Images whose caption the user wrote (the model leaves them alone). */
  skipped: z.number().int(),
  /** The image being captioned now. */
  running: ImageId.nullable(),
  /** Paused by the user (kept across restarts). */
  paused: z.boolean(),
  /** Why the queue is idle with work left, e.g. no vision model is set (code NO_MODEL / NO_VISION / NOT_FOUND / UNREACHABLE). */
  problem: z.object({ code: z.string(), message: z.string() }).nullable(),
})
export type CaptionStatus = z.infer<typeof CaptionStatus>
