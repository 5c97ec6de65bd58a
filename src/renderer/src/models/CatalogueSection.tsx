/** Recommended models: what each is, whether it fits this machine, and its download. */
import { useId } from 'react'
import type { CatalogueEntry } from '../../../shared/api'
import { useDialogs } from '../components/DialogProvider'
import { useToast } from '../components/Toast'
import { useI18n } from '../i18n/I18nProvider'
import { cardState } from './download-store'
import { backendLabel, formatEta, formatGb, formatSpeed, languageName, percent, ROLE_KEYS } from './format'
import { formatPercent } from '../i18n/format'
import type { Catalogue, Loadable } from './models-store'
import { useDownload, useDownloadStore } from './ModelsProvider'

export function CatalogueSection({ catalogue, onRetry }: { catalogue: Loadable<Catalogue>; onRetry(): void }) {
  const { t, locale, errorText } = useI18n()
  const sys = catalogue.data?.system
  return (
    <section className="models-section" aria-labelledby="catalogue-heading">
      <h3 id="catalogue-heading" className="section-heading">
        {t('models.catalogue.heading')}
      </h3>
      {sys && (
        <p className="section-note" data-testid="system-line">
          {t('models.catalogue.system', {
            ram: formatGb(sys.ramBytes, locale),
            free: formatGb(sys.freeRamBytes, locale),
            backend: backendLabel(sys.backend, t),
            cores: sys.cores,
          })}
          {sys.vramBytes > 0 && ` ${t('models.catalogue.vram', { vram: formatGb(sys.vramBytes, locale) })}`}
        </p>
      )}
      {catalogue.data === null ? (
        catalogue.error !== null ? (
          <div role="alert" className="inline-error">
            <p>{t('models.catalogue.loadFailed', { message: errorText(catalogue.error) })}</p>
            <button type="button" className="btn btn-small" onClick={onRetry}>
              {t('common.retry')}
            </button>
          </div>
        ) : (
          <p className="list-note">{t('app.loading')}</p>
        )
      ) : (
        <ul className="catalogue">
          {catalogue.data.entries.map((e) => (
            <CatalogueCard key={e.id} entry={e} />
          ))}
        </ul>
      )}
    </section>
  )
}

function CatalogueCard({ entry }: { entry: CatalogueEntry }) {
  const { t, locale } = useI18n()
  const id = useId()
  const nameId = `${id}-name`
  return (
    <li className="catalogue-card" data-testid="catalogue-card" data-catalogue-id={entry.id} aria-labelledby={nameId}>
      <h4 id={nameId} className="card-name">
        {entry.name}
      </h4>
      <p className="card-desc">{entry.description}</p>
      <dl className="facts">
        <div className="fact">
          <dt>{t('models.fact.download')}</dt>
          <dd data-testid="card-size">{formatGb(entry.sizeBytes, locale)}</dd>
        </div>
        <div className="fact">
          <dt>{t('models.fact.memory')}</dt>
          <dd>{t('models.fact.about', { size: formatGb(entry.memoryBytes, locale) })}</dd>
        </div>
        <div className="fact">
          <dt>{t('models.fact.license')}</dt>
          <dd>{entry.license}</dd>
        </div>
        <div className="fact">
          <dt>{t('models.fact.languages')}</dt>
          <dd>{entry.languages.map((l) => languageName(l, t)).join(', ')}</dd>
        </div>
        <div className="fact">
          <dt>{t('models.fact.roles')}</dt>
          <dd>{entry.roles.map((r) => t(ROLE_KEYS[r])).join(', ')}</dd>
        </div>
      </dl>
      <p className={`fits ${entry.fits.fits ? 'fits-ok' : 'fits-warn'}`} data-testid="fits" data-fits={entry.fits.fits}>
        <span className="fits-icon" aria-hidden="true">
          {entry.fits.fits ? '✓' : '⚠'}
        </span>
        {!entry.fits.fits && <span className="sr-only">{t('models.fits.warning')} </span>}
        <span>{entry.fits.message}</span>
      </p>
      <DownloadControls entry={entry} nameId={nameId} />
    </li>
  )
}

