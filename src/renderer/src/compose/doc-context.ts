/**
 * What the composition stages need from the live document (pure, tested headless): its sections,
 * the section a suggestion follows, the images and captions already in it, and the paragraph at the
 * cursor with the text around it.
 */
import type { Node as PMNode } from '@tiptap/pm/model'
import type { EditorState } from '@tiptap/pm/state'
import { docSections, type Section } from '../../../shared/compose/sections'
import type { DocNode } from '../../../shared/doc'
import { isImageId } from '../editor/extensions/figure'

/** Context sent with a paragraph action, each side (the service trims it further). */
const CONTEXT_CHARS = 20_000

export function liveSections(doc: PMNode): Section[] {
  return docSections(doc.toJSON() as DocNode)
}

/** Position after top-level block `index`. */
export function posAfterBlock(doc: PMNode, index: number): number {
  let pos = 0
  for (let i = 0; i <= index && i < doc.childCount; i++) pos += doc.child(i).nodeSize
  return pos
}

/** The section a block at top-level `index` follows: the last one ending before it (else the first). */
export function sectionBefore(sections: readonly Section[], index: number): Section | null {
  let found: Section | null = sections[0] ?? null
  for (const s of sections) if (s.last < index) found = s
  return found
}

/** The section holding top-level block `index` (or the nearest one before it). */
export function sectionAt(sections: readonly Section[], index: number): Section | null {
  return sections.find((s) => s.first <= index && index <= s.last) ?? sectionBefore(sections, index)
}

/** Whether the document holds no text (only empty paragraphs): a composition then replaces it. */
export function isBlank(doc: PMNode): boolean {
  let blank = true
  doc.forEach((node) => {
    if (node.type.name !== 'paragraph' || node.content.size > 0) blank = false
  })
  return blank
}

export interface DocImages {
  /** Every image a figure shows (never a candidate again). */
  used: string[]
  /** Captions of figures and suggestions, in order (new captions should not repeat them). */
  captions: string[]
  /** Figures with the section they follow, for the model's visual consistency. */
  figures: { section: number; imageId: string }[]
}

export function docImages(doc: PMNode, sections: readonly Section[] = liveSections(doc)): DocImages {
  const used = new Set<string>()
  const captions: string[] = []
  const figures: { section: number; imageId: string }[] = []
  doc.forEach((node, _offset, index) => {
    const visit = (n: PMNode) => {
      if (n.type.name === 'figure') {
        const id = n.attrs.imageId as unknown
        const caption = n.textContent.trim() || String(n.attrs.alt ?? '').trim()
        if (caption) captions.push(caption.slice(0, 2000))
        if (isImageId(id)) {
          const section = sectionBefore(sections, index)
          if (!used.has(id) && section) figures.push({ section: section.index, imageId: id })
          used.add(id)
        }
        return
      }
      if (n.type.name === 'composeSpot') {
        const caption = String(n.attrs.caption ?? '').trim()
        if (caption) captions.push(caption.slice(0, 2000))
        return
      }
      if (!n.isTextblock) n.forEach(visit)
    }
    visit(node)
  })
  return { used: [...used], captions: captions.slice(-100), figures: figures.slice(-30) }
}

export interface ParagraphTarget {
  /** Top-level block range and index. */
  from: number
  to: number
  index: number
  text: string
  before: string
  after: string
}

const textOf = (n: PMNode) => n.textBetween(0, n.content.size, '\n', '\n')
const isTextBlock = (n: PMNode) => n.type.name !== 'figure' && n.type.name !== 'composeSpot' && n.type.name !== 'horizontalRule'

/** The top-level text block holding the cursor (a paragraph, heading, list or quote), or null. */
export function paragraphAt(state: EditorState): ParagraphTarget | null {
  const { $from } = state.selection
  if ($from.depth === 0) return null
  const index = $from.index(0)
  const node = state.doc.child(index)
  if (!isTextBlock(node)) return null
  const text = textOf(node).trim()
  if (!text) return null
  const from = $from.before(1)
  const parts = (range: PMNode[]) => range.filter(isTextBlock).map(textOf).filter(Boolean).join('\n\n')
  const blocks: PMNode[] = []
  state.doc.forEach((n) => blocks.push(n))
  return {
    from,
    to: from + node.nodeSize,
    index,
    text,
    before: parts(blocks.slice(0, index)).slice(-CONTEXT_CHARS),
    after: parts(blocks.slice(index + 1)).slice(0, CONTEXT_CHARS),
  }
}
