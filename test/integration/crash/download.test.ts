/**
 * SIGKILL in the middle of a model download (serve mode, a catalogue entry served by a local HTTP
 * server that stops sending midway): the partial file survives, the next start reports it as
 * partial, and the download resumes from those bytes (an HTTP Range request), passes its sha256
 * check and registers the model once.
 */
import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CatalogueModel } from '../../../src/main/models/catalogue'
import { ensureFixtures } from '../../fixtures/models'
import { serveFiles, type FileServer } from '../../helpers/file-server'
import { startServe } from '../../helpers/serve-process'
import { tmpDir } from '../../helpers/tmp'
import { connectWs } from '../../helpers/ws-client'
import { openClosed, integrityCheck } from './crash-helpers'

const ENTRY = join(import.meta.dirname, 'serve-with-catalogue.ts')
const SENT_BEFORE_KILL = 100_000

describe('crash during a model download', () => {
  const dir = tmpDir('folio-crash-download-')
  let server: FileServer
  let model: string
  let env: NodeJS.ProcessEnv

  beforeAll(async () => {
    model = (await ensureFixtures(['chat'])).chat
    server = await serveFiles({ '/tiny.gguf': model })
    const bytes = readFileSync(model)
    const catalogue: CatalogueModel[] = [
      {
        id: 'tiny',
        name: 'Tiny',
        description: 'test',
        license: 'Apache-2.0',
        languages: ['en'],
        roles: ['writer'],
        files: [{ kind: 'model', url: `${server.url}/tiny.gguf`, fileName: 'tiny.gguf', sizeBytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') }],
        memoryBytes: 10_000_000,
      },
    ]
    env = { FOLIO_TEST_CATALOGUE: JSON.stringify(catalogue) }
  })
  afterAll(async () => {
    await server?.close()
    dir.cleanup()
  })

  it('resumes from the partial bytes after SIGKILL and verifies the sha256', async () => {
    const data = join(dir.path, 'data')
    const target = join(data, 'models', 'tiny', 'tiny.gguf')
    const part = `${target}.part`
    server.stallAfter = SENT_BEFORE_KILL

    const s = await startServe(['--port', '0', '--data', data], { entry: ENTRY, env })
    const c = await connectWs(s.baseUrl, { authorization: `Bearer ${s.token}`, origin: s.baseUrl.slice(0, -1) })
    const first = c.client.stream('models.download', { catalogueId: 'tiny' }).catch((e: unknown) => e)
    await expect.poll(() => (existsSync(part) ? statSync(part).size : 0), { timeout: 20_000, interval: 10 }).toBe(SENT_BEFORE_KILL)
    await s.stop('SIGKILL')
    await first
    expect(statSync(part).size).toBe(SENT_BEFORE_KILL)
    expect(existsSync(target)).toBe(false)

    server.stallAfter = null
    const s2 = await startServe(['--port', '0', '--data', data], { entry: ENTRY, env })
    const c2 = await connectWs(s2.baseUrl, { authorization: `Bearer ${s2.token}`, origin: s2.baseUrl.slice(0, -1) })
    const before = (await c2.client.call('models.catalogue', {})).entries.find((e) => e.id === 'tiny')!
    expect(before.download).toMatchObject({ status: 'partial', downloadedBytes: SENT_BEFORE_KILL })

    const progress: number[] = []
    const requestsBefore = server.requests.length
    const out = await c2.client.stream('models.download', { catalogueId: 'tiny' }, { onProgress: (p) => progress.push(p.downloadedBytes) })
    expect(server.requests.slice(requestsBefore).map((r) => r.range)).toEqual([`bytes=${SENT_BEFORE_KILL}-`])
    expect(Math.min(...progress)).toBeGreaterThan(SENT_BEFORE_KILL)
    expect(out.models).toHaveLength(1)
    expect(out.models[0]).toMatchObject({ catalogueId: 'tiny', path: target })
    // The resumed file is byte for byte the original (the download checked its sha256 too).
    expect(Buffer.compare(readFileSync(target), readFileSync(model))).toBe(0)
    expect(readdirSync(join(data, 'models', 'tiny'))).toEqual(['tiny.gguf'])

    // Downloading again registers nothing new.
    await c2.client.stream('models.download', { catalogueId: 'tiny' })
    const list = await c2.client.call('models.list', {})
    expect(list.models.filter((m) => m.catalogueId === 'tiny')).toHaveLength(1)
    const after = (await c2.client.call('models.catalogue', {})).entries.find((e) => e.id === 'tiny')!
    expect(after.download.status).toBe('complete')
    c2.close()
    expect(await s2.stop('SIGTERM')).toBe(0)
    expect(openClosed(join(data, 'folio.db'), integrityCheck)).toBe('ok')
  }, 60_000)
})
