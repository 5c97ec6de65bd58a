import { describe, expect, it, vi } from 'vitest'
import type { Session, WebContents } from 'electron'
import {
  applyContentSecurityPolicy,
  contentSecurityPolicy,
  denyAllPermissions,
  hardenWebContents,
  isExternalWebUrl,
  secureWebPreferences,
} from '../../../src/main/electron/security'
import { isAppUrl } from '../../../src/main/electron/protocol'

type AnyListener = (...args: unknown[]) => unknown

function fakeContents() {
  const listeners = new Map<string, AnyListener>()
  let openHandler: ((d: { url: string }) => { action: string }) | undefined
  const contents = {
    on(event: string, l: AnyListener) {
      listeners.set(event, l)
      return contents
    },
    setWindowOpenHandler(h: (d: { url: string }) => { action: string }) {
      openHandler = h
    },
  }
  return {
    contents: contents as unknown as WebContents,
    fire(event: string, url: string, extra: Record<string, unknown> = {}) {
      const ev = { url, preventDefault: vi.fn(), ...extra }
      listeners.get(event)!(ev, url)
      return ev.preventDefault
    },
    has: (event: string) => listeners.has(event),
    open: (url: string) => openHandler!({ url }),
  }
}

const appOnly = (u: string) => isAppUrl(u)

describe('secureWebPreferences', () => {
  it('is isolated, sandboxed and Node-free', () => {
    const p = secureWebPreferences('/app/out/preload/index.cjs')
    expect(p).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      disableBlinkFeatures: 'Auxclick',
      spellcheck: true,
      preload: '/app/out/preload/index.cjs',
    })
  })
})

describe('hardenWebContents', () => {
  it('keeps app navigation, blocks other origins and opens web links outside', () => {
    const c = fakeContents()
    const openExternal = vi.fn()
    hardenWebContents(c.contents, appOnly, openExternal)
    expect(c.fire('will-navigate', 'folio://app/index.html#/a')).not.toHaveBeenCalled()
    expect(c.fire('will-navigate', 'https://example.com/x')).toHaveBeenCalled()
    expect(openExternal).toHaveBeenCalledWith('https://example.com/x')
    for (const url of ['file:///etc/passwd', 'folio://image/img_000000000000', 'javascript:alert(1)', 'folio://app.evil/']) {
      openExternal.mockClear()
      expect(c.fire('will-navigate', url)).toHaveBeenCalled()
      expect(openExternal).not.toHaveBeenCalled()
    }
  })

  it('blocks redirects and sub-frame navigation away from the app', () => {
    const c = fakeContents()
    const openExternal = vi.fn()
    hardenWebContents(c.contents, appOnly, openExternal)
    expect(c.fire('will-redirect', 'https://evil.example/')).toHaveBeenCalled()
    expect(c.fire('will-redirect', 'folio://app/index.html')).not.toHaveBeenCalled()
    expect(c.fire('will-frame-navigate', 'https://evil.example/', { isMainFrame: false })).toHaveBeenCalled()
    expect(c.fire('will-frame-navigate', 'folio://app/x.html', { isMainFrame: false })).not.toHaveBeenCalled()
    expect(openExternal).not.toHaveBeenCalled()
  })

  it('denies every window.open, handing http(s) links to the browser', () => {
    const c = fakeContents()
    const openExternal = vi.fn()
    hardenWebContents(c.contents, appOnly, openExternal)
    expect(c.open('https://example.com/')).toEqual({ action: 'deny' })
    expect(c.open('folio://app/index.html')).toEqual({ action: 'deny' })
    expect(c.open('file:///etc/passwd')).toEqual({ action: 'deny' })
    expect(c.open('smb://host/share')).toEqual({ action: 'deny' })
    expect(openExternal.mock.calls).toEqual([['https://example.com/']])
  })

  it('prevents webviews from attaching', () => {
    const c = fakeContents()
    hardenWebContents(c.contents, appOnly, vi.fn())
    expect(c.fire('will-attach-webview', '')).toHaveBeenCalled()
  })

  it('survives an openExternal that throws or rejects', () => {
    const c = fakeContents()
    hardenWebContents(c.contents, appOnly, () => {
      throw new Error('no browser')
    })
    expect(c.open('https://example.com/')).toEqual({ action: 'deny' })
    const d = fakeContents()
    hardenWebContents(d.contents, appOnly, () => Promise.reject(new Error('no browser')))
    expect(d.open('https://example.com/')).toEqual({ action: 'deny' })
  })

  it('isExternalWebUrl accepts only http(s)', () => {
    expect(isExternalWebUrl('https://a.b/')).toBe(true)
    expect(isExternalWebUrl('http://a.b/')).toBe(true)
    expect(isExternalWebUrl('file:///x')).toBe(false)
    expect(isExternalWebUrl('mailto:a@b')).toBe(false)
    expect(isExternalWebUrl('not a url')).toBe(false)
  })
})

