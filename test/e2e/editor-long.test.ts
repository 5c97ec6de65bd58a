/// <reference lib="dom" />
/**
 * Editing a long article, where chromium skips the layout of the top-level blocks off screen
 * (`content-visibility: auto`, kept off the caret's block): typing at the far end and the start
 * (Ctrl+End put the caret at the start of the last paragraph until the editor took those keys), Enter
 * then typing at once, a list made straight after a new paragraph, selecting to the end, select-all
 * and replace — all reach the document and survive a reload.
 */
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createServices } from '../../src/main/app'
import { openAppInBrowser } from '../helpers/app-browser'
import type { ServeProcess } from '../helpers/serve-process'
import { tmpDir } from '../helpers/tmp'

const PARAGRAPHS = 400
const para = (i: number) => ({ type: 'paragraph', content: [{ type: 'text', text: `Paragraph ${i}: ${'a sentence of the long article. '.repeat(6).trim()}` }] })

describe('a long article in chromium (serve mode)', () => {
  const dir = tmpDir('folio-e2e-long-')
  const data = join(dir.path, 'data')
  let serve: ServeProcess
  let browser: Browser
  let page: Page
  const consoleErrors: string[] = []

  beforeAll(async () => {
    const s = createServices({ dataDir: data, library: { resumeImports: false } })
    try {
      await s.router.call('articles.create', { title: 'Long', doc: { type: 'doc', content: Array.from({ length: PARAGRAPHS }, (_, i) => para(i)) } })
    } finally {
      await s.dispose()
    }
    ;({ serve, browser, page } = await openAppInBrowser(data, { width: 1280, height: 800 }, consoleErrors))
  })

  afterAll(async () => {
    await browser?.close()
    await serve?.stop()
    dir.cleanup()
  })

  const body = () => page.getByRole('textbox', { name: 'Article body' })
  const blocks = () => body().locator(':scope > *')

  it('skips the layout of blocks off screen, never the one with the caret', async () => {
    await page.goto(serve.loginUrl)
    await page.getByTestId('article-item').filter({ hasText: 'Long' }).click()
    await expect.poll(() => blocks().count(), { timeout: 10_000 }).toBe(PARAGRAPHS)
    const style = (i: number) => blocks().nth(i).evaluate((el) => getComputedStyle(el).contentVisibility)
    await blocks().nth(2).click()
    expect(await style(300)).toBe('auto')
    expect(await style(2)).toBe('visible')
  })

  it('types at the very end and at the start, and a list made right after Enter stays a list', async () => {
    await body().click()
    await page.keyboard.press('Control+End')
    await page.keyboard.type(' The end.')
    await page.keyboard.press('Enter')
    await page.keyboard.type('- first point')
    await page.keyboard.press('Enter')
    await page.keyboard.type('second point')
    await page.keyboard.press('Control+Home')
    await page.keyboard.type('Opening words. ')

    await expect.poll(() => blocks().first().textContent()).toMatch(/^Opening words\. Paragraph 0:/)
    expect(await blocks().nth(PARAGRAPHS - 1).textContent()).toMatch(/The end\.$/)
    expect(await body().locator(':scope > ul > li').allTextContents()).toEqual(['first point', 'second point'])

    await expect.poll(() => page.getByTestId('save-status').textContent(), { timeout: 10_000 }).toMatch(/Saved/)
    await page.reload()
    await page.getByTestId('article-item').filter({ hasText: 'Long' }).click()
    await expect.poll(() => blocks().first().textContent(), { timeout: 10_000 }).toMatch(/^Opening words\./)
    expect(await body().locator(':scope > ul > li').allTextContents()).toEqual(['first point', 'second point'])
  })

  it('selects to the end with Shift+Ctrl+End, across blocks never laid out', async () => {
    await blocks().nth(1).click()
    // The editor reads a click's selection a task later; a person's next key comes later still.
    await expect.poll(() => blocks().nth(1).getAttribute('class')).toContain('is-caret-block')
    await page.keyboard.press('Shift+Control+End')
    await page.keyboard.type('Cut.')
    await expect.poll(() => blocks().count()).toBe(2)
    expect(await blocks().nth(1).textContent()).toMatch(/Cut\.$/)
    await page.keyboard.press('Control+z')
    await expect.poll(() => blocks().count()).toBeGreaterThan(PARAGRAPHS)
  })

  it('replaces the whole article after select-all, and one undo brings it back', async () => {
    await body().click()
    await page.keyboard.press('Control+a')
    await page.keyboard.type('Short now.')
    await expect.poll(() => blocks().count()).toBe(1)
    expect(await body().textContent()).toBe('Short now.')
    await page.keyboard.press('Control+z')
    await expect.poll(() => blocks().count()).toBeGreaterThan(PARAGRAPHS)
    expect(consoleErrors).toEqual([])
  })
})
