/** The editor's "Images" side panel: search or browse the library and drag or click images into the article. */
import { useId, useState, type DragEvent } from 'react'
import { useClient } from '../api'
import { IconClose } from '../components/icons'
import { useI18n } from '../i18n/I18nProvider'
import { encodeDraggedImages, FOLIO_IMAGE_MIME, type DraggedImage } from '../library/library-logic'
import { altFromFileName } from './images'
import { useLibraryEntries, type LibraryEntry as Entry } from './library-entries'
import { LibraryEntriesMessage } from './LibraryEntriesMessage'

interface Props {
  id: string
  onClose(): void
  /** Inserts the image as a figure at the editor's cursor. */
  onInsert(image: DraggedImage): void
}

const altOf = (e: Entry) => (e.caption?.trim() ? e.caption.trim() : altFromFileName(e.fileName))

export function LibraryPanel({ id, onClose, onInsert }: Props) {
  const client = useClient()
  const { t } = useI18n()
  const headingId = useId()
  const [query, setQuery] = useState('')
  const { entries, error, reload } = useLibraryEntries(query)

  return (
    <section id={id} className="versions-panel library-panel" aria-labelledby={headingId}>
      <div className="panel-head">
        <h2 id={headingId}>{t('editorLibrary.heading')}</h2>
        <button type="button" className="icon-btn" aria-label={t('common.close')} title={t('common.close')} onClick={onClose}>
          <IconClose />
        </button>
      </div>
      <input
        type="search"
        className="input"
        aria-label={t('library.search')}
        placeholder={t('library.searchPlaceholder')}
        value={query}
        onChange={(e) => setQuery(e.currentTarget.value)}
      />
      <p className="panel-note">{t('editorLibrary.hint')}</p>
      {entries === null || entries.length === 0 ? (
        <LibraryEntriesMessage entries={entries} error={error} query={query} reload={reload} emptyText={t('editorLibrary.empty')} className="panel-note" />
      ) : (
        <ul className="library-panel-grid" aria-label={t('editorLibrary.heading')}>
          {entries.map((e) => {
            const image: DraggedImage = { id: e.id, alt: altOf(e) }
            return (
              <li key={e.id}>
                <button
                  type="button"
                  className="library-panel-item"
                  data-testid="editor-library-item"
                  data-image-id={e.id}
                  aria-label={t('editorLibrary.insert', { name: e.fileName })}
                  title={e.caption ?? e.fileName}
                  draggable
                  onDragStart={(ev: DragEvent) => {
                    ev.dataTransfer.setData(FOLIO_IMAGE_MIME, encodeDraggedImages([image]))
                    ev.dataTransfer.effectAllowed = 'copy'
                  }}
                  onClick={() => onInsert(image)}
                >
                  <img src={`${client.imageUrl(e.id)}?size=thumb`} alt="" loading="lazy" decoding="async" draggable={false} />
                </button>
              </li>
            )
          })}
        </ul>
      )}
    </section>
  )
}
