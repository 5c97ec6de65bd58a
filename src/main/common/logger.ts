/**
 * Folio's own log: JSON lines in `<data>/logs/folio.log`, rotated by size (folio.log → .1 → .2, the
 * oldest dropped). Writes are synchronous and rare (start, stop, errors that cross the router), so a
 * line is on disk even when the process dies right after. Logging never throws: a full or read-only
 * disk loses log lines, not work. Secrets are redacted on the way in and again on the way out.
 */
import { closeSync, fstatSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs'
import { join } from 'node:path'

export type LogLevel = 'debug' | 'info' | 'warn' | 'error'
const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 }

export interface LoggerOptions {
  /** The logs folder (`DataLayout.logs`). */
  dir: string
  file?: string
  /** Rotate when the file would grow past this (default 5 MB). */
  maxBytes?: number
  /** Files kept, the current one included (default 3). */
  files?: number
  /** Lowest level written (default FOLIO_LOG_LEVEL, else 'info'). */
  level?: LogLevel
  now?: () => number
}

/** What services need to log; tests and tools may pass a no-op. */
export interface Log {
  debug(msg: string, fields?: Record<string, unknown>): void
  info(msg: string, fields?: Record<string, unknown>): void
  warn(msg: string, fields?: Record<string, unknown>): void
  error(msg: string, fields?: Record<string, unknown>): void
}

/** Field names whose values are never written, whatever they hold. */
const SECRET_KEY = /^(?:.*api[-_]?key|.*token|.*secret|password|passwd|authorization|cookie)$/i
const MAX_FIELD_CHARS = 4000

export class Logger implements Log {
  readonly path: string
  private readonly maxBytes: number
  private readonly files: number
  private readonly minRank: number
  private readonly now: () => number
  private readonly secretSources: (() => Iterable<string | null | undefined>)[] = []
  private fd: number | null = null
  private ino = 0

  constructor(private readonly opts: LoggerOptions) {
    this.path = join(opts.dir, opts.file ?? 'folio.log')
    this.maxBytes = opts.maxBytes ?? 5 * 1024 * 1024
    this.files = Math.max(1, opts.files ?? 3)
    const env = process.env.FOLIO_LOG_LEVEL as LogLevel | undefined
    this.minRank = RANK[opts.level ?? (env && env in RANK ? env : 'info')]
    this.now = opts.now ?? Date.now
  }

  debug(msg: string, fields?: Record<string, unknown>): void {
    this.write('debug', msg, fields)
  }
  info(msg: string, fields?: Record<string, unknown>): void {
    this.write('info', msg, fields)
  }
  warn(msg: string, fields?: Record<string, unknown>): void {
    this.write('warn', msg, fields)
  }
  error(msg: string, fields?: Record<string, unknown>): void {
    this.write('error', msg, fields)
  }

  /** Values that must never appear in the log or its tail (API keys known to the model registry). */
  addSecrets(source: () => Iterable<string | null | undefined>): void {
    this.secretSources.push(source)
  }

  /** Known secret values and secret-looking patterns (bearer tokens, `key=…`, URL passwords) replaced. */
  redact(text: string): string {
    let out = text
    for (const s of this.secretValues()) out = out.split(s).join('[redacted]')
    return redactPatterns(out)
  }

  /** The last `n` lines (the previous file too when the current one is short), redacted. */
  tail(n = 50): string[] {
    const lines: string[] = []
    for (let i = 0; i < this.files && lines.length < n; i++) {
      const text = readOrEmpty(i === 0 ? this.path : `${this.path}.${i}`)
      const own = text.split('\n').filter((l) => l !== '')
      lines.unshift(...own.slice(Math.max(0, own.length - (n - lines.length))))
    }
    return lines.map((l) => this.redact(l))
  }

  close(): void {
    if (this.fd === null) return
    try {
      closeSync(this.fd)
    } catch {
      // already gone
    }
    this.fd = null
  }

  private write(level: LogLevel, msg: string, fields?: Record<string, unknown>): void {
    if (RANK[level] < this.minRank) return
    try {
      const entry = { t: new Date(this.now()).toISOString(), level, pid: process.pid, msg, ...fields }
      const line = Buffer.from(`${JSON.stringify(entry, (k, v: unknown) => this.clean(k, v))}\n`)
      const fd = this.open()
      if (fstatSync(fd).size + line.length > this.maxBytes) this.rotate()
      writeSync(this.open(), line)
    } catch {
      // Never let logging break the work it describes.
      this.close()
    }
  }

  /** The current file's descriptor; reopened when another process rotated it away. */
  private open(): number {
    if (this.fd !== null) {
      try {
        if (statSync(this.path).ino === this.ino) return this.fd
      } catch {
        // rotated or deleted: reopen below
      }
      this.close()
    }
    this.fd = openSync(this.path, 'a', 0o600)
    this.ino = fstatSync(this.fd).ino
    return this.fd
  }

  private rotate(): void {
    this.close()
    rmSync(`${this.path}.${this.files - 1}`, { force: true })
    for (let i = this.files - 2; i >= 1; i--) renameIfExists(`${this.path}.${i}`, `${this.path}.${i + 1}`)
    if (this.files > 1) renameIfExists(this.path, `${this.path}.1`)
    else rmSync(this.path, { force: true })
  }

  /** JSON.stringify replacer: secret fields dropped, strings redacted and capped, errors with their stack. */
  private clean(key: string, v: unknown): unknown {
    if (key !== '' && key !== 'msg' && SECRET_KEY.test(key) && (typeof v === 'string' || typeof v === 'number')) return '[redacted]'
    if (v instanceof Error) return { name: v.name, message: v.message, stack: v.stack, code: (v as { code?: unknown }).code }
    if (typeof v !== 'string') return v
    const s = this.redact(v)
    return s.length > MAX_FIELD_CHARS ? `${s.slice(0, MAX_FIELD_CHARS)}…` : s
  }

  private secretValues(): string[] {
    const out = new Set<string>()
    for (const source of this.secretSources) {
      try {
        for (const s of source()) if (s && s.length >= 4) out.add(s)
      } catch {
        // a broken source must not stop logging
      }
    }
    // Longest first, so a key that contains another is replaced whole.
    return [...out].sort((a, b) => b.length - a.length)
  }
}

/** A logger that writes nothing (tools and tests that do not care). */
export const silentLog: Log = { debug() {}, info() {}, warn() {}, error() {} }

/** Secret-looking text, whether or not the value is known. */
export function redactPatterns(text: string): string {
  return text
    .replace(/\b(Bearer\s+)[A-Za-z0-9._~+/=-]{4,}/gi, '$1[redacted]')
    .replace(/((?<![a-z])(?:api[-_]?key|token|secret|password|passwd|authorization)\\?["']?\s*[:=]\s*\\?["']?)(?!\[redacted\])[^\s"'\\&,;}]{4,}/gi, '$1[redacted]')
    .replace(/\bsk-[A-Za-z0-9_-]{12,}/g, 'sk-[redacted]')
    .replace(/(\b[a-z][a-z0-9+.-]*:\/\/)[^/\s:@]+:[^/\s@]+@/gi, '$1[redacted]@')
}

function readOrEmpty(path: string): string {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return ''
  }
}

function renameIfExists(from: string, to: string): void {
  try {
    renameSync(from, to)
  } catch (e) {
    if ((e as { code?: string }).code !== 'ENOENT') throw e
  }
}
