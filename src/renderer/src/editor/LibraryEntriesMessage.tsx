/** What a library picker shows instead of its grid: the load error with Retry, loading, or no images. */
import { useI18n } from '../i18n/I18nProvider'
import type { LibraryEntry } from './library-entries'

interface Props {
  entries: LibraryEntry[] | null
  error: string | null
  query: string
  reload(): void
  /** Shown when the library itself is empty. */
  emptyText: string
  className: string
}

/** Null when there are entries to show. */
export function LibraryEntriesMessage({ entries, error, query, reload, emptyText, className }: Props) {
  const { t } = useI18n()
  if (error !== null && entries === null) {
    return (
      <p className={className} role="alert">
        {t('common.error', { message: error })}{' '}
        <button type="button" className="btn btn-small" onClick={reload}>
          {t('common.retry')}
        </button>
      </p>
    )
  }
  if (entries === null) return <p className={className}>{t('app.loading')}</p>
  if (entries.length === 0) return <p className={className}>{query.trim() ? t('editorLibrary.noResults') : emptyText}</p>
  return null
}
