import { useId } from 'react'
import { useI18n } from '../i18n/I18nProvider'
import { Modal } from './Modal'

export interface ConfirmOptions {
  title: string
  body?: string
  confirmLabel: string
  /** Styles the confirm button as destructive. */
  danger?: boolean
}

interface Props extends ConfirmOptions {
  onResult(ok: boolean): void
}

export function ConfirmDialog({ title, body, confirmLabel, danger, onResult }: Props) {
  const { t } = useI18n()
  const id = useId()
  return (
    <Modal open onClose={() => onResult(false)} labelledBy={`${id}-title`} describedBy={body ? `${id}-body` : undefined}>
      <h2 id={`${id}-title`} className="modal-title">
        {title}
      </h2>
      {body && (
        <p id={`${id}-body`} className="modal-body">
          {body}
        </p>
      )}
      <div className="modal-actions">
        <button type="button" className="btn" onClick={() => onResult(false)} autoFocus>
          {t('common.cancel')}
        </button>
        <button type="button" className={danger ? 'btn btn-danger' : 'btn btn-primary'} onClick={() => onResult(true)}>
          {confirmLabel}
        </button>
      </div>
    </Modal>
  )
}
