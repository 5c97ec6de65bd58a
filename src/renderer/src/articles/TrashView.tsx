/** Trashed articles: restore, or delete forever after a confirmation. */
import { useState } from 'react'
import type { ArticleSummary } from '../../../shared/api'
import { useClient } from '../api'
import { useDialogs } from '../components/DialogProvider'
import { useToast } from '../components/Toast'
import { wordCount } from '../i18n'
import { useI18n } from '../i18n/I18nProvider'
import { dateTime, displayTitle, relativeTime } from './format'
import { useArticleList, useNow } from './hooks'

export function TrashView({ onRestored }: { onRestored(id: string): void }) {
  const client = useClient()
  const dialogs = useDialogs()
  const toast = useToast()
  const { t, lang, locale, errorText } = useI18n()
  const now = useNow()
  const { articles, error, refresh } = useArticleList(true)
  const [busyId, setBusyId] = useState<string | null>(null)

  const restore = async (a: ArticleSummary) => {
    const title = displayTitle(a.title, t('common.untitled'))
    setBusyId(a.id)
    try {
      await client.call('articles.restore', { id: a.id })
      toast.show({
        kind: 'success',
        message: t('trash.restored', { title }),
      })
      refresh()
      onRestored(a.id)
    } catch (e) {
      toast.show({ kind: 'error', message: t('common.error', { message: errorText(e) }) })
    } finally {
      setBusyId(null)
    }
  }

  const purge = async (a: ArticleSummary) => {
    const title = displayTitle(a.title, t('common.untitled'))
    const ok = await dialogs.confirm({
      title: t('trash.confirmTitle', { title }),
      body: t('trash.confirmBody'),
      confirmLabel: t('trash.deleteForever'),
      danger: true,
    })
    if (!ok) return
    setBusyId(a.id)
    try {
      await client.call('articles.purge', { id: a.id })
      toast.show({ kind: 'info', message: t('trash.purged', { title }) })
      refresh()
    } catch (e) {
      toast.show({ kind: 'error', message: t('common.error', { message: errorText(e) }) })
    } finally {
      setBusyId(null)
    }
  }

  return (
    <section className="trash-view" aria-labelledby="trash-heading">
      <h2 id="trash-heading" className="page-heading">
        {t('trash.heading')}
      </h2>
      {articles === null ? (
        error !== null ? (
          <div role="alert" className="pane-message">
            <p>{t('nav.loadFailed', { message: errorText(error) })}</p>
            <button type="button" className="btn" onClick={refresh}>
              {t('common.retry')}
            </button>
          </div>
        ) : (
          <p className="list-note">{t('app.loading')}</p>
        )
      ) : articles.length === 0 ? (
        <p className="list-note">{t('trash.empty')}</p>
      ) : (
        <ul className="trash-list">
          {articles.map((a) => {
            const title = displayTitle(a.title, t('common.untitled'))
            const when = a.trashedAt ?? a.updatedAt
            const titleId = `trash-title-${a.id}`
            return (
              <li key={a.id} className="trash-item" data-testid="article-item" data-article-id={a.id}>
                <div className="trash-info">
                  <span id={titleId} className={`article-title${a.title.trim() ? '' : ' is-untitled'}`}>
                    {title}
                  </span>
                  <span className="article-meta">
                    <time dateTime={new Date(when).toISOString()} title={dateTime(when, locale)}>
                      {t('trash.trashedAt', { time: relativeTime(when, now, locale, t('common.justNow')) })}
                    </time>
                    <span aria-hidden="true"> · </span>
                    <span className="sr-only">, </span>
                    <span>{wordCount(t, a.wordCount, lang)}</span>
                  </span>
                  {a.excerpt && <span className="trash-excerpt">{a.excerpt}</span>}
                </div>
                <div className="trash-actions">
                  <button
                    type="button"
                    className="btn btn-small"
                    aria-describedby={titleId}
                    disabled={busyId === a.id}
                    onClick={() => void restore(a)}
                  >
                    {t('trash.restore')}
                  </button>
                  <button
                    type="button"
                    className="btn btn-small btn-danger-outline"
                    aria-describedby={titleId}
                    disabled={busyId === a.id}
                    onClick={() => void purge(a)}
                  >
                    {t('trash.deleteForever')}
                  </button>
                </div>
              </li>
            )
          })}
        </ul>
      )}
    </section>
  )
}
