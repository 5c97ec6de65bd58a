/**
 * SIGKILL while the captioning queue waits on the vision model (serve mode's background queue and a
 * scripted OpenAI-compatible vision server holding its answer): the image in flight is left
 * 'running'; the next start puts it back in the queue, which finishes every image exactly once —
 * the ones captioned before the crash are not asked again.
 */
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { startScriptedModel, type ScriptedModel } from '../../helpers/scripted-model'
import { startServe } from '../../helpers/serve-process'
import { makePng, tmpDir } from '../../helpers/tmp'
import { connectWs } from '../../helpers/ws-client'
import { inspectCopy, integrityCheck, openClosed } from './crash-helpers'

const IMAGES = 5

describe('crash during the caption queue', () => {
  const dir = tmpDir('folio-crash-captions-')
  let model: ScriptedModel | undefined
  let release = () => undefined as void
  afterAll(async () => {
    release()
    await model?.close()
    dir.cleanup()
  })

  it('puts the image in flight back in the queue and captions every image exactly once', async () => {
    const data = join(dir.path, 'data')
    const db = join(data, 'folio.db')
    // The first two requests are answered at once; the third is held until the process is dead.
    let asked = 0
    let holding = true
    const held = new Promise<void>((r) => (release = r))
    model = await startScriptedModel(async () => {
      const n = ++asked
      if (n === 3 && holding) await held
      return JSON.stringify({ caption: `Caption ${n}`, description: `Picture number ${n}.`, tags: ['test'] })
    })

    const s = await startServe(['--port', '0', '--data', data])
    const c = await connectWs(s.baseUrl, { authorization: `Bearer ${s.token}`, origin: s.baseUrl.slice(0, -1) })
    const files = Array.from({ length: IMAGES }, (_, i) => ({ name: `p${i}.png`, data: makePng(40 + i, 30, [30 * i, 90, 160]) }))
    const imported = await c.client.stream('images.import', { files })
    expect(imported.images).toHaveLength(IMAGES)
    // Adding the vision model starts the queue.
    await c.client.call('models.addRemote', { url: model.url, model: 'scripted-vl', vision: true, role: 'vision' })
    await expect.poll(() => asked, { timeout: 20_000 }).toBe(3)
    await expect.poll(async () => (await c.client.call('library.captions.status', {})).running, { timeout: 5000 }).not.toBeNull()
    await s.stop('SIGKILL')
    holding = false
    release()

    const crashed = inspectCopy(db, (d) => ({
      check: integrityCheck(d),
      states: d.prepare('SELECT caption_state AS state, count(*) AS n FROM images GROUP BY caption_state ORDER BY caption_state').all(),
    }))
    expect(crashed.check).toBe('ok')
    expect(crashed.states).toEqual([
      { state: 'done', n: 2 },
      { state: 'pending', n: IMAGES - 3 },
      { state: 'running', n: 1 },
    ])

    const s2 = await startServe(['--port', '0', '--data', data])
    const c2 = await connectWs(s2.baseUrl, { authorization: `Bearer ${s2.token}`, origin: s2.baseUrl.slice(0, -1) })
    await expect
      .poll(async () => (await c2.client.call('library.captions.status', {})).done, { timeout: 20_000, interval: 100 })
      .toBe(IMAGES)
    const status = await c2.client.call('library.captions.status', {})
    expect(status).toMatchObject({ pending: 0, failed: 0, running: null, problem: null })
    // Exactly the three unfinished images were asked again (the held one included), none twice.
    expect(asked).toBe(3 + (IMAGES - 2))
    c2.close()
    expect(await s2.stop('SIGTERM')).toBe(0)

    const rows = openClosed(db, (d) => ({
      check: integrityCheck(d),
      captions: (d.prepare('SELECT caption FROM images ORDER BY caption').all() as { caption: string }[]).map((r) => r.caption),
    }))
    expect(rows.check).toBe('ok')
    // Captions 1 and 2 from before the crash; 3 (the held answer) never landed; 4–6 after the restart.
    expect(rows.captions).toEqual(['Caption 1', 'Caption 2', 'Caption 4', 'Caption 5', 'Caption 6'])
  }, 60_000)
})
