/**
 * SIGKILL in the middle of a stream of autosaves (`articles.save` over serve mode's WebSocket, several
 * in flight, as an editor saving bursts of typing): after a restart the database is sound and the
 * article is exactly one of the saves, never older than the last one the server acknowledged.
 */
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { Doc } from '../../../src/shared/doc'
import { docText } from '../../../src/shared/doc'
import { startServe } from '../../helpers/serve-process'
import { tmpDir } from '../../helpers/tmp'
import { connectWs } from '../../helpers/ws-client'
import { inspectCopy, integrityCheck, openClosed } from './crash-helpers'

/** A ~25 KB document whose every paragraph names the save it belongs to. */
function docFor(i: number): Doc {
  return {
    type: 'doc',
    content: [
      { type: 'heading', attrs: { level: 1 }, content: [{ type: 'text', text: `Save ${i}` }] },
      ...Array.from({ length: 200 }, (_, p) => ({
        type: 'paragraph',
        content: [{ type: 'text', text: `Save ${i}, paragraph ${p}: the quick brown fox jumps over the lazy dog, again and again.` }],
      })),
    ],
  }
}
const saveOf = (doc: Doc) => Number(/^Save (\d+)/.exec(docText(doc as never))?.[1] ?? NaN)

describe('crash during autosave', () => {
  const dir = tmpDir('folio-crash-save-')
  afterAll(() => dir.cleanup())

  it('keeps a sound database and at least the last acknowledged save after SIGKILL mid-stream', async () => {
    const data = join(dir.path, 'data')
    const s = await startServe(['--port', '0', '--data', data])
    const headers = { authorization: `Bearer ${s.token}`, origin: s.baseUrl.slice(0, -1) }
    const c = await connectWs(s.baseUrl, headers)
    const art = await c.client.call('articles.create', { title: 'Crash while saving' })

    let sent = 0
    let lastAcked = -1
    let killed = false
    const acked: number[] = []
    // Four saves in flight at a time until the process is killed.
    const lane = async () => {
      while (!killed) {
        const i = sent++
        try {
          await c.client.call('articles.save', { id: art.id, doc: docFor(i) })
          acked.push(i)
          lastAcked = Math.max(lastAcked, i)
        } catch {
          return // the connection died with the process
        }
      }
    }
    const lanes = Promise.all([lane(), lane(), lane(), lane()])
    await expect.poll(() => acked.length, { timeout: 20_000, interval: 5 }).toBeGreaterThanOrEqual(40)
    killed = true
    await s.stop('SIGKILL')
    await lanes
    const ackedAtKill = lastAcked
    expect(sent).toBeGreaterThan(ackedAtKill + 1) // saves were still in flight

    // What the killed process left: sound, and one of the saves (the WAL holds the latest commits).
    const crashed = inspectCopy(join(data, 'folio.db'), (db) => ({
      check: integrityCheck(db),
      row: db.prepare('SELECT doc, revision FROM articles WHERE id = ?').get(art.id) as { doc: string; revision: number },
    }))
    expect(crashed.check).toBe('ok')

    const s2 = await startServe(['--port', '0', '--data', data])
    const c2 = await connectWs(s2.baseUrl, { authorization: `Bearer ${s2.token}`, origin: s2.baseUrl.slice(0, -1) })
    const after = await c2.client.call('articles.get', { id: art.id })
    const k = saveOf(after.doc)
    expect(k).toBeGreaterThanOrEqual(ackedAtKill)
    expect(k).toBeLessThan(sent)
    // The whole document is that one save (not a mix of two), and every save counted exactly once.
    expect(after.doc).toEqual(docFor(k))
    expect(after.revision).toBe(k + 2)
    expect(saveOf(JSON.parse(crashed.row.doc) as Doc)).toBe(k)
    // The automatic versions taken along the way are whole saves too.
    const versions = (await c2.client.call('versions.list', { articleId: art.id })).versions
    for (const v of versions) {
      const full = await c2.client.call('versions.get', { id: v.id })
      const n = saveOf(full.doc)
      expect(full.doc).toEqual(Number.isNaN(n) ? art.doc : docFor(n))
    }
    // Editing goes on from there.
    await c2.client.call('articles.save', { id: art.id, doc: docFor(9999), baseRevision: after.revision })
    c2.close()
    expect(await s2.stop('SIGTERM')).toBe(0)
    expect(openClosed(join(data, 'folio.db'), integrityCheck)).toBe('ok')
    expect(openClosed(join(data, 'folio.db'), (db) => db.prepare('SELECT revision FROM articles WHERE id = ?').get(art.id))).toEqual({
      revision: k + 3,
    })
  }, 60_000)
})