describe('denyAllPermissions', () => {
  it('refuses every permission request and check', () => {
    let request: ((wc: unknown, perm: string, cb: (ok: boolean) => void) => void) | undefined
    let check: (() => boolean) | undefined
    let device: (() => boolean) | undefined
    const session = {
      setPermissionRequestHandler: (h: typeof request) => (request = h),
      setPermissionCheckHandler: (h: typeof check) => (check = h),
      setDevicePermissionHandler: (h: typeof device) => (device = h),
    }
    denyAllPermissions(session as unknown as Session)
    for (const perm of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal']) {
      const cb = vi.fn()
      request!({}, perm, cb)
      expect(cb).toHaveBeenCalledWith(false)
    }
    expect(check!()).toBe(false)
    expect(device!()).toBe(false)
  })
})

describe('content security policy', () => {
  it('production policy: self only, no eval, no remote hosts', () => {
    const csp = contentSecurityPolicy()
    expect(csp).not.toContain('unsafe-eval')
    expect(csp).not.toMatch(/https?:|wss?:|\*/)
    const dirs = Object.fromEntries(csp.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1).join(' ')]))
    expect(dirs).toEqual({
      'default-src': "'self'",
      'script-src': "'self'",
      'style-src': "'self' 'unsafe-inline'",
      'img-src': "'self' data: blob: folio:",
      'connect-src': "'self'",
      'font-src': "'self'",
      'object-src': "'none'",
      'base-uri': "'none'",
      'form-action': "'none'",
      'frame-ancestors': "'none'",
    })
  })

  it('dev policy adds only the dev server origin and its WebSocket', () => {
    const csp = contentSecurityPolicy('http://localhost:5173/')
    expect(csp).not.toContain('unsafe-eval')
    expect(csp).toContain("connect-src 'self' http://localhost:5173 ws://localhost:5173")
    const hosts = new Set(csp.match(/(?:https?|wss?):\/\/[^\s;]+/g))
    expect([...hosts].sort()).toEqual(['http://localhost:5173', 'ws://localhost:5173'])
    expect(contentSecurityPolicy('not a url')).toBe(contentSecurityPolicy())
  })

  it('sets the header on app responses only, replacing any existing CSP', () => {
    let listener: ((d: { url: string; responseHeaders?: Record<string, string[]> }, cb: (r: unknown) => void) => void) | undefined
    const session = { webRequest: { onHeadersReceived: (l: typeof listener) => (listener = l) } }
    const dev = 'http://localhost:5173'
    applyContentSecurityPolicy(session as never, (u) => isAppUrl(u, dev), dev)
    const cb = vi.fn()
    listener!({ url: 'http://localhost:5173/index.html', responseHeaders: { 'content-security-policy': ['x'], 'X-A': ['1'] } }, cb)
    const headers = cb.mock.calls[0][0].responseHeaders as Record<string, string[]>
    expect(headers['Content-Security-Policy']).toEqual([contentSecurityPolicy(dev)])
    expect(headers['content-security-policy']).toBeUndefined()
    expect(headers['X-A']).toEqual(['1'])
    const cb2 = vi.fn()
    listener!({ url: 'https://example.com/', responseHeaders: {} }, cb2)
    expect(cb2).toHaveBeenCalledWith({})
  })
})
