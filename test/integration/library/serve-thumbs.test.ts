import { mkdirSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createServices, type FolioServices } from '../../../src/main/app'
import { createFolioHandler } from '../../../src/main/electron/protocol'
import { startServer, type RunningServer } from '../../../src/main/transport/serve/server'
import { tempDir } from '../images/image-fixtures'

const TOKEN = 'test-token-library-0123456789'

function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    request(url, { headers }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }))
    })
      .on('error', reject)
      .end()
  })
}

describe('library thumbnails over the image routes', () => {
  const tmp = tempDir()
  let s: FolioServices
  let server: RunningServer
  let cookie = ''
  let id = ''

  beforeAll(async () => {
    const renderer = join(tmp.path, 'renderer')
    mkdirSync(renderer)
    writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>Folio</title>')
    const photo = join(tmp.path, 'big.jpg')
    writeFileSync(photo, await sharp({ create: { width: 2000, height: 1500, channels: 3, background: '#336699' } }).jpeg().toBuffer())
    s = createServices({ dataDir: join(tmp.path, 'data') })
    id = (await s.router.call('library.importPaths', { paths: [photo] })).imported[0].id
    server = await startServer({ services: s, host: '127.0.0.1', port: 0, token: TOKEN, rendererDir: renderer })
    const login = await get(`${server.url}?token=${TOKEN}`)
    cookie = String(login.headers['set-cookie']).split(';')[0]
  })
  afterAll(async () => {
    await server.close()
    await s.dispose()
    tmp.cleanup()
  })

  it('serves the 256 px thumbnail, the 1024 px preview and the original', async () => {
    const thumb = await get(`${server.url}api/image/${id}?size=thumb`, { cookie })
    expect(thumb.status).toBe(200)
    expect(thumb.headers['content-type']).toBe('image/webp')
    expect(await sharp(thumb.body).metadata().then((m) => [m.width, m.height])).toEqual([256, 192])
    const preview = await get(`${server.url}api/image/${id}?size=preview`, { cookie })
    expect(await sharp(preview.body).metadata().then((m) => [m.width, m.height])).toEqual([1024, 768])
    const original = await get(`${server.url}api/image/${id}`, { cookie })
    expect(original.headers['content-type']).toBe('image/jpeg')
    expect(await sharp(original.body).metadata().then((m) => m.width)).toBe(2000)
    expect((await get(`${server.url}api/image/${id}?size=thumb`)).status).toBe(401)
  })

  it('serves the thumbnail on folio://image/<id>?size=thumb (Electron)', async () => {
    const handle = createFolioHandler({ images: s.images, rendererDir: tmp.path })
    const res = await handle(new Request(`folio://image/${id}?size=thumb`))
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('image/webp')
    const body = Buffer.from(await res.arrayBuffer())
    expect(await sharp(body).metadata().then((m) => m.width)).toBe(256)
  })
})
