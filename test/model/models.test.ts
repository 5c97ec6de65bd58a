import { copyFileSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createServices, type FolioServices } from '../../src/main/app'
import type { CatalogueModel } from '../../src/main/models/catalogue'
import { ensureFixtures, fixturePath } from '../fixtures/models'
import { buildClipSpec, FIXTURE_PARAMS } from '../fixtures/gguf/models'
import { writeGguf } from '../fixtures/gguf/writer'
import { serveFiles, type FileServer } from '../helpers/file-server'
import { tmpDir } from '../helpers/tmp'

describe('model manager', () => {
  const dir = tmpDir('folio-models-')
  let s: FolioServices
  let chat: string
  let mmproj: string
  let embed: string

  beforeAll(async () => {
    await ensureFixtures()
    chat = fixturePath('chat')
    mmproj = fixturePath('mmproj')
    embed = fixturePath('embed')
    s = createServices({ dataDir: join(dir.path, 'data') })
  })
  afterAll(async () => {
    await s.dispose()
    dir.cleanup()
  })

  it('adds a GGUF with its projector, reads its metadata and gives it the free roles', async () => {
    const m = await s.router.call('models.add', { path: chat, mmproj })
    expect(m).toMatchObject({ kind: 'local', path: chat, mmproj, architecture: 'llama', hasChatTemplate: true, embeddingLength: 64, contextLength: 2048 })
    expect(m.roles.sort()).toEqual(['vision', 'writer'])
    expect(m.sizeBytes).toBe(statSync(chat).size + statSync(mmproj).size)
    expect(m.quantization).toBe('F16')
  })

  it('adding the same file again updates its entry instead of duplicating it', async () => {
    const before = (await s.router.call('models.list', {})).models.length
    const e = await s.router.call('models.add', { path: embed, role: 'embedder' })
    const again = await s.router.call('models.add', { path: embed, role: 'embedder' })
    expect(again.id).toBe(e.id)
    expect((await s.router.call('models.list', {})).models).toHaveLength(before + 1)
    expect((await s.router.call('models.list', {})).roles.embedder).toBe(e.id)
  })

  it('refuses a projector whose size does not match the model', async () => {
    const bad = join(dir.path, 'mismatch-mmproj.gguf')
    await writeGguf(bad, buildClipSpec({ ...FIXTURE_PARAMS.mmproj, projectionDim: 32 }))
    const copy = join(dir.path, 'chat-copy.gguf')
    copyFileSync(chat, copy)
    await expect(s.router.call('models.add', { path: copy, mmproj: bad })).rejects.toMatchObject({
      code: 'MODEL_INVALID',
      message: expect.stringMatching(/produces 32-dimensional image embeddings, the model expects 64/),
    })
    expect((await s.router.call('models.list', {})).models.some((m) => m.path === copy)).toBe(false)
  })

  it('refuses files that are not models with specific reasons', async () => {
    const text = join(dir.path, 'notes.gguf')
    writeFileSync(text, 'just some text, not a model')
    await expect(s.router.call('models.add', { path: text })).rejects.toMatchObject({ message: expect.stringMatching(/not a GGUF model file/) })
    await expect(s.router.call('models.add', { path: mmproj })).rejects.toMatchObject({ message: expect.stringMatching(/vision projector/) })
    const half = join(dir.path, 'half.gguf')
    writeFileSync(half, readFileSync(chat).subarray(0, Math.floor(statSync(chat).size / 2)))
    await expect(s.router.call('models.add', { path: half })).rejects.toMatchObject({ message: expect.stringMatching(/incomplete|damaged|truncated/i) })
    await expect(s.router.call('models.add', { path: join(dir.path, 'missing.gguf') })).rejects.toMatchObject({ code: 'NOT_FOUND' })
  })

  it('a model without a projector cannot take the vision role', async () => {
    const e = (await s.router.call('models.list', {})).models.find((m) => m.path === embed)!
    await expect(s.router.call('models.setRole', { id: e.id, role: 'vision' })).rejects.toMatchObject({
      code: 'NO_VISION',
      message: expect.stringMatching(/cannot see images/),
    })
  })

  it('models.add takes file paths, so it is refused from renderers and network clients', async () => {
    const r = await s.router.dispatch('models.add', { path: chat }, { trusted: false })
    expect(r).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } })
  })

  it('stores a remote server API key outside the database, in an owner-only file', async () => {
    const m = await s.router.call('models.addRemote', { url: 'http://127.0.0.1:9/v1', apiKey: 'sk-secret-123', model: 'big', vision: true })
    expect(m).toMatchObject({ kind: 'remote', url: 'http://127.0.0.1:9/v1', hasApiKey: true, remoteModel: 'big', path: null })
    expect(JSON.stringify(m)).not.toContain('sk-secret-123')
    const dbBytes = readFileSync(join(dir.path, 'data', 'folio.db'))
    expect(dbBytes.includes(Buffer.from('sk-secret-123'))).toBe(false)
    const secrets = join(dir.path, 'data', 'secrets.json')
    expect(statSync(secrets).mode & 0o777).toBe(0o600)
    await s.router.call('models.remove', { id: m.id })
    expect(readFileSync(secrets, 'utf8')).not.toContain('sk-secret-123')
    await expect(s.router.call('models.addRemote', { url: 'ftp://example.com' })).rejects.toMatchObject({ code: 'INVALID_INPUT' })
  })

  it('generates with the writer, streams tokens, and records stats for the status bar', async () => {
    const tokens: string[] = []
    const loading: number[] = []
    s.events.subscribe((name, payload) => {
      if (name === 'inference.loading') loading.push((payload as { progress: number }).progress)
    })
    const out = await s.router.call('inference.generate', { prompt: 'Write one line.', maxTokens: 12, seed: 7 }, { onProgress: (p) => tokens.push((p as { token: string }).token) })
    expect(tokens.join('')).toBe(out.text)
    // The first generation loads the model, reporting progress up to 1 for the status bar.
    expect(loading.at(-1)).toBe(1)
    expect(out.stats).toMatchObject({ backend: 'cpu', stopReason: 'maxTokens' })
    expect(out.stats.completionTokens).toBeGreaterThan(0)
    expect(out.stats.completionTokens).toBeLessThanOrEqual(12)
    expect(out.stats.tokensPerSecond).toBeGreaterThan(0)
    const status = await s.router.call('inference.status', {})
    expect(status.lastStats).toEqual(out.stats)
    expect(status.writer).toBeTruthy()
    const again = await s.router.call('inference.generate', { prompt: 'Write one line.', maxTokens: 12, seed: 7 })
    expect(again.text).toBe(out.text)
  })

  it('on the CPU, requests to two different engines take turns instead of fighting for the cores', async () => {
    // A second copy of the model is a second engine (like the writer next to the vision server).
    const copy = join(dir.path, 'second-chat.gguf')
    copyFileSync(chat, copy)
    const second = await s.models.addLocal({ path: copy })
    const order: string[] = []
    const a = s.inference.generate('writer', {
      messages: [{ role: 'user', content: 'What is in the picture?' }],
      maxTokens: 8,
      seed: 1,
      onToken: () => order.push('a'),
    })
    const b = s.inference.generate(
      'writer',
      { messages: [{ role: 'user', content: 'Write.' }], maxTokens: 8, seed: 1, onToken: () => order.push('b') },
      { modelId: second.id },
    )
    await Promise.all([a, b])
    const firstB = order.indexOf('b')
    expect(firstB).toBeGreaterThan(0)
    expect(order.slice(firstB)).not.toContain('a')
    await s.models.remove(second.id)
  })

  it('says how to get a model when a role has none', async () => {
    const fresh = createServices({ dataDir: join(dir.path, 'empty') })
    await expect(fresh.router.call('inference.generate', { prompt: 'hi' })).rejects.toMatchObject({
      code: 'NO_MODEL',
      message: expect.stringMatching(/No writer model is set/),
    })
    await fresh.dispose()
  })
})

