/**
 * Interleaved composition's stages (MISSION.md §1) on any text the caller gives: the editor runs
 * them on its live document, `ComposeRun` on a new saved article. Stateless apart from its deps.
 */
import type {
  CaptionInput,
  ComposedSpot,
  ImagesInput,
  ImagesOutput,
  ParagraphInput,
  SpotsInput,
  SpotsOutput,
  SpotsProgress,
  StageStats,
  WriteInput,
} from '../../shared/compose-api'
import type { z } from 'zod'
import { FolioError } from '../../shared/errors'
import type { InferenceService } from '../inference/inference-service'
import { CAPTION_SCHEMA, CaptionAnswer, cleanCaption, fallbackCaption } from './captioning'
import { runImageStage, type ImageStageDeps } from './image-stage'
import { jsonGenerator, type JsonGenerator } from './json-generator'
import { otherLang, resolveLang } from './lang'
import { captionPrompt, paragraphPrompt, PROMPTS_VERSION, spotPrompt, writePrompt, type Lang } from './prompts'
import { normalizeSpots, SpotAnswer, spotSchema } from './spotting'
import { StageClock } from './stage-stats'

export interface ComposeDeps {
  inference: Pick<InferenceService, 'generate'>
  images: Omit<ImageStageDeps, 'json'>
}

export interface TextResult {
  text: string
  stats: StageStats
  stopReason: 'eos' | 'maxTokens' | 'cancelled' | 'stop' | 'error'
}

interface StreamOpts {
  signal?: AbortSignal
  onToken?: (token: string) => void
}

export class ComposeService {
  private readonly json: JsonGenerator

  constructor(private readonly deps: ComposeDeps) {
    this.json = jsonGenerator(deps.inference)
  }

  /** Stage 1. A cancelled generation returns the text written so far (stopReason 'cancelled'). */
  async write(input: WriteInput, opts: StreamOpts = {}): Promise<TextResult> {
    const lang = resolveLang(input.lang, input.instruction, input.source)
    const messages = writePrompt({ instruction: input.instruction, source: input.source, words: input.words, tone: input.tone, lang })
    return this.text(messages, tokenBudget(input.words, lang), 0.7, input.seed, 'compose.write', opts)
  }

  /** Stage 2: spots (bounded, unique, the wanted count) and a caption for each, in article order. */
  async spots(input: SpotsInput, opts: { signal?: AbortSignal; onProgress?: (p: z.output<typeof SpotsProgress>) => void } = {}): Promise<SpotsOutput> {
    const lang = resolveLang(input.lang, input.sections.join('\n'))
    const n = input.sections.length
    const spotClock = new StageClock()
    const warnings: string[] = []
    opts.onProgress?.({ stage: 'spotting', done: 0, total: 1 })
    let answer: number[] | null = null
    await spotClock.time(async () => {
      try {
        const res = await this.json(
          'writer',
          { messages: spotPrompt({ sections: input.sections, count: input.count, lang }), jsonSchema: spotSchema(n, input.count), maxTokens: 8 + 4 * Math.min(n, 30), temperature: 0.2, seed: input.seed, signal: opts.signal },
          SpotAnswer,
          spotClock,
          'compose.spot',
        )
        answer = res.value.sections
      } catch (e) {
        if (!(e instanceof FolioError) || e.code !== 'BAD_RESPONSE') throw e
        warnings.push('The model did not say where images belong; they were spread evenly.')
      }
    })
    const { sections, filled } = normalizeSpots(answer, n, input.count)
    if (filled > 0) spotClock.fallback()
    if (typeof input.count === 'number' && input.count > n) warnings.push(`The article has ${n} sections, so it gets ${n} images, not ${input.count}.`)
    opts.onProgress?.({ stage: 'captioning', done: 0, total: sections.length, sections })

    const captionClock = new StageClock()
    const earlier = [...input.existingCaptions]
    const spots: SpotsOutput['spots'] = []
    for (const [i, section] of sections.entries()) {
      const caption = await this.captionFor(input.sections, section, earlier, lang, input.seed, captionClock, opts.signal)
      earlier.push(caption)
      spots.push({ section, caption })
      opts.onProgress?.({ stage: 'captioning', done: i + 1, total: sections.length, spot: { section, caption } })
    }
    return { spots, spottingFallback: answer === null || filled > 0, warnings, stats: { spot: spotClock.result(), caption: captionClock.result() } }
  }

