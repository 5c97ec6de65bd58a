/** Library images for a picker: a page of the library, or search results while `query` is set (debounced). */
import { useCallback, useEffect, useState } from 'react'
import { useClient } from '../api'
import { useErrorState } from '../i18n/I18nProvider'

export interface LibraryEntry {
  id: string
  fileName: string
  caption: string | null
}

const baseName = (p: string) => p.split(/[\\/]/).pop() ?? p

export function useLibraryEntries(query: string, limit = 60): { entries: LibraryEntry[] | null; error: string | null; reload(): void } {
  const client = useClient()
  const [entries, setEntries] = useState<LibraryEntry[] | null>(null)
  const [error, setError] = useErrorState()
  const [tick, setTick] = useState(0)

  useEffect(() => {
    let live = true
    const q = query.trim()
    const timer = setTimeout(
      () => {
        const req = q
          ? client.call('library.search', { query: q, limit, exclude: [] }).then((r) => r.results.map((x) => ({ id: x.id, fileName: baseName(x.path), caption: x.caption })))
          : client.call('library.list', { offset: 0, limit, trashed: false }).then((r) => r.items.map((x) => ({ id: x.id, fileName: x.fileName, caption: x.caption })))
        req.then(
          (list) => {
            if (!live) return
            setEntries(list)
            setError(null)
          },
          (e: unknown) => live && setError(e),
        )
      },
      q ? 200 : 0,
    )
    return () => {
      live = false
      clearTimeout(timer)
    }
  }, [client, query, limit, tick, setError])

  const reload = useCallback(() => setTick((n) => n + 1), [])
  return { entries, error, reload }
}
