/**
 * Serve mode: the main-process services behind an authenticated HTTP + WebSocket bridge on
 * loopback, serving the same renderer the desktop app shows.
 */
import { createReadStream, existsSync, statSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { WebSocketServer } from 'ws'
import { FolioError, isFolioError, toWireError, type WireError } from '../../../shared/errors'
import { ImageId } from '../../../shared/ids'
import { decodeJson, encodeJson } from '../../../shared/wire'
import type { FolioServices } from '../../app'
import { Auth, hostForUrl, HostGuard, SECURITY_HEADERS } from './security'
import { resolveStatic, sendFile } from './static-files'
import { receiveModelUpload } from './model-upload'
import { attachWsClient } from './ws-bridge'

export const MAX_BODY_BYTES = 96 * 1024 * 1024

export interface ServeOptions {
  services: FolioServices
  host: string
  port: number
  token: string
  rendererDir: string
}

export interface RunningServer {
  url: string
  loginUrl: string
  port: number
  close(): Promise<void>
}

export async function startServer(opts: ServeOptions): Promise<RunningServer> {
  const auth = new Auth(opts.token)
  let guard: HostGuard | null = null
  const http: Server = createServer((req, res) => {
    handleHttp(req, res).catch((e) => sendError(res, 500, toWireError(e)))
  })
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_BODY_BYTES })

  async function handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!guard!.hostAllowed(req.headers.host)) {
      return sendError(res, 403, new FolioError('FORBIDDEN', 'Host not allowed (DNS-rebinding protection).').toWire())
    }
    if (!guard!.originAllowed(req.headers.origin)) {
      return sendError(res, 403, new FolioError('FORBIDDEN', 'Cross-origin requests are not allowed.').toWire())
    }
    const url = new URL(req.url ?? '/', 'http://folio.invalid')

    // Logging in: the printed URL carries the token once; it becomes an HttpOnly cookie.
    const tokenParam = url.searchParams.get('token')
    if (req.method === 'GET' && tokenParam !== null) {
      if (!auth.tokenMatches(tokenParam)) return sendUnauthorized(res)
      url.searchParams.delete('token')
      const location = url.pathname + (url.search || '')
      res.writeHead(302, { ...SECURITY_HEADERS, 'Set-Cookie': auth.sessionCookie(), Location: location, 'Cache-Control': 'no-store' })
      res.end()
      return
    }
    if (!auth.isAuthenticated(req)) return sendUnauthorized(res)

    if (url.pathname.startsWith('/api/image/')) return serveImage(url.pathname.slice('/api/image/'.length), res, url.searchParams.get('size'))
    if (url.pathname.startsWith('/api/rpc/')) return serveRpc(url.pathname.slice('/api/rpc/'.length), req, res)
    if (url.pathname === '/api/models/upload') return serveModelUpload(req, res)
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return sendError(res, 405, new FolioError('INVALID_INPUT', 'Method not allowed.').toWire())
    }
    const file = resolveStatic(opts.rendererDir, url.pathname) ?? resolveStatic(opts.rendererDir, '/index.html')
    if (!file) {
      return sendError(res, 503, new FolioError('INTERNAL', `The renderer is not built (${opts.rendererDir} has no index.html). Run: npm run build`).toWire())
    }
    const isHtml = file.endsWith('.html')
    sendFile(res, file, SECURITY_HEADERS, isHtml ? 'no-store' : 'public, max-age=31536000, immutable')
  }

  function serveImage(rawId: string, res: ServerResponse, size: string | null): void {
    const id = ImageId.safeParse(safeDecode(rawId))
    if (!id.success) return sendError(res, 400, new FolioError('INVALID_INPUT', 'Malformed image id.').toWire())
    let file: { path: string; mime: string; variant: string }
    try {
      file = opts.services.images.resolveFile(id.data, size)
    } catch (e) {
      const w = toWireError(e)
      return sendError(res, w.code === 'NOT_FOUND' ? 404 : 500, w)
    }
    if (!existsSync(file.path)) return sendError(res, 404, new FolioError('NOT_FOUND', 'The image file is missing from the library folder.').toWire())
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'Content-Type': file.mime,
      'Content-Length': statSync(file.path).size,
      // Content-addressed: an id never changes bytes (but a thumbnail not made yet comes later).
      'Cache-Control': size && file.variant === 'original' ? 'no-cache' : 'private, max-age=31536000, immutable',
    })
    createReadStream(file.path).pipe(res)
  }

  async function serveRpc(method: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST') return sendError(res, 405, new FolioError('INVALID_INPUT', 'Use POST for /api/rpc.').toWire())
    let body: string
    try {
      body = await readBody(req, MAX_BODY_BYTES)
    } catch (e) {
      const w = toWireError(e)
      // The unread body would poison a kept-alive connection: answer, then drop the socket.
      res.setHeader('Connection', 'close')
      res.on('finish', () => req.destroy())
      return sendError(res, w.code === 'PAYLOAD_TOO_LARGE' ? 413 : 400, w)
    }
    let input: unknown
    try {
      input = body.length ? decodeJson(body) : {}
    } catch (e) {
      return sendError(res, 400, isFolioError(e) ? e.toWire() : new FolioError('INVALID_JSON', 'The request body is not valid JSON.').toWire())
    }
    const name = safeDecode(method)
    if (name === null) return sendError(res, 400, new FolioError('INVALID_INPUT', 'Malformed method name in the URL.').toWire())
    const ac = new AbortController()
    req.on('close', () => {
      if (!res.writableFinished) ac.abort()
    })
    const result = await opts.services.router.dispatch(name, input, { signal: ac.signal, origin: 'http' })
    const status = result.ok ? 200 : statusFor(result.error.code)
    const text = encodeJson(result)
    res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'application/json', 'Cache-Control': 'no-store' })
    res.end(text)
  }

  async function serveModelUpload(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST') return sendError(res, 405, new FolioError('INVALID_INPUT', 'Use POST to upload a model.').toWire())
    try {
      const output = await receiveModelUpload(req, join(opts.services.layout.models, 'uploads'))
      res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': 'application/json', 'Cache-Control': 'no-store' })
      res.end(JSON.stringify({ ok: true, output }))
    } catch (e) {
      const w = toWireError(e)
      res.setHeader('Connection', 'close')
      res.on('finish', () => req.destroy())
      sendError(res, statusFor(w.code), w)
    }
  }

  http.on('upgrade', (req, socket, head) => {
    const reject = (status: number, text: string) => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
    }
    const url = new URL(req.url ?? '/', 'http://folio.invalid')
    if (url.pathname !== '/ws') return reject(404, 'Not Found')
    if (!guard!.hostAllowed(req.headers.host)) return reject(403, 'Forbidden')
    // Browsers always send Origin on WebSockets; a missing one is only accepted from non-browser clients with the token header.
    if (!guard!.originAllowed(req.headers.origin)) return reject(403, 'Forbidden')
    if (!auth.isAuthenticated(req)) return reject(401, 'Unauthorized')
    wss.handleUpgrade(req, socket, head, (ws) => attachWsClient(ws, opts.services.router, opts.services.events))
  })

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject)
    http.listen(opts.port, opts.host, () => {
      http.off('error', reject)
      resolve()
    })
  })
  const port = (http.address() as AddressInfo).port
  guard = new HostGuard(opts.host, port)
  const base = `http://${hostForUrl(opts.host === '0.0.0.0' || opts.host === '::' ? '127.0.0.1' : opts.host)}:${port}`

  return {
    url: `${base}/`,
    loginUrl: `${base}/?token=${opts.token}`,
    port,
    async close() {
      for (const c of wss.clients) c.close(1001, 'Folio is shutting down')
      await new Promise<void>((resolve) => {
        wss.close(() => resolve())
      })
      await new Promise<void>((resolve) => {
        http.close(() => resolve())
        http.closeAllConnections()
      })
    },
  }
}

