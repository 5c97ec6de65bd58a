/**
 * The captioning queue's progress: a labelled bar (captions written of images queued), the image
 * in progress, pause/resume, retry of failed images, and why the queue is idle (e.g. no vision
 * model). Follows the `library.captions` event; fetches the status once and after a reconnect.
 */
import { useEffect, useState } from 'react'
import type { CaptionStatus } from '../../../shared/captions-api'
import { useClient, useRuntime } from '../api'
import { useErrorState, useI18n } from '../i18n/I18nProvider'
import { captionProgress, isModelProblem } from './caption-logic'

export function CaptionProgress() {
  const client = useClient()
  const { connection } = useRuntime()
  const { t, errorText } = useI18n()
  const [status, setStatus] = useState<CaptionStatus | null>(null)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useErrorState()

  useEffect(() => {
    let live = true
    const fetchStatus = () =>
      client.call('library.captions.status', {}).then(
        (s) => live && setStatus(s),
        (e: unknown) => live && setError(e),
      )
    void fetchStatus()
    const off = client.on('library.captions', (s) => setStatus(s))
    // Events sent while disconnected are lost: refetch after a reconnect.
    let wasOpen = connection.get().state === 'open'
    const offConn = connection.subscribe(() => {
      const open = connection.get().state === 'open'
      if (open && !wasOpen) void fetchStatus()
      wasOpen = open
    })
    return () => {
      live = false
      off()
      offConn()
    }
  }, [client, connection, setError])

  if (!status) return null
  const p = captionProgress(status)
  if (p.total === 0 && !status.problem) return null

  const act = (method: 'library.captions.pause' | 'library.captions.resume' | 'library.captions.retryFailed') => {
    setBusy(true)
    setError(null)
    client
      .call(method, {})
      .then(setStatus, (e: unknown) => setError(e))
      .finally(() => setBusy(false))
  }

  const line = status.paused
    ? t('library.captions.paused', { done: p.done, total: p.total })
    : p.current !== null
      ? t('library.captions.running', { n: p.current, total: p.total })
      : status.pending > 0
        ? t('library.captions.waiting', { done: p.done, total: p.total })
        : t('library.captions.finished', { done: p.done, total: p.total })

  return (
    <section className="lib-import lib-captions" aria-label={t('library.captions.heading')} data-testid="caption-progress">
      <progress max={Math.max(1, p.total)} value={p.done} aria-label={t('library.captions.heading')} />
      <span aria-live="polite">{line}</span>
      {(status.pending > 0 || status.paused) && (
        <button
          type="button"
          className="btn"
          disabled={busy}
          onClick={() => act(status.paused ? 'library.captions.resume' : 'library.captions.pause')}
        >
          {status.paused ? t('library.captions.resume') : t('library.captions.pause')}
        </button>
      )}
      {status.failed > 0 && (
        <button type="button" className="btn btn-ghost" disabled={busy} onClick={() => act('library.captions.retryFailed')}>
          {t('library.captions.retry', { n: status.failed })}
        </button>
      )}
      {status.problem && !status.paused && (
        <p role="status" data-testid="caption-problem">
          {isModelProblem(status.problem.code) ? t('library.captions.noVision') : t('library.captions.problem', { message: errorText(status.problem) })}
        </p>
      )}
      {error && <p role="alert">{t('common.error', { message: error })}</p>}
    </section>
  )
}
