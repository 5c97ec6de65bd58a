/** Stage 3b: the model names the candidate that fits best, by letter, through a JSON-schema grammar. */
import { z } from 'zod'
import type { JsonSchema } from '../inference/engine'
import { CHOICE_LABELS } from './prompts'

export const labels = (n: number): string[] => CHOICE_LABELS.slice(0, Math.min(n, CHOICE_LABELS.length))

export function selectSchema(n: number): JsonSchema {
  return { type: 'object', properties: { choice: { enum: labels(n) } }, required: ['choice'] }
}

export const SelectAnswer = z.object({ choice: z.string() })

/** The candidate index named by the answer, or null when it names none of them. */
export function choiceIndex(choice: string, n: number): number | null {
  const i = labels(n).indexOf(choice.trim().toUpperCase())
  return i >= 0 ? i : null
}