/** decodeURIComponent that answers null for a malformed escape (`%E0%A4%A`) instead of throwing (a 500). */
function safeDecode(s: string): string | null {
  try {
    return decodeURIComponent(s)
  } catch {
    return null
  }
}

function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0)
    if (declared > limit) {
      reject(new FolioError('PAYLOAD_TOO_LARGE', `The request is larger than ${limit / 1024 / 1024} MB.`))
      return
    }
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (c: Buffer) => {
      size += c.length
      if (size > limit) {
        reject(new FolioError('PAYLOAD_TOO_LARGE', `The request is larger than ${limit / 1024 / 1024} MB.`))
        req.removeAllListeners('data')
        req.pause()
        return
      }
      chunks.push(c)
    })
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

function statusFor(code: WireError['code']): number {
  switch (code) {
    case 'INVALID_INPUT':
    case 'INVALID_JSON':
      return 400
    case 'UNKNOWN_METHOD':
    case 'NOT_FOUND':
      return 404
    case 'CONFLICT':
      return 409
    case 'PAYLOAD_TOO_LARGE':
      return 413
    case 'UNSUPPORTED_MEDIA':
    case 'MODEL_INVALID':
      return 415
    case 'UNAUTHORIZED':
      return 401
    case 'FORBIDDEN':
      return 403
    case 'DB_LOCKED':
    case 'DISK_FULL':
      return 503
    default:
      return 500
  }
}

function sendError(res: ServerResponse, status: number, error: WireError): void {
  if (res.headersSent) {
    res.destroy()
    return
  }
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'application/json', 'Cache-Control': 'no-store' })
  res.end(JSON.stringify({ ok: false, error }))
}

function sendUnauthorized(res: ServerResponse): void {
  res.writeHead(401, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' })
  res.end('Folio: not signed in. Open the address printed by `npm run serve` (it contains the access token).\n')
}

export function defaultRendererDir(appRoot: string): string {
  return join(appRoot, 'out', 'renderer')
}
