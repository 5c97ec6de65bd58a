/**
 * The virtualized thumbnail grid: fixed-size cells, only the rows in view (plus a little overscan)
 * are in the DOM, so 10k+ images scroll smoothly. A listbox with multi-select and arrow keys.
 */
import { useEffect, useLayoutEffect, useRef, useState, type DragEvent, type KeyboardEvent, type MouseEvent } from 'react'
import { useClient } from '../api'
import { useI18n } from '../i18n/I18nProvider'
import { encodeDraggedImages, FOLIO_IMAGE_MIME, gridWindow, moveIndex } from './library-logic'

export const CELL = 168

export interface GridEntry {
  id: string
  fileName: string
  caption: string | null
}

interface Props {
  count: number
  entryAt(index: number): GridEntry | undefined
  /** Asks for the entries in [start, end) to be loaded. */
  onRange(start: number, end: number): void
  selected: ReadonlySet<string>
  active: number
  onActive(index: number): void
  onClick(index: number, mods: { toggle: boolean; range: boolean }): void
  onOpen(index: number): void
  onKeySelect(index: number, extend: boolean): void
  /** Images dragged from the grid (the selection when the dragged one is in it). */
  dragImages(index: number): { id: string; alt: string }[]
}

export function LibraryGrid({ count, entryAt, onRange, selected, active, onActive, onClick, onOpen, onKeySelect, dragImages }: Props) {
  const client = useClient()
  const { t } = useI18n()
  const ref = useRef<HTMLDivElement>(null)
  const [size, setSize] = useState({ width: 800, height: 600 })
  const [scrollTop, setScrollTop] = useState(0)

  useLayoutEffect(() => {
    const el = ref.current
    if (!el) return
    const measure = () => setSize({ width: el.clientWidth, height: el.clientHeight })
    measure()
    const ro = new ResizeObserver(measure)
    ro.observe(el)
    return () => ro.disconnect()
  }, [])

  const win = gridWindow({ count, width: size.width, height: size.height, scrollTop, cell: CELL })

  useEffect(() => {
    onRange(win.start, win.end)
  }, [onRange, win.start, win.end])

  // Keep the active cell in view when the keyboard moves it.
  const scrollTo = (index: number) => {
    const el = ref.current
    if (!el) return
    const top = Math.floor(index / win.columns) * CELL
    if (top < el.scrollTop) el.scrollTop = top
    else if (top + CELL > el.scrollTop + el.clientHeight) el.scrollTop = top + CELL - el.clientHeight
  }

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key === 'Enter') {
      if (active >= 0 && active < count) onOpen(active)
      e.preventDefault()
      return
    }
    if (e.key === ' ') {
      if (active >= 0 && active < count) onClick(active, { toggle: true, range: false })
      e.preventDefault()
      return
    }
    const next = moveIndex(e.key, Math.max(0, active), count, win.columns, Math.max(1, Math.floor(size.height / CELL)))
    if (next === null) return
    e.preventDefault()
    onActive(next)
    onKeySelect(next, e.shiftKey)
    scrollTo(next)
  }

  const cells = []
  for (let i = win.start; i < win.end; i++) {
    const entry = entryAt(i)
    const row = Math.floor(i / win.columns)
    const col = i % win.columns
    const style = { top: row * CELL, left: col * CELL, width: CELL, height: CELL }
    const isSel = entry ? selected.has(entry.id) : false
    const label = entry ? (entry.caption ? `${entry.fileName}: ${entry.caption}` : entry.fileName) : t('library.loadingItem')
    cells.push(
      <div
        key={entry?.id ?? `i${i}`}
        id={`lib-cell-${i}`}
        role="option"
        aria-selected={isSel}
        aria-label={label}
        aria-setsize={count}
        aria-posinset={i + 1}
        className={`lib-cell${isSel ? ' is-selected' : ''}${i === active ? ' is-active' : ''}`}
        style={style}
        data-testid="library-item"
        data-image-id={entry?.id}
        draggable={entry !== undefined}
        onDragStart={(e: DragEvent) => {
          const imgs = dragImages(i)
          if (imgs.length === 0) return e.preventDefault()
          e.dataTransfer.setData(FOLIO_IMAGE_MIME, encodeDraggedImages(imgs))
          e.dataTransfer.effectAllowed = 'copy'
        }}
        onClick={(e: MouseEvent) => {
          onActive(i)
          onClick(i, { toggle: e.ctrlKey || e.metaKey, range: e.shiftKey })
          ref.current?.focus()
        }}
        onDoubleClick={() => onOpen(i)}
      >
        {entry ? (
          <img src={`${client.imageUrl(entry.id)}?size=thumb`} alt="" loading="lazy" decoding="async" draggable={false} />
        ) : (
          <div className="lib-cell-placeholder" />
        )}
        <span className="lib-cell-name" aria-hidden="true">
          {entry?.fileName ?? ''}
        </span>
      </div>,
    )
  }

  return (
    <div
      ref={ref}
      className="lib-grid"
      role="listbox"
      aria-multiselectable="true"
      aria-label={t('library.grid')}
      aria-activedescendant={active >= win.start && active < win.end ? `lib-cell-${active}` : undefined}
      tabIndex={0}
      onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
      onKeyDown={onKeyDown}
      onFocus={() => {
        if (active < 0 && count > 0) onActive(0)
      }}
      data-testid="library-grid"
    >
      <div className="lib-grid-inner" style={{ height: win.totalHeight }}>
        {cells}
      </div>
    </div>
  )
}
