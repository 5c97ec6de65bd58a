/**
 * The WebSocket RawTransport without DOM globals: the socket, timers and fetch are injected, so
 * queueing, reconnecting and failure handling can be tested under Node. ws-transport.ts wires it
 * to the browser.
 */
import type { WireError } from '../../../shared/errors'
import { decodeJson, encodeJson, type CallResult, type ClientFrame, type RawTransport, type ServerFrame } from '../../../shared/wire'
import { backoffDelay, realTimers, type Timers } from './backoff'

/** A handler type checked bivariantly, so the DOM's `(this: WebSocket, ev: MessageEvent) => any` fits. */
type Handler<E> = { bivarianceHack(ev: E): void }['bivarianceHack']

/** The part of the browser WebSocket the transport uses. */
export interface SocketLike {
  send(data: string): void
  close(code?: number, reason?: string): void
  onopen: Handler<unknown> | null
  onmessage: Handler<{ data: unknown }> | null
  onclose: Handler<{ code: number; reason: string }> | null
  onerror: Handler<unknown> | null
}

export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed'

export interface ConnectionInfo {
  state: ConnectionState
  /** The last `{t:'error'}` frame or connection problem, for the banner. */
  error: WireError | null
}

export type FetchLike = (
  url: string,
  init: { method: string; keepalive: boolean; headers: Record<string, string>; body: string; credentials?: 'same-origin' },
) => Promise<{ status: number; text(): Promise<string> }>

export interface WsCoreOptions {
  url: string
  createSocket(url: string): SocketLike
  imageUrl(id: string): string
  timers?: Timers
  random?: () => number
  fetch?: FetchLike
  /** Base path for `flush` (keep-alive HTTP calls). */
  rpcPath?: string
  reconnectBaseMs?: number
  reconnectMaxMs?: number
}

/** fetch keepalive bodies are limited to 64 KiB in total per page; leave headroom. */
export const KEEPALIVE_MAX_BYTES = 60_000

interface Pending {
  frame: string
  sent: boolean
  resolve(r: CallResult): void
}

const lostError = (): CallResult => ({
  ok: false,
  error: { code: 'IO_ERROR', message: 'The connection to Folio was lost. Retrying…', retryable: true },
})

export class WsTransport implements RawTransport {
  readonly kind = 'ws' as const
  private id = ''
  private socket: SocketLike | null = null
  private readonly pending = new Map<string, Pending>()
  private readonly progressListeners = new Set<(opId: string, data: unknown) => void>()
  private readonly eventListeners = new Set<(name: string, payload: unknown) => void>()
  private readonly statusListeners = new Set<() => void>()
  private info: ConnectionInfo = { state: 'connecting', error: null }
  private attempt = 0
  private reconnectTimer: unknown = null
  private callCounter = 0
  private stopped = false
  private readonly timers: Timers

  constructor(private readonly opts: WsCoreOptions) {
    this.timers = opts.timers ?? realTimers
    this.connect()
  }

  get clientId(): string {
    return this.id
  }

  readonly getConnection = (): ConnectionInfo => this.info

  readonly onConnection = (cb: () => void): (() => void) => {
    this.statusListeners.add(cb)
    return () => this.statusListeners.delete(cb)
  }

  invoke(method: string, input: unknown, opId?: string): Promise<CallResult> {
    const id = opId ?? `c${(++this.callCounter).toString(36)}`
    const frame: ClientFrame = { t: 'call', id, method, input }
    let text: string
    try {
      text = encodeJson(frame)
    } catch (e) {
      return Promise.resolve({
        ok: false,
        error: { code: 'INVALID_INPUT', message: `Cannot send ${method}: ${String(e)}`, retryable: false },
      })
    }
    if (this.stopped) return Promise.resolve(lostError())
    return new Promise<CallResult>((resolve) => {
      const entry: Pending = { frame: text, sent: false, resolve }
      this.pending.set(id, entry)
      if (this.info.state === 'open') this.sendEntry(entry)
    })
  }

  cancel(opId: string): void {
    const entry = this.pending.get(opId)
    if (!entry) return
    if (!entry.sent) {
      this.pending.delete(opId)
      entry.resolve({ ok: false, error: { code: 'CANCELLED', message: 'The operation was cancelled.', retryable: true } })
      return
    }
    this.sendRaw(encodeJson({ t: 'cancel', id: opId } satisfies ClientFrame))
  }

  onProgress(cb: (opId: string, data: unknown) => void): () => void {
    this.progressListeners.add(cb)
    return () => this.progressListeners.delete(cb)
  }

  onEvent(cb: (name: string, payload: unknown) => void): () => void {
    this.eventListeners.add(cb)
    return () => this.eventListeners.delete(cb)
  }

  imageUrl(id: string): string {
    return this.opts.imageUrl(id)
  }

