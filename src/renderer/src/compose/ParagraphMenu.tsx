/** Paragraph actions for the paragraph at the cursor, each with an optional instruction; and "Add an image here". */
import { useId, useState } from 'react'
import type { ParagraphAction } from '../../../shared/compose-api'
import { Modal } from '../components/Modal'
import { useI18n } from '../i18n/I18nProvider'

export const PARAGRAPH_ACTIONS: readonly ParagraphAction[] = ['rewrite', 'expand', 'shorten', 'continue', 'insertBefore', 'insertAfter', 'translate']

interface Props {
  /** The cursor is in a paragraph with text. */
  hasParagraph: boolean
  /** Another generation is running. */
  busy: boolean
  onClose(): void
  onAction(action: ParagraphAction, instruction: string): void
  /** `caption`: what the picture should show (empty: the model writes the caption). */
  onAddImage(caption: string): void
}

export function ParagraphMenu({ hasParagraph, busy, onClose, onAction, onAddImage }: Props) {
  const { t } = useI18n()
  const id = useId()
  const [instruction, setInstruction] = useState('')
  const disabled = !hasParagraph || busy

  return (
    <Modal open onClose={onClose} labelledBy={`${id}-title`} describedBy={disabled ? `${id}-note` : undefined} className="paragraph-menu">
      <h2 id={`${id}-title`} className="modal-title">
        {t('paragraph.title')}
      </h2>
      {disabled && (
        <p id={`${id}-note`} className="modal-body">
          {busy ? t('paragraph.busy') : t('paragraph.noParagraph')}
        </p>
      )}
      <label className="field-label" htmlFor={`${id}-instruction`}>
        {t('paragraph.instruction')}
      </label>
      <input
        id={`${id}-instruction`}
        className="text-input"
        type="text"
        maxLength={2000}
        autoFocus
        placeholder={t('paragraph.instructionPlaceholder')}
        value={instruction}
        onChange={(e) => setInstruction(e.target.value)}
        aria-describedby={`${id}-hint`}
      />
      <p id={`${id}-hint`} className="field-hint">
        {t('paragraph.instructionHint')}
      </p>
      <div className="paragraph-actions" role="group" aria-label={t('paragraph.menu')}>
        {PARAGRAPH_ACTIONS.map((action) => (
          <button key={action} type="button" className="btn" disabled={disabled} onClick={() => onAction(action, instruction)}>
            {t(`paragraph.${action}`)}
          </button>
        ))}
        <button type="button" className="btn" disabled={!hasParagraph} onClick={() => onAddImage(instruction)}>
          {t('paragraph.addImage')}
        </button>
      </div>
      <div className="modal-actions">
        <button type="button" className="btn" onClick={onClose}>
          {t('common.cancel')}
        </button>
      </div>
    </Modal>
  )
}
