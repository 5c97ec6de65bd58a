/** The conversation list (most recent first), searched by title and message text, kept fresh by `chat.changed`. */
import { useEffect, useState } from 'react'
import type { ConversationSummary } from '../../../shared/chat-api'
import { useClient } from '../api'
import { useErrorState } from '../i18n/I18nProvider'

export function useConversations(query = ''): { list: ConversationSummary[] | null; error: string | null; refresh(): void } {
  const client = useClient()
  const [list, setList] = useState<ConversationSummary[] | null>(null)
  const [error, setError] = useErrorState()
  const [tick, setTick] = useState(0)

  useEffect(() => client.on('chat.changed', () => setTick((n) => n + 1)), [client])

  useEffect(() => {
    let alive = true
    const q = query.trim()
    const timer = setTimeout(
      () => {
        client.call('chat.list', { query: q }).then(
          (r) => {
            if (!alive) return
            setList(r.conversations)
            setError(null)
          },
          (e: unknown) => alive && setError(e),
        )
      },
      q ? 200 : 0,
    )
    return () => {
      alive = false
      clearTimeout(timer)
    }
  }, [client, query, tick, setError])

  return { list, error, refresh: () => setTick((n) => n + 1) }
}
