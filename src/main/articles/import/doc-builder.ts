/**
 * What every importer shares: building TipTap JSON that the editor's schema accepts (figures as
 * blocks, list items starting with a paragraph, headings 1–3, tidy text), warnings, and images as
 * placeholders until the import service has brought them into the library.
 */
import type { DocMark, DocNode } from '../../../shared/doc'

/** Warnings for the user, each said once (with how often it happened). */
export class Warnings {
  private readonly counts = new Map<string, number>()

  add(message: string): void {
    this.counts.set(message, (this.counts.get(message) ?? 0) + 1)
  }

  list(): string[] {
    return [...this.counts].map(([m, n]) => (n > 1 ? `${m} (${n} times)` : m))
  }
}

/** An image in the source, before it is in the library: `{ type: 'image', attrs: { src, alt, title } }` inline. */
export const IMAGE = 'image'

export function imageRef(src: string, alt: string, title: string | null): DocNode {
  return { type: IMAGE, attrs: { src, alt, title } }
}

/** A figure waiting for its image: attrs.src is replaced by attrs.imageId once imported. */
export function pendingFigure(src: string, alt: string, caption: DocNode[]): DocNode {
  const fig: DocNode = { type: 'figure', attrs: { imageId: null, alt, width: null, src } }
  if (caption.length) fig.content = caption
  return fig
}

export function isPendingFigure(n: DocNode): boolean {
  return n.type === 'figure' && typeof n.attrs?.src === 'string'
}

export function text(value: string, marks: DocMark[]): DocNode {
  return marks.length ? { type: 'text', text: value, marks: marks.map((m) => ({ ...m })) } : { type: 'text', text: value }
}

export function paragraph(content: DocNode[]): DocNode {
  return content.length ? { type: 'paragraph', content } : { type: 'paragraph' }
}

/** Link targets that may enter a document: the editor's own rule (http, https, mailto). */
export function allowedHref(href: string): string | null {
  const h = href.trim()
  try {
    const u = new URL(h)
    return u.protocol === 'http:' || u.protocol === 'https:' || u.protocol === 'mailto:' ? h : null
  } catch {
    return null
  }
}

export function linkMark(href: string, warn: Warnings): DocMark | null {
  const ok = allowedHref(href)
  if (ok) return { type: 'link', attrs: { href: ok } }
  if (/^\s*(javascript|vbscript|data):/i.test(href)) warn.add(`Removed a ${href.trim().split(':')[0].toLowerCase()}: link (its text was kept): imported content never runs`)
  else if (href.trim()) warn.add(`Kept as plain text: links that are not web or e-mail addresses (such as "${href.trim().slice(0, 60)}")`)
  return null
}

/** Heading levels the editor has (1–3); deeper headings become level 3. */
export function headingLevel(level: number, warn: Warnings): number {
  if (level > 3) warn.add('Headings of levels 4–6 became level-3 headings (the editor has three levels)')
  return Math.min(3, Math.max(1, level))
}

/**
 * A paragraph's inline content with images in it → blocks: an image on its own becomes a figure
 * (its title the caption); text around an image stays in paragraphs before and after it.
 */
export function inlineToBlocks(inline: DocNode[], wrap: (content: DocNode[]) => DocNode = paragraph): DocNode[] {
  const out: DocNode[] = []
  let run: DocNode[] = []
  const flush = () => {
    const tidy = tidyInline(run)
    if (tidy.length) out.push(wrap(tidy))
    run = []
  }
  for (const n of inline) {
    if (n.type !== IMAGE) {
      run.push(n)
      continue
    }
    flush()
    const title = typeof n.attrs?.title === 'string' ? n.attrs.title.trim() : ''
    out.push(pendingFigure(String(n.attrs?.src ?? ''), String(n.attrs?.alt ?? ''), title ? [{ type: 'text', text: title }] : []))
  }
  flush()
  return out
}

const sameMarks = (a: DocMark[] | undefined, b: DocMark[] | undefined) => JSON.stringify(a ?? []) === JSON.stringify(b ?? [])

/**
 * Tidies inline content: neighbouring texts with the same marks merged, no empty texts, no spaces
 * at the start or end of the block or around line breaks.
 */
export function tidyInline(nodes: DocNode[]): DocNode[] {
  const out: DocNode[] = []
  for (const n of nodes) {
    if (n.type === 'text') {
      if (!n.text) continue
      const prev = out[out.length - 1]
      if (prev?.type === 'text' && sameMarks(prev.marks, n.marks)) {
        out[out.length - 1] = { ...prev, text: (prev.text ?? '') + n.text }
        continue
      }
    }
    out.push(n)
  }
  const trimAt = (i: number, side: 'start' | 'end') => {
    const n = out[i]
    if (n?.type !== 'text' || n.marks?.some((m) => m.type === 'code')) return
    const t = side === 'start' ? (n.text ?? '').replace(/^[ \t\n]+/, '') : (n.text ?? '').replace(/[ \t\n]+$/, '')
    if (t) out[i] = { ...n, text: t }
    else out.splice(i, 1)
  }
  trimAt(out.length - 1, 'end')
  trimAt(0, 'start')
  for (let i = out.length - 1; i >= 0; i--) {
    if (out[i].type !== 'hardBreak') continue
    if (i + 1 < out.length) trimAt(i + 1, 'start')
    if (i > 0) trimAt(i - 1, 'end')
  }
  // Trailing line breaks show nothing; drop them.
  while (out.length && out[out.length - 1].type === 'hardBreak') out.pop()
  return out
}

/** A list item's content must start with a paragraph (the editor's schema: `paragraph block*`). */
export function listItem(blocks: DocNode[]): DocNode {
  const content = blocks[0]?.type === 'paragraph' ? blocks : [paragraph([]), ...blocks]
  return { type: 'listItem', content }
}

/** Containers the schema requires to hold at least one block. */
export function nonEmpty(blocks: DocNode[]): DocNode[] {
  return blocks.length ? blocks : [paragraph([])]
}

/** The first block as the title when it is a level-1 heading (the form every Folio export writes). */
export function takeTitle(blocks: DocNode[]): { title: string | null; blocks: DocNode[] } {
  const first = blocks[0]
  if (first?.type !== 'heading' || Number(first.attrs?.level) !== 1) return { title: null, blocks }
  const title = plain(first).replace(/\s+/g, ' ').trim()
  return title ? { title, blocks: blocks.slice(1) } : { title: null, blocks }
}

export function plain(n: DocNode): string {
  if (n.type === 'text') return n.text ?? ''
  if (n.type === 'hardBreak') return '\n'
  return (n.content ?? []).map(plain).join('')
}

const CJK = /[\u3000-\u303f\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]/

/** A soft line break inside a paragraph reads as a space, except between two CJK characters. */
export function softBreaks(s: string): string {
  return s.replace(/[ \t]*\r?\n[ \t]*/g, (m, offset: number) => {
    const before = s[offset - 1] ?? ''
    const after = s[offset + m.length] ?? ''
    return CJK.test(before) && CJK.test(after) ? '' : ' '
  })
}

/** Converted document (pending figures still carry `src`), with the title it names, if any. */
export interface Converted {
  blocks: DocNode[]
  title: string | null
}
