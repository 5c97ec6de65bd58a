/**
 * Electron entry point. Deliberately thin: services come from createServices (shared with serve
 * mode and the CLI); windows, protocol, IPC and hardening live in ./electron and ./transport/ipc.
 */
import { app, BrowserWindow, dialog, ipcMain, protocol, safeStorage, session, shell, webContents } from 'electron'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { isFolioError } from '../shared/errors'
import { createServices, type FolioServices } from './app'
import { resolveDataDir } from './common/data-dir'
import { electronPdfPrinter, saveExportFile } from './electron/export-glue'
import { describeNativeLoadError, electronNativeBinding } from './electron/native'
import { safeStorageCipher } from './electron/secret-cipher'
import { APP_INDEX_URL, handleFolioProtocol, isAppUrl, registerFolioScheme } from './electron/protocol'
import { applyContentSecurityPolicy, denyAllPermissions, hardenWebContents } from './electron/security'
import { createMainWindow } from './electron/window'
import { registerIpc } from './transport/ipc/ipc-handlers'

/** `--data=DIR` or `--data DIR` (npm start -- --data DIR). */
function dataFlag(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    if (argv[i].startsWith('--data=')) return argv[i].slice('--data='.length) || undefined
    if (argv[i] === '--data' && argv[i + 1] && !argv[i + 1].startsWith('--')) return argv[i + 1]
  }
  return undefined
}

app.setName('Folio')
const dataDir = resolveDataDir({ flag: dataFlag(process.argv) })
app.setPath('userData', dataDir)
// Chromium's caches and storage go to a subfolder instead of sitting beside folio.db.
app.setPath('sessionData', join(dataDir, 'session'))

const devUrl = app.isPackaged ? undefined : process.env.ELECTRON_RENDERER_URL || undefined
const isApp = (url: string) => isAppUrl(url, devUrl)
const preloadPath = fileURLToPath(new URL('../preload/index.cjs', import.meta.url))
const rendererDir = fileURLToPath(new URL('../renderer/', import.meta.url))

let services: FolioServices | undefined
let mainWindow: BrowserWindow | undefined
let stop: (() => void)[] = []
let quitting = false

function openWindow(): void {
  mainWindow = createMainWindow({ preloadPath, url: devUrl ?? APP_INDEX_URL })
  mainWindow.on('closed', () => {
    mainWindow = undefined
  })
}

function start(): void {
  const nativeBinding = electronNativeBinding(app.getAppPath())
  try {
    services = createServices({
      dataDir,
      nativeBinding,
      startBackgroundWork: true,
      secretCipher: safeStorageCipher(safeStorage) ?? undefined,
      saveFile: saveExportFile(),
      pdfPrinter: electronPdfPrinter,
      pickFile: async ({ title, extensions }) => {
        const parent = BrowserWindow.getFocusedWindow()
        const options = { title, properties: ['openFile' as const], filters: [{ name: 'GGUF', extensions }] }
        const r = parent ? await dialog.showOpenDialog(parent, options) : await dialog.showOpenDialog(options)
        return r.canceled ? null : (r.filePaths[0] ?? null)
      },
    })
  } catch (e) {
    // Corrupt or too-new database, unwritable folder, wrong native build: explain and leave.
    const err = describeNativeLoadError(e, nativeBinding)
    const message = isFolioError(err) ? err.message : `Unexpected error: ${err instanceof Error ? err.stack : String(err)}`
    dialog.showErrorBox('Folio cannot open its library', `${message}\n\nData folder: ${dataDir}`)
    app.exit(1)
    return
  }
  const ses = session.defaultSession
  denyAllPermissions(ses)
  applyContentSecurityPolicy(ses, isApp, devUrl)
  stop.push(handleFolioProtocol(protocol, services, { rendererDir }))
  stop.push(
    registerIpc({
      ipcMain,
      router: services.router,
      events: services.events,
      isTrustedSender: isApp,
      targets: () => webContents.getAllWebContents(),
    }),
  )
  openWindow()
}

if (!app.requestSingleInstanceLock()) {
  // Another Folio owns this data folder; it gets focus through 'second-instance'.
  app.quit()
} else {
  registerFolioScheme(protocol)
  app.on('second-instance', () => {
    if (!mainWindow) return
    if (mainWindow.isMinimized()) mainWindow.restore()
    mainWindow.show()
    mainWindow.focus()
  })
  app.on('web-contents-created', (_event, contents) => {
    hardenWebContents(contents, isApp, (url) => shell.openExternal(url))
  })
  app.on('activate', () => {
    if (services && BrowserWindow.getAllWindows().length === 0) openWindow()
  })
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin' || quitting) app.quit()
  })
  app.on('before-quit', () => {
    // Windows still flush their edits after this; the database closes in will-quit.
    quitting = true
  })
  app.on('will-quit', (e) => {
    if (!services) return
    // The database closes at once; model engines and the vision server stop before the app exits.
    e.preventDefault()
    for (const fn of stop.reverse()) fn()
    stop = []
    const s = services
    services = undefined
    void s.dispose().finally(() => app.quit())
  })
  app.whenReady().then(start, (e: unknown) => {
    dialog.showErrorBox('Folio could not start', e instanceof Error ? e.message : String(e))
    app.exit(1)
  })
}