describe('catalogue downloads', () => {
  const dir = tmpDir('folio-dl-')
  let server: FileServer
  let s: FolioServices
  let free = Number.MAX_SAFE_INTEGER
  let catalogue: CatalogueModel[]

  beforeAll(async () => {
    await ensureFixtures()
    server = await serveFiles({ '/chat.gguf': fixturePath('chat'), '/mmproj.gguf': fixturePath('mmproj') })
    catalogue = [
      {
        id: 'tiny-vl',
        name: 'Tiny VL',
        description: 'test',
        license: 'Apache-2.0',
        languages: ['en'],
        roles: ['writer', 'vision'],
        files: [
          { kind: 'model', url: `${server.url}/chat.gguf`, fileName: 'tiny-chat.gguf', sizeBytes: statSync(fixturePath('chat')).size },
          { kind: 'mmproj', url: `${server.url}/mmproj.gguf`, fileName: 'tiny-mmproj.gguf', sizeBytes: statSync(fixturePath('mmproj')).size },
        ],
        memoryBytes: 10_000_000,
      },
      {
        id: 'broken',
        name: 'Broken',
        description: 'test',
        license: 'MIT',
        languages: ['en'],
        roles: ['writer'],
        files: [{ kind: 'model', url: `${server.url}/missing.gguf`, fileName: 'x.gguf', sizeBytes: 1000 }],
        memoryBytes: 1,
      },
    ]
    s = createServices({ dataDir: join(dir.path, 'data'), catalogue, freeBytes: () => free })
  })
  afterAll(async () => {
    await s.dispose()
    await server.close()
    dir.cleanup()
  })

  it('lists the catalogue with sizes, a fits hint and download state', async () => {
    const c = await s.router.call('models.catalogue', {})
    const e = c.entries.find((x) => x.id === 'tiny-vl')!
    expect(e.fits.fits).toBe(true)
    expect(e.download.status).toBe('none')
    expect(c.system.ramBytes).toBeGreaterThan(0)
  })

  it('checks free disk space before starting', async () => {
    free = 1000
    await expect(s.router.call('models.download', { catalogueId: 'tiny-vl' })).rejects.toMatchObject({
      code: 'DISK_FULL',
      message: expect.stringMatching(/Not enough disk space for Tiny VL/),
    })
    free = Number.MAX_SAFE_INTEGER
    expect(server.requests).toHaveLength(0)
  })

  it('an interrupted download keeps its partial file and resumes from there', async () => {
    server.cutAfter = 100_000
    await expect(s.router.call('models.download', { catalogueId: 'tiny-vl' })).rejects.toMatchObject({ code: 'UNREACHABLE', retryable: true })
    const partial = (await s.router.call('models.catalogue', {})).entries.find((x) => x.id === 'tiny-vl')!.download
    expect(partial.status).toBe('partial')
    expect(partial.downloadedBytes).toBeGreaterThan(0)
    expect(partial.downloadedBytes).toBeLessThanOrEqual(100_000)

    server.cutAfter = null
    server.requests.length = 0
    const progress: { downloadedBytes: number; totalBytes: number }[] = []
    const out = await s.router.call('models.download', { catalogueId: 'tiny-vl' }, { onProgress: (p) => progress.push(p as never) })
    expect(server.requests[0].range).toBe(`bytes=${partial.downloadedBytes}-`)
    expect(progress.length).toBeGreaterThan(0)
    expect(progress.at(-1)!.downloadedBytes).toBe(progress.at(-1)!.totalBytes)
    const local = join(dir.path, 'data', 'models', 'tiny-vl', 'tiny-chat.gguf')
    expect(readFileSync(local).equals(readFileSync(fixturePath('chat')))).toBe(true)
    expect(out.models[0]).toMatchObject({ catalogueId: 'tiny-vl', mmproj: expect.stringMatching(/tiny-mmproj\.gguf$/) })
    expect(out.models[0].roles.sort()).toEqual(['vision', 'writer'])
    const done = (await s.router.call('models.catalogue', {})).entries.find((x) => x.id === 'tiny-vl')!
    expect(done.download.status).toBe('complete')
    expect(done.installedModelId).toBe(out.models[0].id)
  })

  it('a missing file on the server is a clear error', async () => {
    await expect(s.router.call('models.download', { catalogueId: 'broken' })).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringMatching(/404/) })
    await expect(s.router.call('models.download', { catalogueId: 'nope' })).rejects.toMatchObject({ code: 'NOT_FOUND' })
  })

  it('pausing (cancel) keeps the partial file; discarding deletes it', async () => {
    server.cutAfter = 50_000
    await s.router.call('models.download', { catalogueId: 'broken' }).catch(() => undefined)
    const dlDir = join(dir.path, 'data', 'models', 'tiny-vl')
    expect(existsSync(dlDir)).toBe(true)
    server.cutAfter = null
    const ac = new AbortController()
    ac.abort()
    await expect(s.router.call('models.download', { catalogueId: 'broken' }, { signal: ac.signal })).rejects.toMatchObject({ code: expect.stringMatching(/CANCELLED|NOT_FOUND/) })
    const r = await s.router.call('models.discardDownload', { catalogueId: 'broken' })
    expect(r.deletedBytes).toBeGreaterThanOrEqual(0)
  })
})
