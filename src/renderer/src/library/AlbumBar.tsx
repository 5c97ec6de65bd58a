/**
 * Albums above the library grid: "All photos" and one chip per album (with its count) filter the grid
 * and search; "New album"; with a selection, "Add to album" (and, inside an album, "Remove from album");
 * rename and delete the open album from its small menu.
 */
import { useCallback, useEffect, useRef, useState } from 'react'
import type { Album } from '../../../shared/albums-api'
import { MAX_ALBUM_NAME } from '../../../shared/limits'
import { useClient } from '../api'
import { useDialogs } from '../components/DialogProvider'
import { useToast } from '../components/Toast'
import { useI18n } from '../i18n/I18nProvider'

interface Props {
  /** The album shown (null: every photo). */
  album: string | null
  onAlbum(id: string | null): void
  selected: ReadonlySet<string>
  /** Changes when the library changes (imports, trash), so the counts reload. */
  tick: number
  /** Album membership changed: the grid reloads. */
  onChanged(): void
}

export function AlbumBar({ album, onAlbum, selected, tick, onChanged }: Props) {
  const client = useClient()
  const dialogs = useDialogs()
  const toast = useToast()
  const { t, errorText } = useI18n()
  const [albums, setAlbums] = useState<Album[] | null>(null)
  const addMenu = useRef<HTMLDetailsElement>(null)
  const actionsMenu = useRef<HTMLDetailsElement>(null)

  const fail = useCallback((e: unknown) => toast.show({ kind: 'error', message: t('common.error', { message: errorText(e) }) }), [toast, t, errorText])
  const load = useCallback(() => client.call('albums.list', {}).then((r) => setAlbums(r.albums), fail), [client, fail])
  useEffect(() => {
    void load()
  }, [load, tick])

  const current = albums?.find((a) => a.id === album) ?? null
  // The open album was deleted elsewhere: back to every photo.
  useEffect(() => {
    if (album && albums && !current) onAlbum(null)
  }, [album, albums, current, onAlbum])

  const validate = (v: string) => {
    const name = v.trim()
    if (!name) return t('albums.nameRequired')
    if (name.length > MAX_ALBUM_NAME) return t('albums.nameTooLong', { n: MAX_ALBUM_NAME })
    return null
  }

  const create = async () => {
    const name = await dialogs.prompt({
      title: t('albums.new'),
      label: t('albums.name'),
      confirmLabel: t('albums.create'),
      maxLength: MAX_ALBUM_NAME,
      validate,
    })
    if (name === null) return
    try {
      await client.call('albums.create', { name })
      await load()
    } catch (e) {
      fail(e)
    }
  }

  const rename = async () => {
    if (actionsMenu.current) actionsMenu.current.open = false
    if (!current) return
    const name = await dialogs.prompt({
      title: t('albums.rename'),
      label: t('albums.name'),
      initialValue: current.name,
      confirmLabel: t('albums.renameConfirm'),
      maxLength: MAX_ALBUM_NAME,
      validate,
    })
    if (name === null) return
    try {
      await client.call('albums.rename', { id: current.id, name })
      await load()
    } catch (e) {
      fail(e)
    }
  }

  const remove = async () => {
    if (actionsMenu.current) actionsMenu.current.open = false
    if (!current) return
    const ok = await dialogs.confirm({
      title: t('albums.deleteTitle', { name: current.name }),
      body: t('albums.deleteBody'),
      confirmLabel: t('albums.delete'),
      danger: true,
    })
    if (!ok) return
    try {
      await client.call('albums.delete', { id: current.id })
      onAlbum(null)
      await load()
    } catch (e) {
      fail(e)
    }
  }

  const addTo = async (a: Album) => {
    if (addMenu.current) addMenu.current.open = false
    const imageIds = [...selected]
    try {
      await client.call('albums.addImages', { albumId: a.id, imageIds })
      await load()
      if (album === a.id) onChanged()
      toast.show({ message: t('albums.added', { n: imageIds.length, name: a.name }) })
    } catch (e) {
      fail(e)
    }
  }

  const removeFrom = async () => {
    if (!current) return
    const imageIds = [...selected]
    try {
      await client.call('albums.removeImages', { albumId: current.id, imageIds })
      await load()
      onChanged()
      toast.show({ message: t('albums.removed', { n: imageIds.length, name: current.name }) })
    } catch (e) {
      fail(e)
    }
  }

  const hasSelection = selected.size > 0 && selected.size <= 1000

  return (
    <div className="lib-albums" role="group" aria-label={t('albums.heading')} data-testid="album-bar">
      <div className="lib-chips">
        <button type="button" className="chip" aria-pressed={album === null} onClick={() => onAlbum(null)}>
          {t('albums.all')}
        </button>
        {(albums ?? []).map((a) => (
          <button key={a.id} type="button" className="chip" aria-pressed={album === a.id} onClick={() => onAlbum(a.id)}>
            {t('albums.chip', { name: a.name, n: a.count })}
          </button>
        ))}
      </div>
      <button type="button" className="btn btn-ghost" onClick={() => void create()}>
        {t('albums.new')}
      </button>
      {current && (
        <details className="lib-menu" ref={actionsMenu}>
          <summary className="btn btn-ghost">{t('albums.actions', { name: current.name })}</summary>
          <div className="lib-menu-items" role="group" aria-label={t('albums.actions', { name: current.name })}>
            <button type="button" className="btn" onClick={() => void rename()}>
              {t('albums.rename')}
            </button>
            <button type="button" className="btn btn-danger" onClick={() => void remove()}>
              {t('albums.delete')}
            </button>
          </div>
        </details>
      )}
      {hasSelection && (
        <details className="lib-menu" ref={addMenu}>
          <summary className="btn">{t('albums.addTo')}</summary>
          <div className="lib-menu-items" role="group" aria-label={t('albums.addTo')}>
            {albums && albums.length > 0 ? (
              albums.map((a) => (
                <button key={a.id} type="button" className="btn" onClick={() => void addTo(a)}>
                  {a.name}
                </button>
              ))
            ) : (
              <p className="muted">{t('albums.none')}</p>
            )}
          </div>
        </details>
      )}
      {hasSelection && current && (
        <button type="button" className="btn" onClick={() => void removeFrom()}>
          {t('albums.removeFrom')}
        </button>
      )}
    </div>
  )
}
