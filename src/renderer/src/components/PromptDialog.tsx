/** A text prompt (window.prompt does not exist in Electron, and this one is styled and translated). */
import { useId, useState, type FormEvent } from 'react'
import { useI18n } from '../i18n/I18nProvider'
import { Modal } from './Modal'

export interface PromptOptions {
  title: string
  label: string
  initialValue?: string
  hint?: string
  placeholder?: string
  confirmLabel: string
  inputMode?: 'text' | 'url'
  maxLength?: number
  /** Returns an error message to show, or null when the value is acceptable. */
  validate?(value: string): string | null
}

interface Props extends PromptOptions {
  onResult(value: string | null): void
}

export function PromptDialog(props: Props) {
  const { title, label, initialValue, hint, placeholder, confirmLabel, inputMode, maxLength, validate, onResult } = props
  const { t } = useI18n()
  const id = useId()
  const [value, setValue] = useState(initialValue ?? '')
  const [error, setError] = useState<string | null>(null)

  const submit = (e: FormEvent) => {
    // No navigation (and nothing for CSP form-action to block): the dialog handles the value.
    e.preventDefault()
    const problem = validate?.(value) ?? null
    if (problem) {
      setError(problem)
      return
    }
    onResult(value)
  }

  const describedBy = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined
  return (
    <Modal open onClose={() => onResult(null)} labelledBy={`${id}-title`}>
      <form onSubmit={submit} noValidate>
        <h2 id={`${id}-title`} className="modal-title">
          {title}
        </h2>
        <label htmlFor={`${id}-input`} className="field-label">
          {label}
        </label>
        <input
          id={`${id}-input`}
          className="text-input"
          type="text"
          inputMode={inputMode === 'url' ? 'url' : 'text'}
          autoComplete="off"
          spellCheck={inputMode === 'url' ? false : undefined}
          value={value}
          placeholder={placeholder}
          maxLength={maxLength}
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy}
          onChange={(e) => {
            setValue(e.target.value)
            setError(null)
          }}
          autoFocus
        />
        {hint && (
          <p id={`${id}-hint`} className="field-hint">
            {hint}
          </p>
        )}
        {error && (
          <p id={`${id}-error`} className="field-error" role="alert">
            {error}
          </p>
        )}
        <div className="modal-actions">
          <button type="button" className="btn" onClick={() => onResult(null)}>
            {t('common.cancel')}
          </button>
          <button type="submit" className="btn btn-primary">
            {confirmLabel}
          </button>
        </div>
      </form>
    </Modal>
  )
}
