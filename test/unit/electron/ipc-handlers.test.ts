import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { IPC } from '../../../src/shared/bridge'
import type { CallResult } from '../../../src/shared/wire'
import {
  registerIpc,
  type IpcInvokeEvent,
  type IpcMainLike,
  type IpcSender,
  type RouterLike,
} from '../../../src/main/transport/ipc/ipc-handlers'
import { EventBus } from '../../../src/main/common/event-bus'
import { tempServices, tinyPng, type TempServices } from './helpers'

const APP = 'folio://app/index.html'
const isTrusted = (url: string) => url.startsWith('folio://app/')

type Handler = (event: IpcInvokeEvent, ...args: unknown[]) => unknown

class FakeIpcMain implements IpcMainLike {
  handlers = new Map<string, Handler>()
  listeners = new Map<string, Set<Handler>>()
  handle(channel: string, listener: Handler) {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`)
    this.handlers.set(channel, listener)
  }
  removeHandler(channel: string) {
    this.handlers.delete(channel)
  }
  on(channel: string, listener: Handler) {
    if (!this.listeners.has(channel)) this.listeners.set(channel, new Set())
    this.listeners.get(channel)!.add(listener)
  }
  removeListener(channel: string, listener: Handler) {
    this.listeners.get(channel)?.delete(listener)
  }
  /** Simulates ipcRenderer.invoke from `sender`. */
  async invoke(sender: FakeSender, frameUrl: string | null, ...args: unknown[]): Promise<CallResult> {
    const h = this.handlers.get(IPC.invoke)
    if (!h) throw new Error('No handler registered for folio:invoke')
    return (await h(sender.event(frameUrl), ...args)) as CallResult
  }
  /** Simulates ipcRenderer.send. */
  send(sender: FakeSender, frameUrl: string | null, channel: string, ...args: unknown[]) {
    for (const l of this.listeners.get(channel) ?? []) l(sender.event(frameUrl), ...args)
  }
}

let nextId = 1
class FakeSender implements IpcSender {
  readonly id = nextId++
  sent: unknown[][] = []
  destroyed = false
  private destroyListeners: (() => void)[] = []
  onSend?: (channel: string, ...args: unknown[]) => void
  constructor(public url = APP) {}
  send(channel: string, ...args: unknown[]) {
    this.sent.push([channel, ...args])
    this.onSend?.(channel, ...args)
  }
  isDestroyed() {
    return this.destroyed
  }
  getURL() {
    return this.url
  }
  once(_event: 'destroyed', listener: () => void) {
    this.destroyListeners.push(listener)
  }
  destroy() {
    this.destroyed = true
    for (const l of this.destroyListeners) l()
  }
  event(frameUrl: string | null): IpcInvokeEvent {
    return { sender: this, senderFrame: frameUrl === null ? null : { url: frameUrl } }
  }
}

describe('registerIpc with the real router', () => {
  let t: TempServices
  let ipc: FakeIpcMain
  let win: FakeSender
  let other: FakeSender
  let dispose: () => void

  beforeEach(() => {
    t = tempServices()
    ipc = new FakeIpcMain()
    win = new FakeSender()
    other = new FakeSender('devtools://devtools/bundled/inspector.html')
    dispose = registerIpc({
      ipcMain: ipc,
      router: t.services.router,
      events: t.services.events,
      isTrustedSender: isTrusted,
      targets: () => [win, other],
    })
  })
  afterEach(() => {
    dispose()
    t.cleanup()
  })

  it('dispatches a valid call through the router', async () => {
    const res = await ipc.invoke(win, APP, 'app.info', {})
    expect(res.ok).toBe(true)
    if (res.ok) expect(res.output).toMatchObject({ name: 'Folio', dataDir: t.dir })
  })

  it('refuses senders whose frame is not the app (FORBIDDEN)', async () => {
    for (const url of ['https://evil.example/', 'file:///etc/passwd', 'folio://image/x', 'folio://app.evil/index.html', 'about:blank', '']) {
      const res = await ipc.invoke(win, url, 'app.info', {})
      expect(res).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } })
    }
  })

  it('refuses a missing senderFrame (FORBIDDEN)', async () => {
    const res = await ipc.invoke(win, null, 'app.info', {})
    expect(res).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } })
    const h = ipc.handlers.get(IPC.invoke)!
    const res2 = (await h({ sender: win, senderFrame: undefined }, 'app.info', {})) as CallResult
    expect(res2).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } })
  })

  it('returns INVALID_INPUT for bad input, UNKNOWN_METHOD for unknown methods', async () => {
    const bad = await ipc.invoke(win, APP, 'articles.get', { id: '../../etc' })
    expect(bad).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } })
    const extra = await ipc.invoke(win, APP, 'app.info', { sneaky: true })
    expect(extra).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } })
    const unknown = await ipc.invoke(win, APP, 'fs.readFile', {})
    expect(unknown).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } })
  })

  it('validates the opId shape', async () => {
    for (const opId of ['', 'a b', 'x'.repeat(65), 42, {}, '../x']) {
      const res = await ipc.invoke(win, APP, 'app.info', {}, opId)
      expect(res).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } })
    }
    expect(await ipc.invoke(win, APP, 'app.info', {}, null)).toMatchObject({ ok: true })
    expect(await ipc.invoke(win, APP, 'app.info', {}, 'op_1-A')).toMatchObject({ ok: true })
  })

  it('forwards progress to the calling window only', async () => {
    const files = [1, 2, 3].map((i) => ({ name: `p${i}.png`, data: tinyPng(i) }))
    const res = await ipc.invoke(win, APP, 'images.import', { files }, 'imp1')
    expect(res.ok).toBe(true)
    const progress = win.sent.filter((m) => m[0] === IPC.progress)
    expect(progress).toEqual([
      [IPC.progress, 'imp1', { done: 1, total: 3, fileName: 'p1.png' }],
      [IPC.progress, 'imp1', { done: 2, total: 3, fileName: 'p2.png' }],
      [IPC.progress, 'imp1', { done: 3, total: 3, fileName: 'p3.png' }],
    ])
    expect(other.sent.filter((m) => m[0] === IPC.progress)).toEqual([])
  })

  it('honours cancel from the same window (the import stops with CANCELLED)', async () => {
    const files = [1, 2, 3, 4].map((i) => ({ name: `c${i}.png`, data: tinyPng(100 + i) }))
    // The cancel arrives while the import runs: right after the first progress message.
    win.onSend = (channel, opId) => {
      if (channel === IPC.progress) ipc.send(win, APP, IPC.cancel, opId)
    }
    const res = await ipc.invoke(win, APP, 'images.import', { files }, 'imp2')
    expect(res).toMatchObject({ ok: false, error: { code: 'CANCELLED' } })
    expect(win.sent.filter((m) => m[0] === IPC.progress)).toHaveLength(1)
  })

  it('broadcasts contract events to app windows only, tagged with the caller origin', async () => {
    const res = await ipc.invoke(win, APP, 'articles.create', { title: 'Hello' }, undefined, 'win_abc123')
    expect(res.ok).toBe(true)
    const events = win.sent.filter((m) => m[0] === IPC.event)
    expect(events).toHaveLength(1)
    expect(events[0][1]).toBe('articles.changed')
    expect(events[0][2]).toMatchObject({ reason: 'created', origin: 'win_abc123' })
    expect(other.sent).toEqual([])
  })

  it('drops a malformed origin instead of passing it on', async () => {
    await ipc.invoke(win, APP, 'articles.create', { title: 'x' }, undefined, 'not valid!'.repeat(10))
    const ev = win.sent.find((m) => m[0] === IPC.event)!
    expect((ev[2] as { origin?: string }).origin).toBeUndefined()
  })

  it('skips destroyed windows when broadcasting', async () => {
    win.destroyed = true
    t.services.events.emit('articles.changed', { id: 'art_000000000000', reason: 'saved' })
    expect(win.sent).toEqual([])
  })

  it('dispose removes the handler, the cancel listener and the event subscription', async () => {
    dispose()
    expect(ipc.handlers.has(IPC.invoke)).toBe(false)
    expect(ipc.listeners.get(IPC.cancel)?.size ?? 0).toBe(0)
    t.services.events.emit('articles.changed', { id: 'art_000000000000', reason: 'saved' })
    expect(win.sent).toEqual([])
    dispose() // twice is fine
  })
})

describe('registerIpc cancellation bookkeeping (controllable router)', () => {
  function setup() {
    const ipc = new FakeIpcMain()
    const signals = new Map<string, AbortSignal>()
    const router: RouterLike = {
      dispatch: vi.fn(
        (_m: unknown, input: unknown, opts: { signal?: AbortSignal } = {}) =>
          new Promise<CallResult>((resolve) => {
            const key = (input as { key: string }).key
            signals.set(key, opts.signal!)
            opts.signal?.addEventListener('abort', () =>
              resolve({ ok: false, error: { code: 'CANCELLED', message: 'cancelled', retryable: true } }),
            )
          }),
      ),
    }
    const dispose = registerIpc({ ipcMain: ipc, router, events: new EventBus(), isTrustedSender: isTrusted, targets: () => [] })
    return { ipc, signals, router, dispose }
  }

  it("a window cannot cancel another window's operation; untrusted cancels are ignored", async () => {
    const { ipc, signals, dispose } = setup()
    const a = new FakeSender()
    const b = new FakeSender()
    const pending = ipc.invoke(a, APP, 'images.import', { key: 'k1' }, 'op1')
    await vi.waitFor(() => expect(signals.has('k1')).toBe(true))
    ipc.send(b, APP, IPC.cancel, 'op1')
    ipc.send(a, 'https://evil.example/', IPC.cancel, 'op1')
    ipc.send(a, null, IPC.cancel, 'op1')
    expect(signals.get('k1')!.aborted).toBe(false)
    ipc.send(a, APP, IPC.cancel, 'op1')
    expect(signals.get('k1')!.aborted).toBe(true)
    expect(await pending).toMatchObject({ ok: false, error: { code: 'CANCELLED' } })
    dispose()
  })

  it('rejects a duplicate in-flight opId from the same window', async () => {
    const { ipc, signals, dispose } = setup()
    const a = new FakeSender()
    void ipc.invoke(a, APP, 'images.import', { key: 'k1' }, 'dup')
    await vi.waitFor(() => expect(signals.has('k1')).toBe(true))
    const second = await ipc.invoke(a, APP, 'images.import', { key: 'k2' }, 'dup')
    expect(second).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } })
    dispose()
  })

  it("aborts a window's operations when it is destroyed, and all of them on dispose", async () => {
    const { ipc, signals, dispose } = setup()
    const a = new FakeSender()
    const b = new FakeSender()
    void ipc.invoke(a, APP, 'images.import', { key: 'a1' }, 'op1')
    void ipc.invoke(b, APP, 'images.import', { key: 'b1' }, 'op1')
    await vi.waitFor(() => expect(signals.size).toBe(2))
    a.destroy()
    expect(signals.get('a1')!.aborted).toBe(true)
    expect(signals.get('b1')!.aborted).toBe(false)
    dispose()
    expect(signals.get('b1')!.aborted).toBe(true)
  })

  it('does not send progress to a destroyed window', async () => {
    const ipc = new FakeIpcMain()
    const a = new FakeSender()
    const router: RouterLike = {
      dispatch: async (_m, _i, opts = {}) => {
        opts.onProgress?.({ n: 1 })
        a.destroyed = true
        opts.onProgress?.({ n: 2 })
        return { ok: true, output: null }
      },
    }
    const dispose = registerIpc({ ipcMain: ipc, router, events: new EventBus(), isTrustedSender: isTrusted, targets: () => [] })
    await ipc.invoke(a, APP, 'images.import', {}, 'op1')
    expect(a.sent).toEqual([[IPC.progress, 'op1', { n: 1 }]])
    dispose()
  })
})
