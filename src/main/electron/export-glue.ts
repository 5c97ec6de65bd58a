/**
 * Desktop glue for exports: the system save dialog (it confirms overwriting an existing file) and
 * PDF printing with Electron's own Chromium (webContents.printToPDF) in a hidden window that runs
 * no JavaScript. Everything else about exports lives in src/main/articles/export/.
 */
import { app, BrowserWindow, dialog, type SaveDialogOptions } from 'electron'
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { extname, join } from 'node:path'
import type { PageSize, PdfPrinter } from '../articles/export/pdf-printer'

export function saveExportFile(): (opts: { defaultName: string; data: Uint8Array }) => Promise<string | null> {
  return async ({ defaultName, data }) => {
    const ext = extname(defaultName).slice(1)
    const options: SaveDialogOptions = {
      title: 'Export',
      defaultPath: join(app.getPath('documents'), defaultName),
      filters: ext ? [{ name: ext.toUpperCase(), extensions: [ext] }] : [],
      properties: ['showOverwriteConfirmation', 'createDirectory'],
    }
    const parent = BrowserWindow.getFocusedWindow()
    const r = parent ? await dialog.showSaveDialog(parent, options) : await dialog.showSaveDialog(options)
    if (r.canceled || !r.filePath) return null
    // Beside the target, then renamed: an interrupted save never leaves half a file.
    const tmp = `${r.filePath}.${process.pid}.tmp`
    try {
      writeFileSync(tmp, data)
      renameSync(tmp, r.filePath)
    } catch (e) {
      rmSync(tmp, { force: true })
      throw e
    }
    return r.filePath
  }
}

export const electronPdfPrinter: PdfPrinter = {
  async print(html: string, opts: { pageSize: PageSize }): Promise<Uint8Array> {
    // A file, not a data: URL: embedded images easily pass Chromium's 2 MB limit on URLs.
    const dir = mkdtempSync(join(tmpdir(), 'folio-print-'))
    const file = join(dir, 'article.html')
    writeFileSync(file, html)
    const win = new BrowserWindow({
      show: false,
      webPreferences: {
        sandbox: true,
        contextIsolation: true,
        nodeIntegration: false,
        javascript: false,
        disableBlinkFeatures: 'Auxclick',
        partition: 'folio-print',
      },
    })
    try {
      await win.loadFile(file)
      const pdf = await win.webContents.printToPDF({
        pageSize: opts.pageSize === 'letter' ? 'Letter' : 'A4',
        printBackground: true,
        preferCSSPageSize: true,
      })
      return new Uint8Array(pdf)
    } finally {
      win.destroy()
      rmSync(dir, { recursive: true, force: true })
    }
  },
}
