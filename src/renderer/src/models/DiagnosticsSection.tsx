/** "Copy diagnostics": the `app.diagnostics` report as Markdown on the clipboard, for a bug report. */
import { useId, useState } from 'react'
import { diagnosticsMarkdown } from '../../../shared/diagnostics-api'
import { useClient } from '../api'
import { useToast } from '../components/Toast'
import { useI18n } from '../i18n/I18nProvider'

export function DiagnosticsSection() {
  const { t, errorText } = useI18n()
  const client = useClient()
  const toast = useToast()
  const id = useId()
  const [busy, setBusy] = useState(false)
  // Shown only when the clipboard refuses (e.g. a browser without clipboard permission): copy by hand.
  const [fallback, setFallback] = useState<string | null>(null)

  const copy = async () => {
    setBusy(true)
    setFallback(null)
    let text: string
    try {
      // The browser (serve mode) or window (desktop) that asked is part of the picture.
      text = diagnosticsMarkdown(await client.call('app.diagnostics', {}), navigator.userAgent)
    } catch (e) {
      toast.show({ kind: 'error', message: t('common.error', { message: errorText(e) }) })
      setBusy(false)
      return
    }
    try {
      await navigator.clipboard.writeText(text)
      toast.show({ kind: 'success', message: t('models.diagnostics.copied') })
    } catch {
      setFallback(text)
    } finally {
      setBusy(false)
    }
  }

  return (
    <section className="models-section" aria-labelledby={`${id}-heading`} data-testid="diagnostics">
      <h3 id={`${id}-heading`} className="section-heading">
        {t('models.diagnostics.heading')}
      </h3>
      <p className="section-note">{t('models.diagnostics.intro')}</p>
      <button type="button" className="btn" disabled={busy} onClick={() => void copy()}>
        {busy ? t('models.diagnostics.copying') : t('models.diagnostics.copy')}
      </button>
      {fallback !== null && (
        <div className="diagnostics-fallback">
          <p role="alert">{t('models.diagnostics.copyFailed')}</p>
          <textarea
            aria-label={t('models.diagnostics.textLabel')}
            readOnly
            rows={12}
            value={fallback}
            ref={(el) => el?.select()}
            data-testid="diagnostics-text"
          />
        </div>
      )}
    </section>
  )
}
