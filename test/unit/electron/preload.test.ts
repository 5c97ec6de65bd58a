import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { methodNames } from '../../../src/shared/api'
import { IPC, type FolioBridge } from '../../../src/shared/bridge'
import { decodeMethodsArg, encodeMethodsArg } from '../../../src/preload/bridge-args'

type Listener = (event: unknown, ...args: unknown[]) => void

const h = vi.hoisted(() => {
  const listeners = new Map<string, Set<(event: unknown, ...args: unknown[]) => void>>()
  const exposed: Record<string, unknown> = {}
  const ipcRenderer = {
    invoke: vi.fn(async (..._args: unknown[]): Promise<unknown> => ({ ok: true, output: 'from-main' })),
    send: vi.fn(),
    on: vi.fn((channel: string, l: (event: unknown, ...args: unknown[]) => void) => {
      if (!listeners.has(channel)) listeners.set(channel, new Set())
      listeners.get(channel)!.add(l)
    }),
    removeListener: vi.fn((channel: string, l: (event: unknown, ...args: unknown[]) => void) => {
      listeners.get(channel)?.delete(l)
    }),
  }
  const contextBridge = {
    exposeInMainWorld: vi.fn((key: string, api: unknown) => {
      exposed[key] = api
    }),
  }
  return { listeners, exposed, ipcRenderer, contextBridge }
})

vi.mock('electron', () => ({ ipcRenderer: h.ipcRenderer, contextBridge: h.contextBridge }))

/** What a main→renderer message looks like to the preload: an event carrying ipcRenderer. */
function emit(channel: string, ...args: unknown[]) {
  const fakeEvent = { sender: h.ipcRenderer, senderId: 0 }
  for (const l of h.listeners.get(channel) ?? []) (l as Listener)(fakeEvent, ...args)
}

async function loadPreload(argv: string[]): Promise<FolioBridge> {
  vi.resetModules()
  h.listeners.clear()
  for (const k of Object.keys(h.exposed)) delete h.exposed[k]
  const saved = process.argv
  process.argv = argv
  try {
    await import('../../../src/preload/index')
  } finally {
    process.argv = saved
  }
  return h.exposed.folio as FolioBridge
}

const argvWithMethods = () => ['/electron', '--type=renderer', encodeMethodsArg(methodNames)]

