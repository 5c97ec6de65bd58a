/**
 * Stage 2a: which sections get a picture. The schema bounds every index by the section count and
 * the array by the wanted count; uniqueness is not expressible in a grammar, so the answer is
 * normalized afterwards and topped up with evenly spaced sections when it falls short.
 */
import { z } from 'zod'
import { MAX_IMAGES, type ImageCount } from '../../shared/compose-api'
import type { JsonSchema } from '../inference/engine'

export function spotSchema(n: number, count: ImageCount): JsonSchema {
  const { min, max } = spotBounds(n, count)
  return {
    type: 'object',
    properties: {
      sections: { type: 'array', items: { enum: Array.from({ length: n }, (_, i) => i + 1) }, minItems: min, maxItems: max },
    },
    required: ['sections'],
  }
}

export const SpotAnswer = z.object({ sections: z.array(z.number()) })

function spotBounds(n: number, count: ImageCount): { min: number; max: number } {
  if (count === 'auto') return { min: 1, max: Math.min(n, MAX_IMAGES) }
  const k = Math.min(count, n)
  return { min: k, max: k }
}

/** How many spots "auto" falls back to: one picture every three sections. */
export const autoCount = (n: number) => Math.max(1, Math.min(MAX_IMAGES, Math.round(n / 3)))

/**
 * The model's 1-based answer as sorted, unique, in-range 0-based sections; exactly min(count, n)
 * of them for a fixed count. `filled` says how many had to be added.
 */
export function normalizeSpots(answer: readonly number[] | null, n: number, count: ImageCount): { sections: number[]; filled: number } {
  const picked = new Set<number>()
  const max = count === 'auto' ? Math.min(n, MAX_IMAGES) : Math.min(count, n)
  for (const a of answer ?? []) {
    const i = Math.round(a) - 1
    if (Number.isInteger(a) && i >= 0 && i < n && picked.size < max) picked.add(i)
  }
  const want = count === 'auto' ? (picked.size > 0 ? picked.size : autoCount(n)) : max
  const before = picked.size
  for (const i of evenlySpaced(n, want, picked)) picked.add(i)
  return { sections: [...picked].sort((a, b) => a - b), filled: picked.size - before }
}

/** Sections to add so that `taken` reaches `k`, each the free section nearest an evenly spaced ideal position. */
export function evenlySpaced(n: number, k: number, taken: ReadonlySet<number> = new Set()): number[] {
  const used = new Set(taken)
  const out: number[] = []
  for (let j = 0; j < k && used.size < Math.min(k, n); j++) {
    const ideal = Math.min(n - 1, Math.floor(((j + 1) * n) / (k + 1)))
    let best = -1
    for (let d = 0; d < n && best < 0; d++) {
      if (ideal - d >= 0 && !used.has(ideal - d)) best = ideal - d
      else if (ideal + d < n && !used.has(ideal + d)) best = ideal + d
    }
    if (best < 0) break
    used.add(best)
    out.push(best)
  }
  return out
}
