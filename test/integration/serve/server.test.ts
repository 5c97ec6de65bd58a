import { mkdirSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { join } from 'node:path'
import WebSocket from 'ws'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createServices, type FolioServices } from '../../../src/main/app'
import { startServer, type RunningServer } from '../../../src/main/transport/serve/server'
import { decodeJson, type ServerFrame } from '../../../src/shared/wire'
import { makePng, tmpDir } from '../../helpers/tmp'
import { connectWs } from '../../helpers/ws-client'

const TOKEN = 'test-token-0123456789abcdef'

interface Res {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: Buffer
}
function http(url: string, opts: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {}): Promise<Res> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: opts.method ?? 'GET', headers: opts.headers }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }))
    })
    req.on('error', reject)
    req.end(opts.body)
  })
}

describe('serve mode', () => {
  const dir = tmpDir()
  let services: FolioServices
  let server: RunningServer
  let base: string
  let cookie: string

  beforeAll(async () => {
    const renderer = join(dir.path, 'renderer')
    mkdirSync(join(renderer, 'assets'), { recursive: true })
    writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>Folio</title><div id="root"></div>')
    writeFileSync(join(renderer, 'assets', 'app.js'), 'console.log(1)')
    services = createServices({ dataDir: join(dir.path, 'data') })
    server = await startServer({ services, host: '127.0.0.1', port: 0, token: TOKEN, rendererDir: renderer })
    base = server.url
  })
  afterAll(async () => {
    await server.close()
    services.dispose()
    dir.cleanup()
  })

  it('prints a login URL on loopback with the token', () => {
    expect(server.loginUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=test-token-0123456789abcdef$/)
  })

  it('refuses every page without the token', async () => {
    for (const path of ['', 'index.html', 'assets/app.js', 'api/image/img_000000000000']) {
      const r = await http(base + path)
      expect(r.status, path).toBe(401)
    }
    const wrong = await http(`${base}?token=nope-nope-nope-nope`)
    expect(wrong.status).toBe(401)
    expect(wrong.headers['set-cookie']).toBeUndefined()
  })

  it('turns the token into an HttpOnly cookie and drops it from the URL', async () => {
    const r = await http(`${base}?token=${TOKEN}`)
    expect(r.status).toBe(302)
    expect(r.headers.location).toBe('/')
    const set = String(r.headers['set-cookie'])
    expect(set).toMatch(/HttpOnly/)
    expect(set).toMatch(/SameSite=Strict/)
    expect(set).not.toContain(TOKEN)
    cookie = set.split(';')[0]
    const page = await http(base, { headers: { cookie } })
    expect(page.status).toBe(200)
    expect(page.body.toString()).toContain('<div id="root">')
    const csp = String(page.headers['content-security-policy'])
    expect(csp).toContain("script-src 'self'")
    expect(csp).not.toContain('unsafe-eval')
  })

  it('guards against DNS rebinding and cross-origin requests', async () => {
    const port = new URL(base).port
    const evilHost = await http(base, { headers: { cookie, host: `evil.example:${port}` } })
    expect(evilHost.status).toBe(403)
    const evilOrigin = await http(`${base}api/rpc/articles.list`, {
      method: 'POST',
      headers: { cookie, origin: 'http://evil.example', 'content-type': 'application/json' },
      body: '{}',
    })
    expect(evilOrigin.status).toBe(403)
    const localhostOk = await http(base, { headers: { cookie, host: `localhost:${port}` } })
    expect(localhostOk.status).toBe(200)
  })

  it('refuses WebSockets without the token, from other origins, or via another host', async () => {
    const url = base.replace('http', 'ws') + 'ws'
    const status = (headers: Record<string, string>) =>
      new Promise<number>((resolve) => {
        const ws = new WebSocket(url, { headers })
        ws.on('unexpected-response', (_q, res) => resolve(res.statusCode ?? 0))
        ws.on('open', () => {
          ws.close()
          resolve(101)
        })
        ws.on('error', () => undefined)
      })
    expect(await status({ origin: base.slice(0, -1) })).toBe(401)
    expect(await status({ cookie, origin: 'http://evil.example' })).toBe(403)
    expect(await status({ cookie: 'folio_session=forged', origin: base.slice(0, -1) })).toBe(401)
    expect(await status({ cookie, origin: base.slice(0, -1) })).toBe(101)
  })

  it('runs contract calls over WebSocket and broadcasts changes to other clients', async () => {
    const a = await connectWs(base, { cookie, origin: base.slice(0, -1) })
    const b = await connectWs(base, { cookie, origin: base.slice(0, -1) })
    const seen: unknown[] = []
    b.client.on('articles.changed', (e) => seen.push(e))
    const art = await a.client.call('articles.create', { title: 'Over the wire' })
    expect(art.title).toBe('Over the wire')
    const list = await b.client.call('articles.list', {})
    expect(list.articles.map((x) => x.id)).toContain(art.id)
    await expect.poll(() => seen.length).toBeGreaterThan(0)
    expect(seen[0]).toMatchObject({ id: art.id, reason: 'created', origin: a.client.clientId })
    a.close()
    b.close()
  })

  it('cancels a PDF export in flight when the client aborts it, and keeps answering', async () => {
    const c = await connectWs(base, { cookie, origin: base.slice(0, -1) })
    const art = await c.client.call('articles.create', { title: 'To print' })
    const abort = new AbortController()
    const exporting = c.client.call('articles.export', { id: art.id, format: 'pdf' }, { signal: abort.signal })
    setTimeout(() => abort.abort(), 150)
    await expect(exporting).rejects.toMatchObject({ code: 'CANCELLED' })
    // Without the abort the same export succeeds: it was the cancel, not the print, that stopped it.
    const done = await c.client.call('articles.export', { id: art.id, format: 'pdf' })
    expect(Buffer.from(done.data ?? []).subarray(0, 5).toString()).toBe('%PDF-')
    c.close()
  })

  it('answers bad frames with specific errors and keeps the connection usable', async () => {
    const c = await connectWs(base, { cookie, origin: base.slice(0, -1) })
    c.ws.send('{ not json')
    c.ws.send(JSON.stringify({ t: 'call' }))
    await expect.poll(() => c.frames.filter((f) => f.t === 'error').length).toBe(2)
    const errors = c.frames.filter((f): f is Extract<ServerFrame, { t: 'error' }> => f.t === 'error')
    expect(errors[0].error.code).toBe('INVALID_JSON')
    expect(errors[1].error.code).toBe('INVALID_INPUT')
    await expect(c.client.call('articles.get' as never, { id: 'art_000000000000' } as never)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    })
    await expect(c.client.call('nope.method' as never, {} as never)).rejects.toMatchObject({ code: 'UNKNOWN_METHOD' })
    await expect(c.client.call('articles.get', { id: '../../etc/passwd' })).rejects.toMatchObject({ code: 'INVALID_INPUT' })
    expect((await c.client.call('app.info', {})).name).toBe('Folio')
    c.close()
  })

  it('closes a WebSocket that sends an oversized message', async () => {
    const c = await connectWs(base, { cookie, origin: base.slice(0, -1) })
    const closed = new Promise<number>((resolve) => c.ws.on('close', (code) => resolve(code)))
    c.ws.send('x'.repeat(97 * 1024 * 1024))
    expect(await closed).toBe(1009)
  })

  it('rejects oversized and malformed HTTP RPC bodies', async () => {
    const auth = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }
    const bad = await http(`${base}api/rpc/articles.list`, { method: 'POST', headers: auth, body: '{oops' })
    expect(bad.status).toBe(400)
    expect(JSON.parse(bad.body.toString()).error.code).toBe('INVALID_JSON')
    const big = await http(`${base}api/rpc/articles.create`, {
      method: 'POST',
      headers: { ...auth, 'content-length': String(200 * 1024 * 1024) },
      body: '',
    }).catch(() => ({ status: 413 }) as Res)
    expect(big.status).toBe(413)
    const ok = await http(`${base}api/rpc/articles.list`, { method: 'POST', headers: auth, body: '{}' })
    expect(ok.status).toBe(200)
    expect((decodeJson(ok.body.toString()) as { ok: boolean }).ok).toBe(true)
  })

  it('imports an image with progress over WebSocket and serves it only to signed-in clients', async () => {
    const c = await connectWs(base, { cookie, origin: base.slice(0, -1) })
    const png = makePng(3, 2)
    const progress: unknown[] = []
    const out = await c.client.stream(
      'images.import',
      { files: [{ name: 'red.png', data: png }, { name: 'notes.jpg', data: new TextEncoder().encode('hello') }] },
      { onProgress: (p) => progress.push(p) },
    )
    expect(out.images).toHaveLength(1)
    expect(out.rejected).toEqual([{ name: 'notes.jpg', reason: expect.stringMatching(/not an image/) }])
    expect(progress).toHaveLength(2)
    const id = out.images[0].id
    const img = await http(`${base}api/image/${id}`, { headers: { cookie } })
    expect(img.status).toBe(200)
    expect(img.headers['content-type']).toBe('image/png')
    expect(Buffer.compare(img.body, Buffer.from(png))).toBe(0)
    expect((await http(`${base}api/image/${id}`)).status).toBe(401)
    expect((await http(`${base}api/image/img_000000000000`, { headers: { cookie } })).status).toBe(404)
    expect((await http(`${base}api/image/..%2F..%2Ffolio.db`, { headers: { cookie } })).status).toBe(400)
    c.close()
  })

  it('never serves files outside the renderer folder', async () => {
    const r = await http(`${base}..%2F..%2Fdata%2Ffolio.db`, { headers: { cookie } })
    expect(r.body.toString()).not.toContain('SQLite format 3')
  })
})
