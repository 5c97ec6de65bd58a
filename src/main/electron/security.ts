/**
 * Hardening for every window and session (Electron's security checklist): isolated, sandboxed
 * renderers without Node; no navigation, pop-ups, webviews or permissions; a strict CSP.
 * Only types are imported from `electron`, so this module loads under plain Node for tests.
 */
import type { Session, WebContents, WebPreferences } from 'electron'

export function secureWebPreferences(preload: string): WebPreferences {
  return {
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
    spellcheck: true,
    // No `auxclick` events: a middle click on a link cannot start a navigation the page handles.
    disableBlinkFeatures: 'Auxclick',
    preload,
  }
}

/** http(s) only, parsed; anything else (file:, javascript:, custom schemes) is never opened. */
export function isExternalWebUrl(url: string): boolean {
  try {
    const u = new URL(url)
    return (u.protocol === 'https:' || u.protocol === 'http:') && u.hostname !== ''
  } catch {
    return false
  }
}

type HardenableContents = Pick<WebContents, 'on' | 'setWindowOpenHandler'>

/**
 * Applies to every WebContents (app.on('web-contents-created')): navigation stays inside the app,
 * links to the web open in the user's browser, new windows and webviews are refused.
 */
export function hardenWebContents(
  contents: HardenableContents,
  isAppUrl: (url: string) => boolean,
  openExternal: (url: string) => unknown,
): void {
  const openOutside = (url: string) => {
    if (!isExternalWebUrl(url)) return
    try {
      void Promise.resolve(openExternal(url)).catch(() => undefined)
    } catch {
      // Opening a browser is best effort.
    }
  }

  contents.on('will-navigate', (event, legacyUrl?: string) => {
    const url = event.url ?? legacyUrl ?? ''
    if (isAppUrl(url)) return
    event.preventDefault()
    // A clicked link in an article: show it in the browser instead of replacing the app.
    openOutside(url)
  })
  // Sub-frame navigations (will-navigate covers the main frame, and opens links outside).
  contents.on('will-frame-navigate', (event) => {
    if (event.isMainFrame) return
    if (!isAppUrl(event.url ?? '')) event.preventDefault()
  })
  contents.on('will-redirect', (event, legacyUrl?: string) => {
    if (!isAppUrl(event.url ?? legacyUrl ?? '')) event.preventDefault()
  })
  contents.on('will-attach-webview', (event) => {
    event.preventDefault()
  })
  contents.setWindowOpenHandler(({ url }) => {
    openOutside(url)
    return { action: 'deny' }
  })
}

type PermissionSession = Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler'> &
  Partial<Pick<Session, 'setDevicePermissionHandler'>>

/** Folio needs no camera, microphone, notifications, geolocation, USB, … : refuse them all. */
export function denyAllPermissions(session: PermissionSession): void {
  session.setPermissionRequestHandler((_wc, _permission, callback) => callback(false))
  session.setPermissionCheckHandler(() => false)
  session.setDevicePermissionHandler?.(() => false)
}

/**
 * The Content-Security-Policy for app pages. `devServerUrl` (ELECTRON_RENDERER_URL, development
 * only) adds that origin and its HMR WebSocket, plus inline scripts: Vite's React plugin injects
 * an inline refresh preamble into index.html in dev. Production never gets any of these.
 */
export function contentSecurityPolicy(devServerUrl?: string): string {
  let dev: { origin: string; ws: string } | undefined
  if (devServerUrl) {
    try {
      const u = new URL(devServerUrl)
      if (u.protocol === 'http:' || u.protocol === 'https:') {
        dev = { origin: u.origin, ws: `${u.protocol === 'https:' ? 'wss:' : 'ws:'}//${u.host}` }
      }
    } catch {
      dev = undefined
    }
  }
  const src = (...extra: string[]) => ["'self'", ...extra].join(' ')
  const directives: [string, string][] = [
    ['default-src', src(...(dev ? [dev.origin] : []))],
    ['script-src', src(...(dev ? [dev.origin, "'unsafe-inline'"] : []))],
    ['style-src', src(...(dev ? [dev.origin] : []), "'unsafe-inline'")],
    ['img-src', src(...(dev ? [dev.origin] : []), 'data:', 'blob:', 'folio:')],
    ['connect-src', src(...(dev ? [dev.origin, dev.ws] : []))],
    ['font-src', src(...(dev ? [dev.origin] : []))],
    ['object-src', "'none'"],
    ['base-uri', "'none'"],
    ['form-action', "'none'"],
    ['frame-ancestors', "'none'"],
  ]
  return directives.map(([k, v]) => `${k} ${v}`).join('; ')
}

type HeaderSession = { webRequest: Pick<Session['webRequest'], 'onHeadersReceived'> }

/**
 * Sets the CSP header on http(s) responses for app pages (the dev server). Chromium does not run
 * webRequest header hooks for custom schemes, so folio://app responses carry the header directly
 * (see protocol.ts); both use contentSecurityPolicy().
 */
export function applyContentSecurityPolicy(
  session: HeaderSession,
  isAppUrl: (url: string) => boolean,
  devServerUrl?: string,
): void {
  const policy = contentSecurityPolicy(devServerUrl)
  session.webRequest.onHeadersReceived((details, callback) => {
    if (!isAppUrl(details.url)) {
      callback({})
      return
    }
    const headers: Record<string, string | string[]> = {}
    for (const [k, v] of Object.entries(details.responseHeaders ?? {})) {
      if (k.toLowerCase() !== 'content-security-policy') headers[k] = v
    }
    headers['Content-Security-Policy'] = [policy]
    headers['X-Content-Type-Options'] = ['nosniff']
    callback({ responseHeaders: headers })
  })
}
