/** Stage 2b: one short, concrete caption per spot, through a JSON-schema grammar. */
import { z } from 'zod'
import type { JsonSchema } from '../inference/engine'

export const MAX_CAPTION = 200

export const CAPTION_SCHEMA: JsonSchema = {
  type: 'object',
  properties: { caption: { type: 'string', minLength: 1, maxLength: MAX_CAPTION } },
  required: ['caption'],
}

export const CaptionAnswer = z.object({ caption: z.string() })

const CONTROL = /[\u0000-\u001f\u007f]+/g

/** A usable caption, or null (empty after cleaning). */
export function cleanCaption(s: string): string | null {
  const c = s.replace(CONTROL, ' ').replace(/\s+/g, ' ').trim().replace(/^["'“”]+|["'“”]+$/g, '').trim()
  return c.length >= 2 ? c.slice(0, MAX_CAPTION) : null
}

/** When the model's caption is unusable: the section's first sentence (a decent search query). */
export function fallbackCaption(section: string): string {
  // A section may start with its heading: the first line that reads like prose describes it better.
  const lines = section.split('\n').map((l) => l.trim()).filter(Boolean)
  const prose = lines.find((l) => l.length >= 30 || /[.!?。！？]$/u.test(l)) ?? lines.join(' ')
  const text = prose.replace(/\s+/g, ' ').trim()
  const sentence = /^(.{8,}?(?:[.!?](?=\s|$)|[。！？]))/u.exec(text)?.[1] ?? text
  return sentence.slice(0, 120).trim()
}
