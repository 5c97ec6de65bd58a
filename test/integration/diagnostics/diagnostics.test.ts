import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createServices, type FolioServices } from '../../../src/main/app'
import { runCli } from '../../../src/main/transport/cli/main'
import { Router, type Handlers } from '../../../src/main/transport/router'
import { Diagnostics, diagnosticsMarkdown } from '../../../src/shared/diagnostics-api'
import { FolioError } from '../../../src/shared/errors'
import { ensureFixtures } from '../../fixtures/models'
import { makePng, tmpDir } from '../../helpers/tmp'

const API_KEY = 'sk-folio-diag-0123456789abcdef'
const URL_PASSWORD = 'url-pass-9876'

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = ''
  let err = ''
  const code = await runCli(argv, { out: { write: (s: string) => (out += s) }, err: { write: (s: string) => (err += s) } })
  return { code, out, err }
}

describe('diagnostics and the log', () => {
  const tmp = tmpDir('folio-diag-')
  const data = join(tmp.path, 'data')
  let s: FolioServices
  let chatFile: string

  beforeAll(async () => {
    chatFile = (await ensureFixtures(['chat'])).chat
    s = createServices({ dataDir: data, library: { resumeImports: false } })
    await s.router.call('models.add', { path: chatFile, role: 'writer' })
    await s.router.call('models.addRemote', {
      url: `http://reader:${URL_PASSWORD}@127.0.0.1:9/v1`,
      apiKey: API_KEY,
      model: 'remote-vision',
      name: 'Remote reader',
      vision: true,
      role: 'vision',
    })
    await s.router.call('articles.create', { title: 'A private title' })
    await s.importer.importBuffers([{ name: 'red.png', data: makePng(8, 6) }])
    await s.router.call('library.settings.set', { captionLanguage: 'zh' })
  }, 60_000)
  afterAll(async () => {
    await s.dispose()
    tmp.cleanup()
  })

  it('logs an INTERNAL error that crosses the router with its stack, and never the API key', async () => {
    // The real logger behind a router whose handlers fail: one like a library that echoes the request
    // it failed on (key included), one with a user error.
    const router = new Router(
      {
        'inference.status': () => {
          throw new TypeError(`socket hang up (Authorization: Bearer ${API_KEY})`)
        },
        'articles.get': () => {
          throw new FolioError('NOT_FOUND', 'No such article.')
        },
      } as Partial<Handlers> as Handlers,
      { log: s.logger },
    )
    const r = await router.dispatch('inference.status', {})
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.error.code).toBe('INTERNAL')
    // A user error is not an internal one: not logged.
    const user = await router.dispatch('articles.get', { id: 'art_000000000000' })
    expect(!user.ok && user.error.code).toBe('NOT_FOUND')

    const file = readFileSync(join(data, 'logs', 'folio.log'), 'utf8')
    const entries = file.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>)
    const internal = entries.filter((e) => e.msg === 'internal error')
    expect(internal).toHaveLength(1)
    expect(internal[0]).toMatchObject({ level: 'error', method: 'inference.status' })
    expect(String(internal[0].stack)).toContain('TypeError: socket hang up')
    expect(String(internal[0].stack)).toContain('diagnostics.test.ts')
    expect(entries.some((e) => e.msg === 'start')).toBe(true)
    expect(file).not.toContain(API_KEY)
  })

  it('app.diagnostics reports versions, backend, models, counts, settings and log lines without secrets', async () => {
    const d = Diagnostics.parse(await s.router.call('app.diagnostics', {}))
    expect(d.app).toMatchObject({ name: 'Folio', docSchema: expect.any(Number) })
    expect(d.runtime.node).toBe(process.versions.node)
    expect(d.system.cores).toBeGreaterThan(0)
    expect(d.inference.backend).toBe('cpu')
    expect(d.inference.llamaCpp).toMatch(/\S/)
    expect(d.inference.nodeLlamaCpp).toMatch(/^\d+\.\d+\.\d+/)

    const local = d.models.find((m) => m.kind === 'local')!
    expect(local).toMatchObject({ roles: ['writer'], file: 'folio-tiny-chat.gguf', architecture: 'llama' })
    expect(local.sizeBytes).toBeGreaterThan(0)
    const remote = d.models.find((m) => m.kind === 'remote')!
    expect(remote).toMatchObject({ name: 'Remote reader', roles: ['vision'], endpoint: 'http://127.0.0.1:9/v1', hasApiKey: true, remoteModel: 'remote-vision' })

    expect(d.library).toMatchObject({ images: 1, articles: 1, imagesInTrash: 0, articlesInTrash: 0 })
    expect(d.settings['library.captionLanguage']).toContain('zh')
    expect(d.log.file).toBe('logs/folio.log')
    expect(d.log.lines.length).toBeGreaterThan(0)
    expect(d.log.lines.length).toBeLessThanOrEqual(50)

    const everything = JSON.stringify(d) + diagnosticsMarkdown(d, 'test client')
    expect(everything).not.toContain(API_KEY)
    expect(everything).not.toContain(URL_PASSWORD)
    // No folder of the model file, no document text.
    expect(everything).not.toContain(chatFile.slice(0, chatFile.lastIndexOf('/')))
    expect(everything).not.toContain('A private title')
    // The key was really stored (so its absence above means something).
    expect(readFileSync(join(data, 'secrets.json'), 'utf8')).toContain(API_KEY)
  })

  it('folio diagnostics prints the Markdown report; --json prints the record', async () => {
    await s.dispose() // the CLI opens the same data folder on its own
    const text = await cli('diagnostics', '--data', data)
    expect(text.code).toBe(0)
    expect(text.out).toMatch(/^## Folio diagnostics\n/)
    expect(text.out).toContain('### Models')
    expect(text.out).toMatch(/\| Remote reader \| vision \| http:\/\/127\.0\.0\.1:9\/v1 \(remote-vision\), API key set \|/)
    expect(text.out).toContain('folio-tiny-chat.gguf')
    expect(text.out).not.toContain(API_KEY)

    const json = await cli('diagnostics', '--json', '--data', data)
    expect(json.code).toBe(0)
    const doc = JSON.parse(json.out) as Record<string, unknown>
    expect(Object.keys(doc).sort()).toEqual(['app', 'generatedAt', 'inference', 'library', 'log', 'models', 'runtime', 'settings', 'system'])
    expect(Diagnostics.safeParse(doc).success).toBe(true)
    expect(json.out).not.toContain(API_KEY)
    expect(json.out.trimEnd().split('\n')).toHaveLength(1)
  })
})