describe('preload bridge', () => {
  beforeEach(() => {
    vi.clearAllMocks()
  })
  afterEach(() => {
    vi.resetModules()
  })

  it('exposes exactly window.folio with the FolioBridge members, and nothing of Electron', async () => {
    const bridge = await loadPreload(argvWithMethods())
    expect(h.contextBridge.exposeInMainWorld).toHaveBeenCalledTimes(1)
    expect(Object.keys(h.exposed)).toEqual(['folio'])
    expect(Object.keys(bridge).sort()).toEqual(
      ['cancel', 'clientId', 'invoke', 'methods', 'onEvent', 'onFlushRequest', 'onProgress'].sort(),
    )
    for (const v of Object.values(bridge)) {
      expect(v).not.toBe(h.ipcRenderer)
      expect(v).not.toBe(h.ipcRenderer.invoke)
      expect(v).not.toBe(h.ipcRenderer.send)
    }
  })

  it("lists exactly the contract's methods", async () => {
    const bridge = await loadPreload(argvWithMethods())
    expect([...bridge.methods].sort()).toEqual([...methodNames].sort())
  })

  it('has a random client id per window', async () => {
    const a = await loadPreload(argvWithMethods())
    const b = await loadPreload(argvWithMethods())
    expect(a.clientId).toMatch(/^[A-Za-z0-9_-]{8,64}$/)
    expect(a.clientId).not.toBe(b.clientId)
  })

  it('forwards contract calls with opId and clientId', async () => {
    const bridge = await loadPreload(argvWithMethods())
    const res = await bridge.invoke('articles.list', { trashed: false }, 'op1')
    expect(res).toEqual({ ok: true, output: 'from-main' })
    expect(h.ipcRenderer.invoke).toHaveBeenCalledWith(IPC.invoke, 'articles.list', { trashed: false }, 'op1', bridge.clientId)
  })

  it('rejects unknown methods locally with UNKNOWN_METHOD, without IPC', async () => {
    const bridge = await loadPreload(argvWithMethods())
    for (const name of ['nope', 'constructor', '__proto__', 'toString', '']) {
      const res = await bridge.invoke(name, {})
      expect(res.ok).toBe(false)
      if (!res.ok) expect(res.error.code).toBe('UNKNOWN_METHOD')
    }
    const res = await bridge.invoke(42 as unknown as string, {})
    expect(!res.ok && res.error.code).toBe('UNKNOWN_METHOD')
    expect(h.ipcRenderer.invoke).not.toHaveBeenCalled()
  })

  it('turns IPC failures into CallResult errors instead of rejecting', async () => {
    const bridge = await loadPreload(argvWithMethods())
    h.ipcRenderer.invoke.mockRejectedValueOnce(new Error('An object could not be cloned.'))
    const a = await bridge.invoke('articles.list', { f: () => 1 })
    expect(!a.ok && a.error.code).toBe('INVALID_INPUT')
    h.ipcRenderer.invoke.mockRejectedValueOnce(new Error('No handler registered'))
    const b = await bridge.invoke('articles.list', {})
    expect(!b.ok && b.error.code).toBe('INTERNAL')
  })

  it('without a method list from main, forwards calls and lets main decide', async () => {
    const bridge = await loadPreload(['/electron', '--type=renderer'])
    expect(bridge.methods).toEqual([])
    await bridge.invoke('nope', {})
    expect(h.ipcRenderer.invoke).toHaveBeenCalledTimes(1)
  })

  it('cancel sends on the cancel channel', async () => {
    const bridge = await loadPreload(argvWithMethods())
    bridge.cancel('op7')
    expect(h.ipcRenderer.send).toHaveBeenCalledWith(IPC.cancel, 'op7')
  })

  it('progress and event listeners receive data but never the IPC event; unsubscribe works', async () => {
    const bridge = await loadPreload(argvWithMethods())
    const progress = vi.fn()
    const events = vi.fn()
    const offP = bridge.onProgress(progress)
    const offE = bridge.onEvent(events)
    emit(IPC.progress, 'op1', { done: 1, total: 2, fileName: 'a.png' })
    emit(IPC.event, 'articles.changed', { id: 'art_000000000000', reason: 'saved' })
    expect(progress).toHaveBeenCalledWith('op1', { done: 1, total: 2, fileName: 'a.png' })
    expect(events).toHaveBeenCalledWith('articles.changed', { id: 'art_000000000000', reason: 'saved' })
    for (const call of [...progress.mock.calls, ...events.mock.calls]) {
      for (const arg of call) expect(arg).not.toHaveProperty('sender')
    }
    offP()
    offE()
    emit(IPC.progress, 'op1', {})
    emit(IPC.event, 'articles.changed', {})
    expect(progress).toHaveBeenCalledTimes(1)
    expect(events).toHaveBeenCalledTimes(1)
  })

  it('answers a flush request after every saver finished (even one that fails), echoing the token', async () => {
    const bridge = await loadPreload(argvWithMethods())
    let release!: () => void
    const slow = vi.fn(() => new Promise<void>((r) => (release = r)))
    const failing = vi.fn(async () => {
      throw new Error('disk full')
    })
    const offSlow = bridge.onFlushRequest(slow)
    bridge.onFlushRequest(failing)
    emit(IPC.flushRequest, 'tok1')
    await new Promise((r) => setTimeout(r, 10))
    expect(slow).toHaveBeenCalled()
    expect(h.ipcRenderer.send).not.toHaveBeenCalledWith(IPC.flushDone, 'tok1')
    release()
    await vi.waitFor(() => expect(h.ipcRenderer.send).toHaveBeenCalledWith(IPC.flushDone, 'tok1'))
    // An unsubscribed saver is not waited for.
    offSlow()
    h.ipcRenderer.send.mockClear()
    emit(IPC.flushRequest, 'tok2')
    await vi.waitFor(() => expect(h.ipcRenderer.send).toHaveBeenCalledWith(IPC.flushDone, 'tok2'))
    expect(slow).toHaveBeenCalledTimes(1)
    expect(failing).toHaveBeenCalledTimes(2)
  })
})

describe('bridge-args', () => {
  it('round-trips the method list and ignores junk', () => {
    const arg = encodeMethodsArg(methodNames)
    expect(decodeMethodsArg(['x', arg])).toEqual([...methodNames])
    expect(decodeMethodsArg(['x'])).toBeNull()
    expect(decodeMethodsArg(undefined)).toBeNull()
    expect(decodeMethodsArg(['--folio-methods=a.b,<script>,c'])).toEqual(['a.b', 'c'])
    expect(() => encodeMethodsArg(['bad name'])).toThrow()
  })
})
