/**
 * Dates and numbers in the UI language, all through Intl (no React, no DOM). `locale` is a BCP 47
 * tag (`LANG_TAGS[lang]`, or `useI18n().locale`). Units (B, KB, MB, GB, MB/s, %) read the same in
 * English and Chinese; only the numbers and dates change shape.
 */

/** One formatter per locale and options: building an Intl formatter costs far more than using it. */
function cached<O, F>(make: (locale: string, options: O) => F): (locale: string, options: O) => F {
  const formatters = new Map<string, F>()
  return (locale, options) => {
    const key = `${locale}|${JSON.stringify(options)}`
    let f = formatters.get(key)
    if (!f) formatters.set(key, (f = make(locale, options)))
    return f
  }
}

const numberFormat = cached((locale, options: Intl.NumberFormatOptions) => new Intl.NumberFormat(locale, options))
const dateFormat = cached((locale, options: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat(locale, options))
const relativeFormat = cached((locale, options: Intl.RelativeTimeFormatOptions) => new Intl.RelativeTimeFormat(locale, options))

/** A count or measure: "1,234", "0.5" (at most two decimals). */
export function formatNumber(n: number, locale: string): string {
  return numberFormat(locale, { maximumFractionDigits: 2 }).format(n)
}

/** Exactly `digits` decimals: "18.3" tok/s, "0.64" GB. */
export function formatDecimal(n: number, locale: string, digits: number): string {
  return numberFormat(locale, { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(n)
}

/** A share from 0 to 1 as a whole percentage: 0.426 → "43%". */
export function formatPercent(fraction: number, locale: string): string {
  if (!Number.isFinite(fraction)) return '—'
  return numberFormat(locale, { style: 'percent', maximumFractionDigits: 0 }).format(fraction)
}

/** File sizes in decimal units: "3.3 GB", "640 MB", "12.3 MB", "446 KB", "12 B"; "—" when unknown. */
export function formatBytes(n: number, locale: string): string {
  if (!Number.isFinite(n) || n < 0) return '—'
  if (n >= 1e9) return `${formatDecimal(n / 1e9, locale, 1)} GB`
  if (n >= 1e6) return `${formatDecimal(n / 1e6, locale, n >= 1e8 ? 0 : 1)} MB`
  if (n >= 1e3) return `${formatDecimal(n / 1e3, locale, 0)} KB`
  return `${formatDecimal(n, locale, 0)} B`
}

/** Always in GB (the model catalogue speaks GB): "3.3 GB", "0.64 GB". */
export function formatGb(n: number, locale: string): string {
  if (!Number.isFinite(n) || n < 0) return '—'
  return `${formatDecimal(n / 1e9, locale, n < 1e9 ? 2 : 1)} GB`
}

/** "12.5 MB/s"; "—" before the speed is known. */
export function formatSpeed(bytesPerSecond: number, locale: string): string {
  if (!Number.isFinite(bytesPerSecond) || bytesPerSecond <= 0) return '—'
  return `${formatDecimal(bytesPerSecond / 1e6, locale, 1)} MB/s`
}

/** Date and time: "Mar 5, 2024, 2:07 PM" / "2024年3月5日 14:07". */
export function formatDateTime(ts: number, locale: string): string {
  return dateFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(ts)
}

/** Date only: "Mar 5, 2024" / "2024年3月5日". */
export function formatDate(ts: number, locale: string): string {
  return dateFormat(locale, { dateStyle: 'medium' }).format(ts)
}

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

/**
 * How long ago, for lists: `justNow` under a minute, then "5 minutes ago" / "5分钟前", "yesterday" /
 * "昨天", up to a week; older ones as a short date ("Jan 2" / "1月2日"), with the year when not this year.
 */
export function formatRelative(ts: number, now: number, locale: string, justNow: string): string {
  const diff = ts - now
  const abs = Math.abs(diff)
  if (abs < MINUTE) return justNow
  const rtf = relativeFormat(locale, { numeric: 'auto' })
  if (abs < HOUR) return rtf.format(Math.round(diff / MINUTE), 'minute')
  if (abs < DAY) return rtf.format(Math.round(diff / HOUR), 'hour')
  if (abs < 7 * DAY) return rtf.format(Math.round(diff / DAY), 'day')
  const sameYear = new Date(ts).getFullYear() === new Date(now).getFullYear()
  return dateFormat(locale, { month: 'short', day: 'numeric', ...(sameYear ? {} : { year: 'numeric' }) }).format(ts)
}
