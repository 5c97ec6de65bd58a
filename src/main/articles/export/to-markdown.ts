/**
 * TipTap JSON → Markdown, through mdast: the document becomes a syntax tree and mdast-util-to-markdown
 * writes it (escaping, fences, list markers). CommonMark plus GFM strikethrough; underline as `<u>`.
 * A figure is `![alt](images/FILE "caption")` in a paragraph of its own; list tightness is kept.
 */
import type { BlockContent, Heading, List, ListItem, Paragraph, PhrasingContent, Root, RootContent } from 'mdast'
import { gfmStrikethroughToMarkdown } from 'mdast-util-gfm-strikethrough'
import { toMarkdown as mdastToMarkdown } from 'mdast-util-to-markdown'
import type { DocNode } from '../../../shared/doc'
import { blockChildren, figureFallback, isTight, plainText, safeHref } from './doc-model'
import { buildInline, type InlineBuilder } from './inline-marks'

export interface RenderContext {
  /** The reference written for a figure's image (a relative path or a URL), or null when the image is missing. */
  imageSrc(imageId: string): string | null
}

export function toMarkdown(doc: DocNode, ctx: RenderContext, title?: string): string {
  const md = mdastToMarkdown(docToMdast(doc, ctx, title), {
    bullet: '-',
    emphasis: '*',
    strong: '*',
    fences: true,
    rule: '-',
    listItemIndent: 'one',
    extensions: [gfmStrikethroughToMarkdown()],
  })
  return md.trimEnd() + '\n'
}

export function docToMdast(doc: DocNode, ctx: RenderContext, title?: string): Root {
  const children: RootContent[] = []
  if (title) children.push({ type: 'heading', depth: 1, children: [{ type: 'text', value: title }] })
  children.push(...blocks(doc.content ?? [], ctx))
  return { type: 'root', children }
}

function blocks(nodes: DocNode[], ctx: RenderContext): BlockContent[] {
  return blockChildren(nodes).flatMap((n) => block(n, ctx))
}

function block(n: DocNode, ctx: RenderContext): BlockContent[] {
  switch (n.type) {
    case 'paragraph': {
      const children = inline(n.content ?? [])
      // An empty paragraph has no Markdown form (blank lines only separate blocks).
      return children.length ? [{ type: 'paragraph', children }] : []
    }
    case 'heading': {
      const depth = Math.min(6, Math.max(1, Number(n.attrs?.level) || 1)) as Heading['depth']
      return [{ type: 'heading', depth, children: inline(n.content ?? []) }]
    }
    case 'blockquote':
      return [{ type: 'blockquote', children: blocks(n.content ?? [], ctx) }]
    case 'bulletList':
    case 'orderedList':
      return [list(n, ctx)]
    case 'codeBlock': {
      const lang = typeof n.attrs?.language === 'string' && n.attrs.language ? n.attrs.language : null
      return [{ type: 'code', lang, value: plainText(n) }]
    }
    case 'horizontalRule':
      return [{ type: 'thematicBreak' }]
    case 'figure': {
      const src = ctx.imageSrc(String(n.attrs?.imageId ?? ''))
      if (src === null) {
        const fallback = figureFallback(n)
        return fallback.length ? [{ type: 'paragraph', children: inline(fallback) }] : []
      }
      const caption = plainText(n).replace(/\s+/g, ' ').trim()
      const image: PhrasingContent = { type: 'image', url: src, alt: String(n.attrs?.alt ?? ''), title: caption || null }
      return [{ type: 'paragraph', children: [image] }]
    }
    default:
      return n.content ? blocks(n.content, ctx) : []
  }
}

function list(n: DocNode, ctx: RenderContext): List {
  const tight = isTight(n)
  const items: ListItem[] = (n.content ?? []).map((item) => {
    const children = blocks(item.content ?? [], ctx)
    // Two paragraphs in one item need a blank line between them, which makes the item loose anyway.
    const needsSpread = children.some((c, i) => i > 0 && c.type !== 'list' && children[i - 1].type === 'paragraph')
    return { type: 'listItem', spread: !tight || needsSpread, children }
  })
  const out: List = { type: 'list', ordered: n.type === 'orderedList', spread: !tight, children: items }
  if (n.type === 'orderedList') out.start = Number(n.attrs?.start) || 1
  return out
}

const mdastBuilder: InlineBuilder<PhrasingContent> = {
  text: (value) => ({ type: 'text', value }),
  code: (value) => ({ type: 'inlineCode', value }),
  hardBreak: () => ({ type: 'break' }),
  wrap(mark, children) {
    switch (mark.type) {
      case 'bold':
        return [{ type: 'strong', children }]
      case 'italic':
        return [{ type: 'emphasis', children }]
      case 'strike':
        return [{ type: 'delete', children }]
      case 'underline':
        // Markdown has no underline; inline HTML keeps it (and Folio reads it back).
        return [{ type: 'html', value: '<u>' }, ...children, { type: 'html', value: '</u>' }]
      case 'link': {
        const href = safeHref(String(mark.attrs?.href ?? ''))
        // An unsafe target (javascript: …) keeps its text and loses its link, as in every export.
        return href ? [{ type: 'link', url: href, children }] : children
      }
      default:
        return children
    }
  },
}

function inline(nodes: DocNode[]): Paragraph['children'] {
  return buildInline(nodes, mdastBuilder)
}
