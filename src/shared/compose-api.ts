/**
 * Records of interleaved composition (`compose.*` in api.ts): write → spot and caption → retrieve
 * and select, plus paragraph actions. Sections are numbered from 0 in the API (`sections[spot.section]`);
 * the prompts number them from 1 for the model.
 */
import { z } from 'zod'
import { MAX_IMAGES, MAX_SECTIONS } from './limits'
import { ArticleId, ImageId } from './ids'

export { MAX_IMAGES, MAX_SECTIONS }

export const ComposeLang = z.enum(['auto', 'en', 'zh'])
export type ComposeLang = z.infer<typeof ComposeLang>

export const ComposeTone = z.enum(['neutral', 'friendly', 'formal', 'lively'])
export type ComposeTone = z.infer<typeof ComposeTone>

/** "auto" lets the model decide how many images; a number asks for exactly that many (at most one per section). */
export const ImageCount = z.union([z.literal('auto'), z.number().int().min(1).max(MAX_IMAGES)])
export type ImageCount = z.infer<typeof ImageCount>

/** Where a composition's pictures come from. */
export const ImageSource = z.enum(['library', 'picked', 'none'])
export type ImageSource = z.infer<typeof ImageSource>

const Instruction = z.string().trim().min(1, 'write an instruction').max(4000)
const Seed = z.number().int().min(0).max(2 ** 31 - 1)
/** The article's sections as plain text, in order (the client splits its document; see shared/compose/sections). */
export const SectionTexts = z.array(z.string().max(20_000)).min(1, 'the article has no text yet').max(MAX_SECTIONS)

/** Time and token counts of one stage; `modelMs` is time inside the model, the rest is Folio's own overhead. */
export const StageStats = z.object({
  ms: z.number(),
  modelMs: z.number(),
  calls: z.number().int(),
  promptTokens: z.number().int(),
  completionTokens: z.number().int(),
  /** Answers the stage could not use and replaced with its fallback (e.g. the top search hit). */
  fallbacks: z.number().int(),
})
export type StageStats = z.infer<typeof StageStats>

export const WriteInput = z
  .object({
    instruction: Instruction,
    /** Source material, notes or an outline to write from. */
    source: z.string().max(100_000).optional(),
    lang: ComposeLang.default('auto'),
    /** Target length in words (CJK characters count as words). */
    words: z.number().int().min(50).max(5000).default(600),
    tone: ComposeTone.default('neutral'),
    seed: Seed.optional(),
  })
  .strict()
export type WriteInput = z.output<typeof WriteInput>

export const TextOutput = z.object({
  text: z.string(),
  stats: StageStats,
  stopReason: z.enum(['eos', 'maxTokens', 'cancelled', 'stop', 'error']),
})

export const Spot = z.object({ section: z.number().int().min(0), caption: z.string() })
export type Spot = z.infer<typeof Spot>
/** A spot sent by a client: bounded like every input. */
const SpotIn = z.object({ section: z.number().int().min(0).max(MAX_SECTIONS - 1), caption: z.string().trim().min(1, 'the caption is empty').max(2000) }).strict()

export const SpotsInput = z
  .object({
    sections: SectionTexts,
    count: ImageCount.default('auto'),
    lang: ComposeLang.default('auto'),
    /** Captions already in the article before this run (so new captions do not repeat them). */
    existingCaptions: z.array(z.string().max(2000)).max(100).default([]),
    seed: Seed.optional(),
  })
  .strict()
export type SpotsInput = z.output<typeof SpotsInput>

export const SpotsProgress = z.object({
  stage: z.enum(['spotting', 'captioning']),
  done: z.number().int(),
  total: z.number().int(),
  /** Once spotting is done: the chosen sections, in article order. */
  sections: z.array(z.number().int()).optional(),
  /** Each caption as soon as it is written. */
  spot: Spot.optional(),
})

export const SpotsOutput = z.object({
  spots: z.array(Spot),
  /** Spotting's answer was unusable (or too short) and evenly spaced sections filled in. */
  spottingFallback: z.boolean(),
  warnings: z.array(z.string()),
  stats: z.object({ spot: StageStats, caption: StageStats }),
})
export type SpotsOutput = z.infer<typeof SpotsOutput>

/** One caption for one section ("add an image here"). */
export const CaptionInput = z
  .object({
    sections: SectionTexts,
    section: z.number().int().min(0).max(MAX_SECTIONS - 1),
    /** Captions of the images before this spot, in order. */
    earlierCaptions: z.array(z.string().max(2000)).max(100).default([]),
    lang: ComposeLang.default('auto'),
    seed: Seed.optional(),
  })
  .strict()
  .refine((v) => v.section < v.sections.length, 'the section is past the end of the article')

