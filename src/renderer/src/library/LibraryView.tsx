/**
 * The Library screen: import (drop zone / picker / paste, batched, progress, cancel, rejections), instant
 * search with tag and date filters, the virtualized grid with multi-select, trash, and the detail panel.
 */
import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore, type DragEvent } from 'react'
import type { ArticleSummary } from '../../../shared/api'
import { useClient } from '../api'
import { displayTitle } from '../articles/format'
import { useDialogs } from '../components/DialogProvider'
import { useToast } from '../components/Toast'
import { altFromFileName } from '../editor/images'
import { useErrorState, useI18n } from '../i18n/I18nProvider'
import { AlbumBar } from './AlbumBar'
import { CaptionProgress } from './CaptionProgress'
import { DetailPanel } from './DetailPanel'
import { LibrarySettings } from './LibrarySettings'
import { LibraryGrid, type GridEntry } from './LibraryGrid'
import { LibraryPages } from './library-pages'
import { clickSelect, dayBound, tagChips, type SelectionState } from './library-logic'
import { filesFromDrop, useLibraryImport } from './useLibraryImport'

interface Props {
  articles: readonly ArticleSummary[] | null
  onOpenArticle(id: string): void
}

interface Hit {
  id: string
  fileName: string
  caption: string | null
}

const SEARCH_LIMIT = 200
const baseName = (p: string) => p.split(/[\\/]/).pop() ?? p

