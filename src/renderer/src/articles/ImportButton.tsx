/**
 * "Import" in the sidebar: pick a Markdown, HTML or Word file — with the images a Markdown or HTML
 * file refers to, or one .zip — and it becomes a new article (its images enter the library). The
 * files' bytes are sent, never a path. Progress and Cancel in a toast; warnings are listed after.
 */
import { useRef, useState } from 'react'
import { MAX_IMPORT_FILE_BYTES } from '../../../shared/limits'
import { useClient } from '../api'
import { useToast } from '../components/Toast'
import { useI18n } from '../i18n/I18nProvider'
import { readPickedFiles } from './download'

/** What one request may carry (the serve-mode bridge takes up to 96 MB per message, base64 adds a third). */
const MAX_TOTAL_BYTES = 64 * 1024 * 1024
export const IMPORT_ACCEPT = '.md,.markdown,.txt,.html,.htm,.docx,.zip,image/*'

export function ImportButton({ onImported }: { onImported(articleId: string): void }) {
  const client = useClient()
  const toast = useToast()
  const { t, errorText } = useI18n()
  const input = useRef<HTMLInputElement>(null)
  const [busy, setBusy] = useState(false)

  const run = async (picked: File[]) => {
    const total = picked.reduce((n, f) => n + f.size, 0)
    const tooBig = picked.find((f) => f.size > MAX_IMPORT_FILE_BYTES)
    if (tooBig || total > MAX_TOTAL_BYTES) {
      toast.show({ kind: 'error', message: t('import.tooLarge', { name: tooBig?.name ?? '', mb: MAX_TOTAL_BYTES / 1024 / 1024 }) })
      return
    }
    setBusy(true)
    const ac = new AbortController()
    const progressId = toast.show({
      kind: 'progress',
      message: t('import.reading'),
      action: { label: t('common.cancel'), onClick: () => ac.abort() },
    })
    try {
      const files = await readPickedFiles(picked)
      const out = await client.stream(
        'articles.import',
        { files },
        {
          signal: ac.signal,
          onProgress: (p) =>
            toast.update(progressId, {
              message: p.stage === 'images' ? t('import.images', { done: p.done, total: p.total }) : p.stage === 'saving' ? t('import.saving') : t('import.reading'),
            }),
        },
      )
      toast.dismiss(progressId)
      onImported(out.articleId)
      toast.show({
        kind: out.warnings.length ? 'info' : 'success',
        message: out.warnings.length
          ? t('import.doneWithWarnings', { n: out.images.length, warnings: out.warnings.join(' ') })
          : t('import.done', { n: out.images.length }),
        duration: out.warnings.length ? 0 : undefined,
      })
    } catch (e) {
      toast.dismiss(progressId)
      if (!ac.signal.aborted) toast.show({ kind: 'error', message: t('import.failed', { message: errorText(e) }) })
    } finally {
      setBusy(false)
    }
  }

  return (
    <>
      {/* An icon beside "New article": the sidebar is narrow. The name and the hint are its label and tooltip. */}
      <button type="button" className="icon-btn" onClick={() => input.current?.click()} disabled={busy} aria-label={t('import.open')} title={t('import.hint')}>
        <svg viewBox="0 0 24 24" width="18" height="18" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true" focusable="false">
          <path d="M12 3v12M7 10l5 5 5-5M4 17v3h16v-3" />
        </svg>
      </button>
      <input
        ref={input}
        type="file"
        multiple
        hidden
        tabIndex={-1}
        accept={IMPORT_ACCEPT}
        data-testid="article-import-input"
        aria-label={t('import.open')}
        onChange={(e) => {
          const files = Array.from(e.currentTarget.files ?? [])
          e.currentTarget.value = ''
          if (files.length) void run(files)
        }}
      />
    </>
  )
}
