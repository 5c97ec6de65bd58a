import BetterSqlite3 from 'better-sqlite3'
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createServices } from '../../../src/main/app'
import { openDatabase } from '../../../src/main/store/database'
import { LATEST_SCHEMA, MIGRATIONS, type Migration } from '../../../src/main/store/migrations'
import { FolioError } from '../../../src/shared/errors'
import { tempDir as tmpDir } from '../images/image-fixtures'

const ROOT = join(import.meta.dirname, '..', '..', '..')

/** Runs `fn`, expecting a FolioError; returns it so the test can check code and message. */
function folioError(fn: () => unknown): FolioError {
  try {
    fn()
  } catch (e) {
    expect(e).toBeInstanceOf(FolioError)
    return e as FolioError
  }
  throw new Error('expected a FolioError, but the call succeeded')
}

const V1: Migration = {
  version: 1,
  name: 'notes',
  up: (db) => db.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)'),
}
const V2: Migration = {
  version: 2,
  name: 'notes.pinned',
  up: (db) => db.exec('ALTER TABLE notes ADD COLUMN pinned INTEGER NOT NULL DEFAULT 0'),
}
const columns = (db: BetterSqlite3.Database, table: string) =>
  (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name)

describe('openDatabase', () => {
  let tmp: ReturnType<typeof tmpDir>
  let path: string
  beforeEach(() => {
    tmp = tmpDir()
    path = join(tmp.path, 'folio.db')
  })
  afterEach(() => tmp.cleanup())

  it('creates a new database in WAL mode with foreign keys, a busy timeout and the latest schema', () => {
    const { db, backupPath, migratedFrom } = openDatabase(path)
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
      expect(db.pragma('foreign_keys', { simple: true })).toBe(1)
      expect(db.pragma('busy_timeout', { simple: true })).toBe(5000)
      expect(db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA)
      expect(LATEST_SCHEMA).toBe(MIGRATIONS[MIGRATIONS.length - 1].version)
      expect(backupPath).toBeNull()
      expect(migratedFrom).toBe(0)
      const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((t) => t.name)
      expect(tables).toEqual(expect.arrayContaining(['articles', 'article_versions', 'images', 'settings']))
    } finally {
      db.close()
    }
  })

  it('honours a custom busy timeout', () => {
    const { db } = openDatabase(path, { busyTimeoutMs: 1234 })
    expect(db.pragma('busy_timeout', { simple: true })).toBe(1234)
    db.close()
  })

  it('keeps data across close and reopen, without migrating or backing up again', () => {
    const first = openDatabase(path)
    first.db.prepare('INSERT INTO settings (key, value) VALUES (?, ?)').run('theme', 'dark')
    first.db.close()

    const second = openDatabase(path)
    try {
      expect(second.db.prepare('SELECT value FROM settings WHERE key = ?').get('theme')).toEqual({ value: 'dark' })
      expect(second.backupPath).toBeNull()
      expect(second.migratedFrom).toBe(LATEST_SCHEMA)
      expect(readdirSync(tmp.path).filter((f) => f.endsWith('.bak'))).toEqual([])
    } finally {
      second.db.close()
    }
  })

  it('refuses a file that is not SQLite with DB_CORRUPT and leaves its bytes alone', () => {
    const text = 'These are my notes, not a database.\n'.repeat(20)
    writeFileSync(path, text)
    const err = folioError(() => openDatabase(path))
    expect(err.code).toBe('DB_CORRUPT')
    expect(err.message).toContain('not a SQLite database')
    expect(err.retryable).toBe(false)
    expect(readFileSync(path, 'utf8')).toBe(text)
    expect(existsSync(`${path}-wal`)).toBe(false)
  })

  it('refuses a file shorter than the SQLite header', () => {
    writeFileSync(path, 'SQLite')
    expect(folioError(() => openDatabase(path)).code).toBe('DB_CORRUPT')
    expect(readFileSync(path, 'utf8')).toBe('SQLite')
  })

  it('refuses a database written by a newer schema with DB_TOO_NEW and leaves it alone', () => {
    const raw = new BetterSqlite3(path)
    raw.exec('CREATE TABLE future (x)')
    raw.pragma(`user_version = ${LATEST_SCHEMA + 5}`)
    raw.close()
    const before = readFileSync(path)

    const err = folioError(() => openDatabase(path))
    expect(err.code).toBe('DB_TOO_NEW')
    expect(err.message).toContain(`schema ${LATEST_SCHEMA + 5}`)
    expect(readFileSync(path).equals(before)).toBe(true)

    // The file was not converted to WAL or migrated: an older SQLite tool still sees it as it was.
    const check = new BetterSqlite3(path, { readonly: true })
    expect(check.pragma('journal_mode', { simple: true })).toBe('delete')
    expect(check.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA + 5)
    check.close()
  })

  it('refuses a SQLite file with damaged pages (valid header) and leaves it alone', () => {
    const { db } = openDatabase(path)
    const insert = db.prepare('INSERT INTO settings (key, value) VALUES (?, ?)')
    db.transaction(() => {
      for (let i = 0; i < 2000; i++) insert.run(`key-${i}`, `${'value '.repeat(30)}${i}`)
    })()
    db.pragma('wal_checkpoint(TRUNCATE)')
    db.close()

    const bytes = readFileSync(path)
    const pageSize = bytes.readUInt16BE(16)
    expect(bytes.length).toBeGreaterThan(pageSize * 20)
    // Garbage over whole pages in the middle of the file (B-tree pages holding the rows).
    const start = pageSize * Math.floor(bytes.length / pageSize / 2)
    bytes.fill(0xa5, start, start + pageSize * 3)
    writeFileSync(path, bytes)

    const err = folioError(() => openDatabase(path))
    expect(err.code).toBe('DB_CORRUPT')
    expect(err.code).not.toBe('INTERNAL')
    expect(err.message).toContain('not modified')
    expect(readFileSync(path).equals(bytes)).toBe(true)
  })

  it('refuses a SQLite file whose schema page is damaged', () => {
    const { db } = openDatabase(path)
    db.close()
    const bytes = readFileSync(path)
    // Page 1 after the 100-byte file header holds the schema table's B-tree page header.
    bytes.fill(0xff, 100, 140)
    writeFileSync(path, bytes)
    const err = folioError(() => openDatabase(path))
    expect(['DB_CORRUPT']).toContain(err.code)
    expect(readFileSync(path).equals(bytes)).toBe(true)
  })

  it('refuses a folder where the database file should be, with a specific error', () => {
    mkdirSync(path)
    writeFileSync(join(path, 'inside.txt'), 'x')
    const err = folioError(() => openDatabase(path))
    expect(err.code).toBe('IO_ERROR')
    expect(err.retryable).toBe(false)
    expect(err.message).toContain('is not a file')
  })

  it('backs up an older database before migrating it, and the backup keeps the old schema', () => {
    const v1 = openDatabase(path, { migrations: [V1] })
    v1.db.prepare('INSERT INTO notes (body) VALUES (?)').run('written under v1')
    v1.db.close()

    const t = 1_700_000_000_000
    const v2 = openDatabase(path, { migrations: [V1, V2], now: () => t })
    try {
      expect(v2.migratedFrom).toBe(1)
      expect(v2.backupPath).toBe(`${path}.before-v2-${t}.bak`)
      expect(existsSync(v2.backupPath as string)).toBe(true)
      expect(v2.db.pragma('user_version', { simple: true })).toBe(2)
      expect(columns(v2.db, 'notes')).toEqual(['id', 'body', 'pinned'])
      expect(v2.db.prepare('SELECT body, pinned FROM notes').all()).toEqual([{ body: 'written under v1', pinned: 0 }])
    } finally {
      v2.db.close()
    }

    const backup = new BetterSqlite3(`${path}.before-v2-${t}.bak`, { readonly: true })
    try {
      expect(backup.pragma('user_version', { simple: true })).toBe(1)
      expect(columns(backup, 'notes')).toEqual(['id', 'body'])
      expect(backup.prepare('SELECT body FROM notes').all()).toEqual([{ body: 'written under v1' }])
    } finally {
      backup.close()
    }
  })

  it('does not take a backup when creating a fresh database', () => {
    const { db, backupPath } = openDatabase(path, { migrations: [V1, V2] })
    db.close()
    expect(backupPath).toBeNull()
    expect(readdirSync(tmp.path).filter((f) => f.endsWith('.bak'))).toEqual([])
  })

  it('rolls back a failing migration and keeps the previous version', () => {
    openDatabase(path, { migrations: [V1] }).db.close()
    const broken: Migration = {
      version: 2,
      name: 'broken',
      up: (db) => {
        db.exec('ALTER TABLE notes ADD COLUMN half INTEGER')
        db.exec('THIS IS NOT SQL')
      },
    }
    expect(() => openDatabase(path, { migrations: [V1, broken] })).toThrow(FolioError)
    const { db } = openDatabase(path, { migrations: [V1] })
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(1)
      expect(columns(db, 'notes')).toEqual(['id', 'body'])
    } finally {
      db.close()
    }
  })
})

