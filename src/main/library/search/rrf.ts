/** Reciprocal rank fusion: score(d) = Σ over ranked lists of 1 / (k + rank of d), ranks from 1. */
export function reciprocalRankFusion<K>(lists: readonly (readonly K[])[], k = 60): Map<K, number> {
  const out = new Map<K, number>()
  for (const list of lists) {
    list.forEach((key, i) => out.set(key, (out.get(key) ?? 0) + 1 / (k + i + 1)))
  }
  return out
}
