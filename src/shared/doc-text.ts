/** Text of a document without zod: the editor counts words with it from the first keystroke. */
import type { DocNode } from './doc'

/** Plain text of a document, blocks separated by newlines (used for word counts, search and previews). */
export function docText(node: DocNode): string {
  if (node.type === 'text') return node.text ?? ''
  // A line break separates words ("one<br>two" is two words, not "onetwo").
  if (node.type === 'hardBreak') return '\n'
  const parts = (node.content ?? []).map(docText)
  const isBlockContainer = (node.content ?? []).some((c) => c.type !== 'text' && c.type !== 'hardBreak')
  return parts.join(isBlockContainer ? '\n' : '')
}

/** Words as users count them: Latin words by spaces, each CJK character as one word. */
export function countWords(text: string): number {
  const cjk = text.match(/[\u3400-\u9fff\uf900-\ufaff\u3040-\u30ff\uac00-\ud7af]/g)?.length ?? 0
  const latin = text
    .replace(/[\u3400-\u9fff\uf900-\ufaff\u3040-\u30ff\uac00-\ud7af]/g, ' ')
    .split(/\s+/)
    .filter((w) => /[\p{L}\p{N}]/u.test(w)).length
  return cjk + latin
}
