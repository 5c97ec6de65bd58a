/** "From library": pick library images (search by meaning, or the newest) for the next chat message. Mount it when opened: it loads then. */
import { useId, useState } from 'react'
import { MAX_CHAT_IMAGES } from '../../../shared/limits'
import { useClient } from '../api'
import { Modal } from '../components/Modal'
import { altFromFileName } from '../editor/images'
import { useLibraryEntries } from '../editor/library-entries'
import { useI18n } from '../i18n/I18nProvider'
import type { DraggedImage } from '../library/library-logic'

interface Entry {
  id: string
  name: string
}

interface Props {
  open: boolean
  /** How many more images the message can take. */
  room: number
  onClose(): void
  onPick(images: DraggedImage[]): void
}

export function LibraryPicker({ open, room, onClose, onPick }: Props) {
  const client = useClient()
  const { t } = useI18n()
  const headingId = useId()
  const [query, setQuery] = useState('')
  const { entries: found, error } = useLibraryEntries(query)
  const [picked, setPicked] = useState<Entry[]>([])
  const entries: Entry[] | null = found?.map((e) => ({ id: e.id, name: e.caption?.trim() || altFromFileName(e.fileName) })) ?? null

  const close = () => {
    setPicked([])
    onClose()
  }
  const toggle = (e: Entry) =>
    setPicked((list) => (list.some((x) => x.id === e.id) ? list.filter((x) => x.id !== e.id) : list.length < room ? [...list, e] : list))

  return (
    <Modal open={open} onClose={close} labelledBy={headingId} className="chat-library-picker">
      <h2 id={headingId}>{t('chat.library.heading')}</h2>
      <input
        type="search"
        className="text-input"
        aria-label={t('library.search')}
        placeholder={t('library.searchPlaceholder')}
        value={query}
        onChange={(e) => setQuery(e.currentTarget.value)}
      />
      <p className="panel-note">{t('chat.library.hint', { n: Math.min(room, MAX_CHAT_IMAGES) })}</p>
      {error !== null ? (
        <p className="panel-note" role="alert">
          {t('common.error', { message: error })}
        </p>
      ) : entries === null ? (
        <p className="panel-note">{t('app.loading')}</p>
      ) : entries.length === 0 ? (
        <p className="panel-note">{query.trim() ? t('editorLibrary.noResults') : t('editorLibrary.empty')}</p>
      ) : (
        <ul className="library-panel-grid">
          {entries.map((e) => {
            const on = picked.some((x) => x.id === e.id)
            return (
              <li key={e.id}>
                <button
                  type="button"
                  className={`library-panel-item${on ? ' picked' : ''}`}
                  aria-pressed={on}
                  aria-label={e.name}
                  title={e.name}
                  data-testid="chat-library-item"
                  onClick={() => toggle(e)}
                >
                  <img src={`${client.imageUrl(e.id)}?size=thumb`} alt="" loading="lazy" decoding="async" />
                </button>
              </li>
            )
          })}
        </ul>
      )}
      <div className="modal-actions">
        <button type="button" className="btn" onClick={close}>
          {t('common.cancel')}
        </button>
        <button
          type="button"
          className="btn btn-primary"
          disabled={picked.length === 0}
          onClick={() => {
            onPick(picked.map((p) => ({ id: p.id, alt: p.name })))
            close()
          }}
        >
          {t('chat.library.add', { n: picked.length })}
        </button>
      </div>
    </Modal>
  )
}
