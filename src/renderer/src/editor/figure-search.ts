/**
 * "Search again" for one figure: the `compose.images` request built from the live document (pure,
 * tested headless). The figure's caption is the query; the article's sections give the model context.
 */
import type { Node as PMNode } from '@tiptap/pm/model'
import type { Input } from '../../../shared/api'
import type { DocNode } from '../../../shared/doc'
import { docSections } from '../../../shared/compose/sections'
import { isImageId } from './extensions/figure'

/** Candidates asked for per search (the original's gallery of 4). */
export const SEARCH_K = 4

export type SearchRequest = { ok: true; input: Input<'compose.images'> } | { ok: false; reason: 'noCaption' | 'noText' }

/**
 * The request for the figure at `figurePos` in `doc` (`json` is the same document as TipTap JSON):
 * the section it follows (the one whose last block is the nearest block before it), its caption, and
 * every image shown by the article's other figures as excluded.
 */
export function searchAgainRequest(doc: PMNode, json: DocNode, figurePos: number): SearchRequest {
  const figure = doc.nodeAt(figurePos)
  const caption = figure?.textContent.trim() ?? ''
  if (!figure || !caption) return { ok: false, reason: 'noCaption' }
  const sections = docSections(json)
  if (sections.length === 0) return { ok: false, reason: 'noText' }
  // The top-level block holding the figure (a figure may sit inside a quote or list item).
  const block = doc.resolve(figurePos).index(0)
  let section = sections[0]
  for (const s of sections) if (s.last < block) section = s
  return {
    ok: true,
    input: {
      sections: sections.map((s) => s.text),
      spots: [{ section: section.index, caption }],
      exclude: otherFigureImages(doc, figurePos),
      k: SEARCH_K,
      select: true,
    },
  }
}

/** Images shown by every figure but the one at `figurePos`, once each. */
export function otherFigureImages(doc: PMNode, figurePos: number): string[] {
  const ids = new Set<string>()
  doc.descendants((node, pos) => {
    if (node.type.name !== 'figure') return true
    if (pos !== figurePos && isImageId(node.attrs.imageId)) ids.add(node.attrs.imageId)
    return false
  })
  return [...ids]
}
