/**
 * The `folio:` scheme. Two hosts, nothing else:
 *   folio://app/…        the built renderer (out/renderer), so the app has a real, exact origin
 *   folio://image/<id>   a library image, looked up by id only — the URL never carries a path
 * Only types come from `electron`; the request handler is a plain Request → Response function
 * that tests call directly.
 */
import { createReadStream, realpathSync, statSync } from 'node:fs'
import { extname, resolve, sep } from 'node:path'
import { Readable } from 'node:stream'
import type { Protocol } from 'electron'
import { isFolioError } from '../../shared/errors'
import { ImageId } from '../../shared/ids'
import { contentSecurityPolicy } from './security'

export const FOLIO_SCHEME = 'folio'
export const APP_HOST = 'app'
export const IMAGE_HOST = 'image'
export const APP_INDEX_URL = `${FOLIO_SCHEME}://${APP_HOST}/index.html`

/** Must run before the app's `ready` event. */
export function registerFolioScheme(protocol: Pick<Protocol, 'registerSchemesAsPrivileged'>): void {
  protocol.registerSchemesAsPrivileged([
    {
      scheme: FOLIO_SCHEME,
      privileges: {
        standard: true,
        secure: true,
        supportFetchAPI: true,
        stream: true,
        // Module scripts (<script type="module" crossorigin>) are fetched in CORS mode.
        corsEnabled: true,
        codeCache: true,
      },
    },
  ])
}

/**
 * True only for pages of the app itself: folio://app/… and, in development, the origin of
 * ELECTRON_RENDERER_URL. Used for navigation checks and the IPC sender-frame check.
 */
export function isAppUrl(url: string, devServerUrl?: string): boolean {
  let u: URL
  try {
    u = new URL(url)
  } catch {
    return false
  }
  if (u.protocol === `${FOLIO_SCHEME}:`) {
    return u.host === APP_HOST && u.username === '' && u.password === ''
  }
  if (devServerUrl && (u.protocol === 'http:' || u.protocol === 'https:')) {
    try {
      return u.origin === new URL(devServerUrl).origin
    } catch {
      return false
    }
  }
  return false
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.cjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.wasm': 'application/wasm',
}

export function mimeFor(file: string): string {
  return MIME[extname(file).toLowerCase()] ?? 'application/octet-stream'
}

export interface ImageFiles {
  /** Throws FolioError NOT_FOUND for unknown ids. */
  resolveFile(id: string, size?: string | null): { path: string; mime: string; variant?: string }
}

export interface FolioHandlerOptions {
  images: ImageFiles
  /** The built renderer (out/renderer). */
  rendererDir: string
}

function text(status: number, body: string, extra: Record<string, string> = {}): Response {
  return new Response(body, {
    status,
    headers: { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff', ...extra },
  })
}

function fileResponse(path: string, size: number, headers: Record<string, string>, head: boolean): Response {
  const body = head ? null : (Readable.toWeb(createReadStream(path)) as unknown as ReadableStream<Uint8Array>)
  return new Response(body, {
    status: 200,
    headers: { 'Content-Length': String(size), 'X-Content-Type-Options': 'nosniff', ...headers },
  })
}

function statFile(path: string): { size: number } | null {
  try {
    const st = statSync(path)
    return st.isFile() ? { size: st.size } : null
  } catch {
    return null
  }
}

/** Builds the `folio:` request handler; pure request → response, no Electron needed. */
export function createFolioHandler(opts: FolioHandlerOptions): (request: Request) => Promise<Response> {
  const rendererRoot = resolve(opts.rendererDir)
  const csp = contentSecurityPolicy()

  const serveImage = (pathname: string, head: boolean, size: string | null): Response => {
    let id: string
    try {
      id = decodeURIComponent(pathname.replace(/^\//, ''))
    } catch {
      return text(400, 'Malformed image URL.')
    }
    // Only an id is accepted: no slashes, dots or other path syntax can get through this check.
    if (!ImageId.safeParse(id).success) return text(400, 'Malformed image id.')
    let file: { path: string; mime: string; variant?: string }
    try {
      file = opts.images.resolveFile(id, size)
    } catch (e) {
      if (isFolioError(e) && e.code === 'NOT_FOUND') return text(404, `No image ${id}.`)
      return text(500, 'Could not look up the image.')
    }
    const st = statFile(file.path)
    if (!st) return text(404, `The file for image ${id} is missing from the library.`)
    return fileResponse(file.path, st.size, {
      'Content-Type': file.mime,
      // Ids map to content-addressed files that never change (a thumbnail not made yet comes later).
      'Cache-Control': size && file.variant === 'original' ? 'no-cache' : 'private, max-age=31536000, immutable',
    }, head)
  }

  const serveApp = (pathname: string, head: boolean): Response => {
    let rel: string
    try {
      rel = decodeURIComponent(pathname)
    } catch {
      return text(400, 'Malformed URL.')
    }
    if (rel === '' || rel === '/') rel = '/index.html'
    if (rel.includes('\0') || rel.includes('\\')) return text(400, 'Malformed path.')
    const file = resolve(rendererRoot, `.${rel}`)
    if (!file.startsWith(rendererRoot + sep)) return text(403, 'Outside the app folder.')
    const st = statFile(file)
    if (!st) return text(404, `Not found: ${rel}`)
    // A symlink inside out/renderer must not lead outside it either.
    try {
      const real = realpathSync(file)
      const realRoot = realpathSync(rendererRoot)
      if (!real.startsWith(realRoot + sep)) return text(403, 'Outside the app folder.')
    } catch {
      return text(404, `Not found: ${rel}`)
    }
    return fileResponse(file, st.size, {
      'Content-Type': mimeFor(file),
      'Content-Security-Policy': csp,
      'Cache-Control': 'no-cache',
    }, head)
  }

  return async (request: Request): Promise<Response> => {
    let url: URL
    try {
      url = new URL(request.url)
    } catch {
      return text(400, 'Malformed URL.')
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') return text(405, 'Method not allowed.', { Allow: 'GET, HEAD' })
    const head = request.method === 'HEAD'
    if (url.protocol !== `${FOLIO_SCHEME}:` || url.username || url.password || url.port) return text(400, 'Malformed URL.')
    if (url.host === IMAGE_HOST) return serveImage(url.pathname, head, url.searchParams.get('size'))
    if (url.host === APP_HOST) return serveApp(url.pathname, head)
    return text(404, 'Not found.')
  }
}

/** Registers the `folio:` handler (after `ready`); returns a function that removes it. */
export function handleFolioProtocol(
  protocol: Pick<Protocol, 'handle' | 'unhandle'>,
  services: { images: ImageFiles },
  opts: { rendererDir: string },
): () => void {
  protocol.handle(FOLIO_SCHEME, createFolioHandler({ images: services.images, rendererDir: opts.rendererDir }))
  return () => protocol.unhandle(FOLIO_SCHEME)
}
