/**
 * The preload bridge: exposes `window.folio` (see FolioBridge in src/shared/bridge.ts) to the
 * sandboxed, context-isolated renderer. It hands the page nothing but plain functions and data:
 * never ipcRenderer, never an IpcRendererEvent (whose `sender` is ipcRenderer), never Node APIs.
 *
 * A sandboxed preload can only require('electron'), and electron-vite leaves package imports
 * (zod) external, so this file imports no runtime code but `electron` and the dependency-free
 * bridge.ts / bridge-args.ts. The method names still come from the contract: the main process
 * derives them from `methodNames` in api.ts and passes them in argv (see bridge-args.ts), so a
 * method added to api.ts is callable without touching this file.
 */
import { contextBridge, ipcRenderer } from 'electron'
import { IPC, type FolioBridge } from '../shared/bridge'
import type { CallResult } from '../shared/wire'
import { decodeMethodsArg } from './bridge-args'

// `process` here is the sandbox's limited process object (argv included), not Node's.
const methodNames = decodeMethodsArg(typeof process === 'undefined' ? undefined : process.argv)
/** Null only if the main process sent no list; calls then go through and main's router decides. */
const known: ReadonlySet<string> | null = methodNames ? new Set(methodNames) : null

function failure(code: 'UNKNOWN_METHOD' | 'INVALID_INPUT' | 'INTERNAL', message: string): CallResult {
  return { ok: false, error: { code, message, retryable: false } }
}

/** 96 random bits, base-36; unique per window (each window runs its own copy of the preload). */
function randomClientId(): string {
  const bytes = new Uint8Array(12)
  globalThis.crypto.getRandomValues(bytes)
  let s = 'win_'
  for (const b of bytes) s += (b % 36).toString(36)
  return s
}

const clientId = randomClientId()

/** Subscribes to a main→renderer channel, stripping the IPC event before the page sees it. */
function listen<A extends unknown[]>(channel: string, cb: (...args: A) => void): () => void {
  const handler = (_event: unknown, ...args: unknown[]) => cb(...(args as A))
  ipcRenderer.on(channel, handler)
  return () => {
    ipcRenderer.removeListener(channel, handler)
  }
}

const flushCallbacks = new Set<() => Promise<void>>()
ipcRenderer.on(IPC.flushRequest, (_event: unknown, token: unknown) => {
  // Every registered saver runs; one failing must not keep the window open forever.
  void Promise.allSettled([...flushCallbacks].map((cb) => Promise.resolve().then(cb))).then(() =>
    ipcRenderer.send(IPC.flushDone, token),
  )
})

const bridge: FolioBridge = {
  methods: Object.freeze([...(methodNames ?? [])]),
  clientId,
  async invoke(method: string, input: unknown, opId?: string): Promise<CallResult> {
    if (typeof method !== 'string' || (known !== null && !known.has(method))) {
      return failure('UNKNOWN_METHOD', `Unknown method: ${String(method).slice(0, 100)}`)
    }
    try {
      return (await ipcRenderer.invoke(IPC.invoke, method, input, opId, clientId)) as CallResult
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e)
      // Structured clone refuses functions, DOM nodes and the like before anything is sent.
      if (/could not be cloned/i.test(message)) return failure('INVALID_INPUT', `Input for ${method} cannot be sent: ${message}`)
      return failure('INTERNAL', `IPC call ${method} failed: ${message}`)
    }
  },
  cancel(opId: string): void {
    ipcRenderer.send(IPC.cancel, opId)
  },
  onProgress(cb: (opId: string, data: unknown) => void): () => void {
    return listen<[string, unknown]>(IPC.progress, cb)
  },
  onEvent(cb: (name: string, payload: unknown) => void): () => void {
    return listen<[string, unknown]>(IPC.event, cb)
  },
  onFlushRequest(cb: () => Promise<void>): () => void {
    flushCallbacks.add(cb)
    return () => {
      flushCallbacks.delete(cb)
    }
  },
}

contextBridge.exposeInMainWorld('folio', bridge)
