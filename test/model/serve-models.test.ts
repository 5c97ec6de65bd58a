import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createServices, type FolioServices } from '../../src/main/app'
import { startServer, type RunningServer } from '../../src/main/transport/serve/server'
import { ensureFixtures, fixturePath } from '../fixtures/models'
import { tmpDir } from '../helpers/tmp'
import { connectWs } from '../helpers/ws-client'

const TOKEN = 'upload-token-0123456789'

describe('adding a GGUF file from the browser (serve mode)', () => {
  const dir = tmpDir('folio-upload-')
  let services: FolioServices
  let server: RunningServer

  beforeAll(async () => {
    await ensureFixtures()
    services = createServices({ dataDir: join(dir.path, 'data') })
    server = await startServer({ services, host: '127.0.0.1', port: 0, token: TOKEN, rendererDir: dir.path })
  })
  afterAll(async () => {
    await server.close()
    await services.dispose()
    dir.cleanup()
  })

  const upload = (body: Buffer) =>
    fetch(`${server.url}api/models/upload`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` }, body: new Blob([new Uint8Array(body)]) })

  it('uploads the model and its projector, then registers them by upload id', async () => {
    const m = await (await upload(readFileSync(fixturePath('chat')))).json()
    const p = await (await upload(readFileSync(fixturePath('mmproj')))).json()
    expect(m).toMatchObject({ ok: true, output: { id: expect.stringMatching(/^upl_[0-9a-z]{12}\.gguf$/) } })
    const c = await connectWs(server.url, { authorization: `Bearer ${TOKEN}`, origin: server.url.slice(0, -1) })
    const added = await c.client.call('models.addUploaded', { model: m.output.id, mmproj: p.output.id })
    expect(added).toMatchObject({ architecture: 'llama', mmproj: expect.stringContaining('uploads') })
    expect(added.roles.sort()).toEqual(['vision', 'writer'])
    await expect(c.client.call('models.addUploaded', { model: '../../folio.db' as never })).rejects.toMatchObject({ code: 'INVALID_INPUT' })
    await expect(c.client.call('models.add' as never, { path: fixturePath('chat') } as never)).rejects.toMatchObject({ code: 'FORBIDDEN' })
    await expect(c.client.call('models.pickAndAdd', {})).rejects.toMatchObject({ message: expect.stringMatching(/only in the desktop app/) })
    c.close()
  })

  it('refuses a file that is not GGUF and keeps nothing of it', async () => {
    const r = await upload(Buffer.from('definitely not a model'))
    expect(r.status).toBe(415)
    expect((await r.json()).error.code).toBe('MODEL_INVALID')
    const unauth = await fetch(`${server.url}api/models/upload`, { method: 'POST', body: 'GGUF' })
    expect(unauth.status).toBe(401)
  })
})

describe('adding a GGUF file in the desktop app', () => {
  it('opens the file dialog for the model and its projector; cancelling adds nothing', async () => {
    const dir = tmpDir('folio-pick-')
    await ensureFixtures()
    const answers = [fixturePath('chat'), fixturePath('mmproj'), null]
    const titles: string[] = []
    const s = createServices({
      dataDir: dir.path,
      pickFile: async ({ title }) => {
        titles.push(title)
        return answers.shift() ?? null
      },
    })
    const out = await s.router.call('models.pickAndAdd', { withMmproj: true }, { trusted: false })
    expect(out.model).toMatchObject({ path: fixturePath('chat'), mmproj: fixturePath('mmproj') })
    expect(titles).toEqual(['Add a GGUF model', 'Its vision projector (mmproj)'])
    expect(await s.router.call('models.pickAndAdd', {}, { trusted: false })).toEqual({ model: null })
    expect((await s.router.call('models.list', {})).models).toHaveLength(1)
    await s.dispose()
    dir.cleanup()
  })
})
