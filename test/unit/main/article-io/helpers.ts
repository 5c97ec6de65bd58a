/** Shared by the converter tests: the corpus, parsing with warnings, and figures resolved by their source path. */
import { readFileSync } from 'node:fs'
import { expect } from 'vitest'
import { join } from 'node:path'
import type { DocNode } from '../../../../src/shared/doc'
import { toHtml } from '../../../../src/main/articles/export/to-html'
import { toMarkdown } from '../../../../src/main/articles/export/to-markdown'
import { Warnings } from '../../../../src/main/articles/import/doc-builder'
import { htmlToDoc } from '../../../../src/main/articles/import/from-html'
import { markdownToDoc } from '../../../../src/main/articles/import/from-markdown'

export const corpus = (name: string) => readFileSync(join(import.meta.dirname, 'corpus', name), 'utf8')

export interface Parsed {
  title: string | null
  doc: DocNode
  warnings: string[]
}

/**
 * Pending figures (attrs.src) as if their images were in the library, with the source path as the
 * id, so exports write the same path back.
 */
export function resolveRefs(nodes: DocNode[]): DocNode[] {
  return nodes.map((n) => {
    if (n.type === 'figure' && typeof n.attrs?.src === 'string') {
      const fig: DocNode = { type: 'figure', attrs: { imageId: `ref:${n.attrs.src}`, alt: n.attrs.alt, width: null } }
      if (n.content) fig.content = n.content
      return fig
    }
    return n.content ? { ...n, content: resolveRefs(n.content) } : n
  })
}

export const imageSrc = (id: string) => (id.startsWith('ref:') ? id.slice(4) : null)

export function parseMd(md: string): Parsed {
  const w = new Warnings()
  const c = markdownToDoc(md, w)
  return { title: c.title, doc: { type: 'doc', content: resolveRefs(c.blocks) }, warnings: w.list() }
}

export function parseHtml(html: string): Parsed {
  const w = new Warnings()
  const c = htmlToDoc(html, w)
  return { title: c.title, doc: { type: 'doc', content: resolveRefs(c.blocks) }, warnings: w.list() }
}

export const writeMd = (p: Pick<Parsed, 'doc' | 'title'>) => toMarkdown(p.doc, { imageSrc }, p.title ?? '')
export const writeHtml = (p: Pick<Parsed, 'doc' | 'title'>) => toHtml(p.doc, { imageSrc }, { title: p.title ?? '', css: '' })

/** Every node of a type, depth first. */
export function all(n: DocNode, type: string): DocNode[] {
  const out: DocNode[] = []
  const visit = (x: DocNode) => {
    if (x.type === type) out.push(x)
    for (const c of x.content ?? []) visit(c)
  }
  visit(n)
  return out
}

export function textOf(n: DocNode): string {
  if (n.type === 'text') return n.text ?? ''
  if (n.type === 'hardBreak') return '\n'
  return (n.content ?? []).map(textOf).join('')
}

/** The text carrying a mark (e.g. all bold text), pieces in order. */
export function marked(n: DocNode, mark: string, attr?: string): string[] {
  return all(n, 'text')
    .filter((t) => t.marks?.some((m) => m.type === mark))
    .map((t) => (attr ? `${t.text} → ${String(t.marks?.find((m) => m.type === mark)?.attrs?.[attr])}` : (t.text ?? '')))
}

/** Lists' tightness and items, as a short description: "bullet tight [a, b [c]]". */
export function describeLists(n: DocNode): string[] {
  return all(n, 'bulletList')
    .concat(all(n, 'orderedList'))
    .map((l) => `${l.type === 'orderedList' ? `ordered from ${String(l.attrs?.start ?? 1)}` : 'bullet'} ${l.attrs?.tight === false ? 'loose' : 'tight'}: ${(l.content ?? []).map((i) => textOf(i.content?.[0] ?? { type: 'x' })).join(' | ')}`)
    .sort()
}

/**
 * What the English corpus says (en-all.md and en-all.html are the same article): its title,
 * headings, marks, links, lists (nesting, tightness, start), quotes, code, rule and line break.
 */
export function expectEnglishCorpus(p: Pick<Parsed, 'doc' | 'title'>): void {
  const { doc } = p
  expect(p.title).toBe('The History of the Bicycle')
  expect(all(doc, 'heading').map((h) => [h.attrs?.level, textOf(h)])).toEqual([
    [2, 'Early designs'],
    [3, 'The draisine'],
  ])
  expect(marked(doc, 'italic')).toEqual(['running machine', 'quiet', 'both marks'])
  expect(marked(doc, 'bold')).toEqual(['1817', 'both marks'])
  expect(marked(doc, 'strike')).toEqual(['pedals'])
  expect(marked(doc, 'underline')).toEqual(['hand made'])
  expect(marked(doc, 'code')).toEqual(['wheel.size = 26'])
  expect(marked(doc, 'link', 'href')).toEqual([
    'overview → https://en.wikipedia.org/wiki/History_of_the_bicycle',
    'the museum → mailto:info@example.org',
  ])
  expect(describeLists(doc)).toEqual([
    'bullet tight: front wheel steers | rear wheel fixed',
    'bullet tight: wooden frame | iron-rimmed wheels | no pedals',
    'ordered from 1 loose: The velocipede | The penny-farthing | The safety bicycle',
    'ordered from 7 tight: seventh | eighth',
  ])
  expect(all(doc, 'orderedList')[0].content?.[1]?.content?.map(textOf)).toEqual(['The penny-farthing', 'It had a very large front wheel.'])
  expect(all(doc, 'blockquote')[0].content?.map((c) => c.type)).toEqual(['paragraph', 'blockquote'])
  expect(all(doc, 'codeBlock')[0]).toEqual({
    type: 'codeBlock',
    attrs: { language: 'ts' },
    content: [{ type: 'text', text: 'const wheels = 2 // a comment with <brackets> & *stars*' }],
  })
  expect(all(doc, 'horizontalRule')).toHaveLength(1)
  expect(all(doc, 'hardBreak')).toHaveLength(1)
}
