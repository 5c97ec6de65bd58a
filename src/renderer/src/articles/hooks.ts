/** Data hooks for articles: lists that refetch on `articles.changed`, a ticking clock. */
import { useCallback, useEffect, useRef, useState } from 'react'
import type { ArticleSummary } from '../../../shared/api'
import { useClient, useRuntime } from '../api'
import { sortByRecent, sortByTrashed } from './format'

export interface ArticleListState {
  articles: ArticleSummary[] | null
  error: unknown
  /** Refetch now (also happens on every `articles.changed` event and after reconnecting). */
  refresh(): void
}

export function useArticleList(trashed: boolean): ArticleListState {
  const client = useClient()
  const { connection } = useRuntime()
  const [articles, setArticles] = useState<ArticleSummary[] | null>(null)
  const [error, setError] = useState<unknown>(null)
  const fetchRef = useRef<() => void>(() => {})

  useEffect(() => {
    let cancelled = false
    let running = false
    let again = false
    let failed = false
    const fetchList = async () => {
      if (running) {
        again = true
        return
      }
      running = true
      do {
        again = false
        try {
          const res = await client.call('articles.list', { trashed })
          if (cancelled) return
          setArticles(trashed ? sortByTrashed(res.articles) : sortByRecent(res.articles))
          setError(null)
          failed = false
        } catch (e) {
          if (cancelled) return
          failed = true
          setError(e)
        }
      } while (again && !cancelled)
      running = false
    }
    fetchRef.current = () => void fetchList()
    void fetchList()
    const offEvent = client.on('articles.changed', () => void fetchList())
    // Events sent while disconnected are lost: refetch after a reconnect. The first open only sends
    // the calls queued while connecting, so it refetches only if the first fetch failed.
    let wasOpen = connection.get().state === 'open'
    let everOpen = wasOpen
    const offConn = connection.subscribe(() => {
      const open = connection.get().state === 'open'
      if (open && !wasOpen && (everOpen || failed)) void fetchList()
      if (open) everOpen = true
      wasOpen = open
    })
    return () => {
      cancelled = true
      offEvent()
      offConn()
    }
  }, [client, connection, trashed])

  const refresh = useCallback(() => fetchRef.current(), [])
  return { articles, error, refresh }
}

/** The current time, updated every `intervalMs` (for "5 minutes ago" labels). */
export function useNow(intervalMs = 30_000): number {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs)
    return () => clearInterval(timer)
  }, [intervalMs])
  return now
}
