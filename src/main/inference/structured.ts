/**
 * JSON answers through a schema grammar, validated with zod. A grammar alone cannot guarantee a
 * valid answer (a token limit can cut a string; number grammars admit exponents), so an answer
 * that does not parse or validate is retried once with another seed, then reported clearly.
 */
import type { z } from 'zod'
import { FolioError } from '../../shared/errors'
import type { GenerateRequest, GenerateResult, JsonSchema } from './engine'

export interface StructuredResult<T> {
  value: T
  text: string
  attempts: number
  stats: GenerateResult['stats']
}

export async function generateStructured<T>(
  generate: (req: GenerateRequest) => Promise<GenerateResult>,
  req: Omit<GenerateRequest, 'jsonSchema'> & { jsonSchema: JsonSchema },
  validator: z.ZodType<T>,
): Promise<StructuredResult<T>> {
  let last = ''
  let problem = ''
  for (let attempt = 1; attempt <= 2; attempt++) {
    const seed = req.seed === undefined ? undefined : req.seed + attempt - 1
    const res = await generate({ ...req, seed })
    last = res.text
    if (res.stats.stopReason === 'cancelled') throw new FolioError('CANCELLED', 'The request was cancelled.', { details: { partialText: res.text } })
    let parsed: unknown
    try {
      parsed = JSON.parse(res.text)
    } catch {
      problem = res.stats.stopReason === 'maxTokens' ? 'the answer was cut off by the token limit' : 'the answer is not valid JSON'
      continue
    }
    const checked = validator.safeParse(parsed)
    if (checked.success) return { value: checked.data, text: res.text, attempts: attempt, stats: res.stats }
    problem = `the answer does not match the expected shape (${checked.error.issues[0]?.message ?? 'invalid'})`
  }
  throw new FolioError('BAD_RESPONSE', `The model's answer could not be used: ${problem}, twice. Try again, or use a larger model.`, {
    retryable: true,
    details: { text: last.slice(0, 2000) },
  })
}
