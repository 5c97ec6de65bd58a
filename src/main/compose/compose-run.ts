/**
 * The whole composition into a new article (`compose.run`, the CLI's `folio compose`). The article
 * is saved while it is written and after every stage, so a cancel or a crash at any point leaves
 * a consistent document holding everything done so far.
 */
import type { ComposedSpot, RunInput, RunOutput, RunStage, StageStats } from '../../shared/compose-api'
import type { Doc, DocNode } from '../../shared/doc'
import { docSections, splitTitle, textToBlocks } from '../../shared/compose/sections'
import { FolioError } from '../../shared/errors'
import type { ArticleService } from '../articles/article-service'
import type { ComposeService } from './compose-service'
import { resolveLang } from './lang'

export interface RunProgressEvent {
  stage: RunStage
  done: number
  total: number
  articleId: string
  token?: string
}

const SAVE_EVERY_MS = 2000

export async function composeRun(
  deps: { compose: ComposeService; articles: ArticleService; now?: () => number },
  input: RunInput,
  opts: { signal?: AbortSignal; onProgress?: (p: RunProgressEvent) => void; origin?: string } = {},
): Promise<RunOutput> {
  const now = deps.now ?? (() => performance.now())
  const t0 = now()
  const article = deps.articles.create({ title: input.title }, opts.origin)
  const id = article.id
  let revision = article.revision
  let title = input.title?.trim() || null
  const save = (doc: Doc) => {
    const r = deps.articles.save({ id, doc, title: title ?? undefined, baseRevision: revision }, opts.origin)
    revision = r.revision
  }
  const progress = (stage: RunStage, done: number, total: number, token?: string) =>
    opts.onProgress?.({ stage, done, total, articleId: id, ...(token !== undefined ? { token } : {}) })
  const cancelled = (stage: string) =>
    new FolioError('CANCELLED', `Composition stopped while ${stage}; article ${id} keeps everything done so far.`, { details: { articleId: id } })

  // ---- stage 1: writing, saved every few seconds while it streams ----
  let text = ''
  let tokens = 0
  let lastSave = now()
  const toDoc = (): Doc => {
    const { title: t, body } = splitTitle(text)
    if (t && !input.title?.trim()) title = t
    const blocks = textToBlocks(body)
    return { type: 'doc', content: blocks.length ? blocks : [{ type: 'paragraph' }] }
  }
  progress('writing', 0, 0)
  let written
  try {
    written = await deps.compose.write(input, {
      signal: opts.signal,
      onToken: (token) => {
        text += token
        progress('writing', ++tokens, 0, token)
        if (now() - lastSave > SAVE_EVERY_MS) {
          lastSave = now()
          save(toDoc())
        }
      },
    })
  } catch (e) {
    save(toDoc())
    throw e instanceof FolioError && e.code === 'CANCELLED' ? cancelled('writing') : e
  }
  text = written.text
  let doc = toDoc()
  save(doc)
  if (written.stopReason === 'cancelled') throw cancelled('writing')

  const empty: StageStats = { ms: 0, modelMs: 0, calls: 0, promptTokens: 0, completionTokens: 0, fallbacks: 0 }
  const stats = { write: written.stats, spot: empty, caption: empty, retrieve: empty, select: empty }
  const sections = docSections(doc)
  const sectionTexts = sections.map((s) => s.text)
  const finish = (spots: ComposedSpot[]): RunOutput => {
    const totalMs = now() - t0
    const modelMs = stats.write.modelMs + stats.spot.modelMs + stats.caption.modelMs + stats.retrieve.modelMs + stats.select.modelMs
    return {
      articleId: id,
      sections: sectionTexts,
      spots: spots.map(({ section, caption, candidates, chosen }) => ({ section, caption, candidates, chosen })),
      stats: { ...stats, totalMs: Math.round(totalMs), overheadShare: totalMs > 0 ? Math.max(0, (totalMs - modelMs) / totalMs) : 0 },
    }
  }
  if (input.imageSource === 'none' || sections.length === 0) return finish([])

  // ---- stage 2: spots and captions; the suggestions are saved as they are ----
  const lang = resolveLang(input.lang, input.instruction, text)
  const count = input.imageSource === 'picked' && input.images === 'auto' ? Math.max(1, Math.min(15, input.pick.length)) : input.images
  progress('spotting', 0, 1)
  const spotted = await deps.compose
    .spots(
      { sections: sectionTexts, count, lang, existingCaptions: [], seed: input.seed },
      { signal: opts.signal, onProgress: (p) => progress(p.stage, p.done, p.total) },
    )
    .catch((e: unknown) => {
      throw e instanceof FolioError && e.code === 'CANCELLED' ? cancelled('placing images') : e
    })
  stats.spot = spotted.stats.spot
  stats.caption = spotted.stats.caption
  const composed: ComposedSpot[] = spotted.spots.map((s) => ({ ...s, candidates: [], chosen: null, fallback: false }))
  doc = withSpots(doc, sections, composed, new Set())
  save(doc)

  // ---- stage 3: retrieval and selection, each figure saved as it is chosen ----
  const filled = new Set<number>()
  progress('selecting', 0, composed.length)
  try {
    const images = await deps.compose.images(
      { sections: sectionTexts, spots: spotted.spots, exclude: [], pick: input.imageSource === 'picked' ? input.pick : undefined, select: input.select, k: input.k, earlier: [], lang, seed: input.seed },
      {
        signal: opts.signal,
        onSpot: (spot, index) => {
          composed[index] = spot
          filled.add(index)
          progress('selecting', filled.size, composed.length)
        },
      },
    )
    stats.retrieve = images.stats.retrieve
    stats.select = images.stats.select
  } catch (e) {
    save(withSpots(toDoc(), sections, composed, filled))
    throw e instanceof FolioError && e.code === 'CANCELLED' ? cancelled('choosing images') : e
  }
  progress('saving', 0, 1)
  save(withSpots(toDoc(), sections, composed, filled))
  progress('saving', 1, 1)
  return finish(composed)
}

/**
 * The written blocks with, after each spot's section, a figure (chosen image, its caption, the
 * candidates to swap from) or — while not yet filled — a suggestion node holding the caption.
 */
export function withSpots(doc: Doc, sections: ReturnType<typeof docSections>, spots: ComposedSpot[], filled: ReadonlySet<number>): Doc {
  const after = new Map<number, DocNode[]>()
  spots.forEach((spot, i) => {
    const block = sections[spot.section]?.last
    if (block === undefined) return
    const caption = spot.caption ? [{ type: 'text', text: spot.caption }] : undefined
    let node: DocNode
    if (!filled.has(i)) node = { type: 'composeSpot', attrs: { caption: spot.caption, state: 'pending', error: null } }
    else if (spot.chosen) node = { type: 'figure', attrs: { imageId: spot.chosen, alt: spot.caption, width: null, candidates: spot.candidates }, ...(caption ? { content: caption } : {}) }
    // No picture found: the suggestion stays, saying so, for the user to search again or remove.
    else node = { type: 'composeSpot', attrs: { caption: spot.caption, state: 'error', error: 'No matching image in the library.' } }
    after.set(block, [...(after.get(block) ?? []), node])
  })
  const content: DocNode[] = []
  ;(doc.content ?? []).forEach((block, i) => {
    content.push(block)
    content.push(...(after.get(i) ?? []))
  })
  return { ...doc, content }
}
