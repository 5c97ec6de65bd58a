/**
 * Inline TipTap content (text nodes carrying a flat list of marks) → a nested tree, for any output
 * format: neighbours that share a mark share one wrapper (`**a *b***`, not `**a****b**`).
 */
import type { DocMark, DocNode } from '../../../shared/doc'

export interface InlineBuilder<T> {
  text(value: string): T
  code(value: string): T
  hardBreak(): T
  /** Wraps already-built children in a mark (may return several siblings, e.g. HTML tags around them). */
  wrap(mark: DocMark, children: T[]): T[]
}

/** Outer to inner; `code` is not here: code text is a leaf that the others wrap. */
const RANK: Record<string, number> = { link: 0, bold: 1, italic: 2, strike: 3, underline: 4 }
/** Marks whose edges cannot hold spaces in Markdown (`**word **` is not bold). */
const EDGE_SENSITIVE = new Set(['bold', 'italic', 'strike', 'underline'])

interface Item {
  node: DocNode
  marks: DocMark[]
}

export function buildInline<T>(nodes: DocNode[], b: InlineBuilder<T>): T[] {
  const items: Item[] = []
  for (const node of nodes) {
    if (node.type === 'hardBreak') items.push({ node, marks: [] })
    else if (node.type === 'text' && node.text) items.push(...splitEdgeSpaces(node))
  }
  return group(items, b)
}

function sortedMarks(marks: DocMark[] | undefined): DocMark[] {
  return (marks ?? []).filter((m) => m.type in RANK).sort((x, y) => RANK[x.type] - RANK[y.type])
}

/** " bold " in bold → " ", "bold", " ": the spaces move outside the formatting (not outside a link). */
function splitEdgeSpaces(node: DocNode): Item[] {
  const text = node.text ?? ''
  const marks = sortedMarks(node.marks)
  const isCode = (node.marks ?? []).some((m) => m.type === 'code')
  if (isCode || !marks.some((m) => EDGE_SENSITIVE.has(m.type))) return [{ node, marks }]
  const m = /^(\s*)([\s\S]*?)(\s*)$/.exec(text) as RegExpExecArray
  const outer = marks.filter((x) => !EDGE_SENSITIVE.has(x.type))
  const out: Item[] = []
  if (m[1]) out.push({ node: { ...node, text: m[1] }, marks: outer })
  if (m[2]) out.push({ node: { ...node, text: m[2] }, marks })
  if (m[3]) out.push({ node: { ...node, text: m[3] }, marks: outer })
  return out
}

function sameMark(a: DocMark, b: DocMark): boolean {
  return a.type === b.type && (a.type !== 'link' || String(a.attrs?.href ?? '') === String(b.attrs?.href ?? ''))
}

function group<T>(items: Item[], b: InlineBuilder<T>): T[] {
  const out: T[] = []
  let i = 0
  while (i < items.length) {
    const first = items[i].marks[0]
    if (!first) {
      out.push(leaf(items[i].node, b))
      i++
      continue
    }
    let j = i + 1
    while (j < items.length && items[j].marks[0] && sameMark(items[j].marks[0], first)) j++
    const inner = items.slice(i, j).map((it) => ({ node: it.node, marks: it.marks.slice(1) }))
    out.push(...b.wrap(first, group(inner, b)))
    i = j
  }
  return out
}

function leaf<T>(node: DocNode, b: InlineBuilder<T>): T {
  if (node.type === 'hardBreak') return b.hardBreak()
  const text = node.text ?? ''
  return (node.marks ?? []).some((m) => m.type === 'code') ? b.code(text) : b.text(text)
}
