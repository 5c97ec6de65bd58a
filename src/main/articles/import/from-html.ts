/**
 * HTML → TipTap JSON. parse5 (through hast-util-from-html) parses the way a browser does, repairing
 * malformed markup; this file maps elements to the editor's nodes by an allow-list. Everything else
 * is dropped: scripts, styles, frames, objects, forms and every attribute but href/src/alt/title/
 * start, so imported content never runs. Links keep only http(s) and mailto targets.
 */
import type { Element, ElementContent, Nodes, Root, RootContent } from 'hast'
import { fromHtml } from 'hast-util-from-html'
import type { DocMark, DocNode } from '../../../shared/doc'
import { FolioError } from '../../../shared/errors'
import {
  headingLevel,
  imageRef,
  inlineToBlocks,
  linkMark,
  listItem,
  nonEmpty,
  paragraph,
  takeTitle,
  text,
  type Converted,
  type Warnings,
} from './doc-builder'

/** Removed with everything inside them. */
const DROP = new Set([
  'head', 'title', 'meta', 'link', 'base', 'style', 'script', 'noscript', 'template', 'iframe', 'frame', 'frameset',
  'object', 'embed', 'applet', 'param', 'svg', 'math', 'canvas', 'video', 'audio', 'source', 'track', 'picture-source',
  'map', 'area', 'input', 'button', 'select', 'textarea', 'option', 'optgroup', 'datalist', 'output', 'progress',
  'meter', 'dialog', 'slot', 'portal',
])
/** Elements that could run something or load a page; their removal is reported. */
const ACTIVE = new Set(['script', 'iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'portal'])
/** Block containers whose children are read as blocks. */
const CONTAINER = new Set([
  'html', 'body', 'div', 'section', 'article', 'main', 'header', 'footer', 'aside', 'nav', 'center', 'details', 'summary',
  'hgroup', 'search', 'form', 'fieldset', 'legend', 'label', 'dl', 'dt', 'dd', 'caption', 'li', 'tbody', 'thead', 'tfoot',
  'figcaption', 'picture', 'address',
])
const BLOCK = new Set(['p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'ul', 'ol', 'menu', 'pre', 'hr', 'figure', 'table', ...CONTAINER])
const INLINE_MARK: Record<string, DocMark> = {
  strong: { type: 'bold' },
  b: { type: 'bold' },
  em: { type: 'italic' },
  i: { type: 'italic' },
  cite: { type: 'italic' },
  dfn: { type: 'italic' },
  var: { type: 'italic' },
  s: { type: 'strike' },
  strike: { type: 'strike' },
  del: { type: 'strike' },
  u: { type: 'underline' },
  ins: { type: 'underline' },
  code: { type: 'code' },
  kbd: { type: 'code' },
  samp: { type: 'code' },
  tt: { type: 'code' },
}
/** Doc depth a list or quote may reach; deeper ones are flattened (the document limit is 64). */
const MAX_DOC_DEPTH = 48
/** Element nesting read before the rest of a subtree is kept as plain text. */
const MAX_ELEMENT_DEPTH = 400
/** DOCX captions (see from-docx.ts) arrive as <p class="folio-caption">. */
export const CAPTION_CLASS = 'folio-caption'

interface Ctx {
  warn: Warnings
  /** How deep in the document the blocks being built will sit. */
  docDepth: number
  elementDepth: number
  /** Paragraphs that were captions in the source, joined to the figure before them. */
  captions: WeakSet<DocNode>
}

export function htmlToDoc(html: string, warn: Warnings): Converted {
  const errors: string[] = []
  const tree = parse(() =>
    fromHtml(html, {
      onerror: (e) => void errors.push(`${e.reason} (line ${e.line ?? '?'})`),
      missingDoctype: false,
    }),
  )
  if (errors.length) {
    warn.add(`The HTML had ${errors.length} markup error${errors.length > 1 ? 's' : ''} (first: ${errors[0]}); it was read the way a browser reads it`)
  }
  const ctx = newCtx(warn)
  const head = findElement(tree, 'head')
  if (head) reportActive(head, warn)
  const body = findElement(tree, 'body')
  const blocks = joinCaptions(flow(body ? body.children : tree.children, ctx), ctx)
  const taken = takeTitle(blocks)
  const headTitle = findElement(tree, 'title')
  const title = taken.title ?? (headTitle ? textContent(headTitle).replace(/\s+/g, ' ').trim() || null : null)
  return { title, blocks: taken.blocks }
}

/** HTML written inside Markdown: blocks, read by the same rules. */
export function htmlFragmentToBlocks(html: string, warn: Warnings): DocNode[] {
  const ctx = newCtx(warn)
  return joinCaptions(flow(parse(() => fromHtml(html, { fragment: true })).children, ctx), ctx)
}

/** The parser's tree conversion recurses: thousands of nested elements overflow the stack. */
function parse(run: () => Root): Root {
  try {
    return run()
  } catch (e) {
    if (e instanceof RangeError) throw new FolioError('INVALID_INPUT', 'The HTML is nested too deeply to import (thousands of elements inside each other).')
    throw e
  }
}

/** An `<img …>` tag on its own (inline HTML in Markdown) → an image placeholder. */
export function htmlInlineImage(html: string): DocNode | null {
  const root = fromHtml(html, { fragment: true })
  const img = root.children.find((c): c is Element => c.type === 'element' && c.tagName === 'img')
  return img ? imgRef(img) : null
}

function newCtx(warn: Warnings): Ctx {
  return { warn, docDepth: 1, elementDepth: 0, captions: new WeakSet() }
}

function findElement(n: Root | Element, tag: string): Element | null {
  const stack: (Root | Element)[] = [n]
  while (stack.length) {
    const cur = stack.pop() as Root | Element
    for (const c of cur.children) {
      if (c.type !== 'element') continue
      if (c.tagName === tag) return c
      stack.push(c)
    }
  }
  return null
}

/** All text below a node, iteratively (safe on any depth). */
function textContent(n: Nodes): string {
  let out = ''
  const stack: Nodes[] = [n]
  while (stack.length) {
    const cur = stack.pop() as Nodes
    if (cur.type === 'text') out += cur.value
    else if (cur.type === 'element' && cur.tagName === 'br') out += '\n'
    else if ('children' in cur && (cur === n || !(cur.type === 'element' && DROP.has(cur.tagName)))) {
      for (let i = cur.children.length - 1; i >= 0; i--) stack.push(cur.children[i] as Nodes)
    }
  }
  return out
}

/** Scripts and frames in a part that is not read (the head) are reported too. */
function reportActive(n: Element, warn: Warnings): void {
  const stack: Element[] = [n]
  while (stack.length) {
    const cur = stack.pop() as Element
    if (ACTIVE.has(cur.tagName)) warn.add(`Removed <${cur.tagName}> elements: imported content never runs`)
    for (const c of cur.children) if (c.type === 'element') stack.push(c)
  }
}

function classes(el: Element): string[] {
  const c: unknown = el.properties?.className
  return Array.isArray(c) ? c.map(String) : typeof c === 'string' ? c.split(/\s+/) : []
}

function dropped(el: Element, ctx: Ctx): boolean {
  if (!DROP.has(el.tagName)) return false
  if (ACTIVE.has(el.tagName)) ctx.warn.add(`Removed <${el.tagName}> elements: imported content never runs`)
  return true
}

/** Children read as blocks: runs of inline content become paragraphs. */
function flow(children: (RootContent | ElementContent)[], ctx: Ctx): DocNode[] {
  const out: DocNode[] = []
  let run: DocNode[] = []
  const flush = () => {
    if (run.length) out.push(...inlineToBlocks(run))
    run = []
  }
  for (const c of children) {
    if (c.type === 'text') run.push(...inlineText(c.value, []))
    else if (c.type === 'element') {
      if (dropped(c, ctx)) continue
      if (BLOCK.has(c.tagName)) {
        flush()
        out.push(...block(c, ctx))
      } else run.push(...inline(c, [], ctx))
    }
  }
  flush()
  return out
}

function deeper(ctx: Ctx, docLevels: number): Ctx {
  return { ...ctx, docDepth: ctx.docDepth + docLevels, elementDepth: ctx.elementDepth + 1 }
}

function block(el: Element, ctx: Ctx): DocNode[] {
  if (ctx.elementDepth > MAX_ELEMENT_DEPTH) {
    ctx.warn.add(`Elements nested more than ${MAX_ELEMENT_DEPTH} levels deep were kept as plain text`)
    const t = textContent(el).replace(/\s+/g, ' ').trim()
    return t ? [paragraph([{ type: 'text', text: t }])] : []
  }
  const tag = el.tagName
  switch (tag) {
    case 'p': {
      const blocks = inlineToBlocks(inlineChildren(el, [], ctx))
      if (classes(el).includes(CAPTION_CLASS)) for (const b of blocks) if (b.type === 'paragraph') ctx.captions.add(b)
      return blocks
    }
    case 'h1':
    case 'h2':
    case 'h3':
    case 'h4':
    case 'h5':
    case 'h6': {
      const level = headingLevel(Number(tag.slice(1)), ctx.warn)
      return inlineToBlocks(inlineChildren(el, [], ctx), (content) => ({ type: 'heading', attrs: { level }, content }))
    }
    case 'blockquote':
      if (ctx.docDepth + 2 > MAX_DOC_DEPTH) return flattened(el, ctx)
      return [{ type: 'blockquote', content: nonEmpty(flow(el.children, deeper(ctx, 1))) }]
    case 'ul':
    case 'ol':
    case 'menu':
      if (ctx.docDepth + 3 > MAX_DOC_DEPTH) return flattened(el, ctx)
      return list(el, ctx)
    case 'pre':
      return [codeBlock(el)]
    case 'hr':
      return [{ type: 'horizontalRule' }]
    case 'figure':
      return figure(el, ctx)
    case 'table':
      return table(el, ctx)
    default:
      return flow(el.children, deeper(ctx, 0))
  }
}

function flattened(el: Element, ctx: Ctx): DocNode[] {
  ctx.warn.add(`Lists and quotes nested more than ${MAX_DOC_DEPTH / 3} levels deep were flattened`)
  return flow(el.children, deeper(ctx, 0))
}

function list(el: Element, ctx: Ctx): DocNode[] {
  const ordered = el.tagName === 'ol'
  const items: DocNode[] = []
  // Loose when an item wraps its text in <p> (the way CommonMark writes loose lists).
  let tight = true
  for (const c of el.children) {
    if (c.type !== 'element' || dropped(c, ctx)) continue
    const inner = deeper(ctx, 2)
    if (c.tagName === 'li') {
      if (c.children.some((k) => k.type === 'element' && k.tagName === 'p')) tight = false
      items.push(listItem(joinCaptions(flow(c.children, inner), ctx)))
    } else {
      // Stray content directly in a list: an item of its own.
      const blocks = BLOCK.has(c.tagName) ? block(c, inner) : inlineToBlocks(inline(c, [], ctx))
      if (blocks.length) items.push(listItem(blocks))
    }
  }
  if (!items.length) return []
  const attrs: Record<string, unknown> = { tight }
  if (ordered) {
    const start = Number(el.properties?.start)
    attrs.start = Number.isInteger(start) && start >= 0 ? start : 1
  }
  return [{ type: ordered ? 'orderedList' : 'bulletList', attrs, content: items }]
}

function codeBlock(el: Element): DocNode {
  const code = el.children.find((c): c is Element => c.type === 'element' && c.tagName === 'code')
  const lang = [...classes(el), ...(code ? classes(code) : [])]
    .map((c) => /^(?:language|lang)-(.+)$/.exec(c)?.[1])
    .find(Boolean)
  const value = textContent(el).replace(/\n$/, '')
  const node: DocNode = { type: 'codeBlock', attrs: { language: lang ?? null } }
  if (value) node.content = [{ type: 'text', text: value }]
  return node
}

function figure(el: Element, ctx: Ctx): DocNode[] {
  const img = findElement(el, 'img')
  if (!img) return flow(el.children, deeper(ctx, 0))
  const captionEl = findElement(el, 'figcaption')
  const caption = captionEl ? inlineToBlocks(inlineChildren(captionEl, [], ctx)).flatMap((b) => (b.type === 'paragraph' ? (b.content ?? []) : [])) : []
  const ref = imgRef(img)
  const fig: DocNode = { type: 'figure', attrs: { imageId: null, alt: ref.attrs?.alt ?? '', width: null, src: ref.attrs?.src } }
  if (caption.length) fig.content = caption
  // Anything else in the figure (a second image, text) follows it.
  const rest = el.children.filter((c) => !(c.type === 'element' && (c === captionEl || c === img || findElement(c, 'img') === img)))
  return [fig, ...flow(rest, deeper(ctx, 0))]
}

/** Tables have no place in the editor yet: each row becomes a paragraph, cells separated by " | ". */
function table(el: Element, ctx: Ctx): DocNode[] {
  ctx.warn.add('Tables were converted to paragraphs, one per row')
  const out: DocNode[] = []
  const rows: Element[] = []
  const visit = (n: Element) => {
    for (const c of n.children) {
      if (c.type !== 'element' || dropped(c, ctx)) continue
      if (c.tagName === 'tr') rows.push(c)
      else if (c.tagName === 'caption') out.push(...inlineToBlocks(inlineChildren(c, [], ctx)))
      else if (c.tagName !== 'table') visit(c)
    }
  }
  visit(el)
  for (const row of rows) {
    const cells = row.children.filter((c): c is Element => c.type === 'element' && (c.tagName === 'td' || c.tagName === 'th'))
    const content: DocNode[] = []
    cells.forEach((cell, i) => {
      if (i > 0) content.push({ type: 'text', text: ' | ' })
      content.push(...inlineChildren(cell, cell.tagName === 'th' ? [{ type: 'bold' }] : [], ctx))
    })
    out.push(...inlineToBlocks(content))
  }
  return out
}

function inlineChildren(el: Element, marks: DocMark[], ctx: Ctx): DocNode[] {
  return el.children.flatMap((c) => (c.type === 'text' ? inlineText(c.value, marks) : c.type === 'element' ? inline(c, marks, ctx) : []))
}

/** HTML collapses runs of white space to one space. */
function inlineText(value: string, marks: DocMark[]): DocNode[] {
  const v = value.replace(/[ \t\n\r\f]+/g, ' ')
  return v ? [text(v, marks)] : []
}

function inline(el: Element, marks: DocMark[], ctx: Ctx): DocNode[] {
  if (dropped(el, ctx)) return []
  if (ctx.elementDepth > MAX_ELEMENT_DEPTH) return inlineText(textContent(el), marks)
  const inner = deeper(ctx, 0)
  const tag = el.tagName
  if (tag === 'br') return [{ type: 'hardBreak' }]
  if (tag === 'img') return [imgRef(el)]
  if (tag === 'a') {
    const href = typeof el.properties?.href === 'string' ? el.properties.href : ''
    const link = href ? linkMark(href, ctx.warn) : null
    return inlineChildren(el, link ? [...marks, link] : marks, inner)
  }
  const mark = INLINE_MARK[tag]
  if (mark && !marks.some((m) => m.type === mark.type)) return inlineChildren(el, [...marks, mark], inner)
  // span, font, sub, sup, mark, abbr, q, time … and blocks met inside inline content: their text.
  const content = inlineChildren(el, marks, inner)
  return BLOCK.has(tag) ? [text(' ', marks), ...content, text(' ', marks)] : content
}

function imgRef(img: Element): DocNode {
  const p = img.properties ?? {}
  return imageRef(String(p.src ?? ''), String(p.alt ?? ''), typeof p.title === 'string' ? p.title : null)
}

const CAPTION_LABEL = /^\s*(?:Figure|Fig\.?|图|圖)\s*\d*\s*[:：.．]?\s*/i

/**
 * A caption paragraph right after a figure that has none (a DOCX "Figure 1: …" caption) becomes
 * the figure's caption, without its label.
 */
function joinCaptions(blocks: DocNode[], ctx: Ctx): DocNode[] {
  const out: DocNode[] = []
  for (const b of blocks) {
    const prev = out[out.length - 1]
    if (ctx.captions.has(b) && prev?.type === 'figure' && !prev.content?.length) {
      const content = [...(b.content ?? [])]
      const first = content[0]
      if (first?.type === 'text') {
        const stripped = (first.text ?? '').replace(CAPTION_LABEL, '')
        if (stripped) content[0] = { ...first, text: stripped }
        else content.shift()
      }
      if (content.length) prev.content = content
      continue
    }
    out.push(b)
  }
  return out
}
