/** The editor's "Images" side panel: search or browse the library and drag or click images into the article. */
import { useEffect, useId, useState, type DragEvent } from 'react'
import { useClient } from '../api'
import { errorMessage } from '../articles/hooks'
import { IconClose } from '../components/icons'
import { useI18n } from '../i18n/I18nProvider'
import { encodeDraggedImages, FOLIO_IMAGE_MIME, type DraggedImage } from '../library/library-logic'
import { altFromFileName } from './images'

const LIMIT = 60

interface Entry {
  id: string
  fileName: string
  caption: string | null
}

interface Props {
  id: string
  onClose(): void
  /** Inserts the image as a figure at the editor's cursor. */
  onInsert(image: DraggedImage): void
}

const baseName = (p: string) => p.split(/[\\/]/).pop() ?? p
const altOf = (e: Entry) => (e.caption?.trim() ? e.caption.trim() : altFromFileName(e.fileName))

export function LibraryPanel({ id, onClose, onInsert }: Props) {
  const client = useClient()
  const { t } = useI18n()
  const headingId = useId()
  const [query, setQuery] = useState('')
  const [entries, setEntries] = useState<Entry[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [tick, setTick] = useState(0)

  useEffect(() => {
    let live = true
    const q = query.trim()
    const timer = setTimeout(
      () => {
        const req = q
          ? client.call('library.search', { query: q, limit: LIMIT, exclude: [] }).then((r) => r.results.map((x) => ({ id: x.id, fileName: baseName(x.path), caption: x.caption })))
          : client.call('library.list', { offset: 0, limit: LIMIT, trashed: false }).then((r) => r.items.map((x) => ({ id: x.id, fileName: x.fileName, caption: x.caption })))
        req.then(
          (list) => {
            if (!live) return
            setEntries(list)
            setError(null)
          },
          (e: unknown) => live && setError(errorMessage(e)),
        )
      },
      q ? 200 : 0,
    )
    return () => {
      live = false
      clearTimeout(timer)
    }
  }, [client, query, tick])

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
      {error !== null && entries === null ? (
        <p className="panel-note" role="alert">
          {t('common.error', { message: error })}{' '}
          <button type="button" className="btn btn-small" onClick={() => setTick((n) => n + 1)}>
            {t('common.retry')}
          </button>
        </p>
      ) : entries === null ? (
        <p className="panel-note">{t('app.loading')}</p>
      ) : entries.length === 0 ? (
        <p className="panel-note">{query.trim() ? t('editorLibrary.noResults') : t('editorLibrary.empty')}</p>
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