  /** One caption for one section ("add an image here"). */
  async caption(input: z.output<typeof CaptionInput>, opts: { signal?: AbortSignal } = {}): Promise<{ caption: string; fallback: boolean; stats: StageStats }> {
    const lang = resolveLang(input.lang, input.sections.join('\n'))
    const clock = new StageClock()
    const caption = await this.captionFor(input.sections, input.section, input.earlierCaptions, lang, input.seed, clock, opts.signal)
    const stats = clock.result()
    return { caption, fallback: stats.fallbacks > 0, stats }
  }

  /** Stage 3 (retrieval and selection) for the given spots. */
  images(input: ImagesInput, opts: { signal?: AbortSignal; onSpot?: (spot: ComposedSpot, index: number) => void } = {}): Promise<ImagesOutput> {
    const lang = resolveLang(input.lang, input.sections.join('\n'))
    return runImageStage({ ...this.deps.images, json: this.json }, { ...input, lang }, opts)
  }

  /** Rewrite, expand, shorten, continue, insert before/after, translate: streamed. */
  paragraph(input: ParagraphInput, opts: StreamOpts = {}): Promise<TextResult> {
    const lang = resolveLang(input.lang, input.text || input.before || input.after)
    const target: Lang = input.target ?? otherLang(input.text)
    // Context around the paragraph: enough to keep the thread, bounded so a long article stays fast.
    const before = input.before.slice(-3000)
    const after = input.after.slice(0, 1500)
    const messages = paragraphPrompt({ action: input.action, text: input.text, before, after, instruction: input.instruction, lang, target })
    const est = estimateTokens(input.text)
    const budget = { rewrite: est * 1.5, translate: est * 2, expand: est * 2.5, shorten: est, continue: 400, insertBefore: 300, insertAfter: 300 }[input.action]
    return this.text(messages, Math.min(4000, Math.ceil(budget) + 64), 0.7, input.seed, `compose.${input.action}`, opts)
  }

  private async captionFor(sections: readonly string[], section: number, earlier: readonly string[], lang: Lang, seed: number | undefined, clock: StageClock, signal?: AbortSignal): Promise<string> {
    return clock.time(async () => {
      try {
        const res = await this.json(
          'writer',
          { messages: captionPrompt({ sections, section, earlier, lang }), jsonSchema: CAPTION_SCHEMA, maxTokens: 200, temperature: 0.3, seed, signal },
          CaptionAnswer,
          clock,
          'compose.caption',
        )
        const c = cleanCaption(res.value.caption)
        if (c) return c
      } catch (e) {
        if (!(e instanceof FolioError) || e.code !== 'BAD_RESPONSE') throw e
      }
      clock.fallback()
      return fallbackCaption(sections[section] ?? '')
    })
  }

  private async text(messages: Parameters<InferenceService['generate']>[1]['messages'], maxTokens: number, temperature: number, seed: number | undefined, purpose: string, opts: StreamOpts): Promise<TextResult> {
    const clock = new StageClock()
    // A model can end its answer at once (its first token is end-of-text): an empty answer is asked for once more.
    for (let attempt = 0; ; attempt++) {
      const res = await clock.time(() =>
        this.deps.inference.generate(
          'writer',
          { messages, maxTokens, temperature, seed: seed === undefined ? undefined : seed + attempt, signal: opts.signal, onToken: opts.onToken },
          { purpose: `${purpose}@${PROMPTS_VERSION}` },
        ),
      )
      clock.model(res.stats)
      if (res.text.trim() !== '' || res.stats.stopReason === 'cancelled' || attempt >= 1) {
        return { text: res.text, stats: clock.result(), stopReason: res.stats.stopReason }
      }
      clock.fallback()
    }
  }
}

/** Tokens for an article of `words` words: ~1.5 per English word, ~1.2 per Chinese character, plus the title. */
export function tokenBudget(words: number, lang: Lang): number {
  return Math.min(12_000, Math.ceil(words * (lang === 'zh' ? 1.2 : 1.5)) + 64)
}

export function estimateTokens(text: string): number {
  const cjk = text.match(/[\u3400-\u9fff\uf900-\ufaff]/g)?.length ?? 0
  return Math.ceil(cjk + (text.length - cjk) / 4)
}
