/**
 * Prints an HTML page to PDF. The desktop app uses Electron's own webContents.printToPDF
 * (src/main/electron/pdf-printer.ts); serve mode, the CLI and CI use Debian's chromium through
 * playwright-core. Either way the page has JavaScript off and no network: images are data: URIs.
 */
import { existsSync } from 'node:fs'
import { FolioError } from '../../../shared/errors'

export type PageSize = 'a4' | 'letter'

export interface PdfPrinter {
  print(html: string, opts: { pageSize: PageSize; signal?: AbortSignal }): Promise<Uint8Array>
}

export const DEFAULT_CHROMIUM = '/usr/bin/chromium'

export class ChromiumPdfPrinter implements PdfPrinter {
  constructor(private readonly executablePath: string = process.env.CHROMIUM_PATH || DEFAULT_CHROMIUM) {}

  async print(html: string, opts: { pageSize: PageSize; signal?: AbortSignal }): Promise<Uint8Array> {
    if (!existsSync(this.executablePath)) {
      throw new FolioError(
        'NOT_FOUND',
        `PDF export needs Chromium, which was not found at ${this.executablePath}. Install it (Debian/Ubuntu: ` +
          '"sudo apt-get install chromium") or set CHROMIUM_PATH to a Chromium or Chrome executable.',
      )
    }
    if (opts.signal?.aborted) throw new FolioError('CANCELLED', 'PDF export cancelled.')
    // Loaded on demand: most runs never print, and the desktop app never loads it.
    const { chromium } = await import('playwright-core')
    const browser = await chromium.launch({
      executablePath: this.executablePath,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--disable-background-networking', '--disable-sync'],
    })
    const onAbort = () => void browser.close().catch(() => undefined)
    opts.signal?.addEventListener('abort', onAbort, { once: true })
    try {
      // Aborted while chromium was starting: the listener came too late to see it.
      if (opts.signal?.aborted) throw new FolioError('CANCELLED', 'PDF export cancelled.')
      const context = await browser.newContext({ javaScriptEnabled: false, offline: true })
      const page = await context.newPage()
      await page.setContent(html, { waitUntil: 'load', timeout: 120_000 })
      const pdf = await page.pdf({ format: opts.pageSize === 'letter' ? 'Letter' : 'A4', preferCSSPageSize: true, printBackground: true })
      return new Uint8Array(pdf)
    } catch (e) {
      if (opts.signal?.aborted) throw new FolioError('CANCELLED', 'PDF export cancelled.')
      throw new FolioError('INTERNAL', `Chromium could not print the PDF: ${(e as Error).message}`, { cause: e })
    } finally {
      opts.signal?.removeEventListener('abort', onAbort)
      await browser.close().catch(() => undefined)
    }
  }
}
