import BetterSqlite3, { type Database } from 'better-sqlite3'
import { closeSync, existsSync, openSync, readSync, renameSync, rmSync, statSync } from 'node:fs'
import { FolioError } from '../../shared/errors'
import { MIGRATIONS, type Migration } from './migrations'

export interface OpenOptions {
  /** Path of an Electron-ABI build of better-sqlite3 (the desktop app); plain Node uses the default. */
  nativeBinding?: string
  migrations?: readonly Migration[]
  busyTimeoutMs?: number
  now?: () => number
}

export interface OpenResult {
  db: Database
  /** Copy taken before migrating an existing database, if any. */
  backupPath: string | null
  migratedFrom: number
}

const SQLITE_MAGIC = 'SQLite format 3\u0000'

/**
 * Opens (or creates) the database. A file that is not SQLite, fails its integrity check or was
 * written by a newer Folio is refused with a specific error and left untouched.
 */
export function openDatabase(path: string, opts: OpenOptions = {}): OpenResult {
  const migrations = opts.migrations ?? MIGRATIONS
  const latest = migrations.length ? migrations[migrations.length - 1].version : 0
  const existed = existsSync(path) && statSync(path).size > 0
  if (existed) {
    try {
      assertSqliteHeader(path)
    } catch (e) {
      throw e instanceof FolioError ? e : mapOpenError(e, path)
    }
  }

  let db: Database
  try {
    db = new BetterSqlite3(path, {
      nativeBinding: opts.nativeBinding,
      timeout: opts.busyTimeoutMs ?? 5000,
    })
  } catch (e) {
    throw mapOpenError(e, path)
  }

  try {
    db.pragma(`busy_timeout = ${Math.floor(opts.busyTimeoutMs ?? 5000)}`)
    if (existed) {
      const check = db.pragma('quick_check', { simple: true })
      if (check !== 'ok') {
        throw new FolioError('DB_CORRUPT', `The database ${path} failed its integrity check (${String(check)}). It was not modified; restore a backup or move it away.`)
      }
    }
    const current = db.pragma('user_version', { simple: true }) as number
    if (current > latest) {
      throw new FolioError('DB_TOO_NEW', `The database ${path} was written by a newer version of Folio (schema ${current}; this version knows up to ${latest}). Update Folio; the file was not modified.`)
    }
    db.pragma('journal_mode = WAL')
    db.pragma('foreign_keys = ON')
    db.pragma('synchronous = NORMAL')

    let backupPath: string | null = null
    if (existed && current < latest && current > 0) {
      backupPath = `${path}.before-v${latest}-${(opts.now ?? Date.now)()}.bak`
      // Written under a temporary name, then renamed: a crash mid-copy never leaves a truncated file that looks like a backup.
      const partial = `${backupPath}.partial`
      rmSync(partial, { force: true })
      db.prepare('VACUUM INTO ?').run(partial)
      renameSync(partial, backupPath)
    }
    for (const m of migrations) {
      if (m.version <= current) continue
      db.transaction(() => {
        m.up(db)
        db.pragma(`user_version = ${m.version}`)
        pauseForCrashTest(m.version)
      })()
    }
    return { db, backupPath, migratedFrom: current }
  } catch (e) {
    db.close()
    throw e instanceof FolioError ? e : mapOpenError(e, path)
  }
}

/**
 * Crash-safety tests only (test/integration/crash/migration.test.ts): with
 * FOLIO_TEST_PAUSE_IN_MIGRATION=<version>, the process says so on stderr and blocks inside that
 * migration's transaction, so the test can SIGKILL it mid-migration. Unset, it is one env lookup.
 */
function pauseForCrashTest(version: number): void {
  if (process.env.FOLIO_TEST_PAUSE_IN_MIGRATION !== String(version)) return
  process.stderr.write(`folio-test: paused in migration ${version}\n`)
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60_000)
}

function assertSqliteHeader(path: string): void {
  const fd = openSync(path, 'r')
  try {
    const buf = Buffer.alloc(16)
    const n = readSync(fd, buf, 0, 16, 0)
    if (n < 16 || buf.toString('latin1') !== SQLITE_MAGIC) {
      throw new FolioError('DB_CORRUPT', `${path} is not a SQLite database. Folio did not modify it; move it away or restore a backup.`)
    }
  } finally {
    closeSync(fd)
  }
}

function mapOpenError(e: unknown, path: string): FolioError {
  const err = e as { code?: string; message?: string }
  const code = err?.code ?? ''
  const msg = err?.message ?? String(e)
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT')
    return new FolioError('DB_CORRUPT', `The database ${path} is damaged (${msg}). It was not modified.`, { cause: e })
  if (code === 'SQLITE_READONLY' || code === 'SQLITE_CANTOPEN' || code === 'EACCES' || code === 'EROFS' || code === 'SQLITE_IOERR_WRITE')
    return new FolioError('READ_ONLY', `Folio cannot open ${path} for writing (${msg}). Check that the data folder is writable.`, { cause: e })
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED')
    return new FolioError('DB_LOCKED', `The database ${path} is locked by another program.`, { cause: e })
  if (code === 'SQLITE_FULL' || code === 'ENOSPC')
    return new FolioError('DISK_FULL', `The disk holding ${path} is full.`, { cause: e })
  if (code === 'EISDIR' || code === 'ENOTDIR')
    return new FolioError('IO_ERROR', `The database ${path} is not a file (${msg}).`, { cause: e, retryable: false })
  return new FolioError('INTERNAL', `Could not open the database ${path}: ${msg}`, { cause: e })
}
