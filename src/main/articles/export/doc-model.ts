/** Facts about Folio's document model (TipTap JSON) that every converter shares. */
import type { DocNode } from '../../../shared/doc'

/**
 * Nodes that exist only while editing: a `composeSpot` is a pending image suggestion from
 * composition, not content, so no export writes it.
 */
const EDITING_ONLY = new Set(['composeSpot'])

export function blockChildren(nodes: DocNode[]): DocNode[] {
  return nodes.filter((n) => !EDITING_ONLY.has(n.type))
}

/** The text of a node's inline content (a caption, a code block). */
export function plainText(n: DocNode): string {
  if (n.type === 'text') return n.text ?? ''
  if (n.type === 'hardBreak') return '\n'
  return (n.content ?? []).map(plainText).join('')
}

/**
 * A list is tight (no blank lines between items in Markdown) unless it says otherwise; lists made in
 * the editor are tight. Imported loose lists carry `tight: false`.
 */
export function isTight(list: DocNode): boolean {
  return list.attrs?.tight !== false
}

/**
 * What is left of a figure whose image is no longer in the library: its caption (with its
 * formatting), else its alt text, so no words are lost.
 */
export function figureFallback(figure: DocNode): DocNode[] {
  const caption = (figure.content ?? []).filter((c) => c.type === 'text' || c.type === 'hardBreak')
  if (caption.some((c) => (c.text ?? '').trim() !== '')) return caption
  const alt = String(figure.attrs?.alt ?? '').trim()
  return alt ? [{ type: 'text', text: alt }] : []
}

/** Link targets an export may write: the web, e-mail and in-page anchors; never javascript:, data: or file:. */
export function safeHref(href: string): string | null {
  const h = href.trim()
  if (/^(https?:|mailto:)/i.test(h) || h.startsWith('#')) return h
  return null
}

/** Scripts written right to left (Hebrew, Arabic, Syriac, Thaana, N'Ko …). */
const RTL = /[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]/
const LTR = /[A-Za-z\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]/

/** The direction of a text by its first strong character (the Unicode bidi rule P2), or null when it has none. */
export function textDirection(text: string): 'rtl' | 'ltr' | null {
  for (const ch of text) {
    if (RTL.test(ch)) return 'rtl'
    if (LTR.test(ch)) return 'ltr'
  }
  return null
}
