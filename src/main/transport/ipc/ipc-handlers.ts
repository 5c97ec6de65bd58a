/**
 * The Electron IPC transport: contract calls from the preload bridge go through `router.dispatch`
 * exactly like the WebSocket and CLI transports. Written against the small interfaces below rather
 * than the `electron` module, so it runs (and is tested) under plain Node; Electron's ipcMain and
 * WebContents satisfy them structurally.
 */
import type { EventName } from '../../../shared/api'
import { IPC } from '../../../shared/bridge'
import { FolioError } from '../../../shared/errors'
import { OpId } from '../../../shared/ids'
import type { CallResult } from '../../../shared/wire'
import type { DispatchOptions } from '../router'

/** The renderer side of a connection (Electron's WebContents). */
export interface IpcSender {
  readonly id: number
  send(channel: string, ...args: unknown[]): void
  isDestroyed(): boolean
  /** Current top-level URL; used to decide which windows receive events. */
  getURL(): string
  once?(event: 'destroyed', listener: () => void): unknown
}

export interface IpcInvokeEvent {
  readonly sender: IpcSender
  /** The frame that sent the message; null once it navigated away or was destroyed. */
  readonly senderFrame: { readonly url: string } | null | undefined
}

export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcInvokeEvent, ...args: unknown[]) => unknown): void
  removeHandler(channel: string): void
  on(channel: string, listener: (event: IpcInvokeEvent, ...args: unknown[]) => void): unknown
  removeListener(channel: string, listener: (event: IpcInvokeEvent, ...args: unknown[]) => void): unknown
}

export interface RouterLike {
  dispatch(method: unknown, input: unknown, opts?: DispatchOptions): Promise<CallResult>
}

export interface EventSource {
  subscribe(listener: (name: EventName, payload: unknown) => void): () => void
}

export interface IpcOptions {
  ipcMain: IpcMainLike
  router: RouterLike
  events: EventSource
  /** True only for the app's own pages (folio://app/…, or the dev server in development). */
  isTrustedSender(url: string): boolean
  /** Every live WebContents that may receive events (Electron: webContents.getAllWebContents). */
  targets(): Iterable<IpcSender>
}

/** Client ids the preload generates (`win_…`); anything else is dropped rather than trusted. */
const ClientId = /^[A-Za-z0-9_-]{1,64}$/

function fail(code: 'FORBIDDEN' | 'INVALID_INPUT' | 'INTERNAL', message: string): CallResult {
  return { ok: false, error: new FolioError(code, message).toWire() }
}

function trusted(isTrustedSender: (url: string) => boolean, frame: IpcInvokeEvent['senderFrame']): boolean {
  if (!frame || typeof frame.url !== 'string') return false
  try {
    return isTrustedSender(frame.url)
  } catch {
    return false
  }
}

/** Registers the IPC handlers and the event broadcast; returns a function that removes them. */
export function registerIpc(opts: IpcOptions): () => void {
  const { ipcMain, router, events, isTrustedSender } = opts
  /** In-flight cancellable operations, keyed by sender, so one window cannot cancel another's. */
  const inflight = new Map<number, Map<string, AbortController>>()
  const watched = new Set<number>()
  let disposed = false

  const watchSender = (sender: IpcSender) => {
    if (watched.has(sender.id) || !sender.once) return
    watched.add(sender.id)
    const id = sender.id
    sender.once('destroyed', () => {
      watched.delete(id)
      const ops = inflight.get(id)
      inflight.delete(id)
      // A closed window's imports stop instead of running on for nobody.
      if (ops) for (const c of ops.values()) c.abort()
    })
  }

  const onInvoke = async (e: IpcInvokeEvent, method: unknown, input: unknown, opId: unknown, origin: unknown): Promise<CallResult> => {
    try {
      if (disposed) return fail('INTERNAL', 'Folio is shutting down.')
      if (!trusted(isTrustedSender, e.senderFrame)) {
        return fail('FORBIDDEN', 'Calls are only accepted from Folio’s own pages.')
      }
      if (opId !== undefined && opId !== null && !OpId.safeParse(opId).success) {
        return fail('INVALID_INPUT', 'Invalid operation id (1–64 characters: letters, digits, _ and -).')
      }
      const sender = e.sender
      const opts: DispatchOptions = {}
      if (typeof origin === 'string' && ClientId.test(origin)) opts.origin = origin

      let controller: AbortController | undefined
      let ops: Map<string, AbortController> | undefined
      if (typeof opId === 'string') {
        ops = inflight.get(sender.id)
        if (!ops) inflight.set(sender.id, (ops = new Map()))
        if (ops.has(opId)) return fail('INVALID_INPUT', `Operation id ${opId} is already in use.`)
        controller = new AbortController()
        ops.set(opId, controller)
        watchSender(sender)
        opts.signal = controller.signal
        opts.onProgress = (data) => {
          if (!sender.isDestroyed()) sender.send(IPC.progress, opId, data)
        }
      }
      try {
        return await router.dispatch(method, input, opts)
      } finally {
        if (ops && typeof opId === 'string' && ops.get(opId) === controller) {
          ops.delete(opId)
          if (ops.size === 0 && inflight.get(sender.id) === ops) inflight.delete(sender.id)
        }
      }
    } catch (err) {
      // router.dispatch never throws; this guards the bookkeeping above.
      return fail('INTERNAL', `IPC dispatch failed: ${err instanceof Error ? err.message : String(err)}`)
    }
  }

  const onCancel = (e: IpcInvokeEvent, opId: unknown) => {
    if (!trusted(isTrustedSender, e.senderFrame) || typeof opId !== 'string') return
    inflight.get(e.sender.id)?.get(opId)?.abort()
  }

  const unsubscribe = events.subscribe((name, payload) => {
    for (const wc of opts.targets()) {
      try {
        if (wc.isDestroyed() || !isTrustedSender(wc.getURL())) continue
        wc.send(IPC.event, name, payload)
      } catch {
        // A window closing mid-broadcast must not stop the others.
      }
    }
  })

  ipcMain.handle(IPC.invoke, onInvoke as (event: IpcInvokeEvent, ...args: unknown[]) => unknown)
  ipcMain.on(IPC.cancel, onCancel as (event: IpcInvokeEvent, ...args: unknown[]) => void)

  return () => {
    if (disposed) return
    disposed = true
    ipcMain.removeHandler(IPC.invoke)
    ipcMain.removeListener(IPC.cancel, onCancel as (event: IpcInvokeEvent, ...args: unknown[]) => void)
    unsubscribe()
    for (const ops of inflight.values()) for (const c of ops.values()) c.abort()
    inflight.clear()
  }
}
