/**
 * The captioning prompts, versioned: every caption the model writes comes from one of these
 * templates (English, Chinese, or both), and the JSON schema that bounds the answer.
 */
import { z } from 'zod'
import type { JsonSchema } from '../../inference/engine'

export const CAPTION_PROMPT_VERSION = 1

export const CaptionLanguage = z.enum(['en', 'zh', 'both'])
export type CaptionLanguage = z.infer<typeof CaptionLanguage>

export const CAPTION_MAX = 120
export const DESCRIPTION_MAX = 600
export const TAGS_MAX = 8
export const TAG_MAX = 40

/** The answer's shape, bounded so the grammar cannot run on (maxLength/maxItems). */
export const CAPTION_SCHEMA: JsonSchema = {
  type: 'object',
  properties: {
    caption: { type: 'string', minLength: 1, maxLength: CAPTION_MAX },
    description: { type: 'string', maxLength: DESCRIPTION_MAX },
    tags: { type: 'array', items: { type: 'string', minLength: 1, maxLength: TAG_MAX }, maxItems: TAGS_MAX },
  },
  required: ['caption', 'description', 'tags'],
  additionalProperties: false,
}

export const CaptionAnswer = z.object({
  caption: z.string().trim().min(1, 'an empty caption').max(CAPTION_MAX),
  description: z.string().trim().max(DESCRIPTION_MAX),
  tags: z
    .array(z.string().trim().max(TAG_MAX))
    .max(TAGS_MAX)
    .transform((tags) => [...new Set(tags.filter(Boolean))]),
})
export type CaptionAnswer = z.infer<typeof CaptionAnswer>

/** Enough tokens for the longest bounded answer (CJK text can take a token per character). */
export const CAPTION_MAX_TOKENS = 1024

const TEMPLATES: Record<CaptionLanguage, { system: string; user: string }> = {
  en: {
    system:
      'You describe photos for a personal image library. Answer only with JSON: ' +
      '"caption" (one short sentence, at most 120 characters), "description" (a detailed description of what is visible, ' +
      'at most 600 characters) and "tags" (up to 8 short lowercase keywords). Write in English. Describe only what you see.',
    user: 'Describe this image.',
  },
  zh: {
    system:
      '你为个人图片库描述照片。只用 JSON 回答："caption"（一句简短的说明，不超过 120 个字符）、' +
      '"description"（对画面内容的详细描述，不超过 600 个字符）和 "tags"（最多 8 个简短的关键词）。用中文书写，只描述看得见的内容。',
    user: '请描述这张图片。',
  },
  both: {
    system:
      'You describe photos for a personal image library. Answer only with JSON: ' +
      '"caption" (one short sentence in English followed by its Chinese translation, at most 120 characters in all), ' +
      '"description" (a detailed description of what is visible, in English then in Chinese, at most 600 characters) and ' +
      '"tags" (up to 8 short keywords, English and Chinese). Describe only what you see.\n' +
      '你为个人图片库描述照片：说明和描述先写英文，再写中文；标签可用英文和中文。',
    user: 'Describe this image. 请描述这张图片。',
  },
}

export function captionPrompt(lang: CaptionLanguage): { system: string; user: string; version: number } {
  return { ...TEMPLATES[lang], version: CAPTION_PROMPT_VERSION }
}