export function LibraryView({ articles, onOpenArticle }: Props) {
  const client = useClient()
  const dialogs = useDialogs()
  const toast = useToast()
  const { t, errorText } = useI18n()
  const [album, setAlbum] = useState<string | null>(null)
  const pages = useMemo(() => new LibraryPages((input) => client.call('library.list', album ? { ...input, album } : input)), [client, album])
  const version = useSyncExternalStore(pages.subscribe, () => pages.version)

  const [query, setQuery] = useState('')
  const [tags, setTags] = useState<string[]>([])
  const [from, setFrom] = useState('')
  const [to, setTo] = useState('')
  const [hits, setHits] = useState<Hit[] | null>(null)
  const [searchError, setSearchError] = useErrorState()
  const [searchTick, setSearchTick] = useState(0)
  const [sel, setSel] = useState<SelectionState>({ selected: new Set(), anchor: null })
  const [active, setActive] = useState(-1)
  const [detailId, setDetailId] = useState<string | null>(null)
  const [dragOver, setDragOver] = useState(false)
  const fileInput = useRef<HTMLInputElement>(null)

  const searching = query.trim() !== '' || tags.length > 0 || from !== '' || to !== ''

  const refresh = useCallback(() => {
    pages.reset()
    setSearchTick((n) => n + 1)
  }, [pages])
  const imp = useLibraryImport(refresh)

  // Instant search: debounced; an empty query with no filters shows the whole library.
  useEffect(() => {
    if (!searching) {
      setHits(null)
      setSearchError(null)
      return
    }
    let live = true
    const timer = setTimeout(() => {
      client
        .call('library.search', {
          query: query.trim(),
          limit: SEARCH_LIMIT,
          exclude: [],
          filters: { from: dayBound(from, false), to: dayBound(to, true), tags: tags.length > 0 ? tags : undefined, album: album ?? undefined },
        })
        .then(
          (r) => {
            if (!live) return
            setSearchError(null)
            setHits(r.results.map((x) => ({ id: x.id, fileName: baseName(x.path), caption: x.caption })))
          },
          (e: unknown) => live && setSearchError(e),
        )
    }, 150)
    return () => {
      live = false
      clearTimeout(timer)
    }
  }, [client, searching, query, tags, from, to, album, searchTick, setSearchError])

  // A new result set (or leaving search) starts a fresh selection.
  useEffect(() => {
    setSel({ selected: new Set(), anchor: null })
    setActive(-1)
  }, [hits, searching, album])

  const count = searching ? (hits?.length ?? 0) : (pages.total ?? 0)
  const entryAt = useCallback(
    (i: number): GridEntry | undefined => {
      if (hits && searching) {
        const h = hits[i]
        if (!h) return undefined
        const known = pages.item(h.id)
        return { id: h.id, fileName: known?.fileName ?? h.fileName, caption: known?.caption ?? h.caption }
      }
      const it = pages.at(i)
      return it && { id: it.id, fileName: it.fileName, caption: it.caption }
    },
    // version: re-read the pages after each load.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [hits, searching, pages, version],
  )
  const onRange = useCallback((start: number, end: number) => !searching && pages.ensure(start, end), [pages, searching])
  useEffect(() => {
    if (!searching) pages.ensure(0, 1)
  }, [pages, searching, version])

  const idAt = (i: number) => entryAt(i)?.id

  const chipSource = useMemo(() => {
    const ids = searching ? (hits ?? []).map((h) => h.id) : sel.selected.size > 0 ? [...sel.selected] : []
    const items = ids.map((id) => pages.item(id)).filter((x) => x !== undefined)
    if (items.length === 0 && !searching) for (let i = 0; i < Math.min(200, pages.total ?? 0); i++) {
      const it = pages.at(i)
      if (it) items.push(it)
    }
    return tagChips(items, tags)
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [hits, searching, sel, tags, pages, version])

  const trashSelection = async () => {
    const ids = sel.selected.size > 0 ? [...sel.selected] : detailId ? [detailId] : []
    if (ids.length === 0) return
    let usedIn: string[]
    try {
      const details = await Promise.all(ids.map((id) => client.call('library.get', { id })))
      usedIn = [...new Set(details.flatMap((d) => d.usedIn))]
    } catch (e) {
      toast.show({ kind: 'error', message: t('common.error', { message: errorText(e) }) })
      return
    }
    const titles = usedIn.map((aid) => `“${displayTitle(articles?.find((a) => a.id === aid)?.title ?? '', t('common.untitled'))}”`).join(', ')
    const ok = await dialogs.confirm({
      title: t(ids.length === 1 ? 'library.trashTitle.one' : 'library.trashTitle.other', { n: ids.length }),
      body: usedIn.length > 0 ? t('library.trashUsed', { titles }) : t('library.trashBody'),
      confirmLabel: t('library.trashSelected'),
      danger: true,
    })
    if (!ok) return
    try {
      for (const id of ids) await client.call('library.trash', { id })
    } catch (e) {
      toast.show({ kind: 'error', message: t('common.error', { message: errorText(e) }) })
    }
    setSel({ selected: new Set(), anchor: null })
    if (detailId && ids.includes(detailId)) setDetailId(null)
    refresh()
    toast.show({
      message: t(ids.length === 1 ? 'library.trashed.one' : 'library.trashed.other', { n: ids.length }),
      duration: 10_000,
      action: {
        label: t('common.undo'),
        onClick: () => {
          void Promise.all(ids.map((id) => client.call('library.restore', { id }))).then(refresh, (e: unknown) =>
            toast.show({ kind: 'error', message: t('common.error', { message: errorText(e) }) }),
          )
        },
      },
    })
  }

  // Paste (Ctrl/Cmd-V) with image files on the clipboard imports them like a drop; text pastes are left alone.
  const startImport = imp.start
  useEffect(() => {
    const onPaste = (e: ClipboardEvent) => {
      if (e.defaultPrevented) return
      const files = Array.from(e.clipboardData?.files ?? [])
      if (files.length === 0) return
      e.preventDefault()
      void startImport(files)
    }
    document.addEventListener('paste', onPaste)
    return () => document.removeEventListener('paste', onPaste)
  }, [startImport])

  const onDrop = async (e: DragEvent) => {
    if (!e.dataTransfer.types.includes('Files')) return
    e.preventDefault()
    setDragOver(false)
    const files = await filesFromDrop(e.dataTransfer)
    if (files.length > 0) void imp.start(files)
  }

  const st = imp.state
  const total = pages.total
  const heading = searching
    ? t(count === 1 ? 'library.results.one' : 'library.results.other', { n: count })
    : t(total === 1 ? 'library.count.one' : 'library.count.other', { n: total ?? 0 })

  return (
    <section
      className={`library${dragOver ? ' is-drag-over' : ''}`}
      aria-labelledby="library-heading"
      data-testid="library"
      onDragOver={(e) => {
        if (!e.dataTransfer.types.includes('Files')) return
        e.preventDefault()
        e.dataTransfer.dropEffect = 'copy'
        setDragOver(true)
      }}
      onDragLeave={(e) => {
        if (e.currentTarget === e.target) setDragOver(false)
      }}
      onDrop={(e) => void onDrop(e)}
    >
      <header className="lib-head">
        <h2 id="library-heading">{t('library.heading')}</h2>
        <div className="lib-search">
          <input
            type="search"
            className="input"
            aria-label={t('library.search')}
            placeholder={t('library.searchPlaceholder')}
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            data-testid="library-search"
          />
        </div>
      </header>

      <div className={`lib-drop${dragOver ? ' is-active' : ''}`} data-testid="library-drop">
        <span>{dragOver ? t('library.dropActive') : t('library.drop')}</span>{' '}
        <button type="button" className="btn" onClick={() => fileInput.current?.click()} disabled={st.running}>
          {t('library.pick')}
        </button>
        <input
          ref={fileInput}
          type="file"
          multiple
          accept="image/*"
          hidden
          aria-label={t('library.pick')}
          data-testid="library-input"
          onChange={(e) => {
            const files = Array.from(e.target.files ?? [])
            e.target.value = ''
            if (files.length > 0) void imp.start(files)
          }}
        />
        <span className="muted lib-hint">{t('library.dragHint')}</span>
      </div>

      {(st.running || st.total > 0 || st.rejected.length > 0 || st.error) && (
        <div className="lib-import" data-testid="library-import">
          {st.running ? (
            <>
              <progress max={st.total} value={st.done} aria-label={t('library.importProgress')} data-testid="library-progress" />
              <span aria-live="polite">{t('library.importing', { done: st.done, total: st.total })}</span>
              <button type="button" className="btn" onClick={imp.cancel}>
                {t('library.cancelImport')}
              </button>
            </>
          ) : (
            <>
              <span role="status" data-testid="library-import-summary">
                {t('library.importDone', { imported: st.imported, duplicates: st.duplicates, rejected: st.rejected.length })}
              </span>
              <button type="button" className="btn btn-ghost" onClick={imp.clear}>
                {t('common.dismiss')}
              </button>
            </>
          )}
          {st.error && <p role="alert">{t('library.importFailed', { message: st.error })}</p>}
          {st.rejected.length > 0 && (
            <details open className="lib-rejected" data-testid="library-rejected">
              <summary>{t('library.rejectedHeading')}</summary>
              <ul>
                {st.rejected.map((r, i) => (
                  <li key={i}>
                    <strong>{r.name}</strong>: {r.reason}
                  </li>
                ))}
              </ul>
            </details>
          )}
        </div>
      )}

      <AlbumBar album={album} onAlbum={setAlbum} selected={sel.selected} tick={searchTick} onChanged={refresh} />

      <CaptionProgress />
      <LibrarySettings />

      <div className="lib-filters" role="group" aria-label={t('library.filters')}>
        {chipSource.length > 0 && (
          <div className="lib-chips" role="group" aria-label={t('library.tags')}>
            {chipSource.map((tag) => (
              <button
                key={tag}
                type="button"
                className="chip"
                aria-pressed={tags.includes(tag)}
                onClick={() => setTags((cur) => (cur.includes(tag) ? cur.filter((x) => x !== tag) : [...cur, tag]))}
              >
                {tag}
              </button>
            ))}
          </div>
        )}
        <label>
          {t('library.from')} <input type="date" className="input" value={from} onChange={(e) => setFrom(e.target.value)} />
        </label>
        <label>
          {t('library.to')} <input type="date" className="input" value={to} onChange={(e) => setTo(e.target.value)} />
        </label>
        {(tags.length > 0 || from || to) && (
          <button
            type="button"
            className="btn btn-ghost"
            onClick={() => {
              setTags([])
              setFrom('')
              setTo('')
            }}
          >
            {t('library.clearFilters')}
          </button>
        )}
      </div>

      <div className="lib-bar">
        <span data-testid="library-count">{heading}</span>
        {sel.selected.size > 0 && <span>{t('library.selected', { n: sel.selected.size })}</span>}
        <button
          type="button"
          className="btn btn-danger"
          disabled={sel.selected.size === 0 && !detailId}
          onClick={() => void trashSelection()}
        >
          {t('library.trashSelected')}
        </button>
      </div>

      <div className="lib-body">
        {pages.error !== null && !searching ? (
          <p role="alert">{t('library.loadFailed', { message: errorText(pages.error) })}</p>
        ) : searchError && searching ? (
          <p role="alert">{t('common.error', { message: searchError })}</p>
        ) : count === 0 && (searching ? hits !== null : total !== null) ? (
          <p className="pane-message empty-state">{t(searching ? 'library.noResults' : 'library.empty')}</p>
        ) : (
          <LibraryGrid
            count={count}
            entryAt={entryAt}
            onRange={onRange}
            selected={sel.selected}
            active={active}
            onActive={setActive}
            onClick={(i, mods) => {
              setSel((s) => clickSelect(s, i, idAt, mods))
              const id = idAt(i)
              if (id && !mods.toggle && !mods.range) setDetailId(id)
            }}
            onOpen={(i) => {
              const id = idAt(i)
              if (id) setDetailId(id)
            }}
            onKeySelect={(i, extend) => setSel((s) => clickSelect(extend ? s : { ...s, anchor: i }, i, idAt, { toggle: false, range: extend }))}
            dragImages={(i) => {
              const e = entryAt(i)
              if (!e) return []
              const ids = sel.selected.has(e.id) ? [...sel.selected] : [e.id]
              return ids.map((id) => {
                const known = pages.item(id) ?? (id === e.id ? e : undefined)
                return { id, alt: known ? (known.caption ?? altFromFileName(known.fileName)) : '' }
              })
            }}
          />
        )}
        {detailId && (
          <DetailPanel
            key={detailId}
            id={detailId}
            articles={articles}
            onOpenArticle={onOpenArticle}
            onUpdated={(item) => {
              pages.patch(item)
              setSearchTick((n) => n + 1)
            }}
            onClose={() => setDetailId(null)}
          />
        )}
      </div>
    </section>
  )
}
