/** The composition's progress under the toolbar: stage and counts, Stop, and its own error with Retry. */
import { useSyncExternalStore } from 'react'
import type { MessageKey } from '../i18n'
import { useI18n } from '../i18n/I18nProvider'
import { wordCount } from '../i18n'
import type { Composer, ComposeStatus } from './composer'

const STAGE_KEYS: Record<Exclude<ComposeStatus['stage'], null | 'paragraph'>, MessageKey> = {
  writing: 'compose.stage.writing',
  spotting: 'compose.stage.spotting',
  captioning: 'compose.stage.captioning',
  selecting: 'compose.stage.selecting',
}

export function ComposeBar({ composer }: { composer: Composer }) {
  const { t, lang } = useI18n()
  const s = useSyncExternalStore(composer.subscribe, composer.getStatus, composer.getStatus)
  if (s.phase === 'idle' || !s.stage) return null
  const stageName = s.stage === 'paragraph' ? t(`paragraph.${s.action ?? 'rewrite'}`) : t(STAGE_KEYS[s.stage])
  const running = s.phase === 'running'
  const writes = s.stage === 'writing' || s.stage === 'paragraph'
  const count = writes ? wordCount(t, s.words, lang) : s.total > 0 ? t('compose.progress', { done: s.done, total: s.total }) : ''
  const pct = s.total > 0 ? Math.round((100 * Math.min(s.done, s.total)) / s.total) : 0

  return (
    <div className="compose-bar" role="region" aria-label={t('compose.bar')} data-testid="compose-bar" data-phase={s.phase} data-stage={s.stage}>
      <div className="compose-bar-row">
        {running && <span className="banner-spinner" aria-hidden="true" />}
        <p className="compose-bar-status">
          {/* Only the stage is announced; the counts change every frame. */}
          <span role="status">
            {running ? `${stageName}…` : s.phase === 'done' ? t('compose.done') : s.phase === 'stopped' ? t('compose.stopped') : ''}
          </span>
          {running && count && <span className="compose-bar-count"> {count}</span>}
        </p>
        <div className="compose-bar-actions">
          {running && (
            <button type="button" className="btn btn-small" onClick={() => composer.stop()}>
              {t('compose.stop')}
            </button>
          )}
          {s.phase === 'stopped' && s.canAddImages && (
            <button type="button" className="btn btn-small" onClick={() => composer.addImages()}>
              {t('compose.addImages')}
            </button>
          )}
          {(s.phase === 'done' || s.phase === 'stopped') && (
            <button type="button" className="btn btn-small btn-ghost" onClick={() => composer.dismiss()}>
              {t('common.close')}
            </button>
          )}
        </div>
      </div>
      {running && !writes && s.total > 0 && (
        <div className="progress" role="progressbar" aria-label={stageName} aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct} aria-valuetext={count}>
          <div className="progress-fill" style={{ width: `${pct}%` }} />
        </div>
      )}
      {s.phase === 'error' && (
        <div className="inline-error" role="alert" data-testid="compose-error">
          <p>{t('compose.failed', { stage: stageName, message: s.error ?? '' })}</p>
          <button type="button" className="btn btn-small" onClick={() => composer.retry()}>
            {t('common.retry')}
          </button>
          <button type="button" className="btn btn-small btn-ghost" onClick={() => composer.dismiss()}>
            {t('common.dismiss')}
          </button>
        </div>
      )}
      {!running && s.warnings.length > 0 && (
        <ul className="compose-bar-warnings">
          {s.warnings.map((w, i) => (
            <li key={i}>{w}</li>
          ))}
        </ul>
      )}
    </div>
  )
}
