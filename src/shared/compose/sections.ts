/**
 * The article as numbered sections (what spotting points at) and the writer's plain text as
 * document blocks. Shared: the editor splits its live document the same way the service splits a
 * saved one, so section numbers mean the same thing on both sides.
 */
import type { DocNode } from '../doc'
import { docText } from '../doc-text'
import { MAX_SECTIONS } from '../limits'

export interface Section {
  index: number
  text: string
  /** Top-level block indexes this section covers (an image for it goes after block `last`). */
  first: number
  last: number
}

/** Blocks that are not text to illustrate: figures, suggestions, rules. */
const NON_TEXT = new Set(['figure', 'composeSpot', 'horizontalRule'])

/**
 * Sections of a document: each text block (paragraph, list, quote, code) is a section; a heading
 * joins the section that follows it (a picture right under a heading reads badly). Beyond `max`
 * sections, neighbours are grouped evenly into `max`.
 */
export function docSections(doc: DocNode, max = MAX_SECTIONS): Section[] {
  const blocks = doc.content ?? []
  const raw: Section[] = []
  let pending: { first: number; last: number; text: string[] } | null = null
  blocks.forEach((block, i) => {
    if (NON_TEXT.has(block.type)) return
    const text = docText(block).trim()
    if (!text) return
    if (block.type === 'heading') {
      if (!pending) pending = { first: i, last: i, text: [] }
      pending.text.push(text)
      pending.last = i
      return
    }
    const first = pending ? pending.first : i
    const parts = pending ? [...pending.text, text] : [text]
    pending = null
    raw.push({ index: raw.length, text: parts.join('\n'), first, last: i })
  })
  if (pending) {
    // Headings at the very end: an image goes after the last heading, not after whatever follows it.
    const p = pending as { first: number; last: number; text: string[] }
    raw.push({ index: raw.length, text: p.text.join('\n'), first: p.first, last: p.last })
  }
  if (raw.length <= max) return raw
  const grouped: Section[] = []
  for (let g = 0; g < max; g++) {
    const from = Math.floor((g * raw.length) / max)
    const to = Math.floor(((g + 1) * raw.length) / max) - 1
    const part = raw.slice(from, to + 1)
    grouped.push({ index: g, text: part.map((s) => s.text).join('\n\n'), first: part[0].first, last: part[part.length - 1].last })
  }
  return grouped
}

/** The first `# heading` line of a written article, used as its title and removed from the body. */
export function splitTitle(text: string): { title: string | null; body: string } {
  const m = /^\s*#{1,3}[ \t]+([^\n]+)\n?/.exec(text)
  if (!m) return { title: null, body: text }
  return { title: m[1].replace(/[#*_`]+/g, '').trim().slice(0, 300) || null, body: text.slice(m[0].length) }
}

// Control characters other than tab and newline (a model can emit them) never enter the document.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/g
const BULLET = /^[-*+•][ \t]+(.*)$/
const ORDERED = /^\d{1,3}[.)][ \t]+(.*)$/
// `---`, `***`, `* * *`: a thematic break, not a list item or a paragraph of dashes.
const RULE = /^([-*_])(?:[ \t]*\1){2,}$/

/**
 * Whether a line of writer text is a list item. textToBlocks joins consecutive list items into one
 * list, so a streamed list is only final once a non-list line follows it.
 */
export function isListLine(line: string): boolean {
  const l = line.trim()
  return !RULE.test(l) && (BULLET.test(l) || ORDERED.test(l))
}

/**
 * Plain text from the writer (light Markdown: `#` headings, `-`/`1.` lists, `>` quotes, `**bold**`,
 * `*italic*`) as TipTap blocks. Every non-empty line is a block of its own: models separate
 * paragraphs with one newline as often as with two.
 */
export function textToBlocks(text: string): DocNode[] {
  const out: DocNode[] = []
  let list: { type: 'bulletList' | 'orderedList'; items: DocNode[] } | null = null
  const closeList = () => {
    if (list) out.push({ type: list.type, content: list.items })
    list = null
  }
  for (const rawLine of text.replace(CONTROL, '').split('\n')) {
    const line = rawLine.trim()
    if (!line) {
      closeList()
      continue
    }
    if (RULE.test(line)) {
      closeList()
      out.push({ type: 'horizontalRule' })
      continue
    }
    const heading = /^(#{1,6})[ \t]+(.*)$/.exec(line)
    const bullet = BULLET.exec(line)
    const ordered = ORDERED.exec(line)
    const quote = /^>[ \t]?(.*)$/.exec(line)
    if (bullet || ordered) {
      const type = bullet ? 'bulletList' : 'orderedList'
      if (list && list.type !== type) closeList()
      if (!list) list = { type, items: [] }
      const content = inline((bullet ?? ordered)![1])
      list.items.push({ type: 'listItem', content: [{ type: 'paragraph', ...(content.length ? { content } : {}) }] })
      continue
    }
    closeList()
    if (heading) {
      const content = inline(heading[2].replace(/\s+#+\s*$/, ''))
      if (content.length) out.push({ type: 'heading', attrs: { level: Math.min(3, heading[1].length) }, content })
    } else if (quote) {
      const content = inline(quote[1])
      if (content.length) out.push({ type: 'blockquote', content: [{ type: 'paragraph', content }] })
    } else {
      const content = inline(line)
      if (content.length) out.push({ type: 'paragraph', content })
    }
  }
  closeList()
  return out
}

/** `**bold**` and `*italic*` / `_italic_` as marks; unmatched markers stay as typed. */
export function inline(s: string): DocNode[] {
  const nodes: DocNode[] = []
  const re = /\*\*([^*\n]+?)\*\*|(?<![\w*])\*([^*\n]+?)\*(?!\*)|(?<![\w_])_([^_\n]+?)_(?![\w_])/g
  let last = 0
  for (let m = re.exec(s); m; m = re.exec(s)) {
    if (m.index > last) nodes.push({ type: 'text', text: s.slice(last, m.index) })
    if (m[1] !== undefined) nodes.push({ type: 'text', text: m[1], marks: [{ type: 'bold' }] })
    else nodes.push({ type: 'text', text: m[2] ?? m[3], marks: [{ type: 'italic' }] })
    last = m.index + m[0].length
  }
  if (last < s.length) nodes.push({ type: 'text', text: s.slice(last) })
  return nodes.filter((n) => n.text !== '')
}
