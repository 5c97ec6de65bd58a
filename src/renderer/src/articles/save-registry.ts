/**
 * Module-level bookkeeping for saves that outlive an editor component: every open editor
 * registers a flusher (for Electron's flush request and "move to trash"), and an editor that
 * closes with a save still pending leaves it here so reopening that article waits for it.
 */
const flushers = new Set<() => Promise<boolean>>()
const pending = new Map<string, Promise<unknown>>()

export function registerFlusher(flush: () => Promise<boolean>): () => void {
  flushers.add(flush)
  return () => flushers.delete(flush)
}

/** Saves every open editor; resolves true when all of them stored their content. */
export async function flushAll(): Promise<boolean> {
  const results = await Promise.all([...flushers].map((f) => f().catch(() => false)))
  const closing = await Promise.all([...pending.values()].map((p) => p.then(() => true, () => false)))
  return results.every(Boolean) && closing.every(Boolean)
}

export function trackPendingSave(articleId: string, save: Promise<unknown>): void {
  const entry = save.finally(() => {
    if (pending.get(articleId) === entry) pending.delete(articleId)
  })
  pending.set(articleId, entry)
}

/** Waits (at most `timeoutMs`) for a save left behind by a closed editor of this article. */
export function waitForPendingSave(articleId: string, timeoutMs = 4000): Promise<void> {
  const p = pending.get(articleId)
  if (!p) return Promise.resolve()
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, timeoutMs)
    p.then(
      () => {
        clearTimeout(timer)
        resolve()
      },
      () => {
        clearTimeout(timer)
        resolve()
      },
    )
  })
}
