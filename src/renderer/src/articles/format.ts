/** Pure formatting and ordering helpers for article lists (tested under Node). */
import type { ArticleSummary } from '../../../shared/api'

// Dates in the UI language live in i18n/format; the article lists use them by these names.
export { formatRelative as relativeTime, formatDateTime as dateTime } from '../i18n/format'

/** Most recently edited first; ties by title then id, so the order is stable. */
export function sortByRecent<T extends Pick<ArticleSummary, 'updatedAt' | 'title' | 'id'>>(list: readonly T[]): T[] {
  return [...list].sort(
    (a, b) => b.updatedAt - a.updatedAt || a.title.localeCompare(b.title) || a.id.localeCompare(b.id),
  )
}

/** Trash: most recently trashed first. */
export function sortByTrashed<T extends Pick<ArticleSummary, 'trashedAt' | 'updatedAt' | 'id'>>(list: readonly T[]): T[] {
  return [...list].sort(
    (a, b) => (b.trashedAt ?? b.updatedAt) - (a.trashedAt ?? a.updatedAt) || a.id.localeCompare(b.id),
  )
}

export function displayTitle(title: string, untitled: string): string {
  return title.trim() || untitled
}
