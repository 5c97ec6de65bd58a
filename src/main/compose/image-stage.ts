/**
 * Stage 3: per spot, library candidates for its caption (never an image already in the article or
 * chosen for an earlier spot), then the model's choice among them — looking at the pictures when a
 * vision model is available, at their captions otherwise — falling back to the top candidate.
 */
import type { ComposedSpot, ImagesInput, ImagesOutput } from '../../shared/compose-api'
import { FolioError, type ErrorCode } from '../../shared/errors'
import type { ImageInput } from '../inference/engine'
import type { JsonGenerator } from './json-generator'
import { CHOICE_LABELS, selectPrompt, type Lang } from './prompts'
import { choiceIndex, SelectAnswer, selectSchema } from './selection'
import { StageClock } from './stage-stats'

export interface ImageStageDeps {
  /** Library search by caption: ids, best first. */
  search(query: string, limit: number, exclude: readonly string[]): Promise<string[]>
  /** What the model reads about an image (its caption, tags or file name); null when it is gone or in the trash. */
  describe(id: string): string | null
  /** The picture, downscaled for a vision model. */
  picture(id: string): Promise<ImageInput>
  /** Whether a vision model is set (selection then looks at the pictures). */
  hasVision(): boolean
  json: JsonGenerator
}

/** Errors that mean "no usable vision model here": selection continues by captions. */
const NO_VISION: ReadonlySet<ErrorCode> = new Set(['NO_VISION', 'NO_MODEL', 'NOT_FOUND', 'UNREACHABLE', 'MODEL_INVALID', 'TIMEOUT'])
/** Earlier choices shown as pictures (more would crowd a small model's context). */
const EARLIER_PICTURES = 2

export async function runImageStage(
  deps: ImageStageDeps,
  input: ImagesInput & { lang: Lang },
  opts: { signal?: AbortSignal; onSpot?: (spot: ComposedSpot, index: number) => void } = {},
): Promise<ImagesOutput> {
  const retrieve = new StageClock()
  const select = new StageClock()
  const warnings: string[] = []
  const used = new Set(input.exclude)
  for (const e of input.earlier) used.add(e.imageId)
  const earlier = input.earlier.map((e) => ({ section: e.section, imageId: e.imageId, caption: deps.describe(e.imageId) ?? '' }))
  let useVision = input.select && deps.hasVision()
  let selectionBy: ImagesOutput['selectionBy'] = input.select ? (useVision ? 'vision' : 'captions') : 'none'
  const out: ComposedSpot[] = []

  for (const [index, spot] of input.spots.entries()) {
    if (opts.signal?.aborted) throw new FolioError('CANCELLED', 'The request was cancelled.')
    const candidates = await retrieve.time(() => candidatesFor(deps, spot.caption, used, input))
    let chosen: string | null = candidates[0] ?? null
    let fallback = false
    if (candidates.length === 0) {
      warnings.push(input.pick ? `No picked image is left for section ${spot.section + 1}.` : `No library image matches "${spot.caption}".`)
    } else if (!input.select) {
      fallback = true
    } else if (candidates.length > 1) {
      const pick = await select.time(async () => {
        if (useVision) {
          try {
            return await choose(deps, input, spot, candidates, earlier, true, select, opts.signal)
          } catch (e) {
            if (!(e instanceof FolioError) || !NO_VISION.has(e.code)) throw e
            useVision = false
            selectionBy = 'captions'
            warnings.push(`Selection by captions: the vision model is not available (${e.message})`)
          }
        }
        return choose(deps, input, spot, candidates, earlier, false, select, opts.signal)
      })
      if (pick === null) {
        fallback = true
        select.fallback()
      } else chosen = candidates[pick]
    }
    if (chosen) {
      used.add(chosen)
      earlier.push({ section: spot.section, imageId: chosen, caption: spot.caption })
    }
    const done: ComposedSpot = { section: spot.section, caption: spot.caption, candidates, chosen, fallback }
    out.push(done)
    opts.onSpot?.(done, index)
  }
  return { spots: out, selectionBy, warnings, stats: { retrieve: retrieve.result(), select: select.result() } }
}

async function candidatesFor(deps: ImageStageDeps, caption: string, used: ReadonlySet<string>, input: ImagesInput): Promise<string[]> {
  if (!input.pick) return deps.search(caption, input.k, [...used])
  // "Only the images I pick": the unused picks, the ones most like the caption first.
  const pool = [...new Set(input.pick)].filter((id) => !used.has(id) && deps.describe(id) !== null)
  if (pool.length <= 1) return pool
  const ranked = await deps.search(caption, 200, [...used])
  const rank = new Map(ranked.map((id, i) => [id, i]))
  const order = pool.map((id, i) => ({ id, r: rank.get(id) ?? ranked.length + i })).sort((a, b) => a.r - b.r)
  return order.slice(0, CHOICE_LABELS.length).map((o) => o.id)
}

/** The index of the model's choice, or null when its answer is unusable. */
async function choose(
  deps: ImageStageDeps,
  input: ImagesInput & { lang: Lang },
  spot: { section: number; caption: string },
  candidates: string[],
  earlier: { section: number; imageId: string; caption: string }[],
  withImages: boolean,
  clock: StageClock,
  signal?: AbortSignal,
): Promise<number | null> {
  const shown = withImages ? earlier.slice(-EARLIER_PICTURES) : earlier
  const messages = selectPrompt({
    sections: input.sections,
    section: spot.section,
    caption: spot.caption,
    earlier: shown,
    candidates: candidates.map((id, i) => ({ label: CHOICE_LABELS[i], caption: deps.describe(id) ?? '' })),
    withImages,
    lang: input.lang,
  })
  const images = withImages ? await Promise.all([...shown.map((e) => e.imageId), ...candidates].map((id) => deps.picture(id))) : undefined
  try {
    const res = await deps.json(
      withImages ? 'vision' : 'writer',
      { messages, images, jsonSchema: selectSchema(candidates.length), maxTokens: 16, temperature: 0.2, seed: input.seed, signal },
      SelectAnswer,
      clock,
      'compose.select',
    )
    return choiceIndex(res.value.choice, candidates.length)
  } catch (e) {
    if (e instanceof FolioError && e.code === 'BAD_RESPONSE') return null
    throw e
  }
}
