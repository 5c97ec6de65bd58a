/**
 * The app-wide status bar. Left: a slot the editor fills with its word count and save state.
 * Right: the writing model (click: Models screen), the inference backend and the latest
 * generation's speed. Subscribes to the models store only, so streaming stats re-render this bar
 * and nothing else.
 */
import type { Ref } from 'react'
import { useI18n } from '../i18n/I18nProvider'
import { backendLabel, formatStats } from './format'
import { formatPercent } from '../i18n/format'
import { useModelsSelector } from './ModelsProvider'

interface Props {
  slotRef: Ref<HTMLDivElement>
  onOpenModels(): void
}

export function AppStatusBar({ slotRef, onOpenModels }: Props) {
  const { t, locale } = useI18n()
  const status = useModelsSelector((s) => s.status.data)
  const stats = useModelsSelector((s) => s.stats)
  const loading = useModelsSelector((s) => s.loading)
  const writer = status?.writer ?? null

  return (
    <footer className="app-status" aria-label={t('appStatus.label')}>
      <div className="app-status-left" ref={slotRef} />
      <div className="app-status-right">
        {status && (
          <button
            type="button"
            className={`status-model${writer ? '' : ' is-missing'}`}
            data-testid="status-model"
            title={t('appStatus.openModels')}
            onClick={onOpenModels}
          >
            {writer ? (
              <>
                <span className="sr-only">{t('appStatus.writer')} </span>
                <span className="status-model-name">{writer}</span>
              </>
            ) : (
              t('appStatus.noWriter')
            )}
          </button>
        )}
        {status && (
          <span className="status-backend" data-testid="status-backend" title={t('appStatus.backendTitle', { backend: backendLabel(status.backend, t), threads: status.threads })}>
            <span className="sr-only">{t('appStatus.backend')} </span>
            {backendLabel(status.backend, t)}
          </span>
        )}
        {loading && (
          <span className="status-loading" data-testid="status-loading">
            {t('appStatus.loading')}{' '}
            <progress
              max={1}
              value={loading.progress}
              aria-label={`${t('appStatus.loading')} ${loading.model}`}
              aria-valuetext={formatPercent(loading.progress, locale)}
            />
          </span>
        )}
        {stats && !loading && (
          <span className="status-stats" data-testid="status-stats">
            {formatStats(stats, t, locale)}
          </span>
        )}
      </div>
    </footer>
  )
}