export const ComposedSpot = Spot.extend({
  /** Library images found for the caption, best first (the gallery to swap from). */
  candidates: z.array(ImageId),
  /** The image picked; null when no candidate was found. */
  chosen: ImageId.nullable(),
  /** The model's choice was unusable (or selection was off) and the top candidate was taken. */
  fallback: z.boolean(),
})
export type ComposedSpot = z.infer<typeof ComposedSpot>

export const ImagesInput = z
  .object({
    sections: SectionTexts,
    spots: z.array(SpotIn).min(1).max(30),
    /** Images already in the article (never candidates). */
    exclude: z.array(ImageId).max(10_000).default([]),
    /** "Only the images I pick": these (still unused) are the candidates at every spot; no search runs. */
    pick: z.array(ImageId).max(200).optional(),
    /** Let the model choose among the candidates (else the top candidate is taken). */
    select: z.boolean().default(true),
    /** Candidates per spot. */
    k: z.number().int().min(1).max(8).default(4),
    /** Images already chosen for earlier spots, shown to the model for visual consistency. */
    earlier: z.array(z.object({ section: z.number().int().min(0).max(MAX_SECTIONS - 1), imageId: ImageId }).strict()).max(30).default([]),
    lang: ComposeLang.default('auto'),
    seed: Seed.optional(),
  })
  .strict()
  .refine((v) => v.spots.every((sp) => sp.section < v.sections.length), 'a spot points past the end of the article')
export type ImagesInput = z.output<typeof ImagesInput>

export const ImagesProgress = z.object({ done: z.number().int(), total: z.number().int(), spot: ComposedSpot.extend({ index: z.number().int() }) })

export const ImagesOutput = z.object({
  spots: z.array(ComposedSpot),
  /** Whether the selection looked at the pictures (a vision model) or only at their captions. */
  selectionBy: z.enum(['vision', 'captions', 'none']),
  warnings: z.array(z.string()),
  stats: z.object({ retrieve: StageStats, select: StageStats }),
})
export type ImagesOutput = z.infer<typeof ImagesOutput>

export const ParagraphAction = z.enum(['rewrite', 'expand', 'shorten', 'continue', 'insertBefore', 'insertAfter', 'translate'])
export type ParagraphAction = z.infer<typeof ParagraphAction>

export const ParagraphInput = z
  .object({
    action: ParagraphAction,
    /** The paragraph acted on (for insertBefore/insertAfter: the paragraph next to the new one). */
    text: z.string().max(20_000),
    /** Article text before and after the paragraph, for context (trimmed by the service). */
    before: z.string().max(100_000).default(''),
    after: z.string().max(100_000).default(''),
    instruction: z.string().max(2000).optional(),
    lang: ComposeLang.default('auto'),
    /** translate: the language to translate into (default: the other of English/Chinese). */
    target: z.enum(['en', 'zh']).optional(),
    seed: Seed.optional(),
  })
  .strict()
export type ParagraphInput = z.output<typeof ParagraphInput>

export const RunInput = WriteInput.extend({
  images: ImageCount.default('auto'),
  imageSource: ImageSource.default('library'),
  pick: z.array(ImageId).max(200).default([]),
  select: z.boolean().default(true),
  k: z.number().int().min(1).max(8).default(4),
  title: z.string().max(300).optional(),
}).strict()
export type RunInput = z.output<typeof RunInput>

export const RunStage = z.enum(['writing', 'spotting', 'captioning', 'selecting', 'saving'])
export type RunStage = z.infer<typeof RunStage>

export const RunProgress = z.object({
  stage: RunStage,
  done: z.number().int(),
  total: z.number().int(),
  articleId: ArticleId,
  token: z.string().optional(),
})

export const RunStats = z.object({
  write: StageStats,
  spot: StageStats,
  caption: StageStats,
  retrieve: StageStats,
  select: StageStats,
  /** Wall time of the whole composition, and the share of it that is not model time. */
  totalMs: z.number(),
  overheadShare: z.number(),
})

/** `folio compose --json` prints exactly this object. */
export const RunOutput = z.object({
  articleId: ArticleId,
  sections: z.array(z.string()),
  spots: z.array(ComposedSpot.omit({ fallback: true })),
  stats: RunStats,
})
export type RunOutput = z.infer<typeof RunOutput>
