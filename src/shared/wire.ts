/** Transport-neutral message shapes shared by the IPC bridge, the WebSocket bridge and their clients. */
import { FolioError, type WireError } from './errors'

export type CallResult = { ok: true; output: unknown } | { ok: false; error: WireError }

/** What a transport must provide; the typed client in client.ts is built on top of it. */
export interface RawTransport {
  readonly kind: 'ipc' | 'ws' | 'local'
  invoke(method: string, input: unknown, opId?: string): Promise<CallResult>
  cancel(opId: string): void
  onProgress(cb: (opId: string, data: unknown) => void): () => void
  onEvent(cb: (name: string, payload: unknown) => void): () => void
  /** URL the renderer uses to display a library image. */
  imageUrl(id: string): string
  /** A stable id for this client, so it can recognise its own change events. */
  readonly clientId: string
}

// ---- WebSocket frames --------------------------------------------------------------------------

/** Validated by the server (serve/ws-bridge.ts); no zod here, the renderer loads this at start-up. */
export type ClientFrame = { t: 'call'; id: string; method: string; input: unknown } | { t: 'cancel'; id: string }

export type ServerFrame =
  | ({ t: 'result'; id: string } & CallResult)
  | { t: 'progress'; id: string; data: unknown }
  | { t: 'event'; name: string; payload: unknown }
  | { t: 'error'; error: WireError }
  | { t: 'hello'; clientId: string }

// ---- JSON with binary ------------------------------------------------------------------------

/** JSON.stringify that keeps Uint8Array values as `{ $bytes: base64 }`. */
export function encodeJson(value: unknown): string {
  return JSON.stringify(value, function (this: Record<string, unknown>, k: string, v: unknown) {
    // The holder's own value, not `v`: a Node Buffer is a Uint8Array whose toJSON() has already
    // turned `v` into { type: 'Buffer', data: [...] } by the time the replacer sees it.
    const raw = this[k]
    if (raw instanceof Uint8Array) return { $bytes: bytesToBase64(raw) }
    return v
  })
}

export function decodeJson(text: string): unknown {
  try {
    return JSON.parse(text, (_k, v: unknown) => {
      if (v && typeof v === 'object' && !Array.isArray(v)) {
        const o = v as Record<string, unknown>
        const keys = Object.keys(o)
        if (keys.length === 1 && keys[0] === '$bytes' && typeof o.$bytes === 'string') return base64ToBytes(o.$bytes)
      }
      return v
    })
  } catch (e) {
    // A few thousand nested arrays overflow the stack in the reviver: valid JSON, but not an input we take.
    if (e instanceof RangeError) throw new FolioError('INVALID_INPUT', 'The message is nested too deeply.')
    throw e
  }
}

function bytesToBase64(b: Uint8Array): string {
  if (typeof Buffer !== 'undefined') return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64')
  let s = ''
  for (let i = 0; i < b.length; i += 0x8000) s += String.fromCharCode(...b.subarray(i, i + 0x8000))
  return btoa(s)
}

function base64ToBytes(s: string): Uint8Array {
  if (typeof Buffer !== 'undefined') return new Uint8Array(Buffer.from(s, 'base64'))
  const bin = atob(s)
  const out = new Uint8Array(bin.length)
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i)
  return out
}
