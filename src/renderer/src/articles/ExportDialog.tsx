/**
 * "Export" in the editor header: a dialog to pick the format (Markdown bundle, HTML, HTML + images,
 * Word, PDF with its paper size). The browser downloads the file; the desktop app opens the system
 * save dialog (which asks before overwriting). Unsaved edits are saved first.
 */
import { useEffect, useId, useRef, useState } from 'react'
import type { ExportFormat, PageSize } from '../../../shared/article-io-api'
import { useClient } from '../api'
import { Modal } from '../components/Modal'
import { useToast } from '../components/Toast'
import type { MessageKey } from '../i18n'
import { useI18n } from '../i18n/I18nProvider'
import { downloadFile, exportBytes } from './download'

const FORMATS: { format: ExportFormat; label: MessageKey; hint: MessageKey }[] = [
  { format: 'md-zip', label: 'export.mdZip', hint: 'export.mdZipHint' },
  { format: 'html', label: 'export.html', hint: 'export.htmlHint' },
  { format: 'html-zip', label: 'export.htmlZip', hint: 'export.htmlZipHint' },
  { format: 'docx', label: 'export.docx', hint: 'export.docxHint' },
  { format: 'pdf', label: 'export.pdf', hint: 'export.pdfHint' },
]

/** Letter where it is the usual paper, A4 elsewhere. */
function defaultPageSize(): PageSize {
  const lang = typeof navigator !== 'undefined' ? navigator.language : ''
  return /^(en-US|en-CA|es-MX|es-US|fr-CA|en-PH)$/i.test(lang) ? 'letter' : 'a4'
}

interface Props {
  articleId: string
  /** Saves pending edits; false when that failed. */
  flush(): Promise<boolean>
}

export function ExportButton({ articleId, flush }: Props) {
  const { t } = useI18n()
  const [open, setOpen] = useState(false)
  return (
    <>
      <button type="button" className="btn btn-ghost" aria-haspopup="dialog" onClick={() => setOpen(true)}>
        <span>{t('export.open')}</span>
      </button>
      {open && <ExportDialog articleId={articleId} flush={flush} onClose={() => setOpen(false)} />}
    </>
  )
}

function ExportDialog({ articleId, flush, onClose }: Props & { onClose(): void }) {
  const client = useClient()
  const toast = useToast()
  const { t, errorText } = useI18n()
  const id = useId()
  const [format, setFormat] = useState<ExportFormat>('md-zip')
  const [pageSize, setPageSize] = useState<PageSize>(defaultPageSize)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  // The export in flight: Cancel (or Escape) stops it on the server (a PDF's print is killed) and closes.
  const running = useRef<AbortController | null>(null)
  useEffect(() => () => running.current?.abort(), [])
  const cancel = () => {
    running.current?.abort()
    onClose()
  }

  const run = async () => {
    setBusy(true)
    setError(null)
    const abort = new AbortController()
    running.current = abort
    const signal = abort.signal
    try {
      if (!(await flush())) return setError(t('export.flushFailed'))
      const input = { id: articleId, format, pageSize }
      let warnings: string[]
      let savedAs: string | null
      if (client.transport === 'ipc') {
        const out = await client.call('articles.exportSave', input, { signal })
        if (out.path === null) return // The save dialog was cancelled: stay in the dialog.
        warnings = out.warnings
        savedAs = out.path
      } else {
        const out = await client.call('articles.export', input, { signal })
        downloadFile(out.fileName, out.mime, exportBytes(out))
        warnings = out.warnings
        savedAs = out.fileName
      }
      onClose()
      toast.show({
        kind: warnings.length ? 'info' : 'success',
        message: warnings.length ? t('export.doneWithWarnings', { file: savedAs, warnings: warnings.join(' ') }) : t('export.done', { file: savedAs }),
        duration: warnings.length ? 0 : undefined,
      })
    } catch (e) {
      if (!signal.aborted) setError(errorText(e))
    } finally {
      running.current = null
      if (!signal.aborted) setBusy(false)
    }
  }

  return (
    <Modal open onClose={cancel} labelledBy={`${id}-title`} className="export-dialog">
      <form
        onSubmit={(e) => {
          e.preventDefault()
          if (!busy) void run()
        }}
        aria-busy={busy}
      >
        <h2 id={`${id}-title`} className="modal-title">
          {t('export.title')}
        </h2>
        <fieldset className="export-formats" disabled={busy}>
          <legend className="field-label">{t('export.format')}</legend>
          {FORMATS.map((f) => (
            <label key={f.format} className="export-format">
              <input
                type="radio"
                name={`${id}-format`}
                value={f.format}
                checked={format === f.format}
                onChange={() => setFormat(f.format)}
                aria-describedby={`${id}-${f.format}-hint`}
              />
              <span className="export-format-text">
                <span className="export-format-label">{t(f.label)}</span>
                <span id={`${id}-${f.format}-hint`} className="field-hint">
                  {t(f.hint)}
                </span>
              </span>
            </label>
          ))}
        </fieldset>
        {format === 'pdf' && (
          <>
            <label htmlFor={`${id}-page`} className="field-label">
              {t('export.pageSize')}
            </label>
            <select id={`${id}-page`} className="select" value={pageSize} disabled={busy} onChange={(e) => setPageSize(e.target.value === 'letter' ? 'letter' : 'a4')}>
              <option value="a4">A4</option>
              <option value="letter">{t('export.pageSize.letter')}</option>
            </select>
          </>
        )}
        {error && (
          <p className="field-error" role="alert">
            {t('export.failed', { message: error })}
          </p>
        )}
        <div className="modal-actions">
          <button type="button" className="btn" onClick={cancel}>
            {t('common.cancel')}
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy} autoFocus>
            {busy ? t('export.working') : t('export.run')}
          </button>
        </div>
      </form>
    </Modal>
  )
}
