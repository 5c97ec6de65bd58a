/**
 * Serve mode's boundary, against a real serve process: the cases server.test.ts does not already
 * cover — the API routes without or with a wrong token, foreign Host/Origin on every route and on
 * the WebSocket, and path traversal on /api/image/… in its encoded and absolute forms.
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { join } from 'node:path'
import WebSocket from 'ws'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServe, type ServeProcess } from '../../helpers/serve-process'
import { makePng, tmpDir } from '../../helpers/tmp'
import { connectWs } from '../../helpers/ws-client'

interface Res {
  status: number
  body: Buffer
}

/** A request with the path sent exactly as written (no URL normalisation), optionally without a Host header. */
function raw(base: string, path: string, o: { method?: string; headers?: Record<string, string>; body?: string; setHost?: boolean } = {}): Promise<Res> {
  const u = new URL(base)
  return new Promise((resolve, reject) => {
    const req = request(
      { host: u.hostname, port: u.port, path, method: o.method ?? 'GET', headers: o.headers, setHost: o.setHost ?? true },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }))
      },
    )
    req.on('error', reject)
    req.end(o.body)
  })
}

const LEAKS = /SQLite format 3|root:x?:0:0|secrets/

describe('serve mode security', () => {
  const dir = tmpDir('folio-sec-')
  const data = join(dir.path, 'data')
  let s: ServeProcess
  let host: string
  let origin: string
  let auth: Record<string, string>
  let imageId: string
  let png: Uint8Array

  beforeAll(async () => {
    const renderer = join(dir.path, 'renderer')
    mkdirSync(renderer)
    writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>Folio</title>')
    s = await startServe(['--port', '0', '--data', data, '--renderer', renderer])
    host = new URL(s.baseUrl).host
    origin = s.baseUrl.slice(0, -1)
    auth = { authorization: `Bearer ${s.token}` }
    const c = await connectWs(s.baseUrl, { ...auth, origin })
    png = makePng(4, 3)
    imageId = (await c.client.stream('images.import', { files: [{ name: 'a.png', data: png }] })).images[0].id
    c.close()
  })
  afterAll(async () => {
    await s?.stop()
    dir.cleanup()
  })

  const rpc = (headers: Record<string, string>, path = '/api/rpc/articles.list') =>
    raw(s.baseUrl, path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{}' })

  it('refuses API calls without the token or with a wrong one', async () => {
    const refused: [string, Record<string, string>, string?][] = [
      ['no credentials', {}],
      ['wrong bearer token', { authorization: 'Bearer wrong-token-0123456789' }],
      ['truncated token', { authorization: `Bearer ${s.token.slice(0, -1)}` }],
      ['token with a suffix', { authorization: `Bearer ${s.token}x` }],
      ['empty bearer', { authorization: 'Bearer ' }],
      ['basic auth', { authorization: `Basic ${Buffer.from(`folio:${s.token}`).toString('base64')}` }],
      ['the token as the cookie', { cookie: `folio_session=${s.token}` }],
      ['a forged cookie', { cookie: 'folio_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }],
      ['the token in the query of a POST', {}, `/api/rpc/articles.list?token=${s.token}`],
    ]
    for (const [why, headers, path] of refused) {
      expect((await rpc(headers, path)).status, why).toBe(401)
    }
    expect((await rpc(auth)).status).toBe(200)
    // The model upload endpoint writes files: nothing lands in the models folder without the token.
    const up = await raw(s.baseUrl, '/api/models/upload', { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: 'GGUF....' })
    expect(up.status).toBe(401)
    const uploads = join(data, 'models', 'uploads')
    expect(existsSync(uploads) ? readdirSync(uploads) : []).toEqual([])
    // The image route answers 401 before it looks at the id (no probing which ids exist).
    expect((await raw(s.baseUrl, `/api/image/${imageId}`)).status).toBe(401)
    expect((await raw(s.baseUrl, `/api/image/${imageId}`, { headers: { authorization: 'Bearer nope-nope-nope-nope' } })).status).toBe(401)
  })

  it('refuses foreign Host headers on every route, even with the token', async () => {
    const port = new URL(s.baseUrl).port
    const hosts = [`evil.example:${port}`, `127.0.0.1:${Number(port) + 1}`, '127.0.0.1', `localhost.evil.example:${port}`, `127.0.0.1:${port}.evil.example`]
    for (const h of hosts) {
      for (const path of ['/', `/api/image/${imageId}`]) expect((await raw(s.baseUrl, path, { headers: { ...auth, host: h } })).status, `${h} ${path}`).toBe(403)
      expect((await rpc({ ...auth, host: h })).status, `${h} rpc`).toBe(403)
    }
    const noHost = await raw(s.baseUrl, '/api/rpc/articles.list', { method: 'POST', headers: auth, body: '{}', setHost: false })
    // Node itself refuses an HTTP/1.1 request without Host (400); the guard would answer 403.
    expect([400, 403]).toContain(noHost.status)
    expect((await rpc({ ...auth, host: `localhost:${port}` })).status).toBe(200)
  })

  it('refuses foreign Origin headers, including look-alikes of our own', async () => {
    const port = new URL(s.baseUrl).port
    const origins = ['null', 'http://evil.example', `https://127.0.0.1:${port}`, `http://127.0.0.1:${Number(port) + 1}`, `http://127.0.0.1:${port}.evil.example`, `http://127.0.0.1:${port}@evil.example`, 'file://']
    for (const o of origins) {
      expect((await rpc({ ...auth, origin: o })).status, o).toBe(403)
      expect((await raw(s.baseUrl, `/api/image/${imageId}`, { headers: { ...auth, origin: o } })).status, o).toBe(403)
    }
    expect((await rpc({ ...auth, origin })).status).toBe(200)
  })

  it('refuses WebSockets with a wrong token, a token in the URL, or a foreign Host', async () => {
    const port = new URL(s.baseUrl).port
    const status = (path: string, headers: Record<string, string>) =>
      new Promise<number>((resolve) => {
        const ws = new WebSocket(`ws://${host}${path}`, { headers })
        ws.on('unexpected-response', (_q, res) => resolve(res.statusCode ?? 0))
        ws.on('open', () => {
          ws.close()
          resolve(101)
        })
        ws.on('error', () => resolve(-1))
      })
    expect(await status('/ws', { authorization: 'Bearer wrong-token-0123456789', origin })).toBe(401)
    expect(await status(`/ws?token=${s.token}`, { origin })).toBe(401)
    expect(await status('/ws', { ...auth, origin, host: `evil.example:${port}` })).toBe(403)
    expect(await status('/ws', { ...auth, origin: 'null' })).toBe(403)
    expect(await status('/ws', { ...auth, origin })).toBe(101)
  })

  it('never serves a file outside the library through /api/image/, however the path is written', async () => {
    const paths = [
      '/api/image/../../folio.db',
      '/api/image/..%2F..%2Ffolio.db',
      '/api/image/%2e%2e%2f%2e%2e%2ffolio.db',
      '/api/image/%2E%2E/%2E%2E/folio.db',
      '/api/image/%252e%252e%252ffolio.db',
      '/api/image/..%5C..%5Cfolio.db',
      '/api/image/..\\..\\folio.db',
      '/api/image/%2Fetc%2Fpasswd',
      '/api/image//etc/passwd',
      '/api/image/%2F%2F%2Fetc%2Fpasswd',
      '/api/image/C:%5CWindows%5Cwin.ini',
      '/api/image/file:%2F%2F%2Fetc%2Fpasswd',
      `/api/image/${imageId}%00.db`,
      `/api/image/${imageId}/../../../folio.db`,
      `/api/image/${imageId}%2F..%2F..%2Ffolio.db`,
      '/api/image/%E0%A4%A',
      '/api/image/%',
      '/api/image/....//....//folio.db',
      '/api/image/img_000000000000/../../../../../../etc/passwd',
    ]
    for (const path of paths) {
      const r = await raw(s.baseUrl, path, { headers: auth })
      expect(r.body.toString('latin1'), path).not.toMatch(LEAKS)
      // A malformed id is a 400 (never a 500); a path the URL parser folds out of /api/image/ gets the app page.
      expect([400, 404, 200], `${path}: ${r.status}`).toContain(r.status)
      if (r.status === 200) expect(r.body.toString(), path).toContain('<title>Folio</title>')
    }
    // `size` chooses among the stored variants only; anything else is the original.
    for (const size of ['../../folio.db', '/etc/passwd', '..%2F..%2Ffolio.db', 'thumb/../../../folio.db']) {
      const r = await raw(s.baseUrl, `/api/image/${imageId}?size=${size}`, { headers: auth })
      expect(r.status, size).toBe(200)
      expect(Buffer.compare(r.body, Buffer.from(png)), size).toBe(0)
    }
  })

  it('never serves files outside the renderer folder through the static route', async () => {
    for (const path of ['/../data/folio.db', '/%2e%2e/data/folio.db', '/..%2Fdata%2Ffolio.db', '/%2E%2E%2F%2E%2E%2F%2E%2E%2Fetc%2Fpasswd', '/....//....//etc/passwd', '/..%5Cdata%5Cfolio.db', '/%00/../data/folio.db', '//etc/passwd']) {
      const r = await raw(s.baseUrl, path, { headers: auth })
      expect(r.body.toString('latin1'), path).not.toMatch(LEAKS)
      expect(r.status, path).not.toBe(500)
    }
  })
})
