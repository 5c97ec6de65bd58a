/** The article title. Owns its own state so typing in it does not re-render the editor. */
import { useEffect, useId, useState } from 'react'
import { MAX_TITLE } from '../../../shared/limits'
import { useI18n } from '../i18n/I18nProvider'

interface Props {
  initialTitle: string
  autoFocus?: boolean
  onChange(title: string): void
  /** Enter / ArrowDown at the end: continue in the body. */
  onExit(): void
}

export function TitleField({ initialTitle, autoFocus, onChange, onExit }: Props) {
  const { t } = useI18n()
  const id = useId()
  const [title, setTitle] = useState(initialTitle)

  useEffect(() => {
    document.title = title.trim() ? `${title.trim()} — ${t('app.name')}` : t('app.name')
    return () => {
      document.title = t('app.name')
    }
  }, [title, t])

  return (
    <div className="title-field">
      <label htmlFor={id} className="sr-only">
        {t('editor.title')}
      </label>
      <input
        id={id}
        className="title-input"
        type="text"
        value={title}
        maxLength={MAX_TITLE}
        placeholder={t('editor.titlePlaceholder')}
        autoComplete="off"
        autoFocus={autoFocus}
        onChange={(e) => {
          setTitle(e.target.value)
          onChange(e.target.value)
        }}
        onKeyDown={(e) => {
          const atEnd = e.currentTarget.selectionStart === e.currentTarget.value.length
          if (e.key === 'Enter' || (e.key === 'ArrowDown' && atEnd)) {
            e.preventDefault()
            onExit()
          }
        }}
      />
    </div>
  )
}
