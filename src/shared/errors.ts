/**
 * Every error that crosses a process or network boundary has this shape. No zod here: the renderer
 * needs these at start-up, and zod (~90 KB) would have to load with them.
 */
export const ERROR_CODES = [
  'INVALID_INPUT',
  'INVALID_JSON',
  'UNKNOWN_METHOD',
  'NOT_FOUND',
  'CONFLICT',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'CANCELLED',
  'DB_CORRUPT',
  'DB_TOO_NEW',
  'DB_LOCKED',
  'READ_ONLY',
  'DISK_FULL',
  'IO_ERROR',
  'MODEL_INVALID',
  'MODEL_TOO_LARGE',
  'NO_MODEL',
  'NO_VISION',
  'UNREACHABLE',
  'TIMEOUT',
  'BAD_RESPONSE',
  'INTERNAL',
] as const
export type ErrorCode = (typeof ERROR_CODES)[number]

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value)
}

export interface WireError {
  code: ErrorCode
  message: string
  retryable: boolean
  details?: unknown
}

const RETRYABLE: ReadonlySet<ErrorCode> = new Set(['DB_LOCKED', 'DISK_FULL', 'IO_ERROR', 'CANCELLED', 'UNREACHABLE', 'TIMEOUT'])

export class FolioError extends Error {
  readonly code: ErrorCode
  readonly retryable: boolean
  readonly details?: unknown

  constructor(code: ErrorCode, message: string, opts: { retryable?: boolean; details?: unknown; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause })
    this.name = 'FolioError'
    this.code = code
    this.retryable = opts.retryable ?? RETRYABLE.has(code)
    this.details = opts.details
  }

  toWire(): WireError {
    const wire: WireError = { code: this.code, message: this.message, retryable: this.retryable }
    if (this.details !== undefined) wire.details = this.details
    return wire
  }

  static fromWire(w: WireError): FolioError {
    return new FolioError(w.code, w.message, { retryable: w.retryable, details: w.details })
  }
}

export function isFolioError(e: unknown): e is FolioError {
  return e instanceof FolioError
}

/**
 * Maps anything thrown inside a service to the wire shape. System errors that users can act on
 * (full disk, read-only folder, locked database) keep a specific code instead of INTERNAL.
 */
export function toWireError(e: unknown): WireError {
  if (e instanceof FolioError) return e.toWire()
  const err = e as { code?: unknown; message?: unknown; name?: unknown } | null
  const code = typeof err?.code === 'string' ? err.code : ''
  const message = typeof err?.message === 'string' ? err.message : String(e)
  if (err?.name === 'AbortError') return new FolioError('CANCELLED', 'The operation was cancelled.').toWire()
  if (code === 'ENOSPC' || code === 'SQLITE_FULL')
    return new FolioError('DISK_FULL', `The disk is full: ${message}`).toWire()
  if (code === 'EROFS' || code === 'EACCES' || code === 'EPERM' || code === 'SQLITE_READONLY')
    return new FolioError('READ_ONLY', `Folio cannot write to its data folder: ${message}`).toWire()
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED')
    return new FolioError('DB_LOCKED', 'The database is locked by another program; try again.').toWire()
  if (code === 'SQLITE_CORRUPT' || code === 'SQLITE_NOTADB')
    return new FolioError('DB_CORRUPT', `The database file is damaged: ${message}`).toWire()
  return new FolioError('INTERNAL', message || 'Internal error').toWire()
}
