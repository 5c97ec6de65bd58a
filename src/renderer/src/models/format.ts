/** Pure formatting and validation for the Models screen and the status bar (no React, no DOM). */
import type { GenerationStats, ModelRole } from '../../../shared/api'
import type { MessageKey, Translate } from '../i18n'

function num(n: number, locale: string, digits: number): string {
  return new Intl.NumberFormat(locale, { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(n)
}

/** File sizes in decimal units, like the server's messages: "3.3 GB", "640 MB", "446 KB", "12 B". */
export function formatBytes(n: number, locale = 'en'): string {
  if (!Number.isFinite(n) || n < 0) return '—'
  if (n >= 1e9) return `${num(n / 1e9, locale, 1)} GB`
  if (n >= 1e6) return `${num(n / 1e6, locale, n >= 1e8 ? 0 : 1)} MB`
  if (n >= 1e3) return `${num(n / 1e3, locale, 0)} KB`
  return `${num(n, locale, 0)} B`
}

/** Download sizes always in GB (the catalogue speaks GB): "3.3 GB", "0.64 GB". */
export function formatGb(n: number, locale = 'en'): string {
  if (!Number.isFinite(n) || n < 0) return '—'
  return `${num(n / 1e9, locale, n < 1e9 ? 2 : 1)} GB`
}

/** "12.5 MB/s"; "—" before the speed is known. */
export function formatSpeed(bytesPerSecond: number, locale = 'en'): string {
  if (!Number.isFinite(bytesPerSecond) || bytesPerSecond <= 0) return '—'
  return `${num(bytesPerSecond / 1e6, locale, 1)} MB/s`
}

/** "45 s", "3 min 20 s", "12 min", "1 h 5 min". */
export function formatDuration(seconds: number, t: Translate): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '—'
  const s = Math.ceil(seconds)
  if (s < 60) return t('models.duration.s', { s })
  if (s < 3600) {
    const m = Math.floor(s / 60)
    const rest = s % 60
    return m >= 10 || rest === 0 ? t('models.duration.m', { m }) : t('models.duration.ms', { m, s: rest })
  }
  const h = Math.floor(s / 3600)
  const m = Math.floor((s % 3600) / 60)
  return m === 0 ? t('models.duration.h', { h }) : t('models.duration.hm', { h, m })
}

/** "3 min 20 s left", or "estimating time left…" while the server cannot tell yet. */
export function formatEta(seconds: number | null, t: Translate): string {
  if (seconds === null || !Number.isFinite(seconds) || seconds < 0) return t('models.eta.unknown')
  return t('models.eta.left', { time: formatDuration(seconds, t) })
}

/** 0–100, whole numbers; 0 while the total is unknown. */
export function percent(done: number, total: number): number {
  if (!(total > 0) || !Number.isFinite(done)) return 0
  return Math.max(0, Math.min(100, Math.floor((done / total) * 100)))
}

/** "first token 412 ms · 18.3 tok/s" — the line shown after every generation. */
export function formatStats(stats: Pick<GenerationStats, 'ttftMs' | 'tokensPerSecond'>, t: Translate, locale = 'en'): string {
  return t('models.statsLine', {
    ttft: num(Math.round(stats.ttftMs), locale, 0),
    tps: num(stats.tokensPerSecond, locale, 1),
  })
}

const BACKENDS: Record<string, string> = { cpu: 'CPU', cuda: 'CUDA', vulkan: 'Vulkan', metal: 'Metal', remote: 'Remote' }

/** The inference backend as people write it: cpu → CPU, cuda → CUDA; unknown names pass through. */
export function backendLabel(backend: string): string {
  return BACKENDS[backend.toLowerCase()] ?? backend
}

export const ROLE_KEYS: Record<ModelRole, MessageKey> = {
  writer: 'models.role.writer',
  vision: 'models.role.vision',
  embedder: 'models.role.embedder',
}

export const USE_FOR_KEYS: Record<ModelRole, MessageKey> = {
  writer: 'models.useFor.writer',
  vision: 'models.useFor.vision',
  embedder: 'models.useFor.embedder',
}

const LANGUAGE_KEYS: Record<string, MessageKey> = {
  en: 'models.language.en',
  zh: 'models.language.zh',
  multilingual: 'models.language.multilingual',
}

export function languageName(code: string, t: Translate): string {
  const key = LANGUAGE_KEYS[code.toLowerCase()]
  return key ? t(key) : code
}

/** http(s) URLs with a host only: what `models.addRemote` accepts. */
export function isHttpUrl(value: string): boolean {
  let u: URL
  try {
    u = new URL(value.trim())
  } catch {
    return false
  }
  return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname.length > 0
}

export interface RemoteForm {
  url: string
  model: string
  apiKey: string
  vision: boolean
  role: ModelRole | ''
}

export type RemoteFormErrors = Partial<Record<'url' | 'role', MessageKey>>

/** Inline validation for "Add a remote server"; message keys by field, empty when the form is fine. */
export function validateRemoteForm(f: RemoteForm): RemoteFormErrors {
  const errors: RemoteFormErrors = {}
  const url = f.url.trim()
  if (!url) errors.url = 'models.remote.urlRequired'
  else if (!isHttpUrl(url)) errors.url = 'models.remote.urlInvalid'
  if (f.role === 'vision' && !f.vision) errors.role = 'models.remote.visionRole'
  return errors
}

/** The `models.addRemote` input for a valid form: empty optional fields are left out. */
export function remoteInput(f: RemoteForm): {
  url: string
  model?: string
  apiKey?: string
  vision?: boolean
  role?: ModelRole
} {
  const model = f.model.trim()
  const apiKey = f.apiKey.trim()
  return {
    url: f.url.trim(),
    ...(model ? { model } : {}),
    ...(apiKey ? { apiKey } : {}),
    ...(f.vision ? { vision: true } : {}),
    ...(f.role ? { role: f.role } : {}),
  }
}
