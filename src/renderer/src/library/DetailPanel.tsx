/** The detail panel of one library image: preview, facts, editable caption/description/tags, EXIF, usage. */
import { useEffect, useId, useState } from 'react'
import type { ArticleSummary } from '../../../shared/api'
import type { LibraryDetail, LibraryItem } from '../../../shared/library-api'
import { useClient } from '../api'
import { displayTitle } from '../articles/format'
import { useErrorState, useI18n } from '../i18n/I18nProvider'
import type { MessageKey } from '../i18n'
import { formatBytes, formatDateTime } from '../i18n/format'
import { parseTags } from './library-logic'

interface Props {
  id: string
  articles: readonly ArticleSummary[] | null
  onOpenArticle(id: string): void
  onUpdated(item: LibraryItem): void
  onClose(): void
}

const STATES: Record<string, MessageKey> = {
  pending: 'library.state.pending',
  running: 'library.state.running',
  done: 'library.state.done',
  failed: 'library.state.failed',
  skipped: 'library.state.skipped',
}

export function DetailPanel({ id, articles, onOpenArticle, onUpdated, onClose }: Props) {
  const client = useClient()
  const { t, locale } = useI18n()
  const uid = useId()
  const [detail, setDetail] = useState<LibraryDetail | null>(null)
  const [error, setError] = useErrorState()
  const [caption, setCaption] = useState('')
  const [description, setDescription] = useState('')
  const [tags, setTags] = useState('')
  const [saving, setSaving] = useState(false)
  const [saved, setSaved] = useState(false)

  useEffect(() => {
    let live = true
    setDetail(null)
    setError(null)
    setSaved(false)
    client.call('library.get', { id }).then(
      (d) => {
        if (!live) return
        setDetail(d)
        setCaption(d.caption ?? '')
        setDescription(d.description ?? '')
        setTags(d.tags.join(', '))
      },
      (e: unknown) => live && setError(e),
    )
    return () => {
      live = false
    }
  }, [client, id, setError])

  const dirty =
    detail !== null &&
    (caption !== (detail.caption ?? '') || description !== (detail.description ?? '') || tags !== detail.tags.join(', '))

  const save = async () => {
    if (!detail) return
    setSaving(true)
    setError(null)
    try {
      const item = await client.call('library.update', { id, caption, description, tags: parseTags(tags) })
      setDetail({ ...detail, ...item, description: description.trim() })
      setTags(item.tags.join(', '))
      setSaved(true)
      onUpdated(item)
    } catch (e) {
      setError(e)
    } finally {
      setSaving(false)
    }
  }

  const fmtDate = (ms: number | null) => (ms === null ? t('library.unknown') : formatDateTime(ms, locale))
  const titleOf = (aid: string) => displayTitle(articles?.find((a) => a.id === aid)?.title ?? '', t('common.untitled'))

  return (
    <aside className="lib-detail" aria-labelledby={`${uid}-h`} data-testid="library-detail">
      <div className="lib-detail-head">
        <h3 id={`${uid}-h`}>{t('library.detail')}</h3>
        <button type="button" className="btn btn-ghost" onClick={onClose} aria-label={t('library.closeDetail')}>
          ×
        </button>
      </div>
      {error && (
        <p role="alert" className="lib-error">
          {t('common.error', { message: error })}
        </p>
      )}
      {!detail ? (
        !error && <p aria-busy="true">{t('library.loadingItem')}</p>
      ) : (
        <>
          <img className="lib-preview" src={`${client.imageUrl(id)}?size=preview`} alt={t('library.preview', { name: detail.fileName })} />
          <dl className="lib-facts">
            <dt>{t('library.fileName')}</dt>
            <dd data-testid="detail-file-name">{detail.fileName}</dd>
            <dt>{t('library.size')}</dt>
            <dd>{formatBytes(detail.bytes, locale)}</dd>
            <dt>{t('library.dimensions')}</dt>
            <dd>
              {detail.width} × {detail.height}
            </dd>
            <dt>{t('library.taken')}</dt>
            <dd>{fmtDate(detail.takenAt)}</dd>
            <dt>{t('library.camera')}</dt>
            <dd>{detail.camera ?? t('library.unknown')}</dd>
            <dt>{t('library.captionState')}</dt>
            <dd data-testid="detail-caption-state">{STATES[detail.captionState] ? t(STATES[detail.captionState]) : detail.captionState}</dd>
          </dl>
          <form
            className="lib-edit"
            onSubmit={(e) => {
              e.preventDefault()
              void save()
            }}
          >
            <label htmlFor={`${uid}-cap`}>{t('library.caption')}</label>
            {detail.caption && (
              <span className="lib-source" data-testid="caption-source">
                {t(detail.captionSource === 'user' ? 'library.byUser' : 'library.byModel')}
              </span>
            )}
            <textarea
              id={`${uid}-cap`}
              rows={2}
              value={caption}
              onChange={(e) => {
                setCaption(e.target.value)
                setSaved(false)
              }}
            />
            <label htmlFor={`${uid}-desc`}>{t('library.description')}</label>
            <textarea
              id={`${uid}-desc`}
              rows={4}
              value={description}
              onChange={(e) => {
                setDescription(e.target.value)
                setSaved(false)
              }}
            />
            <label htmlFor={`${uid}-tags`}>{t('library.tagsField')}</label>
            <input
              id={`${uid}-tags`}
              className="input"
              value={tags}
              onChange={(e) => {
                setTags(e.target.value)
                setSaved(false)
              }}
            />
            <div className="lib-edit-actions">
              <button type="submit" className="btn btn-primary" disabled={!dirty || saving}>
                {t('library.save')}
              </button>
              <span role="status">{saved && !dirty ? t('library.saved') : ''}</span>
            </div>
          </form>
          {detail.exifText && (
            <details className="lib-exif">
              <summary>{t('library.exif')}</summary>
              <pre>{detail.exifText}</pre>
            </details>
          )}
          <h4>{t('library.usedIn')}</h4>
          {detail.usedIn.length === 0 ? (
            <p className="muted">{t('library.notUsed')}</p>
          ) : (
            <ul className="lib-used" data-testid="detail-used-in">
              {detail.usedIn.map((aid) => (
                <li key={aid}>
                  <button type="button" className="link-btn" onClick={() => onOpenArticle(aid)}>
                    {titleOf(aid)}
                  </button>
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </aside>
  )
}