describe('createServices data folder', () => {
  let tmp: ReturnType<typeof tmpDir>
  beforeEach(() => {
    tmp = tmpDir()
  })
  afterEach(() => tmp.cleanup())

  const startError = (dataDir: string) => folioError(() => createServices({ dataDir }).dispose())

  it('creates the data folder layout on first start', () => {
    const dataDir = join(tmp.path, 'nested', 'Folio')
    const s = createServices({ dataDir })
    try {
      for (const sub of ['images', 'models', 'logs']) expect(existsSync(join(dataDir, sub))).toBe(true)
      expect(existsSync(join(dataDir, 'folio.db'))).toBe(true)
    } finally {
      s.dispose()
    }
  })

  it('explains a data folder path that runs through a regular file (ENOTDIR)', () => {
    const file = join(tmp.path, 'notes.txt')
    writeFileSync(file, 'just a file')
    const err = startError(join(file, 'Folio'))
    expect(err.code).not.toBe('INTERNAL')
    expect(err.message).toContain(`${file} is a file, not a folder`)
    expect(err.message).toContain('--data')
    expect(readFileSync(file, 'utf8')).toBe('just a file')
  })

  it('explains a data folder path that is itself a regular file', () => {
    const file = join(tmp.path, 'Folio')
    writeFileSync(file, 'x')
    const err = startError(file)
    expect(err.code).not.toBe('INTERNAL')
    expect(err.message).toContain('is a file, not a folder')
  })

  /**
   * Starts the services in a child process with a deadline: Node's recursive mkdir spins forever
   * on /proc, and a synchronous hang inside this worker could not be timed out by the test runner.
   */
  function startErrorInChild(dataDir: string): { code: string; message: string } {
    const script = join(tmp.path, 'start.mts')
    writeFileSync(
      script,
      `import { createServices } from ${JSON.stringify(join(ROOT, 'src/main/app.ts'))}
try { createServices({ dataDir: ${JSON.stringify(dataDir)} }).dispose(); console.log(JSON.stringify({ code: 'OK', message: '' })) }
catch (e) { console.log(JSON.stringify({ code: e.code, message: e.message })) }
`,
    )
    const r = spawnSync(process.execPath, ['--import', 'tsx', script], { cwd: ROOT, encoding: 'utf8', timeout: 20_000 })
    expect(r.error, 'the start-up did not finish within 20 s').toBeUndefined()
    return JSON.parse(r.stdout.trim().split('\n').pop() as string) as { code: string; message: string }
  }

  it('reports READ_ONLY (and does not hang) for a location that does not accept folders (/proc)', () => {
    const err = startErrorInChild(`/proc/folio-test-${process.pid}/data`)
    expect(err.code).toBe('READ_ONLY')
    expect(err.message).toContain('does not accept new folders')
  })

  it('reports READ_ONLY for an existing folder that refuses new entries (/proc)', () => {
    expect(startErrorInChild('/proc').code).toBe('READ_ONLY')
  })

  it('reports READ_ONLY for a location where writing is not permitted (/sys)', () => {
    const err = startError(`/sys/folio-test-${process.pid}`)
    expect(err.code).toBe('READ_ONLY')
    expect(err.message).toContain('not writable')
  })

  it('reports DB_CORRUPT through createServices when folio.db is not a database', () => {
    writeFileSync(join(tmp.path, 'folio.db'), 'hello')
    const err = startError(tmp.path)
    expect(err.code).toBe('DB_CORRUPT')
    expect(readFileSync(join(tmp.path, 'folio.db'), 'utf8')).toBe('hello')
  })
})
