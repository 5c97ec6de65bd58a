/** Loads an article (after any save its previous editor left pending) and shows its editor. */
import { memo, useEffect, useState } from 'react'
import type { Article } from '../../../shared/api'
import { useClient } from '../api'
import { waitForPendingSave } from '../articles/save-registry'
import { useI18n } from '../i18n/I18nProvider'
import { Editor } from './Editor'

interface Props {
  articleId: string
  autoFocusTitle?: boolean
  onTrash(article: { id: string; title: string }, flush: () => Promise<boolean>): void
}

export const EditorPane = memo(function EditorPane({ articleId, autoFocusTitle, onTrash }: Props) {
  const client = useClient()
  const { t, errorText } = useI18n()
  const [article, setArticle] = useState<Article | null>(null)
  const [error, setError] = useState<unknown>(null)
  const [attempt, setAttempt] = useState(0)

  useEffect(() => {
    let cancelled = false
    void (async () => {
      await waitForPendingSave(articleId)
      try {
        const a = await client.call('articles.get', { id: articleId })
        if (!cancelled) {
          setArticle(a)
          setError(null)
        }
      } catch (e) {
        if (!cancelled) setError(e)
      }
    })()
    return () => {
      cancelled = true
    }
  }, [client, articleId, attempt])

  if (article) {
    return (
      <Editor
        article={article}
        autoFocusTitle={autoFocusTitle}
        onTrash={(flush) => onTrash({ id: article.id, title: article.title }, flush)}
      />
    )
  }
  if (error !== null) {
    return (
      <div className="pane-message" role="alert">
        <p>{t('editor.loadFailed', { message: errorText(error) })}</p>
        <button type="button" className="btn" onClick={() => setAttempt((n) => n + 1)}>
          {t('common.retry')}
        </button>
      </div>
    )
  }
  return (
    <div className="pane-message" aria-busy="true">
      <p>{t('editor.loading')}</p>
    </div>
  )
})
