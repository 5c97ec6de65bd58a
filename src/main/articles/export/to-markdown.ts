import type { DocMark, DocNode } from '../../../shared/doc'
import { safeHref } from './to-html'

export interface RenderContext {
  /** Relative path of a library image in the exported bundle (e.g. images/img_….png). */
  imagePath(imageId: string): string
}

/** TipTap JSON → CommonMark (+ GFM strikethrough). Figures become an image and an italic caption. */
export function toMarkdown(doc: DocNode, ctx: RenderContext, title?: string): string {
  const body = blocks(doc.content ?? [], ctx).join('\n\n')
  const head = title ? `# ${escapeInline(title)}\n\n` : ''
  return `${head}${body}`.trimEnd() + '\n'
}

function blocks(nodes: DocNode[], ctx: RenderContext): string[] {
  return nodes.map((n) => block(n, ctx)).filter((s) => s !== null) as string[]
}

function block(n: DocNode, ctx: RenderContext): string | null {
  switch (n.type) {
    case 'paragraph':
      return escapeLineStart(inline(n.content ?? []))
    case 'heading': {
      const level = Math.min(6, Math.max(1, Number(n.attrs?.level) || 1))
      return `${'#'.repeat(level)} ${inline(n.content ?? [])}`
    }
    case 'blockquote':
      return blocks(n.content ?? [], ctx)
        .join('\n\n')
        .split('\n')
        .map((l) => (l ? `> ${l}` : '>'))
        .join('\n')
    case 'bulletList':
      return list(n, ctx, () => '- ')
    case 'orderedList': {
      const start = Number(n.attrs?.start) || 1
      return list(n, ctx, (i) => `${start + i}. `)
    }
    case 'codeBlock': {
      const text = (n.content ?? []).map((c) => c.text ?? '').join('')
      const fence = text.includes('```') ? '~~~~' : '```'
      return `${fence}${String(n.attrs?.language ?? '')}\n${text}\n${fence}`
    }
    case 'horizontalRule':
      return '---'
    case 'figure': {
      const id = String(n.attrs?.imageId ?? '')
      const alt = escapeInline(String(n.attrs?.alt ?? ''))
      const caption = inline(n.content ?? [])
      const img = `![${alt}](${encodeURI(ctx.imagePath(id))})`
      return caption ? `${img}\n\n*${caption}*` : img
    }
    default:
      return n.content ? blocks(n.content, ctx).join('\n\n') : null
  }
}

function list(n: DocNode, ctx: RenderContext, marker: (i: number) => string): string {
  return (n.content ?? [])
    .map((item, i) => {
      const m = marker(i)
      const inner = blocks(item.content ?? [], ctx).join('\n\n')
      return inner
        .split('\n')
        .map((l, j) => (j === 0 ? m + l : l ? ' '.repeat(m.length) + l : ''))
        .join('\n')
    })
    .join('\n')
}

function inline(nodes: DocNode[]): string {
  return nodes
    .map((n) => {
      if (n.type === 'hardBreak') return '\\\n'
      if (n.type !== 'text') return ''
      return applyMarks(n.text ?? '', n.marks ?? [])
    })
    .join('')
}

function applyMarks(text: string, marks: DocMark[]): string {
  const code = marks.some((m) => m.type === 'code')
  let s = code ? `\`${text.replace(/`/g, '\u200b`')}\`` : escapeInline(text)
  for (const m of marks) {
    if (m.type === 'bold') s = `**${s}**`
    else if (m.type === 'italic') s = `*${s}*`
    else if (m.type === 'strike') s = `~~${s}~~`
    else if (m.type === 'underline') s = `<u>${s}</u>`
  }
  const link = marks.find((m) => m.type === 'link')
  // Same rule as the HTML export: a javascript: (or other unsafe) target keeps its text, loses its link.
  const href = link ? safeHref(String(link.attrs?.href ?? '')) : null
  if (href) s = `[${s}](${linkDestination(href)})`
  return s
}

/** Parentheses and spaces would end the destination early; encodeURIComponent leaves parentheses alone. */
function linkDestination(href: string): string {
  return href.replace(/[()<>\s]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`)
}

function escapeInline(s: string): string {
  // `&` only where it would start an entity: "AT&T" stays readable, a literal "&copy;" stays literal.
  return s.replace(/([\\`*_[\]<>~|])/g, '\\$1').replace(/&(?=#?[0-9A-Za-z]+;)/g, '\\&')
}

/**
 * Text that would start a block (heading, list item, quote, rule) at the beginning of a line is
 * escaped. Every line, not only the first: a hard break starts a new line, and headings and list
 * items may interrupt a paragraph. Only punctuation can be backslash-escaped in CommonMark, so an
 * ordered-list marker keeps its digits and escapes the dot (`1\. `; `\1. ` would show the backslash).
 */
function escapeLineStart(s: string): string {
  return s
    .split('\n')
    .map((line) =>
      line
        .replace(/^(\d{1,9})([.)])(?=\s|$)/, '$1\\$2')
        .replace(/^(#{1,6}(?=\s|$)|[-+](?=\s|$)|>|=+\s*$|---)/, '\\$1'),
    )
    .join('\n')
}
