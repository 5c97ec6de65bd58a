/** Pure helpers for the Library screen (tested under Node): grid layout, selection, keys, batches, drag data. */
import { batchFiles, type SizedFile } from '../editor/images'

/** The MIME type a library thumbnail carries when dragged (JSON: `[{ id, alt }]`). */
export const FOLIO_IMAGE_MIME = 'application/x-folio-image'

export interface DraggedImage {
  id: string
  alt: string
}

const IMAGE_ID = /^img_[0-9a-z]{12}$/

export function encodeDraggedImages(images: readonly DraggedImage[]): string {
  return JSON.stringify(images.map((i) => ({ id: i.id, alt: i.alt })))
}

/** Reads dragged library images from a DataTransfer-like object; [] when there are none (or the data is bad). */
export function readDraggedImages(dt: { types: readonly string[]; getData(type: string): string } | null | undefined): DraggedImage[] {
  if (!dt || !Array.from(dt.types).includes(FOLIO_IMAGE_MIME)) return []
  const raw = dt.getData(FOLIO_IMAGE_MIME).trim()
  if (IMAGE_ID.test(raw)) return [{ id: raw, alt: '' }]
  try {
    const v: unknown = JSON.parse(raw)
    if (!Array.isArray(v)) return []
    return v.flatMap((x: unknown) => {
      if (typeof x !== 'object' || x === null) return []
      const { id, alt } = x as { id?: unknown; alt?: unknown }
      return typeof id === 'string' && IMAGE_ID.test(id) ? [{ id, alt: typeof alt === 'string' ? alt : '' }] : []
    })
  } catch {
    return []
  }
}

/** The library imports in smaller requests than the editor: ≤ 20 files or ~50 MB each. */
export function libraryBatches<T extends SizedFile>(files: readonly T[]): T[][] {
  return batchFiles(files, 20, 50 * 1024 * 1024)
}

export interface GridWindow {
  columns: number
  rows: number
  /** First and last (exclusive) item index to render. */
  start: number
  end: number
  totalHeight: number
}

/** Which items a fixed-cell grid shows at a scroll position (plus `overscan` rows above and below). */
export function gridWindow(opts: { count: number; width: number; height: number; scrollTop: number; cell: number; overscan?: number }): GridWindow {
  const { count, width, height, scrollTop, cell } = opts
  const overscan = opts.overscan ?? 2
  const columns = Math.max(1, Math.floor(width / cell))
  const rows = Math.ceil(count / columns)
  const firstRow = Math.max(0, Math.floor(scrollTop / cell) - overscan)
  const lastRow = Math.min(rows, Math.ceil((scrollTop + height) / cell) + overscan)
  return { columns, rows, start: Math.min(count, firstRow * columns), end: Math.min(count, lastRow * columns), totalHeight: rows * cell }
}

/** The index a navigation key moves to in a grid of `columns`, or null for other keys. */
export function moveIndex(key: string, index: number, count: number, columns: number, pageRows = 4): number | null {
  if (count === 0) return null
  const clamp = (i: number) => Math.max(0, Math.min(count - 1, i))
  switch (key) {
    case 'ArrowRight':
      return clamp(index + 1)
    case 'ArrowLeft':
      return clamp(index - 1)
    case 'ArrowDown':
      return clamp(index + columns)
    case 'ArrowUp':
      return clamp(index - columns)
    case 'Home':
      return 0
    case 'End':
      return count - 1
    case 'PageDown':
      return clamp(index + columns * pageRows)
    case 'PageUp':
      return clamp(index - columns * pageRows)
    default:
      return null
  }
}

export interface SelectionState {
  selected: ReadonlySet<string>
  /** The anchor of Shift-click ranges. */
  anchor: number | null
}

/** Click selection: plain click selects one, Ctrl/Cmd toggles, Shift selects the range from the anchor. */
export function clickSelect(
  state: SelectionState,
  index: number,
  idAt: (i: number) => string | undefined,
  mods: { toggle: boolean; range: boolean },
): SelectionState {
  const id = idAt(index)
  if (id === undefined) return state
  if (mods.range && state.anchor !== null) {
    const [a, b] = state.anchor <= index ? [state.anchor, index] : [index, state.anchor]
    const next = new Set(mods.toggle ? state.selected : [])
    for (let i = a; i <= b; i++) {
      const x = idAt(i)
      if (x !== undefined) next.add(x)
    }
    return { selected: next, anchor: state.anchor }
  }
  if (mods.toggle) {
    const next = new Set(state.selected)
    if (next.has(id)) next.delete(id)
    else next.add(id)
    return { selected: next, anchor: index }
  }
  return { selected: new Set([id]), anchor: index }
}

/** Tags to offer as filter chips: the ones on the given items, most frequent first (then by name). */
export function tagChips(items: readonly { tags: readonly string[] }[], active: readonly string[], max = 20): string[] {
  const counts = new Map<string, number>()
  for (const it of items) for (const t of it.tags) counts.set(t, (counts.get(t) ?? 0) + 1)
  const ranked = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([t]) => t)
  const out = [...active]
  for (const t of ranked) if (!out.includes(t)) out.push(t)
  return out.slice(0, Math.max(max, active.length))
}

/** `yyyy-mm-dd` from a date input to ms since the epoch (local time): start or end of that day. */
export function dayBound(value: string, end: boolean): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value)
  if (!m) return undefined
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]))
  if (end) d.setHours(23, 59, 59, 999)
  return d.getTime()
}

/** Splits a comma-separated tag field into clean, unique tags. */
export function parseTags(text: string): string[] {
  return [...new Set(text.split(/[,，\n]/).map((t) => t.trim()).filter((t) => t !== '' && t.length <= 100))]
}
