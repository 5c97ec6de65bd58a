/**
 * TipTap JSON → a standalone HTML page, through hast (hast-util-to-html escapes every text and
 * attribute). Styled with the editor's own stylesheet; used for the HTML export and, printed by a
 * browser engine, for PDF. Link targets are limited to safe schemes; nothing in it runs script.
 */
import type { Element, ElementContent, Root } from 'hast'
import { toHtml as hastToHtml } from 'hast-util-to-html'
import type { DocNode } from '../../../shared/doc'
import { blockChildren, figureFallback, isTight, plainText, safeHref, textDirection } from './doc-model'
import { buildInline, type InlineBuilder } from './inline-marks'
import type { RenderContext } from './to-markdown'

export type { RenderContext }

export interface HtmlPageOptions {
  title: string
  /** The stylesheet (the editor's document rules, see document-css.ts). */
  css: string
  /** Printing (PDF): the paper size, set with @page. */
  pageSize?: 'a4' | 'letter'
}

const PAGE_CSS = `
html{background:#fff;color:var(--text)}
body{margin:0;padding:2rem 1rem}
article.tiptap{max-width:720px;margin:0 auto;min-height:0}
@media print{body{padding:0}article.tiptap{max-width:none;padding:0}}
`

export function toHtml(doc: DocNode, ctx: RenderContext, opts: HtmlPageOptions): string {
  const body = docToHast(doc, ctx)
  if (opts.title) body.unshift(el('h1', { className: ['doc-title'], ...dirOf(opts.title) }, [{ type: 'text', value: opts.title }]))
  const page = opts.pageSize ? `@page{size:${opts.pageSize === 'letter' ? 'Letter' : 'A4'};margin:18mm 16mm}` : ''
  const root: Root = {
    type: 'root',
    children: [
      { type: 'doctype' },
      el('html', { lang: documentLanguage(doc, opts.title) }, [
        el('head', {}, [
          el('meta', { charSet: 'utf-8' }, []),
          el('meta', { name: 'viewport', content: 'width=device-width, initial-scale=1' }, []),
          el('title', {}, [{ type: 'text', value: opts.title || 'Untitled' }]),
          el('style', {}, [{ type: 'text', value: `${opts.css}\n${PAGE_CSS}${page}\n` }]),
        ]),
        el('body', {}, [el('article', { className: ['tiptap'] }, lines(body))]),
      ]),
    ],
  }
  return hastToHtml(root) + '\n'
}

export function docToHast(doc: DocNode, ctx: RenderContext): ElementContent[] {
  return blocks(doc.content ?? [], ctx)
}

/** Block children one per line, so the file reads well (white space between blocks shows nothing). */
function lines(children: ElementContent[]): ElementContent[] {
  return children.flatMap((c) => [{ type: 'text', value: '\n' } as ElementContent, c]).concat(children.length ? [{ type: 'text', value: '\n' }] : [])
}

function el(tagName: string, properties: Element['properties'], children: ElementContent[]): Element {
  return { type: 'element', tagName, properties, children }
}

/** `dir="rtl"` on blocks whose text starts right to left; left-to-right needs nothing. */
function dirOf(text: string): Element['properties'] {
  return textDirection(text) === 'rtl' ? { dir: 'rtl' } : {}
}

function blocks(nodes: DocNode[], ctx: RenderContext): ElementContent[] {
  return blockChildren(nodes).flatMap((n) => block(n, ctx))
}

function block(n: DocNode, ctx: RenderContext): ElementContent[] {
  switch (n.type) {
    case 'paragraph':
      return [el('p', dirOf(plainText(n)), inline(n.content ?? []))]
    case 'heading': {
      const level = Math.min(6, Math.max(1, Number(n.attrs?.level) || 1))
      return [el(`h${level}`, dirOf(plainText(n)), inline(n.content ?? []))]
    }
    case 'blockquote':
      return [el('blockquote', {}, lines(blocks(n.content ?? [], ctx)))]
    case 'bulletList':
    case 'orderedList': {
      const start = Number(n.attrs?.start) || 1
      const props = n.type === 'orderedList' && start !== 1 ? { start } : {}
      const tight = isTight(n)
      const items = (n.content ?? []).map((item) => listItem(item, tight, ctx))
      return [el(n.type === 'orderedList' ? 'ol' : 'ul', props, lines(items))]
    }
    case 'codeBlock': {
      const lang = typeof n.attrs?.language === 'string' ? n.attrs.language : ''
      return [el('pre', {}, [el('code', lang ? { className: [`language-${lang}`] } : {}, [{ type: 'text', value: plainText(n) }])])]
    }
    case 'horizontalRule':
      return [el('hr', {}, [])]
    case 'figure': {
      const src = ctx.imageSrc(String(n.attrs?.imageId ?? ''))
      if (src === null) {
        const fallback = figureFallback(n)
        return fallback.length ? [el('p', {}, inline(fallback))] : []
      }
      const img: Element['properties'] = { src, alt: String(n.attrs?.alt ?? '') }
      if (typeof n.attrs?.width === 'number' && n.attrs.width > 0) img.width = Math.round(n.attrs.width)
      const caption = inline(n.content ?? [])
      return [el('figure', {}, [el('img', img, []), ...(caption.length ? [el('figcaption', dirOf(plainText(n)), caption)] : [])])]
    }
    default:
      return n.content ? blocks(n.content, ctx) : []
  }
}

/** Tight lists are written the way CommonMark renders them: an item's paragraph without <p>. */
function listItem(item: DocNode, tight: boolean, ctx: RenderContext): Element {
  const kids = blockChildren(item.content ?? [])
  const paragraphs = kids.filter((k) => k.type === 'paragraph').length
  if (tight && paragraphs === 1 && kids[0]?.type === 'paragraph') {
    const [first, ...rest] = kids
    return el('li', dirOf(plainText(first)), [...inline(first.content ?? []), ...blocks(rest, ctx)])
  }
  return el('li', {}, blocks(kids, ctx))
}

const TAGS: Record<string, string> = { bold: 'strong', italic: 'em', strike: 's', underline: 'u' }

const hastBuilder: InlineBuilder<ElementContent> = {
  text: (value) => ({ type: 'text', value }),
  code: (value) => el('code', {}, [{ type: 'text', value }]),
  hardBreak: () => el('br', {}, []),
  wrap(mark, children) {
    if (mark.type === 'link') {
      const href = safeHref(String(mark.attrs?.href ?? ''))
      return href ? [el('a', { href }, children)] : children
    }
    const tag = TAGS[mark.type]
    return tag ? [el(tag, {}, children)] : children
  },
}

function inline(nodes: DocNode[]): ElementContent[] {
  return buildInline(nodes, hastBuilder)
}

/** `lang` for the page, so browsers pick Chinese glyph forms for Chinese articles. */
function documentLanguage(doc: DocNode, title: string): string {
  const text = `${title}\n${plainText(doc)}`
  const han = text.match(/[\u3400-\u9fff]/g)?.length ?? 0
  const kana = text.match(/[\u3040-\u30ff]/g)?.length ?? 0
  if (kana > 0) return 'ja'
  return han > 0 && han * 4 >= text.replace(/\s/g, '').length ? 'zh' : 'en'
}
