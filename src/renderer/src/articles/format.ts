/** Pure formatting and ordering helpers for article lists (tested under Node). */
import type { ArticleSummary } from '../../../shared/api'

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

/** "just now", "5 minutes ago", "yesterday", "3 days ago", then a short date. */
export function relativeTime(ts: number, now: number, locale: string, justNow: string): string {
  const diff = ts - now
  const abs = Math.abs(diff)
  if (abs < MINUTE) return justNow
  const rtf = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' })
  if (abs < HOUR) return rtf.format(Math.round(diff / MINUTE), 'minute')
  if (abs < DAY) return rtf.format(Math.round(diff / HOUR), 'hour')
  if (abs < 7 * DAY) return rtf.format(Math.round(diff / DAY), 'day')
  const sameYear = new Date(ts).getFullYear() === new Date(now).getFullYear()
  return new Intl.DateTimeFormat(locale, {
    month: 'short',
    day: 'numeric',
    ...(sameYear ? {} : { year: 'numeric' }),
  }).format(ts)
}

/** Absolute date and time, e.g. for version entries and tooltips. */
export function dateTime(ts: number, locale: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(ts)
}

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
