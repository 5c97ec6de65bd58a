/**
 * Markdown → TipTap JSON. micromark parses (CommonMark + GFM strikethrough) into mdast; this file
 * only maps mdast nodes to the editor's nodes. `![alt](src "caption")` alone in a paragraph is a
 * figure; loose lists keep `tight: false`; HTML inside the Markdown goes through the HTML importer
 * (so scripts and event handlers are dropped the same way).
 */
import type { Definition, List, Nodes, Parents, PhrasingContent, Root, RootContent } from 'mdast'
import { fromMarkdown } from 'mdast-util-from-markdown'
import { gfmStrikethroughFromMarkdown } from 'mdast-util-gfm-strikethrough'
import { gfmStrikethrough } from 'micromark-extension-gfm-strikethrough'
import type { DocMark, DocNode } from '../../../shared/doc'
import {
  headingLevel,
  imageRef,
  inlineToBlocks,
  linkMark,
  listItem,
  nonEmpty,
  softBreaks,
  takeTitle,
  text,
  type Converted,
  type Warnings,
} from './doc-builder'
import { htmlFragmentToBlocks, htmlInlineImage } from './from-html'

export function markdownToDoc(markdown: string, warn: Warnings): Converted {
  const tree = fromMarkdown(markdown, {
    extensions: [gfmStrikethrough({ singleTilde: false })],
    mdastExtensions: [gfmStrikethroughFromMarkdown()],
  })
  const ctx: Ctx = { warn, definitions: definitions(tree) }
  const { title, blocks } = takeTitle(flow(tree.children, ctx))
  return { title, blocks }
}

interface Ctx {
  warn: Warnings
  definitions: Map<string, Definition>
}

function definitions(tree: Root): Map<string, Definition> {
  const out = new Map<string, Definition>()
  const visit = (n: Nodes) => {
    if (n.type === 'definition' && !out.has(n.identifier)) out.set(n.identifier, n)
    if ('children' in n) for (const c of (n as Parents).children) visit(c as Nodes)
  }
  visit(tree)
  return out
}

function flow(nodes: RootContent[], ctx: Ctx): DocNode[] {
  return nodes.flatMap((n) => block(n, ctx))
}

function block(n: RootContent, ctx: Ctx): DocNode[] {
  switch (n.type) {
    case 'paragraph':
      return inlineToBlocks(phrasing(n.children, [], ctx))
    case 'heading': {
      const level = headingLevel(n.depth, ctx.warn)
      // An image in a heading cannot stay there (figures are blocks): it follows the heading.
      return inlineToBlocks(phrasing(n.children, [], ctx), (content) => ({ type: 'heading', attrs: { level }, content }))
    }
    case 'blockquote':
      return [{ type: 'blockquote', content: nonEmpty(flow(n.children, ctx)) }]
    case 'list':
      return [list(n, ctx)]
    case 'code': {
      const node: DocNode = { type: 'codeBlock', attrs: { language: n.lang || null } }
      if (n.value) node.content = [{ type: 'text', text: n.value }]
      return [node]
    }
    case 'thematicBreak':
      return [{ type: 'horizontalRule' }]
    case 'html':
      return htmlFragmentToBlocks(n.value, ctx.warn)
    case 'definition':
      return []
    default:
      // Anything else with content (a future extension's node): keep its text.
      return 'children' in n ? flow((n as Parents).children as RootContent[], ctx) : []
  }
}

function list(n: List, ctx: Ctx): DocNode {
  const ordered = n.ordered === true
  const attrs: Record<string, unknown> = { tight: !n.spread }
  if (ordered) attrs.start = n.start ?? 1
  const items = n.children.map((item) => listItem(flow(item.children, ctx)))
  return { type: ordered ? 'orderedList' : 'bulletList', attrs, content: items }
}

const MARK: Record<string, DocMark> = { emphasis: { type: 'italic' }, strong: { type: 'bold' }, delete: { type: 'strike' } }

/** Inline mdast → text nodes with marks (images as placeholders for inlineToBlocks). */
function phrasing(nodes: PhrasingContent[], marks: DocMark[], ctx: Ctx): DocNode[] {
  const out: DocNode[] = []
  // `<u>…</u>` written as inline HTML (Folio's own Markdown export does this for underline).
  let underline = false
  const current = () => (underline ? [...marks, { type: 'underline' }] : marks)
  for (const n of nodes) {
    switch (n.type) {
      case 'text':
        out.push(text(softBreaks(n.value), current()))
        break
      case 'emphasis':
      case 'strong':
      case 'delete':
        out.push(...phrasing(n.children, [...current(), MARK[n.type]], ctx))
        break
      case 'inlineCode':
        out.push(text(n.value, [...current(), { type: 'code' }]))
        break
      case 'break':
        out.push({ type: 'hardBreak' })
        break
      case 'link':
      case 'linkReference': {
        const url = n.type === 'link' ? n.url : (ctx.definitions.get(n.identifier)?.url ?? '')
        const link = linkMark(url, ctx.warn)
        out.push(...phrasing(n.children, link ? [...current(), link] : current(), ctx))
        break
      }
      case 'image':
        out.push(imageRef(n.url, n.alt ?? '', n.title ?? null))
        break
      case 'imageReference': {
        const def = ctx.definitions.get(n.identifier)
        if (def) out.push(imageRef(def.url, n.alt ?? '', def.title ?? null))
        break
      }
      case 'html': {
        const tag = n.value.trim().toLowerCase()
        if (/^<u\s*>$/.test(tag)) underline = true
        else if (/^<\/u\s*>$/.test(tag)) underline = false
        else if (/^<br\s*\/?>$/.test(tag)) out.push({ type: 'hardBreak' })
        else {
          const img = htmlInlineImage(n.value)
          if (img) out.push(img)
          else if (/^<\s*script/.test(tag)) ctx.warn.add('Removed scripts: imported content never runs')
          // Other inline tags are dropped; the text between them stays.
        }
        break
      }
      default:
        if ('children' in n) out.push(...phrasing((n as { children: PhrasingContent[] }).children, current(), ctx))
    }
  }
  return out
}
