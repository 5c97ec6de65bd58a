/** Grammar-constrained JSON through the inference service, with every attempt's model time on the stage's clock. */
import type { z } from 'zod'
import type { ModelRole } from '../../shared/api'
import type { GenerateRequest, JsonSchema } from '../inference/engine'
import type { InferenceService } from '../inference/inference-service'
import { generateStructured, type StructuredResult } from '../inference/structured'
import { PROMPTS_VERSION } from './prompts'
import type { StageClock } from './stage-stats'

export type JsonGenerator = <T>(
  role: ModelRole,
  req: Omit<GenerateRequest, 'jsonSchema'> & { jsonSchema: JsonSchema },
  validator: z.ZodType<T>,
  clock: StageClock,
  purpose: string,
) => Promise<StructuredResult<T>>

export function jsonGenerator(inference: Pick<InferenceService, 'generate'>): JsonGenerator {
  return (role, req, validator, clock, purpose) =>
    generateStructured(
      async (q) => {
        const res = await inference.generate(role, q, { purpose: `${purpose}@${PROMPTS_VERSION}` })
        clock.model(res.stats)
        return res
      },
      req,
      validator,
    )
}
