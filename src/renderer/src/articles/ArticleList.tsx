/** The sidebar list: most recently edited first, with relative time and word count. */
import type { ArticleSummary } from '../../../shared/api'
import { wordCount } from '../i18n'
import { useI18n } from '../i18n/I18nProvider'
import { dateTime, displayTitle, relativeTime } from './format'
import { useNow } from './hooks'

interface Props {
  articles: ArticleSummary[] | null
  error: unknown
  selectedId: string | null
  onSelect(id: string): void
  onRetry(): void
}

export function ArticleList({ articles, error, selectedId, onSelect, onRetry }: Props) {
  const { t, lang, locale, errorText } = useI18n()
  const now = useNow()

  if (articles === null) {
    if (error !== null) {
      return (
        <div className="list-note" role="alert">
          <p>{t('nav.loadFailed', { message: errorText(error) })}</p>
          <button type="button" className="btn btn-small" onClick={onRetry}>
            {t('common.retry')}
          </button>
        </div>
      )
    }
    return <p className="list-note">{t('app.loading')}</p>
  }
  if (articles.length === 0) return <p className="list-note">{t('nav.empty')}</p>

  return (
    <ul className="article-list">
      {articles.map((a) => {
        const selected = a.id === selectedId
        return (
          <li key={a.id} data-testid="article-item" data-article-id={a.id}>
            <button
              type="button"
              className={`article-item${selected ? ' is-selected' : ''}`}
              aria-current={selected ? 'true' : undefined}
              onClick={() => onSelect(a.id)}
            >
              <span className={`article-title${a.title.trim() ? '' : ' is-untitled'}`}>
                {displayTitle(a.title, t('common.untitled'))}
              </span>
              <span className="article-meta">
                <time
                  dateTime={new Date(a.updatedAt).toISOString()}
                  // The exact date only when pointed at: the first date format loads the locale's
                  // calendar data (~35 ms), which would otherwise delay the editor at start-up.
                  onPointerEnter={(e) => {
                    e.currentTarget.title ||= dateTime(a.updatedAt, locale)
                  }}
                >
                  {relativeTime(a.updatedAt, now, locale, t('common.justNow'))}
                </time>
                <span aria-hidden="true"> · </span>
                <span className="sr-only">, </span>
                <span>{wordCount(t, a.wordCount, lang)}</span>
              </span>
            </button>
          </li>
        )
      })}
    </ul>
  )
}
