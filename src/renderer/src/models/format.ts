/** Pure formatting and validation for the Models screen and the status bar (no React, no DOM). */
import type { GenerationStats, ModelRole } from '../../../shared/api'
import type { MessageKey, Translate } from '../i18n'
import { formatBytes as bytesIn, formatDecimal, formatGb as gbIn, formatSpeed as speedIn } from '../i18n/format'

// Sizes and speeds live in i18n/format; these keep the Models screen's English default.
export const formatBytes = (n: number, locale = 'en'): string => bytesIn(n, locale)
export const formatGb = (n: number, locale = 'en'): string => gbIn(n, locale)
export const formatSpeed = (bytesPerSecond: number, locale = 'en'): string => speedIn(bytesPerSecond, locale)

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
    ttft: formatDecimal(Math.round(stats.ttftMs), locale, 0),
    tps: formatDecimal(stats.tokensPerSecond, locale, 1),
  })
}

const BACKENDS: Record<string, string> = { cpu: 'CPU', cuda: 'CUDA', vulkan: 'Vulkan', metal: 'Metal' }

/** The inference backend as people write it: cpu → CPU, cuda → CUDA, remote in the UI language; unknown names pass through. */
export function backendLabel(backend: string, t: Translate): string {
  const name = backend.toLowerCase()
  return name === 'remote' ? t('appStatus.backend.remote') : (BACKENDS[name] ?? backend)
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
