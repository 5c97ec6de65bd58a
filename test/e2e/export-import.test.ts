/// <reference lib="dom" />
/** Import from the article list and Export from the editor header, in chromium against serve mode. */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { strFromU8, unzipSync } from 'fflate'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { axeViolations, openAppInBrowser, serious } from '../helpers/app-browser'
import type { ServeProcess } from '../helpers/serve-process'
import { makePng, tmpDir } from '../helpers/tmp'

const PNG = Buffer.from(makePng(40, 30, [30, 90, 200]))
/** Every way an imported page could try to run something; each would set window.__pwned. */
const HOSTILE = `<!doctype html><html><head><title>ignored</title><script>window.__pwned = 'head'</script></head><body>
<h1>Harbour notes 港口</h1>
<p onclick="window.__pwned = 'click'">Boats <b>everywhere</b>. 到处是船。</p>
<script>window.__pwned = 'body'</script>
<img src="data:image/png;base64,${PNG.toString('base64')}" alt="Blue boat" onerror="window.__pwned = 'img'" onload="window.__pwned = 'load'">
<p><a href="javascript:window.__pwned = 'link'">tap here</a> and <img src="x" onerror="window.__pwned = 'broken-img'"></p>
<iframe srcdoc="<script>parent.__pwned = 'frame'</script>"></iframe>
<svg onload="window.__pwned = 'svg'"><script>window.__pwned = 'svg-script'</script></svg>
</body></html>`

describe('export and import in chromium (serve mode)', () => {
  const dir = tmpDir('folio-e2e-export-import-')
  let serve: ServeProcess
  let browser: Browser
  let page: Page
  const consoleErrors: string[] = []

  beforeAll(async () => {
    ;({ serve, browser, page } = await openAppInBrowser(join(dir.path, 'data'), { width: 1280, height: 860 }, consoleErrors))
    await page.goto(serve.loginUrl)
    await page.getByRole('button', { name: 'New article' }).waitFor()
  })

  afterAll(async () => {
    await browser?.close()
    await serve?.stop()
    dir.cleanup()
  })

  it('imports an HTML page as a new article, and nothing in it runs in the editor', async () => {
    await page.evaluate(() => ((window as unknown as { __pwned: unknown }).__pwned = null))
    await page.getByTestId('article-import-input').setInputFiles({ name: 'harbour.html', mimeType: 'text/html', buffer: Buffer.from(HOSTILE) })

    await expect.poll(() => page.getByRole('textbox', { name: 'Title' }).inputValue(), { timeout: 20_000 }).toBe('Harbour notes 港口')
    const body = page.getByRole('textbox', { name: 'Article body' })
    await expect.poll(() => body.innerText()).toContain('Boats everywhere. 到处是船。')
    expect(await body.innerText()).toContain('tap here')

    const img = page.locator('.editor-content figure img').first()
    await expect.poll(() => img.evaluate((el) => (el as HTMLImageElement).complete && (el as HTMLImageElement).naturalWidth), { timeout: 10_000 }).toBe(40)
    expect(await img.getAttribute('alt')).toBe('Blue boat')
    expect(await img.getAttribute('src')).toMatch(/\/api\/image\/img_[0-9a-z]{12}/)

    // Click everything a script could hang on, then check nothing ran.
    await body.getByText('Boats').click()
    await body.getByText('tap here').click()
    await page.waitForTimeout(300)
    expect(await page.evaluate(() => (window as unknown as { __pwned: unknown }).__pwned)).toBeNull()
    const editorHtml = await page.locator('.editor-content').innerHTML()
    expect(editorHtml).not.toMatch(/<script|<iframe|<svg[^>]*onload|onerror=|onclick=|javascript:/i)
    expect(consoleErrors).toEqual([])

    // The warnings say what was removed.
    await expect.poll(() => page.locator('.toast').allInnerTexts()).toEqual([expect.stringMatching(/Removed <script> elements/)])
  })

  it('exports the open article as a Markdown bundle download from the Export dialog', async () => {
    await page.getByRole('button', { name: 'Export…' }).click()
    const dialog = page.getByRole('dialog', { name: 'Export article' })
    await dialog.waitFor()
    expect(await dialog.getByRole('radio', { name: /Markdown bundle/ }).isChecked()).toBe(true)
    expect(serious(await axeViolations(page))).toEqual([])

    const [download] = await Promise.all([page.waitForEvent('download'), dialog.getByRole('button', { name: 'Export', exact: true }).click()])
    expect(download.suggestedFilename()).toBe('Harbour-notes-港口.zip')
    const file = join(dir.path, 'bundle.zip')
    await download.saveAs(file)
    const files = unzipSync(readFileSync(file))
    const md = strFromU8(files['article.md'])
    expect(md).toContain('# Harbour notes 港口\n')
    expect(md).toContain('Boats **everywhere**. 到处是船。')
    const link = /!\[Blue boat\]\((images\/[^)\s]+)\)/.exec(md)?.[1] as string
    expect(new Uint8Array(files[link])).toEqual(new Uint8Array(PNG))
    await dialog.waitFor({ state: 'detached' })
  })

  it('exports a PDF with the chosen paper size', async () => {
    await page.getByRole('button', { name: 'Export…' }).click()
    const dialog = page.getByRole('dialog', { name: 'Export article' })
    await dialog.getByRole('radio', { name: 'PDF' }).check()
    await dialog.getByLabel('Paper size').selectOption('letter')
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 30_000 }), dialog.getByRole('button', { name: 'Export', exact: true }).click()])
    expect(download.suggestedFilename()).toBe('Harbour-notes-港口.pdf')
    const file = join(dir.path, 'a.pdf')
    await download.saveAs(file)
    expect(execFileSync('pdfinfo', [file], { encoding: 'utf8' })).toMatch(/Page size:\s+612 x 792 pts \(letter\)/)
    expect(execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' })).toContain('Boats everywhere. 到处是船。')
  })

  it('stops a PDF export when Cancel is pressed while it runs: the dialog closes and nothing downloads', async () => {
    await page.getByRole('button', { name: 'Export…' }).click()
    const dialog = page.getByRole('dialog', { name: 'Export article' })
    await dialog.getByRole('radio', { name: 'PDF' }).check()
    const downloads: string[] = []
    const onDownload = (d: { suggestedFilename(): string }) => downloads.push(d.suggestedFilename())
    page.on('download', onDownload)
    await dialog.getByRole('button', { name: 'Export', exact: true }).click()
    await dialog.getByRole('button', { name: 'Exporting…' }).waitFor()
    await dialog.getByRole('button', { name: 'Cancel' }).click()
    await dialog.waitFor({ state: 'detached' })
    // Longer than the export takes when it is left to finish (the test above).
    await page.waitForTimeout(4000)
    page.off('download', onDownload)
    expect(downloads).toEqual([])
    expect(consoleErrors).toEqual([])
  })
})
