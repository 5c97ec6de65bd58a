/** The vision engine (llama-server): where it is, or a download of llama.cpp's release build. */
import { useId, useState } from 'react'
import type { MessageKey } from '../i18n'
import { useI18n } from '../i18n/I18nProvider'
import { formatBytes, formatEta, formatSpeed, percent } from './format'
import { formatPercent } from '../i18n/format'
import { GPU_FLAVOURS, type GpuFlavour, type InstallUi } from './llama-server-store'
import { useLlamaServerSelector, useLlamaServerStore, useModelsSelector } from './ModelsProvider'

const SOURCE_KEYS: Record<string, MessageKey> = {
  cache: 'models.engine.source.cache',
  path: 'models.engine.source.path',
  settings: 'models.engine.source.settings',
}

const GPU_KEYS: Record<GpuFlavour, MessageKey> = {
  cpu: 'models.engine.gpu.cpu',
  cuda: 'models.engine.gpu.cuda',
  vulkan: 'models.engine.gpu.vulkan',
}

export function VisionEngineSection() {
  const { t, errorText } = useI18n()
  const store = useLlamaServerStore()
  const info = useLlamaServerSelector((s) => s.info)
  const install = useLlamaServerSelector((s) => s.install)

  let body
  if (info.data === null) {
    body =
      info.error !== null ? (
        <div role="alert" className="inline-error">
          <p>{t('models.engine.loadFailed', { message: errorText(info.error) })}</p>
          <button type="button" className="btn btn-small" onClick={() => void store.refresh()}>
            {t('common.retry')}
          </button>
        </div>
      ) : (
        <p className="list-note">{t('app.loading')}</p>
      )
  } else if (info.data.path !== null && install === null) {
    const source = info.data.source
    const sourceKey = source ? SOURCE_KEYS[source] : undefined
    body = (
      <p className="engine-ready" data-testid="llama-server-ready">
        <span className="engine-ready-icon" aria-hidden="true">
          ✓
        </span>
        <span>
          {t('models.engine.ready')} <code data-testid="llama-server-path">{info.data.path}</code>
          {source && <> {sourceKey ? t(sourceKey) : `(${source})`}</>}
        </span>
      </p>
    )
  } else {
    body = (
      <>
        {info.data.message && (
          <p className="engine-missing" data-testid="llama-server-missing">
            {info.data.message}
          </p>
        )}
        <EngineDownload install={install} />
      </>
    )
  }

  return (
    <section className="models-section" aria-labelledby="engine-heading" data-testid="vision-engine">
      <h3 id="engine-heading" className="section-heading">
        {t('models.engine.heading')}
      </h3>
      <p className="section-note">{t('models.engine.intro')}</p>
      {body}
    </section>
  )
}

function EngineDownload({ install }: { install: InstallUi | null }) {
  const { t, locale, errorText } = useI18n()
  const id = useId()
  const store = useLlamaServerStore()
  // A guess from the backend node-llama-cpp found; the person can pick another.
  const backend = useModelsSelector((s) => s.status.data?.backend)
  const [chosen, setChosen] = useState<GpuFlavour | null>(null)
  const guess: GpuFlavour = backend === 'cuda' || backend === 'vulkan' ? backend : 'cpu'
  const gpu = chosen ?? guess
  const ids = { gpu: `${id}-gpu`, hint: `${id}-hint` }

  if (install && install.phase !== 'error') {
    const p = install.progress
    const done = p?.downloadedBytes ?? 0
    const total = p?.totalBytes ?? 0
    const pct = percent(done, total)
    const amounts = t('models.dl.amounts', { done: formatBytes(done, locale), total: total > 0 ? formatBytes(total, locale) : '—' })
    return (
      <div className="card-download engine-download">
        <div
          className="progress"
          role="progressbar"
          aria-label={t('models.engine.progressLabel')}
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={pct}
          aria-valuetext={`${formatPercent(pct / 100, locale)} (${amounts})`}
        >
          <div className="progress-fill" style={{ width: `${pct}%` }} />
        </div>
        <p className="dl-note" data-testid="engine-download-detail">
          {install.phase === 'cancelling'
            ? t('models.dl.cancelling')
            : p
              ? t('models.dl.detail', { amounts, speed: formatSpeed(p.bytesPerSecond, locale), eta: formatEta(p.etaSeconds, t) })
              : t('models.dl.starting')}
        </p>
        <div className="card-actions">
          <button type="button" className="btn" disabled={install.phase === 'cancelling'} onClick={() => void store.cancel()}>
            {t('common.cancel')}
          </button>
        </div>
      </div>
    )
  }

  if (install?.phase === 'error') {
    return (
      <div className="card-download engine-download">
        <div className="inline-error" role="alert" data-testid="engine-error">
          <p>{t('models.engine.failed')}</p>
          <p data-testid="engine-error-message">{install.error ? errorText(install.error) : t('models.dl.failed')}</p>
        </div>
        <div className="card-actions">
          <button type="button" className="btn btn-primary" onClick={() => void store.install(install.gpu)}>
            {t('common.retry')}
          </button>
          <button type="button" className="btn" onClick={() => store.dismiss()}>
            {t('common.dismiss')}
          </button>
        </div>
      </div>
    )
  }

  return (
    <div className="engine-download">
      <div className="try-controls">
        <label htmlFor={ids.gpu} className="inline-label">
          {t('models.engine.gpu')}
        </label>
        <select id={ids.gpu} className="select" value={gpu} onChange={(e) => setChosen(e.target.value as GpuFlavour)}>
          {GPU_FLAVOURS.map((g) => (
            <option key={g} value={g}>
              {t(GPU_KEYS[g])}
            </option>
          ))}
        </select>
        <button type="button" className="btn btn-primary" aria-describedby={ids.hint} onClick={() => void store.install(gpu)}>
          {t('models.engine.download')}
        </button>
      </div>
      <p id={ids.hint} className="field-hint">
        {t('models.engine.downloadHint')}
      </p>
    </div>
  )
}
