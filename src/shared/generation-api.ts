/** One generation's measurements (every engine reports them; shown per message and in the status bar). */
import { z } from 'zod'

export const GenerationStats = z.object({
  model: z.string(),
  backend: z.enum(['cpu', 'cuda', 'vulkan', 'metal', 'remote']),
  threads: z.number().int().nullable(),
  loadMs: z.number(),
  ttftMs: z.number(),
  totalMs: z.number(),
  promptTokens: z.number().int(),
  completionTokens: z.number().int(),
  promptTokensPerSecond: z.number(),
  tokensPerSecond: z.number(),
  stopReason: z.enum(['eos', 'maxTokens', 'cancelled', 'stop', 'error']),
})
export type GenerationStats = z.infer<typeof GenerationStats>
