import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

const h = vi.hoisted(() => {
  class FakeBrowserWindow {
    static all: FakeBrowserWindow[] = []
    static focused: FakeBrowserWindow | null = null
    static getFocusedWindow() {
      return FakeBrowserWindow.focused
    }
    loadedFile: string | undefined
    loadedHtml: string | undefined
    destroyed = false
    printOptions: Record<string, unknown> | undefined
    webContents = {
      printToPDF: async (opts: Record<string, unknown>) => {
        this.printOptions = opts
        return Buffer.from('%PDF-1.4 fake')
      },
    }
    constructor(public options: Record<string, unknown>) {
      FakeBrowserWindow.all.push(this)
    }
    async loadFile(file: string) {
      this.loadedFile = file
      this.loadedHtml = (await import('node:fs')).readFileSync(file, 'utf8')
    }
    destroy() {
      this.destroyed = true
    }
  }
  return {
    FakeBrowserWindow,
    dialog: { showSaveDialog: vi.fn() },
    app: { getPath: (name: string) => `/home/u/${name}` },
  }
})

vi.mock('electron', () => ({ BrowserWindow: h.FakeBrowserWindow, dialog: h.dialog, app: h.app }))

const { electronPdfPrinter, saveExportFile } = await import('../../../src/main/electron/export-glue')

describe('electronPdfPrinter', () => {
  beforeEach(() => {
    h.FakeBrowserWindow.all = []
  })

  it('prints the page in a hidden window with JavaScript off, at the chosen paper size, then closes it and its file', async () => {
    const pdf = await electronPdfPrinter.print('<p>Hello 你好</p>', { pageSize: 'letter' })
    expect(new TextDecoder().decode(pdf)).toBe('%PDF-1.4 fake')
    const [win] = h.FakeBrowserWindow.all
    expect(win.options).toMatchObject({ show: false, webPreferences: { javascript: false, sandbox: true, contextIsolation: true, nodeIntegration: false } })
    expect(win.loadedHtml).toBe('<p>Hello 你好</p>')
    expect(win.printOptions).toEqual({ pageSize: 'Letter', printBackground: true, preferCSSPageSize: true })
    expect(win.destroyed).toBe(true)
    expect(existsSync(win.loadedFile as string)).toBe(false)
  })

  it('prints on A4 paper when asked', async () => {
    await electronPdfPrinter.print('<p>x</p>', { pageSize: 'a4' })
    expect(h.FakeBrowserWindow.all[0].printOptions?.pageSize).toBe('A4')
  })
})

describe('saveExportFile', () => {
  let dir: string
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'folio-save-'))
    h.dialog.showSaveDialog.mockReset()
    h.FakeBrowserWindow.focused = null
  })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  it('asks where to save (in Documents, with the suggested name, confirming overwrites) and writes the file there', async () => {
    const target = join(dir, 'chosen.docx')
    writeFileSync(target, 'old')
    h.dialog.showSaveDialog.mockResolvedValue({ canceled: false, filePath: target })
    const path = await saveExportFile()({ defaultName: '自行车.docx', data: new Uint8Array([1, 2, 3]) })
    expect(path).toBe(target)
    expect([...readFileSync(target)]).toEqual([1, 2, 3])
    expect(h.dialog.showSaveDialog).toHaveBeenCalledWith({
      title: 'Export',
      defaultPath: '/home/u/documents/自行车.docx',
      filters: [{ name: 'DOCX', extensions: ['docx'] }],
      properties: ['showOverwriteConfirmation', 'createDirectory'],
    })
  })

  it('writes nothing when the dialog is cancelled', async () => {
    h.dialog.showSaveDialog.mockResolvedValue({ canceled: true, filePath: '' })
    expect(await saveExportFile()({ defaultName: 'a.pdf', data: new Uint8Array([1]) })).toBeNull()
  })
})
