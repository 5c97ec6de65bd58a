/// <reference lib="dom" />
import { copyFileSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { axeViolations, openAppInBrowser, serious } from '../helpers/app-browser'
import { ROOT, type ServeProcess } from '../helpers/serve-process'
import { makePng, tmpDir } from '../helpers/tmp'

describe('editor in chromium (serve mode)', () => {
  const dir = tmpDir('folio-e2e-')
  let serve: ServeProcess
  let browser: Browser
  let page: Page
  const consoleErrors: string[] = []

  beforeAll(async () => {
    ;({ serve, browser, page } = await openAppInBrowser(join(dir.path, 'data'), { width: 1280, height: 800 }, consoleErrors))
  })

  afterAll(async () => {
    await browser?.close()
    await serve?.stop()
    dir.cleanup()
  })

  it('refuses a wrong token', async () => {
    const res = await page.goto(`${serve.baseUrl}?token=wrong-token-wrong-token`)
    expect(res?.status()).toBe(401)
    expect(await page.textContent('body')).toMatch(/not signed in/)
  })

  it('logs in with the printed URL and drops the token from the address bar', async () => {
    await page.goto(serve.loginUrl)
    expect(page.url()).toBe(serve.baseUrl)
    await page.getByRole('button', { name: 'New article' }).waitFor()
    // The refused-token page above logs its 401; only errors of the signed-in app count.
    consoleErrors.length = 0
  })

  it('creates an article, formats text, inserts a figure, and finds it all after a reload', async () => {
    await page.getByRole('button', { name: 'New article' }).click()
    const title = page.getByRole('textbox', { name: 'Title' })
    await expect.poll(() => title.inputValue(), { timeout: 5_000 }).toBe('')
    await title.fill('The history of the bicycle')
    const body = page.getByRole('textbox', { name: 'Article body' })
    await body.click()
    await page.keyboard.type('## Early designs')
    await page.keyboard.press('Enter')
    await page.keyboard.type('The draisine of 1817 had ')
    await page.keyboard.press('Control+b')
    await page.keyboard.type('no pedals')
    await page.keyboard.press('Control+b')
    await page.keyboard.type('.')
    await page.keyboard.press('Enter')
    await page.keyboard.type('- wooden frame')
    await page.keyboard.press('Enter')
    await page.keyboard.type('iron tyres')
    await page.keyboard.press('Enter')
    await page.keyboard.press('Enter')
    await page.keyboard.type('> Cycling is freedom.')
    await page.keyboard.press('Enter')
    await page.keyboard.press('Enter')

    await page.getByTestId('image-input').setInputFiles({ name: 'draisine.png', mimeType: 'image/png', buffer: Buffer.from(makePng(40, 30)) })
    const figure = page.locator('figure').first()
    await figure.waitFor()
    await expect.poll(() => figure.locator('img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(40)
    await figure.locator('figcaption').click()
    await page.keyboard.type('A draisine, around 1820')
    await figure.getByLabel('Alt text').fill('Wooden running machine')

    await expect.poll(() => page.getByTestId('save-status').textContent(), { timeout: 10_000 }).toMatch(/Saved|已保存/)

    await page.reload()
    await page.getByTestId('article-item').filter({ hasText: 'The history of the bicycle' }).click()
    const reloaded = page.getByRole('textbox', { name: 'Article body' })
    await expect.poll(() => reloaded.locator('h2').textContent()).toBe('Early designs')
    expect(await reloaded.locator('strong').textContent()).toBe('no pedals')
    expect(await reloaded.locator('ul li').allTextContents()).toEqual(['wooden frame', 'iron tyres'])
    expect(await reloaded.locator('blockquote').textContent()).toBe('Cycling is freedom.')
    const fig = reloaded.locator('figure')
    expect(await fig.locator('figcaption').textContent()).toBe('A draisine, around 1820')
    expect(await fig.locator('img').getAttribute('alt')).toBe('Wooden running machine')
    expect(await fig.locator('img').getAttribute('src')).toMatch(/^\/api\/image\/img_[0-9a-z]{12}$/)
    await expect.poll(() => fig.locator('img').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(40)

    mkdirSync(join(ROOT, 'test-results'), { recursive: true })
    await page.screenshot({ path: join(ROOT, 'test-results', 'screenshot.png') })
    if (process.env.UPDATE_SCREENSHOT) copyFileSync(join(ROOT, 'test-results', 'screenshot.png'), join(ROOT, 'docs', 'screenshot.png'))
  })

  it('saves a version and restores it', async () => {
    await page.getByRole('button', { name: 'Versions' }).click()
    page.once('dialog', (d) => void d.accept('Before the rewrite'))
    await page.getByRole('button', { name: 'Save version' }).click()
    await page.getByText('Before the rewrite').waitFor()

    const body = page.getByRole('textbox', { name: 'Article body' })
    await body.locator('h2').click()
    await page.keyboard.press('End')
    await page.keyboard.type(' and later ones')
    await expect.poll(() => page.getByTestId('save-status').textContent(), { timeout: 10_000 }).toMatch(/Saved|已保存/)

    await page
      .locator('li', { hasText: 'Before the rewrite' })
      .getByRole('button', { name: 'Restore' })
      .click()
    await expect.poll(() => body.locator('h2').textContent()).toBe('Early designs')
    await page.reload()
    await page.getByTestId('article-item').filter({ hasText: 'The history of the bicycle' }).click()
    await expect.poll(() => page.getByRole('textbox', { name: 'Article body' }).locator('h2').textContent()).toBe('Early designs')
  })

  it('moves an article to the trash and restores it', async () => {
    await page.getByRole('button', { name: 'New article' }).click()
    // The new, empty article is open (and its title focused) before typing.
    await expect.poll(() => page.getByRole('textbox', { name: 'Title' }).inputValue(), { timeout: 5_000 }).toBe('')
    await page.getByRole('textbox', { name: 'Title' }).fill('Scratch notes')
    await expect.poll(() => page.getByTestId('article-item').filter({ hasText: 'Scratch notes' }).count(), { timeout: 5_000 }).toBe(1)
    await page.getByRole('button', { name: 'Move to trash' }).click()
    await expect.poll(() => page.getByTestId('article-item').filter({ hasText: 'Scratch notes' }).count(), { timeout: 5_000 }).toBe(0)
    await page.getByRole('button', { name: 'Trash', exact: true }).click()
    const trashed = page.getByTestId('article-item').filter({ hasText: 'Scratch notes' })
    await trashed.getByRole('button', { name: 'Restore' }).click()
    await page.getByRole('button', { name: 'Articles', exact: true }).click()
    await expect.poll(() => page.getByTestId('article-item').filter({ hasText: 'Scratch notes' }).count(), { timeout: 5_000 }).toBe(1)
  })

  it('has no serious or critical accessibility violations on the main screens', async () => {
    await page.getByTestId('article-item').filter({ hasText: 'The history of the bicycle' }).click()
    await page.getByRole('textbox', { name: 'Article body' }).waitFor()
    expect(serious(await axeViolations(page))).toEqual([])
    await page.getByRole('button', { name: 'Trash', exact: true }).click()
    expect(serious(await axeViolations(page))).toEqual([])
  })

  it('logged no errors in the browser console', () => {
    expect(consoleErrors).toEqual([])
  })
})
