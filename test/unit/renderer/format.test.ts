import { describe, expect, it } from 'vitest'
import {
  formatBytes,
  formatDate,
  formatDateTime,
  formatDecimal,
  formatGb,
  formatNumber,
  formatPercent,
  formatRelative,
  formatSpeed,
} from '../../../src/renderer/src/i18n/format'
import { LANG_TAGS } from '../../../src/renderer/src/i18n'

const EN = LANG_TAGS.en
const ZH = LANG_TAGS.zh
const MIN = 60_000
const NOW = new Date(2025, 5, 15, 12, 0, 0).getTime()

describe('numbers in the UI language', () => {
  it('groups counts and keeps decimals short', () => {
    expect(formatNumber(1234567, EN)).toBe('1,234,567')
    expect(formatNumber(1234567, ZH)).toBe('1,234,567')
    expect(formatNumber(0.125, EN)).toBe('0.13')
    expect(formatNumber(3, ZH)).toBe('3')
  })

  it('writes tok/s and other measures with fixed decimals', () => {
    expect(formatDecimal(18.26, EN, 1)).toBe('18.3')
    expect(formatDecimal(1200, ZH, 1)).toBe('1,200.0')
    expect(formatDecimal(412.4, EN, 0)).toBe('412')
  })

  it('writes shares as whole percentages', () => {
    expect(formatPercent(0.426, EN)).toBe('43%')
    expect(formatPercent(1, ZH)).toBe('100%')
    expect(formatPercent(Number.NaN, EN)).toBe('—')
  })

  it('writes file sizes in decimal units in both languages', () => {
    expect(formatBytes(3.34e9, EN)).toBe('3.3 GB')
    expect(formatBytes(640e6, ZH)).toBe('640 MB')
    expect(formatBytes(12.34e6, EN)).toBe('12.3 MB')
    expect(formatBytes(446_336, ZH)).toBe('446 KB')
    expect(formatBytes(12, EN)).toBe('12 B')
    expect(formatBytes(-1, EN)).toBe('—')
    expect(formatGb(1_234_000_000_000, ZH)).toBe('1,234.0 GB')
    expect(formatSpeed(12_500_000, ZH)).toBe('12.5 MB/s')
    expect(formatSpeed(0, EN)).toBe('—')
  })
})

describe('dates in the UI language', () => {
  const d = new Date(2024, 2, 5, 14, 7).getTime()

  it('writes dates and times the way each language does', () => {
    expect(formatDateTime(d, EN)).toMatch(/^Mar 5, 2024,? 2:07\sPM$/)
    expect(formatDateTime(d, ZH)).toBe('2024年3月5日 14:07')
    expect(formatDate(d, EN)).toBe('Mar 5, 2024')
    expect(formatDate(d, ZH)).toBe('2024年3月5日')
  })

  // Each row: just now, 5 minutes, 3 hours, 1 day, 3 days ago, earlier this year, another year.
  it.each([
    [EN, 'just now', ['just now', '5 minutes ago', '3 hours ago', 'yesterday', '3 days ago', 'Jan 2', 'Jan 2, 2023']],
    [ZH, '刚刚', ['刚刚', '5分钟前', '3小时前', '昨天', '3天前', '1月2日', '2023年1月2日']],
  ])('says how long ago in %s', (locale, justNow, expected) => {
    const times = [NOW - 10_000, NOW - 5 * MIN, NOW - 3 * 60 * MIN, NOW - 24 * 60 * MIN, NOW - 3 * 24 * 60 * MIN, new Date(2025, 0, 2).getTime(), new Date(2023, 0, 2).getTime()]
    expect(times.map((ts) => formatRelative(ts, NOW, locale, justNow))).toEqual(expected)
  })
})
