import Database from 'better-sqlite3'
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { startServe } from '../../helpers/serve-process'
import { tmpDir } from '../../helpers/tmp'
import { connectWs } from '../../helpers/ws-client'

describe('serve process', () => {
  const dir = tmpDir()
  afterAll(() => dir.cleanup())

  it('prints one URL line, serves calls, and closes the database cleanly on SIGTERM', async () => {
    const data = join(dir.path, 'data')
    const renderer = join(dir.path, 'r')
    mkdirSync(renderer)
    writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>Folio</title>')
    const s = await startServe(['--port', '0', '--data', data, '--renderer', renderer])
    expect(s.loginUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{20,}$/)
    const c = await connectWs(s.baseUrl, { authorization: `Bearer ${s.token}`, origin: s.baseUrl.slice(0, -1) })
    const art = await c.client.call('articles.create', { title: 'Survives shutdown' })
    c.close()
    expect(await s.stop('SIGTERM')).toBe(0)
    // A clean close checkpoints the WAL: nothing is left only in the -wal file.
    const wal = join(data, 'folio.db-wal')
    expect(!existsSync(wal) || statSync(wal).size === 0).toBe(true)
    const db = new Database(join(data, 'folio.db'), { readonly: true })
    expect(db.prepare('SELECT title FROM articles WHERE id = ?').get(art.id)).toEqual({ title: 'Survives shutdown' })
    db.close()
  })

  it('uses a new random token each start unless --token is given', async () => {
    const data = join(dir.path, 'data2')
    const a = await startServe(['--port', '0', '--data', data])
    await a.stop()
    const b = await startServe(['--port', '0', '--data', data])
    await b.stop()
    expect(a.token).not.toBe(b.token)
    const c = await startServe(['--port', '0', '--data', data, '--token', 'my-fixed-token-123456'])
    expect(c.token).toBe('my-fixed-token-123456')
    await c.stop('SIGINT')
  })

  it('fails with a specific message when the database is not SQLite', async () => {
    const data = join(dir.path, 'bad')
    mkdirSync(data)
    writeFileSync(join(data, 'folio.db'), 'this is my diary, not a database')
    await expect(startServe(['--port', '0', '--data', data])).rejects.toThrow(/not a SQLite database/)
  })
})
