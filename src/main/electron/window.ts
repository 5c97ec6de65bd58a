/**
 * The main window. Hidden until its first paint, hardened preferences, and a close that waits for
 * the page to save unsaved edits (IPC.flushRequest → IPC.flushDone, or a timeout).
 */
import { BrowserWindow, ipcMain, type WebPreferences } from 'electron'
import { methodNames } from '../../shared/api'
import { IPC } from '../../shared/bridge'
import { encodeMethodsArg } from '../../preload/bridge-args'
import { secureWebPreferences } from './security'

export const FLUSH_TIMEOUT_MS = 3000

export interface MainWindowOptions {
  preloadPath: string
  /** folio://app/index.html, or ELECTRON_RENDERER_URL in development. */
  url: string
  flushTimeoutMs?: number
}

/** Hardened preferences plus the contract's method names for the preload (see bridge-args.ts). */
export function mainWindowPreferences(preloadPath: string): WebPreferences {
  return { ...secureWebPreferences(preloadPath), additionalArguments: [encodeMethodsArg(methodNames)] }
}

export function createMainWindow(opts: MainWindowOptions): BrowserWindow {
  const win = new BrowserWindow({
    title: 'Folio',
    width: 1280,
    height: 860,
    minWidth: 640,
    minHeight: 480,
    show: false,
    // The flags Electronegativity checks are restated at the construction site (same values as
    // secureWebPreferences) so `npm run audit:electron` verifies this window, not a helper.
    webPreferences: { ...mainWindowPreferences(opts.preloadPath), contextIsolation: true, sandbox: true, disableBlinkFeatures: 'Auxclick' },
  })
  win.once('ready-to-show', () => win.show())
  installFlushOnClose(win, ipcMain, opts.flushTimeoutMs)
  win.loadURL(opts.url).catch((e: unknown) => {
    // Show the window anyway (Chromium's error page) rather than leave an invisible process.
    console.error(`Folio: could not load ${opts.url}: ${e instanceof Error ? e.message : String(e)}`)
    if (!win.isDestroyed()) win.show()
  })
  return win
}

// ---- flush on close ---------------------------------------------------------------------------

export interface FlushableWindow {
  readonly webContents: {
    readonly id: number
    send(channel: string, ...args: unknown[]): void
    isDestroyed(): boolean
    isCrashed(): boolean
  }
  on(event: 'close', listener: (event: { preventDefault(): void }) => void): unknown
  close(): void
  isDestroyed(): boolean
}

type FlushDoneListener = (event: { readonly sender: { readonly id: number } }, ...args: unknown[]) => void

export interface FlushIpc {
  on(channel: string, listener: FlushDoneListener): unknown
  removeListener(channel: string, listener: FlushDoneListener): unknown
}

/**
 * On the first `close`, keeps the window open, asks its page to save (IPC.flushRequest with a
 * token) and closes it when the page answers IPC.flushDone with that token — or after
 * `timeoutMs`, so a hung page cannot keep Folio from closing. A dead renderer closes at once.
 */
export function installFlushOnClose(win: FlushableWindow, ipc: FlushIpc, timeoutMs: number = FLUSH_TIMEOUT_MS): void {
  const contents = win.webContents
  const contentsId = contents.id
  let state: 'open' | 'flushing' | 'done' = 'open'

  win.on('close', (event) => {
    if (state === 'done') return
    if (contents.isDestroyed() || contents.isCrashed()) {
      state = 'done'
      return
    }
    event.preventDefault()
    if (state === 'flushing') return
    state = 'flushing'

    const token = `flush_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 10)}`
    const finish = () => {
      if (state !== 'flushing') return
      state = 'done'
      clearTimeout(timer)
      ipc.removeListener(IPC.flushDone, onDone)
      if (!win.isDestroyed()) win.close()
    }
    const onDone: FlushDoneListener = (e, replyToken) => {
      if (e.sender.id === contentsId && replyToken === token) finish()
    }
    ipc.on(IPC.flushDone, onDone)
    const timer = setTimeout(finish, timeoutMs)
    try {
      contents.send(IPC.flushRequest, token)
    } catch {
      finish()
    }
  })
}