function DownloadControls({ entry, nameId }: { entry: CatalogueEntry; nameId: string }) {
  const { t, locale, errorText } = useI18n()
  const store = useDownloadStore()
  const dialogs = useDialogs()
  const toast = useToast()
  const ui = useDownload(entry.id)
  const state = cardState(entry, ui)

  const start = () => void store.start(entry.id)
  const cancel = async (downloadedBytes: number) => {
    const ok = await dialogs.confirm({
      title: t('models.dl.cancelTitle', { name: entry.name }),
      body: t('models.dl.cancelBody', { size: formatGb(downloadedBytes, locale) }),
      confirmLabel: t('models.dl.cancelConfirm'),
      danger: true,
    })
    if (!ok) return
    await store.cancel(entry.id)
    if (!store.getSnapshot()[entry.id]) toast.show({ kind: 'info', message: t('models.dl.cancelled', { name: entry.name }) })
  }

  if (state.kind === 'installed') {
    return (
      <div className="card-actions">
        <button type="button" className="btn" disabled aria-describedby={nameId}>
          <span aria-hidden="true">✓ </span>
          {t('models.dl.installed')}
        </button>
      </div>
    )
  }
  if (state.kind === 'download') {
    return (
      <div className="card-actions">
        <button type="button" className="btn btn-primary" aria-describedby={nameId} onClick={start}>
          {t('models.dl.download')}
        </button>
      </div>
    )
  }

  const amounts = t('models.dl.amounts', {
    done: formatGb(state.downloadedBytes, locale),
    total: formatGb(state.totalBytes, locale),
  })

  if (state.kind === 'resume') {
    return (
      <div className="card-download">
        <p className="dl-note">{t('models.dl.partial', { amounts })}</p>
        <div className="card-actions">
          <button type="button" className="btn btn-primary" aria-describedby={nameId} onClick={start}>
            {t('models.dl.resume')}
          </button>
          <button type="button" className="btn" aria-describedby={nameId} onClick={() => void cancel(state.downloadedBytes)}>
            {t('models.dl.cancel')}
          </button>
        </div>
      </div>
    )
  }

  const pct = percent(state.downloadedBytes, state.totalBytes)
  const bar = (
    <div
      className="progress"
      role="progressbar"
      aria-label={t('models.dl.progressLabel', { name: entry.name })}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={pct}
      aria-valuetext={`${formatPercent(pct / 100, locale)} (${amounts})`}
    >
      <div className="progress-fill" style={{ width: `${pct}%` }} />
    </div>
  )

  if (state.kind === 'elsewhere') {
    return (
      <div className="card-download">
        {bar}
        <p className="dl-note">{t('models.dl.elsewhere', { amounts })}</p>
      </div>
    )
  }

  const { ui: dl } = state
  if (dl.phase === 'error') {
    return (
      <div className="card-download">
        <div className="inline-error" role="alert" data-testid="download-error">
          <p>{dl.error ? errorText(dl.error) : t('models.dl.failed')}</p>
        </div>
        {state.downloadedBytes > 0 && <p className="dl-note">{t('models.dl.partial', { amounts })}</p>}
        <div className="card-actions">
          <button type="button" className="btn btn-primary" aria-describedby={nameId} onClick={start}>
            {t('common.retry')}
          </button>
          {state.downloadedBytes > 0 ? (
            <button type="button" className="btn" aria-describedby={nameId} onClick={() => void cancel(state.downloadedBytes)}>
              {t('models.dl.cancel')}
            </button>
          ) : (
            <button type="button" className="btn" aria-describedby={nameId} onClick={() => store.dismiss(entry.id)}>
              {t('common.dismiss')}
            </button>
          )}
        </div>
      </div>
    )
  }

  const p = dl.progress
  return (
    <div className="card-download">
      {bar}
      <p className="dl-note" data-testid="download-detail">
        {dl.phase === 'pausing'
          ? t('models.dl.pausing')
          : dl.phase === 'cancelling'
            ? t('models.dl.cancelling')
            : p
              ? t('models.dl.detail', {
                  amounts,
                  speed: formatSpeed(p.bytesPerSecond, locale),
                  eta: formatEta(p.etaSeconds, t),
                })
              : t('models.dl.starting')}
      </p>
      <div className="card-actions">
        <button
          type="button"
          className="btn"
          aria-describedby={nameId}
          disabled={dl.phase !== 'downloading'}
          onClick={() => void store.pause(entry.id)}
        >
          {t('models.dl.pause')}
        </button>
        <button
          type="button"
          className="btn"
          aria-describedby={nameId}
          disabled={dl.phase === 'cancelling'}
          onClick={() => void cancel(state.downloadedBytes)}
        >
          {t('models.dl.cancel')}
        </button>
      </div>
    </div>
  )
}
