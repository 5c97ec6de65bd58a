import { afterEach, beforeEach, describe, expect, it, vi, type Mock } from 'vitest'
import { methodNames } from '../../../src/shared/api'
import { IPC } from '../../../src/shared/bridge'
import { decodeMethodsArg } from '../../../src/preload/bridge-args'

const h = vi.hoisted(() => {
  type L = (...args: unknown[]) => unknown
  class FakeBrowserWindow {
    static last: FakeBrowserWindow | undefined
    listeners = new Map<string, L[]>()
    shown = false
    loaded: string | undefined
    webContents = { id: 99, send: () => {}, isDestroyed: () => false, isCrashed: () => false }
    constructor(public options: Record<string, unknown>) {
      FakeBrowserWindow.last = this
    }
    on(e: string, l: L) {
      this.listeners.set(e, [...(this.listeners.get(e) ?? []), l])
      return this
    }
    once(e: string, l: L) {
      return this.on(e, l)
    }
    emit(e: string, ...args: unknown[]) {
      for (const l of this.listeners.get(e) ?? []) l(...args)
    }
    show() {
      this.shown = true
    }
    close() {}
    isDestroyed() {
      return false
    }
    loadURL(url: string) {
      this.loaded = url
      return Promise.resolve()
    }
  }
  return { FakeBrowserWindow, ipcMain: { on: () => {}, removeListener: () => {} } }
})

vi.mock('electron', () => ({ BrowserWindow: h.FakeBrowserWindow, ipcMain: h.ipcMain }))

const { createMainWindow, installFlushOnClose, mainWindowPreferences } = await import('../../../src/main/electron/window')

describe('createMainWindow', () => {
  it('creates a hidden, hardened Folio window that shows when ready and loads the URL', () => {
    createMainWindow({ preloadPath: '/p/index.cjs', url: 'folio://app/index.html' })
    const win = h.FakeBrowserWindow.last!
    expect(win.options).toMatchObject({ title: 'Folio', show: false })
    expect(win.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      disableBlinkFeatures: 'Auxclick',
      preload: '/p/index.cjs',
    })
    expect(win.loaded).toBe('folio://app/index.html')
    expect(win.shown).toBe(false)
    win.emit('ready-to-show')
    expect(win.shown).toBe(true)
  })

  it("passes the contract's method names to the preload", () => {
    const prefs = mainWindowPreferences('/p/index.cjs')
    expect(decodeMethodsArg(prefs.additionalArguments)).toEqual([...methodNames])
  })
})

describe('installFlushOnClose', () => {
  type DoneListener = (e: { sender: { id: number } }, ...args: unknown[]) => void
  let done: Set<DoneListener>
  let ipc: { on: (c: string, l: DoneListener) => void; removeListener: (c: string, l: DoneListener) => void }
  let closeListener: (e: { preventDefault(): void }) => void
  let win: {
    webContents: { id: number; send: Mock<(channel: string, ...args: unknown[]) => void>; isDestroyed: () => boolean; isCrashed: () => boolean }
    on: (e: string, l: typeof closeListener) => void
    close: Mock<() => Mock<() => void>>
    isDestroyed: () => boolean
  }
  let crashed: boolean

  const tryClose = () => {
    const ev = { preventDefault: vi.fn<() => void>() }
    closeListener(ev)
    return ev.preventDefault
  }

  beforeEach(() => {
    vi.useFakeTimers()
    crashed = false
    done = new Set()
    ipc = {
      on: (c, l) => {
        if (c === IPC.flushDone) done.add(l)
      },
      removeListener: (_c, l) => done.delete(l),
    }
    win = {
      webContents: { id: 7, send: vi.fn<(channel: string, ...args: unknown[]) => void>(), isDestroyed: () => false, isCrashed: () => crashed },
      on: (_e, l) => (closeListener = l),
      close: vi.fn(() => tryClose()),
      isDestroyed: () => false,
    }
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  const reply = (senderId: number, token: unknown) => {
    for (const l of [...done]) l({ sender: { id: senderId } }, token)
  }

  it('asks the page to flush, then closes when that page answers with the token', () => {
    installFlushOnClose(win, ipc, 3000)
    expect(tryClose()).toHaveBeenCalled()
    expect(win.webContents.send).toHaveBeenCalledWith(IPC.flushRequest, expect.any(String))
    const token = win.webContents.send.mock.calls[0][1]
    reply(8, token) // another window's answer does not count
    reply(7, 'wrong-token')
    expect(win.close).not.toHaveBeenCalled()
    reply(7, token)
    expect(win.close).toHaveBeenCalledTimes(1)
    // The second close goes through.
    expect(win.close.mock.results[0].value).not.toHaveBeenCalled()
    expect(done.size).toBe(0)
  })

  it('closes after the timeout when the page never answers', () => {
    installFlushOnClose(win, ipc, 3000)
    tryClose()
    vi.advanceTimersByTime(2999)
    expect(win.close).not.toHaveBeenCalled()
    vi.advanceTimersByTime(1)
    expect(win.close).toHaveBeenCalledTimes(1)
  })

  it('repeated close clicks while flushing send one request', () => {
    installFlushOnClose(win, ipc, 3000)
    tryClose()
    expect(tryClose()).toHaveBeenCalled()
    expect(win.webContents.send).toHaveBeenCalledTimes(1)
  })

  it('a crashed renderer closes at once', () => {
    crashed = true
    installFlushOnClose(win, ipc, 3000)
    expect(tryClose()).not.toHaveBeenCalled()
    expect(win.webContents.send).not.toHaveBeenCalled()
  })
})
