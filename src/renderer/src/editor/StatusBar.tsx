/**
 * Word count and save state. Subscribes to the editor and the autosave, not to the parent. Shown
 * in the left half of the app-wide status bar (a portal), or inline when there is none.
 */
import { useEditorState, type Editor } from '@tiptap/react'
import { createPortal } from 'react-dom'
import type { Autosave } from '../articles/autosave'
import { useStatusSlot } from '../components/StatusSlot'
import { useSaveState } from '../articles/useAutosave'
import { wordCount } from '../i18n'
import { useI18n } from '../i18n/I18nProvider'
import { selectWordCount } from './editor-state'

export function StatusBar({ editor, autosave }: { editor: Editor; autosave: Autosave }) {
  const { t, lang, errorText } = useI18n()
  const words = useEditorState({ editor, selector: ({ editor: e }) => selectWordCount(e) })
  const save = useSaveState(autosave)
  const slot = useStatusSlot()

  const text =
    save.status === 'saving'
      ? t('status.saving')
      : save.status === 'error'
        ? t('status.failed', { message: errorText(save.error) })
        : save.status === 'dirty'
          ? t('status.dirty')
          : t('status.saved')

  const bar = (
    <div className={slot ? 'editor-status' : 'statusbar'} aria-label={t('status.label')} role="group">
      <span className="status-words">{wordCount(t, words, lang)}</span>
      <span className={`status-save status-${save.status}`}>
        <span className="status-dot" aria-hidden="true" />
        <span data-testid="save-status">{text}</span>
        {save.status === 'error' && (
          <button type="button" className="btn btn-small" onClick={() => autosave.retryNow()}>
            {t('common.retry')}
          </button>
        )}
      </span>
      {/* Only failures are announced; "Saving…/Saved" on every pause would be noise. */}
      <span className="sr-only" role="alert">
        {save.status === 'error' ? text : ''}
      </span>
    </div>
  )
  return slot ? createPortal(bar, slot) : bar
}
