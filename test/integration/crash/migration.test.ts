/**
 * SIGKILL in the middle of a schema migration: serve mode opens a database at schema 1 and is killed
 * inside the last migration's transaction (FOLIO_TEST_PAUSE_IN_MIGRATION, a test-only pause in
 * store/database.ts). The earlier migrations stay committed, the interrupted one leaves no trace, the
 * backup taken before migrating holds the old database, and the next start completes the migration.
 */
import Database from 'better-sqlite3'
import { mkdirSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { openDatabase } from '../../../src/main/store/database'
import { LATEST_SCHEMA, MIGRATIONS } from '../../../src/main/store/migrations'
import { startServe } from '../../helpers/serve-process'
import { tmpDir } from '../../helpers/tmp'
import { connectWs } from '../../helpers/ws-client'
import { inspectCopy, integrityCheck, openClosed, SERVE_ENTRY, spawnFolio } from './crash-helpers'

const ARTICLE = 'art_seedseedseed'
const DOC = { type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Written by Folio 0.1' }] }] }

const schemaOf = (db: Database.Database) =>
  db.prepare("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name").all()

describe('crash during a migration', () => {
  const dir = tmpDir('folio-crash-migrate-')
  afterAll(() => dir.cleanup())

  it('keeps the committed steps, rolls back the interrupted one, and finishes at the next start', async () => {
    const data = join(dir.path, 'data')
    const dbPath = join(data, 'folio.db')
    // A database written by the first schema, with an article in it.
    mkdirSync(data)
    const old = openDatabase(dbPath, { migrations: MIGRATIONS.slice(0, 1) }).db
    old.prepare(
      `INSERT INTO articles (id, title, doc, doc_schema, revision, word_count, excerpt, created_at, updated_at)
       VALUES (?, 'Old article', ?, 1, 1, 4, 'Written by Folio 0.1', 1, 1)`,
    ).run(ARTICLE, JSON.stringify(DOC))
    old.close()

    const p = spawnFolio(SERVE_ENTRY, ['--port', '0', '--data', data], { FOLIO_TEST_PAUSE_IN_MIGRATION: String(LATEST_SCHEMA) })
    await p.waitFor(new RegExp(`paused in migration ${LATEST_SCHEMA}`))
    await p.kill9()

    const crashed = inspectCopy(dbPath, (db) => ({
      check: integrityCheck(db),
      version: db.pragma('user_version', { simple: true }),
      article: db.prepare('SELECT title FROM articles WHERE id = ?').get(ARTICLE),
    }))
    expect(crashed).toEqual({ check: 'ok', version: LATEST_SCHEMA - 1, article: { title: 'Old article' } })
    const backups = () => readdirSync(data).filter((f) => new RegExp(`^folio\\.db\\.before-v${LATEST_SCHEMA}-\\d+\\.bak$`).test(f))
    expect(backups()).toHaveLength(1)
    const backup = join(data, backups()[0])
    expect(
      openClosed(backup, (db) => ({
        check: integrityCheck(db),
        version: db.pragma('user_version', { simple: true }),
        article: db.prepare('SELECT title FROM articles WHERE id = ?').get(ARTICLE),
      })),
    ).toEqual({ check: 'ok', version: 1, article: { title: 'Old article' } })

    const s = await startServe(['--port', '0', '--data', data])
    const c = await connectWs(s.baseUrl, { authorization: `Bearer ${s.token}`, origin: s.baseUrl.slice(0, -1) })
    expect((await c.client.call('articles.get', { id: ARTICLE })).doc).toEqual(DOC)
    c.close()
    expect(await s.stop('SIGTERM')).toBe(0)

    // Fully migrated: the same schema as a database created by this version from scratch.
    const fresh = openDatabase(join(dir.path, 'fresh.db')).db
    const expected = schemaOf(fresh)
    fresh.close()
    const after = openClosed(dbPath, (db) => ({ check: integrityCheck(db), version: db.pragma('user_version', { simple: true }), schema: schemaOf(db) }))
    expect(after).toEqual({ check: 'ok', version: LATEST_SCHEMA, schema: expected })
    // The first backup (schema 1) is still there, untouched, beside any taken at the second start.
    expect(backups()).toContain(backup.slice(data.length + 1))
    for (const b of backups()) expect(openClosed(join(data, b), integrityCheck)).toBe('ok')
  }, 60_000)
})
