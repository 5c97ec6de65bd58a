/** The versions side panel: list, "Save version", and "Restore" (after flushing pending edits). */
import { useCallback, useEffect, useId, useState } from 'react'
import type { Article, Version } from '../../../shared/api'
import { useClient } from '../api'
import { dateTime } from '../articles/format'
import { useDialogs } from '../components/DialogProvider'
import { IconClose } from '../components/icons'
import { useToast } from '../components/Toast'
import { wordCount } from '../i18n'
import { useI18n } from '../i18n/I18nProvider'

interface Props {
  id: string
  articleId: string
  onClose(): void
  /** Saves pending edits; false when that failed. */
  flush(): Promise<boolean>
  /** Loads a restored article into the editor. */
  onRestored(article: Article): void
}

export function VersionsPanel({ id, articleId, onClose, flush, onRestored }: Props) {
  const client = useClient()
  const dialogs = useDialogs()
  const toast = useToast()
  const { t, lang, locale, errorText } = useI18n()
  const headingId = useId()
  const [versions, setVersions] = useState<Version[] | null>(null)
  const [error, setError] = useState<unknown>(null)
  const [busy, setBusy] = useState(false)
  const [reloadKey, setReloadKey] = useState(0)
  const reload = useCallback(() => setReloadKey((k) => k + 1), [])

  useEffect(() => {
    let cancelled = false
    const load = () =>
      client.call('versions.list', { articleId }).then(
        (res) => {
          if (cancelled) return
          setVersions([...res.versions].sort((a, b) => b.createdAt - a.createdAt))
          setError(null)
        },
        (e: unknown) => {
          if (!cancelled) setError(e)
        },
      )
    void load()
    const off = client.on('articles.changed', (ev) => {
      if (ev.id === articleId) void load()
    })
    return () => {
      cancelled = true
      off()
    }
  }, [client, articleId, reloadKey])

  const ensureSaved = async (): Promise<boolean> => {
    const ok = await flush()
    if (!ok) toast.show({ kind: 'error', message: t('versions.flushFailed') })
    return ok
  }

  const saveVersion = async () => {
    const label = await dialogs.prompt({
      title: t('versions.labelTitle'),
      label: t('versions.labelField'),
      confirmLabel: t('versions.create'),
      maxLength: 200,
    })
    if (label === null) return
    setBusy(true)
    try {
      if (!(await ensureSaved())) return
      await client.call('versions.create', { articleId, ...(label.trim() ? { label: label.trim() } : {}) })
      toast.show({ kind: 'success', message: t('versions.saved') })
      reload()
    } catch (e) {
      toast.show({ kind: 'error', message: t('common.error', { message: errorText(e) }) })
    } finally {
      setBusy(false)
    }
  }

  const restore = async (v: Version) => {
    setBusy(true)
    try {
      if (!(await ensureSaved())) return
      const article = await client.call('versions.restore', { id: v.id })
      onRestored(article)
      toast.show({ kind: 'success', message: t('versions.restored', { date: dateTime(v.createdAt, locale) }) })
      reload()
    } catch (e) {
      toast.show({ kind: 'error', message: t('common.error', { message: errorText(e) }) })
    } finally {
      setBusy(false)
    }
  }

  return (
    <section
      id={id}
      className="versions-panel"
      aria-labelledby={headingId}
      aria-busy={busy || undefined}
    >
      <div className="panel-head">
        <h2 id={headingId}>{t('versions.heading')}</h2>
        <button type="button" className="icon-btn" aria-label={t('common.close')} title={t('common.close')} onClick={onClose}>
          <IconClose />
        </button>
      </div>
      <button type="button" className="btn btn-primary btn-block" onClick={() => void saveVersion()} disabled={busy}>
        {t('versions.save')}
      </button>
      {error !== null && versions === null ? (
        <p className="panel-note" role="alert">
          {t('versions.loadFailed', { message: errorText(error) })}{' '}
          <button type="button" className="btn btn-small" onClick={reload}>
            {t('common.retry')}
          </button>
        </p>
      ) : versions === null ? (
        <p className="panel-note">{t('app.loading')}</p>
      ) : versions.length === 0 ? (
        <p className="panel-note">{t('versions.empty')}</p>
      ) : (
        <ol className="version-list">
          {versions.map((v) => {
            const dateId = `${headingId}-${v.id}`
            return (
              <li key={v.id} className="version-item" data-testid="version-item">
                <div className="version-top">
                  <time id={dateId} dateTime={new Date(v.createdAt).toISOString()}>
                    {dateTime(v.createdAt, locale)}
                  </time>
                  <span className={`badge badge-${v.kind}`}>{t(`versions.kind.${v.kind}`)}</span>
                </div>
                {v.label && <p className="version-label">{v.label}</p>}
                <div className="version-bottom">
                  <span className="version-words">{wordCount(t, v.wordCount, lang)}</span>
                  <button
                    type="button"
                    className="btn btn-small"
                    aria-describedby={dateId}
                    disabled={busy}
                    onClick={() => void restore(v)}
                  >
                    {t('versions.restore')}
                  </button>
                </div>
              </li>
            )
          })}
        </ol>
      )}
    </section>
  )
}
