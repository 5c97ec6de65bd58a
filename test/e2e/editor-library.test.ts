/// <reference lib="dom" />
/** The editor's Images panel: an image imported to the library is inserted into an article with a click. */
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { axeViolations, openAppInBrowser, serious } from '../helpers/app-browser'
import type { ServeProcess } from '../helpers/serve-process'
import { makePng, tmpDir } from '../helpers/tmp'

describe('editor Images panel in chromium (serve mode)', () => {
  const dir = tmpDir('folio-e2e-editor-library-')
  let serve: ServeProcess
  let browser: Browser
  let page: Page
  const consoleErrors: string[] = []

  beforeAll(async () => {
    ;({ serve, browser, page } = await openAppInBrowser(join(dir.path, 'data'), { width: 1280, height: 860 }, consoleErrors))
  })

  afterAll(async () => {
    await browser?.close()
    await serve?.stop()
    dir.cleanup()
  })

  it('inserts a library image at the cursor from the Images panel', async () => {
    await page.goto(serve.loginUrl)
    await page.getByRole('button', { name: 'Library', exact: true }).click()
    await page.getByRole('heading', { name: 'Library', level: 2 }).waitFor()
    await page.getByTestId('library-input').setInputFiles({ name: 'harbour.png', mimeType: 'image/png', buffer: Buffer.from(makePng(60, 40, [10, 120, 200])) })
    await expect.poll(() => page.getByTestId('library-item').count(), { timeout: 20_000 }).toBe(1)
    const imageId = await page.getByTestId('library-item').first().getAttribute('data-image-id')
    expect(imageId).toMatch(/^img_[0-9a-z]{12}$/)

    await page.getByRole('button', { name: 'Articles', exact: true }).click()
    await page.getByRole('button', { name: 'New article' }).click()
    await page.getByRole('textbox', { name: 'Title' }).fill('Harbours')
    await page.getByRole('textbox', { name: 'Article body' }).click()
    await page.keyboard.type('Boats at dawn.')

    const toggle = page.getByRole('button', { name: 'Images', exact: true })
    expect(await toggle.getAttribute('aria-expanded')).toBe('false')
    await toggle.click()
    expect(await toggle.getAttribute('aria-expanded')).toBe('true')
    const panel = page.getByRole('region', { name: 'Images' })
    const thumb = panel.getByRole('button', { name: 'Insert harbour.png' })
    await thumb.waitFor()
    expect(await thumb.getAttribute('data-image-id')).toBe(imageId)
    expect(await thumb.locator('img').getAttribute('src')).toMatch(new RegExp(`${imageId}\\?size=thumb$`))

    expect(serious(await axeViolations(page))).toEqual([])

    await thumb.click()
    const figure = page.locator('.editor-content figure').first()
    await figure.waitFor()
    const img = figure.locator('img')
    expect(await img.getAttribute('src')).toContain(imageId)
    await expect.poll(() => img.evaluate((el) => (el as HTMLImageElement).complete && (el as HTMLImageElement).naturalWidth), { timeout: 10_000 }).toBe(60)
    // Only one figure, and the text typed before is still there.
    expect(await page.locator('.editor-content figure').count()).toBe(1)
    expect(await page.getByRole('textbox', { name: 'Article body' }).textContent()).toContain('Boats at dawn.')
    expect(consoleErrors).toEqual([])
  })
})
