/**
 * Turns what a user typed into a safe FTS5 MATCH expression for the trigram index. User text never
 * reaches FTS5 syntax: every term is a double-quoted string (quotes doubled), joined with OR so a
 * long caption used as a query still finds partial matches and bm25 ranks the fuller ones first.
 *
 * Trigram matching needs at least 3 characters. Latin words of 3+ characters become one term
 * (substring match: "bicycle" finds "bicycles"); CJK runs of 3+ characters become their overlapping
 * trigrams (猫在沙发上 → 猫在沙, 在沙发, 沙发上); 1–2 character CJK runs (猫, 自行) cannot go through
 * the index and are returned as `short` terms for a bounded substring scan.
 */

const CJK = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]/u
const CJK_RUN = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]+/gu
/** Words too common to help ranking (and expensive to match in a large index). */
const STOPWORDS = new Set(
  'the and for with from into onto over under this that these those are was were its his her their our your has have had not but who what when where which while than then them they there very'.split(
    ' ',
  ),
)
const MAX_TERMS = 24

export interface ParsedQuery {
  /** Terms for the trigram index (each ≥ 3 characters, unquoted). */
  terms: string[]
  /** 1–2 character CJK terms the index cannot match. */
  short: string[]
}

export function parseQuery(text: string): ParsedQuery {
  const terms: string[] = []
  const short: string[] = []
  const add = (list: string[], t: string) => {
    if (!list.includes(t) && terms.length + short.length < MAX_TERMS) list.push(t)
  }
  const normalized = text.normalize('NFKC').toLowerCase()
  for (const run of normalized.match(CJK_RUN) ?? []) {
    const chars = Array.from(run)
    if (chars.length < 3) add(short, run)
    else for (let i = 0; i + 3 <= chars.length; i++) add(terms, chars.slice(i, i + 3).join(''))
  }
  // Everything that is not CJK: words of letters/digits (keeping inner ' - _ . like "o'clock", "img_0042.jpg").
  const rest = normalized.replace(CJK_RUN, ' ')
  for (const m of rest.match(/[\p{L}\p{N}]+(?:['’_.-][\p{L}\p{N}]+)*/gu) ?? []) {
    if (CJK.test(m)) continue
    if (Array.from(m).length >= 3 && !STOPWORDS.has(m)) add(terms, m)
  }
  return { terms, short }
}

/** `"red" OR "bicycle"`; null when there is nothing the index can match. */
export function ftsExpression(terms: readonly string[]): string | null {
  if (!terms.length) return null
  return terms.map((t) => `"${t.replace(/"/g, '""')}"`).join(' OR ')
}
