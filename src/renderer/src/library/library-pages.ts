/**
 * Lazily loaded pages of `library.list` (newest first), so a grid of 10k+ images only fetches the
 * rows it shows. Not React state: the grid subscribes and re-renders on a version counter.
 */
import type { LibraryItem } from '../../../shared/library-api'

export const PAGE_SIZE = 200

export type ListFn = (input: { offset: number; limit: number; trashed: boolean }) => Promise<{ items: LibraryItem[]; total: number }>

export class LibraryPages {
  total: number | null = null
  error: unknown = null
  private pages = new Map<number, LibraryItem[]>()
  private loading = new Set<number>()
  private byId = new Map<string, LibraryItem>()
  private listeners = new Set<() => void>()
  private generation = 0
  version = 0

  constructor(private readonly list: ListFn) {}

  subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn)
    return () => this.listeners.delete(fn)
  }

  private emit(): void {
    this.version++
    for (const fn of this.listeners) fn()
  }

  at(index: number): LibraryItem | undefined {
    return this.pages.get(Math.floor(index / PAGE_SIZE))?.[index % PAGE_SIZE]
  }

  item(id: string): LibraryItem | undefined {
    return this.byId.get(id)
  }

  /** Loads the pages covering [start, end) that are not loaded yet (the first page when nothing is). */
  ensure(start: number, end: number): void {
    const first = Math.floor(start / PAGE_SIZE)
    const last = Math.max(first, Math.floor(Math.max(start, end - 1) / PAGE_SIZE))
    for (let p = first; p <= last; p++) {
      if (this.pages.has(p) || this.loading.has(p)) continue
      if (this.total !== null && p * PAGE_SIZE >= this.total && p > 0) continue
      this.load(p)
    }
  }

  private load(page: number): void {
    const gen = this.generation
    this.loading.add(page)
    this.list({ offset: page * PAGE_SIZE, limit: PAGE_SIZE, trashed: false }).then(
      (res) => {
        if (gen !== this.generation) return
        this.loading.delete(page)
        this.pages.set(page, res.items)
        for (const it of res.items) this.byId.set(it.id, it)
        this.total = res.total
        this.error = null
        this.emit()
      },
      (e: unknown) => {
        if (gen !== this.generation) return
        this.loading.delete(page)
        this.error = e
        this.emit()
      },
    )
  }

  /** Replaces one item in place (after an edit). */
  patch(item: LibraryItem): void {
    this.byId.set(item.id, item)
    for (const [p, items] of this.pages) {
      const i = items.findIndex((x) => x.id === item.id)
      if (i >= 0) this.pages.set(p, items.map((x, n) => (n === i ? item : x)))
    }
    this.emit()
  }

  /** Forgets every page (after an import or a trash) and reloads what `ensure` asks for next. */
  reset(): void {
    this.generation++
    this.pages.clear()
    this.loading.clear()
    this.emit()
  }
}
