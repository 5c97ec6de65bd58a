import { createHash, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'

export const SESSION_COOKIE = 'folio_session'

export const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ')

export const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': CSP,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
}

/** Auth state for one server run: the URL token and the cookie value it turns into. */
export class Auth {
  readonly sessionValue: string

  constructor(readonly token: string) {
    // The cookie never equals the token, so a leaked cookie store does not reveal the printed URL.
    this.sessionValue = createHash('sha256').update(`folio-session:${token}`).digest('base64url')
  }

  tokenMatches(candidate: string | null | undefined): boolean {
    return !!candidate && safeEqual(candidate, this.token)
  }

  isAuthenticated(req: IncomingMessage): boolean {
    const auth = req.headers.authorization
    if (auth?.startsWith('Bearer ') && this.tokenMatches(auth.slice(7).trim())) return true
    const cookie = parseCookies(req.headers.cookie)[SESSION_COOKIE]
    return !!cookie && safeEqual(cookie, this.sessionValue)
  }

  sessionCookie(): string {
    return `${SESSION_COOKIE}=${this.sessionValue}; HttpOnly; SameSite=Strict; Path=/`
  }
}

function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a)
  const bb = Buffer.from(b)
  return ab.length === bb.length && timingSafeEqual(ab, bb)
}

export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {}
  for (const part of (header ?? '').split(';')) {
    const i = part.indexOf('=')
    if (i > 0) out[part.slice(0, i).trim()] = part.slice(i + 1).trim()
  }
  return out
}

/**
 * DNS-rebinding guard: a page on evil.example resolving to 127.0.0.1 still sends
 * `Host: evil.example`, so only the names this server was started on are accepted.
 */
export class HostGuard {
  private readonly hosts: Set<string>

  constructor(bindHost: string, port: number) {
    const names = new Set<string>([hostForUrl(bindHost)])
    if (bindHost === '127.0.0.1' || bindHost === 'localhost' || bindHost === '::1') {
      names.add('127.0.0.1').add('localhost').add('[::1]')
    }
    this.hosts = new Set([...names].map((h) => `${h}:${port}`))
    this.wildcard = bindHost === '0.0.0.0' || bindHost === '::'
    this.port = port
  }
  private readonly wildcard: boolean
  private readonly port: number

  hostAllowed(host: string | undefined): boolean {
    if (!host) return false
    const h = host.toLowerCase()
    if (this.hosts.has(h)) return true
    // Bound to every interface: accept IP literals on our port, never DNS names.
    if (this.wildcard) {
      const m = /^(\d{1,3}(?:\.\d{1,3}){3}|\[[0-9a-f:]+\]):(\d+)$/.exec(h)
      return !!m && Number(m[2]) === this.port
    }
    return false
  }

  originAllowed(origin: string | undefined): boolean {
    if (origin === undefined) return true // non-browser clients (curl, the CLI) send none
    try {
      const u = new URL(origin)
      return u.protocol === 'http:' && this.hostAllowed(u.host)
    } catch {
      return false
    }
  }
}

export function hostForUrl(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host)
}