  /**
   * A call that survives the page closing: `fetch(..., {keepalive: true})` to `/api/rpc/<method>`.
   * Bodies too large for keep-alive go over the socket instead.
   */
  async flush(method: string, input: unknown): Promise<CallResult> {
    let body: string
    try {
      body = encodeJson(input)
    } catch (e) {
      return { ok: false, error: { code: 'INVALID_INPUT', message: String(e), retryable: false } }
    }
    const fetchFn = this.opts.fetch
    if (!fetchFn || utf8Length(body) > KEEPALIVE_MAX_BYTES) return this.invoke(method, input)
    try {
      const res = await fetchFn(`${this.opts.rpcPath ?? '/api/rpc/'}${encodeURIComponent(method)}`, {
        method: 'POST',
        keepalive: true,
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json' },
        body,
      })
      const text = await res.text()
      const parsed = parseCallResult(text)
      if (parsed) return parsed
      return {
        ok: false,
        error: {
          code: res.status === 401 ? 'UNAUTHORIZED' : res.status === 403 ? 'FORBIDDEN' : 'INTERNAL',
          message: `The server answered ${res.status}.`,
          retryable: res.status >= 500 || res.status === 0,
        },
      }
    } catch (e) {
      return { ok: false, error: { code: 'IO_ERROR', message: `Could not reach Folio: ${String(e)}`, retryable: true } }
    }
  }

  /** Try to connect now instead of waiting for the backoff (e.g. the browser came back online). */
  reconnectNow(): void {
    if (this.stopped || this.info.state === 'open' || this.socket) return
    this.clearReconnect()
    this.connect()
  }

  /** Closes for good; pending calls fail. */
  stop(): void {
    this.stopped = true
    this.clearReconnect()
    const s = this.socket
    this.socket = null
    if (s) {
      detach(s)
      s.close(1000, 'closed')
    }
    this.failAll(true)
    this.setInfo({ state: 'closed', error: this.info.error })
  }

  private connect(): void {
    let socket: SocketLike
    try {
      socket = this.opts.createSocket(this.opts.url)
    } catch (e) {
      this.setInfo({ state: 'reconnecting', error: { code: 'IO_ERROR', message: String(e), retryable: true } })
      this.scheduleReconnect()
      return
    }
    this.socket = socket
    socket.onopen = () => {
      if (this.socket !== socket) return
      this.attempt = 0
      this.setInfo({ state: 'open', error: null })
      for (const entry of this.pending.values()) if (!entry.sent) this.sendEntry(entry)
    }
    socket.onmessage = (ev) => {
      if (this.socket !== socket) return
      this.handleMessage(ev.data)
    }
    socket.onerror = () => {
      // A close event always follows; reconnecting happens there.
    }
    socket.onclose = () => {
      if (this.socket !== socket) return
      detach(socket)
      this.socket = null
      this.failAll(false)
      if (this.stopped) return
      this.setInfo({ state: 'reconnecting', error: this.info.error })
      this.scheduleReconnect()
    }
  }

  private scheduleReconnect(): void {
    this.clearReconnect()
    const delay = backoffDelay(this.attempt++, {
      baseMs: this.opts.reconnectBaseMs ?? 500,
      maxMs: this.opts.reconnectMaxMs ?? 10_000,
      jitter: 0.5,
      random: this.opts.random,
    })
    this.reconnectTimer = this.timers.set(() => {
      this.reconnectTimer = null
      this.connect()
    }, delay)
  }

  private clearReconnect(): void {
    if (this.reconnectTimer !== null) this.timers.clear(this.reconnectTimer)
    this.reconnectTimer = null
  }

  private handleMessage(data: unknown): void {
    if (typeof data !== 'string') return
    let frame: ServerFrame
    try {
      frame = decodeJson(data) as ServerFrame
    } catch {
      return
    }
    if (!frame || typeof frame !== 'object') return
    switch (frame.t) {
      case 'hello':
        this.id = frame.clientId
        break
      case 'result': {
        const entry = this.pending.get(frame.id)
        if (!entry) return
        this.pending.delete(frame.id)
        entry.resolve(frame.ok ? { ok: true, output: frame.output } : { ok: false, error: frame.error })
        break
      }
      case 'progress':
        for (const l of [...this.progressListeners]) safe(() => l(frame.id, frame.data))
        break
      case 'event':
        for (const l of [...this.eventListeners]) safe(() => l(frame.name, frame.payload))
        break
      case 'error':
        this.setInfo({ state: this.info.state, error: frame.error })
        break
    }
  }

  private sendEntry(entry: Pending): void {
    if (this.sendRaw(entry.frame)) entry.sent = true
  }

  private sendRaw(text: string): boolean {
    if (!this.socket || this.info.state !== 'open') return false
    try {
      this.socket.send(text)
      return true
    } catch {
      return false
    }
  }

  /** Calls already sent cannot be known to have finished: fail them (retryable). Unsent ones wait. */
  private failAll(includingQueued: boolean): void {
    for (const [id, entry] of [...this.pending]) {
      if (entry.sent || includingQueued) {
        this.pending.delete(id)
        entry.resolve(lostError())
      }
    }
  }

  private setInfo(info: ConnectionInfo): void {
    if (info.state === this.info.state && info.error === this.info.error) return
    this.info = info
    for (const l of [...this.statusListeners]) safe(l)
  }
}

function detach(s: SocketLike): void {
  s.onopen = s.onmessage = s.onerror = null
  s.onclose = null
}

function safe(fn: () => void): void {
  try {
    fn()
  } catch (e) {
    console.error(e)
  }
}

function utf8Length(s: string): number {
  return new TextEncoder().encode(s).byteLength
}

function parseCallResult(text: string): CallResult | null {
  try {
    const v = decodeJson(text) as Partial<CallResult> | null
    if (v && typeof v === 'object' && typeof v.ok === 'boolean') {
      if (v.ok) return { ok: true, output: (v as { output?: unknown }).output }
      const err = (v as { error?: WireError }).error
      if (err && typeof err.code === 'string') return { ok: false, error: err }
    }
  } catch {
    // fall through
  }
  return null
}
