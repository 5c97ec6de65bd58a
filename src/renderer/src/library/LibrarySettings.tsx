/**
 * The library's settings, in a disclosure next to the import controls: copy imports into the
 * library (or reference them in place), caption language, caption image size. Each change saves.
 */
import { useEffect, useId, useState } from 'react'
import type { LibrarySettings as Settings, LibrarySettingsPatch } from '../../../shared/library-settings-api'
import { CAPTION_MAX_SIZE_MAX, CAPTION_MAX_SIZE_MIN } from '../../../shared/limits'
import { useClient } from '../api'
import { useErrorState, useI18n } from '../i18n/I18nProvider'
import { parseCaptionMaxSize } from './caption-logic'

export function LibrarySettings() {
  const client = useClient()
  const { t } = useI18n()
  const id = useId()
  const [settings, setSettings] = useState<Settings | null>(null)
  const [sizeText, setSizeText] = useState('')
  const [error, setError] = useErrorState()
  const [saving, setSaving] = useState(0)

  useEffect(() => {
    let live = true
    client.call('library.settings.get', {}).then(
      (s) => {
        if (!live) return
        setSettings(s)
        setSizeText(String(s.captionMaxSize))
      },
      (e: unknown) => live && setError(e),
    )
    return () => {
      live = false
    }
  }, [client, setError])

  const save = (patch: LibrarySettingsPatch) => {
    setError(null)
    setSettings((cur) => (cur ? { ...cur, ...patch } : cur))
    setSaving((n) => n + 1)
    client
      .call('library.settings.set', patch)
      .then(
        (s) => setSettings(s),
        (e: unknown) => setError(e),
      )
      .finally(() => setSaving((n) => n - 1))
  }

  const size = parseCaptionMaxSize(sizeText)
  const commitSize = () => {
    if (size !== null && settings && size !== settings.captionMaxSize) save({ captionMaxSize: size })
  }

  return (
    <details className="lib-settings" data-testid="library-settings" aria-busy={saving > 0}>
      <summary>{t('library.settings.heading')}</summary>
      {settings ? (
        <div className="lib-settings-body">
          <label>
            <input type="checkbox" checked={settings.copyOnImport} aria-describedby={`${id}-copy`} onChange={(e) => save({ copyOnImport: e.target.checked })} />{' '}
            {t('library.settings.copy')}
          </label>
          <p className="muted" id={`${id}-copy`}>
            {t(settings.copyOnImport ? 'library.settings.copyOn' : 'library.settings.copyOff')}
          </p>
          <label>
            {t('library.settings.language')}{' '}
            <select
              className="input"
              value={settings.captionLanguage}
              aria-describedby={`${id}-lang`}
              onChange={(e) => save({ captionLanguage: e.target.value as Settings['captionLanguage'] })}
            >
              <option value="en">{t('library.settings.lang.en')}</option>
              <option value="zh">{t('library.settings.lang.zh')}</option>
              <option value="both">{t('library.settings.both')}</option>
            </select>
          </label>
          <p className="muted" id={`${id}-lang`}>
            {t('library.settings.languageNote')}
          </p>
          <label>
            {t('library.settings.size')}{' '}
            <input
              type="number"
              className="input"
              min={CAPTION_MAX_SIZE_MIN}
              max={CAPTION_MAX_SIZE_MAX}
              step={1}
              value={sizeText}
              aria-invalid={size === null}
              aria-describedby={`${id}-size`}
              onChange={(e) => setSizeText(e.target.value)}
              onBlur={commitSize}
              onKeyDown={(e) => {
                if (e.key === 'Enter') commitSize()
              }}
            />
          </label>
          <p className={size === null ? undefined : 'muted'} id={`${id}-size`} role={size === null ? 'alert' : undefined}>
            {t(size === null ? 'library.settings.sizeInvalid' : 'library.settings.sizeNote', { min: CAPTION_MAX_SIZE_MIN, max: CAPTION_MAX_SIZE_MAX })}
          </p>
        </div>
      ) : (
        <p className="muted">{error ? t('common.error', { message: error }) : t('library.settings.loading')}</p>
      )}
      {settings && error && <p role="alert">{t('common.error', { message: error })}</p>}
    </details>
  )
}
