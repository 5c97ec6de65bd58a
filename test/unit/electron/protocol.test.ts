import { mkdirSync, mkdtempSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { IMAGE_PROTOCOL_URL } from '../../../src/shared/bridge'
import {
  APP_INDEX_URL,
  createFolioHandler,
  handleFolioProtocol,
  isAppUrl,
  mimeFor,
  registerFolioScheme,
} from '../../../src/main/electron/protocol'
import { contentSecurityPolicy } from '../../../src/main/electron/security'
import { tempServices, tinyPng, type TempServices } from './helpers'

let t: TempServices
let rendererDir: string
let outside: string
let handler: (r: Request) => Promise<Response>
let png: Uint8Array
let imageId: string

const get = (url: string, method = 'GET') => handler(new Request(url, { method }))

beforeAll(() => {
  t = tempServices()
  const root = mkdtempSync(join(tmpdir(), 'folio-'))
  rendererDir = join(root, 'renderer')
  outside = join(root, 'secret.txt')
  mkdirSync(join(rendererDir, 'assets'), { recursive: true })
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Folio</title>')
  writeFileSync(join(rendererDir, 'assets', 'index-abc.js'), 'console.log(1)')
  writeFileSync(join(rendererDir, 'assets', 'a b.css'), 'body{}')
  writeFileSync(outside, 'top secret')
  symlinkSync(outside, join(rendererDir, 'assets', 'link.txt'))
  png = tinyPng(7)
  const res = t.services.images.importFiles([{ name: 'a.png', data: png }])
  expect(res.rejected).toEqual([])
  imageId = res.images[0].id
  handler = createFolioHandler({ images: t.services.images, rendererDir })
})

afterAll(() => {
  t.cleanup()
  rmSync(join(rendererDir, '..'), { recursive: true, force: true })
})

describe('folio://image', () => {
  it('serves a stored image with its content type', async () => {
    const res = await get(IMAGE_PROTOCOL_URL(imageId))
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('image/png')
    expect(res.headers.get('content-length')).toBe(String(png.byteLength))
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(png)
  })

  it('HEAD answers without a body', async () => {
    const res = await get(IMAGE_PROTOCOL_URL(imageId), 'HEAD')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('image/png')
    expect(res.body).toBeNull()
  })

  it('404 for a well-formed but unknown id', async () => {
    expect((await get('folio://image/img_000000000000')).status).toBe(404)
  })

  it('400 for malformed ids and traversal attempts', async () => {
    for (const url of [
      'folio://image/../../etc/passwd',
      'folio://image/%2e%2e%2f%2e%2e%2fetc%2fpasswd',
      'folio://image/..%2F..%2Fetc%2Fpasswd',
      'folio://image/img_000000000000/../../x',
      `folio://image/${imageId}/extra`,
      'folio://image/%E0%A4%A',
      'folio://image/',
      'folio://image/IMG_000000000000',
      `folio://image/${encodeURIComponent(t.services.images.resolveFile(imageId).path)}`,
    ]) {
      const res = await get(url)
      expect(res.status, url).toBe(400)
    }
  })

  it('404 when the library row exists but the file is gone', async () => {
    const other = t.services.images.importFiles([{ name: 'b.png', data: tinyPng(8) }]).images[0]
    unlinkSync(t.services.images.resolveFile(other.id).path)
    expect((await get(IMAGE_PROTOCOL_URL(other.id))).status).toBe(404)
  })

  it('refuses methods other than GET/HEAD', async () => {
    expect((await get(IMAGE_PROTOCOL_URL(imageId), 'POST')).status).toBe(405)
  })
})

describe('folio://app', () => {
  it('serves index.html with the CSP and the right MIME type', async () => {
    for (const url of [APP_INDEX_URL, 'folio://app/', 'folio://app']) {
      const res = await get(url)
      expect(res.status, url).toBe(200)
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8')
      expect(res.headers.get('content-security-policy')).toBe(contentSecurityPolicy())
      expect(await res.text()).toContain('<title>Folio</title>')
    }
  })

  it('serves assets with their MIME types', async () => {
    const js = await get('folio://app/assets/index-abc.js')
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
    expect(await js.text()).toBe('console.log(1)')
    const css = await get('folio://app/assets/a%20b.css')
    expect(css.status).toBe(200)
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8')
  })

  it('never serves files outside out/renderer', async () => {
    for (const url of [
      'folio://app/../secret.txt',
      'folio://app/%2e%2e/secret.txt',
      'folio://app/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
      'folio://app/..%5csecret.txt',
      'folio://app/assets/link.txt',
      'folio://app/%00',
    ]) {
      const res = await get(url)
      expect([400, 403, 404], url).toContain(res.status)
      expect(await res.text()).not.toContain('top secret')
    }
  })

  it('404 for missing files and directories; unknown hosts 404', async () => {
    expect((await get('folio://app/nope.js')).status).toBe(404)
    expect((await get('folio://app/assets')).status).toBe(404)
    expect((await get('folio://other/index.html')).status).toBe(404)
  })

  it('MIME table', () => {
    expect(mimeFor('a.woff2')).toBe('font/woff2')
    expect(mimeFor('a.SVG')).toBe('image/svg+xml')
    expect(mimeFor('a.unknown')).toBe('application/octet-stream')
  })
})

describe('isAppUrl', () => {
  it('accepts only folio://app/… (and the dev server origin when given)', () => {
    expect(isAppUrl('folio://app/index.html')).toBe(true)
    expect(isAppUrl('folio://app/')).toBe(true)
    for (const url of [
      'folio://image/img_000000000000',
      'folio://app.evil/index.html',
      'folio://app@evil/index.html',
      'folio://user@app/index.html',
      'http://localhost:5173/',
      'file:///app/index.html',
      'about:blank',
      'garbage',
    ]) {
      expect(isAppUrl(url), url).toBe(false)
    }
    const dev = 'http://localhost:5173'
    expect(isAppUrl('http://localhost:5173/index.html', dev)).toBe(true)
    expect(isAppUrl('http://localhost:5174/index.html', dev)).toBe(false)
    expect(isAppUrl('https://localhost:5173/', dev)).toBe(false)
  })
})

describe('registration', () => {
  it('registers the folio scheme as privileged (standard, secure, fetch, stream)', () => {
    const registerSchemesAsPrivileged = vi.fn()
    registerFolioScheme({ registerSchemesAsPrivileged })
    expect(registerSchemesAsPrivileged).toHaveBeenCalledWith([
      expect.objectContaining({
        scheme: 'folio',
        privileges: expect.objectContaining({ standard: true, secure: true, supportFetchAPI: true, stream: true }),
      }),
    ])
    const privileges = registerSchemesAsPrivileged.mock.calls[0][0][0].privileges
    expect(privileges.bypassCSP).toBeUndefined()
  })

  it('handleFolioProtocol installs a handler and returns an unregister function', async () => {
    const handle = vi.fn()
    const unhandle = vi.fn()
    const off = handleFolioProtocol({ handle, unhandle }, t.services, { rendererDir })
    expect(handle).toHaveBeenCalledWith('folio', expect.any(Function))
    const res = (await handle.mock.calls[0][1](new Request(IMAGE_PROTOCOL_URL(imageId)))) as Response
    expect(res.status).toBe(200)
    off()
    expect(unhandle).toHaveBeenCalledWith('folio')
  })
})
