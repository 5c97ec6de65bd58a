/// <reference lib="dom" />
/**
 * A figure keeps its candidates: edit the caption, "Search again" (library search + the writer
 * model's choice, in a real serve process with the tiny model), swap with a click, undo.
 */
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FolioClient } from '../../src/shared/client'
import { axeViolations, serious } from '../helpers/app-browser'
import { openAppWithWriterAndLibrary, type LibraryImage } from '../helpers/app-with-library'
import type { ServeProcess } from '../helpers/serve-process'
import { tmpDir } from '../helpers/tmp'

/** Captions set by hand (no vision model needed): three lighthouses the search finds, two it must not. */
const LIBRARY: LibraryImage[] = [
  { name: 'harbour.png', rgb: [10, 120, 200], caption: 'Fishing boats moored in a quiet harbour at dawn' },
  { name: 'white-tower.png', rgb: [240, 240, 235], caption: 'A white lighthouse on a rocky cliff' },
  { name: 'red-tower.png', rgb: [200, 30, 30], caption: 'A red lighthouse at sunset' },
  { name: 'storm-tower.png', rgb: [40, 40, 70], caption: 'Lighthouse beam over a stormy night' },
  { name: 'market.png', rgb: [120, 160, 40], caption: 'Fish market stalls with crates of fresh fish' },
]

describe('figure candidates in chromium (serve mode)', () => {
  const dir = tmpDir('folio-e2e-figure-candidates-')
  const dataDir = join(dir.path, 'data')
  let serve: ServeProcess
  let browser: Browser
  let page: Page
  let api: { client: FolioClient; close(): void }
  let ids: Map<string, string>
  const consoleErrors: string[] = []

  beforeAll(async () => {
    ;({ serve, browser, page, api, ids } = await openAppWithWriterAndLibrary(dataDir, LIBRARY, consoleErrors))
  })

  afterAll(async () => {
    api?.close()
    await browser?.close()
    await serve?.stop()
    dir.cleanup()
  })

  const figure = () => page.locator('.editor-content figure').first()
  const figureImageId = () => figure().locator('.figure-media img').getAttribute('src').then((s) => /img_[0-9a-z]{12}/.exec(s ?? '')?.[0] ?? null)
  const candidates = () => figure().getByRole('group', { name: 'Other images for this spot' }).getByRole('button')
  const pressedId = () => figure().locator('.figure-candidate[aria-pressed="true"]').getAttribute('data-image-id')

  /** Replaces the caption's text by typing, as a user would. */
  async function retypeCaption(text: string) {
    await figure().locator('figcaption').click()
    await page.keyboard.press('End')
    await page.keyboard.press('Shift+Home')
    await page.keyboard.type(text)
  }

  it('searches again with an edited caption, swaps with a click, and undoes the swap', async () => {
    await page.goto(serve.loginUrl)
    await page.getByRole('button', { name: 'New article' }).click()
    await page.getByRole('textbox', { name: 'Title' }).fill('The coast')
    await page.getByRole('textbox', { name: 'Article body' }).click()
    await page.keyboard.type('The coast at dawn, with boats and a tower on the cliff.')
    await page.keyboard.press('Enter')

    await page.getByRole('button', { name: 'Images', exact: true }).click()
    await page.getByRole('region', { name: 'Images' }).getByRole('button', { name: 'Insert harbour.png' }).click()
    await figure().waitFor()
    expect(await figureImageId()).toBe(ids.get('harbour.png'))
    await page.getByRole('button', { name: 'Images', exact: true }).click()
    // Inserted by hand: no candidates yet, so no gallery toggle.
    expect(await figure().getByRole('button', { name: /^Candidates/ }).count()).toBe(0)

    // A caption nothing in the library matches: a clear message, and Retry.
    await retypeCaption('Zebra xylophone')
    await figure().getByRole('button', { name: 'Search again' }).click()
    const alert = figure().getByRole('alert')
    await expect.poll(() => alert.textContent(), { timeout: 30_000 }).toMatch(/No matching image in your library/)
    expect(await alert.getByRole('button', { name: 'Retry' }).count()).toBe(1)
    expect(await figureImageId()).toBe(ids.get('harbour.png'))

    await retypeCaption('A lighthouse on the cliff')
    await figure().getByRole('button', { name: 'Search again' }).click()
    const lighthouses = ['white-tower.png', 'red-tower.png', 'storm-tower.png'].map((n) => ids.get(n)!)
    await expect.poll(() => candidates().count(), { timeout: 60_000 }).toBe(3)
    expect(await figure().getByRole('alert').count()).toBe(0)
    const listed = await candidates().evaluateAll((els) => els.map((e) => e.getAttribute('data-image-id')))
    expect([...listed].sort()).toEqual([...lighthouses].sort())
    const chosen = await figureImageId()
    expect(lighthouses).toContain(chosen)
    expect(await pressedId()).toBe(chosen)
    // The chosen image's library caption becomes the alt text; the typed caption stays.
    const chosenCaption = LIBRARY.find((f) => ids.get(f.name) === chosen)!.caption
    expect(await figure().locator('.figure-media img').getAttribute('alt')).toBe(chosenCaption)
    expect(await figure().locator('figcaption').textContent()).toBe('A lighthouse on the cliff')
    await expect.poll(() => candidates().evaluateAll((els) => els.every((e) => (e.getAttribute('aria-label') ?? '').includes('lighthouse') || (e.getAttribute('aria-label') ?? '').includes('Lighthouse')))).toBe(true)

    expect(serious(await axeViolations(page))).toEqual([])

    // Swap with one click.
    const other = lighthouses.find((id) => id !== chosen)!
    await figure().locator(`.figure-candidate[data-image-id="${other}"]`).click()
    await expect.poll(figureImageId).toBe(other)
    expect(await pressedId()).toBe(other)
    await expect.poll(() => figure().locator('.figure-media img').evaluate((el) => (el as HTMLImageElement).complete && (el as HTMLImageElement).naturalWidth > 0)).toBe(true)

    // Ctrl+Z restores the image the search chose (focus is still on the gallery).
    await page.keyboard.press('Control+z')
    await expect.poll(figureImageId).toBe(chosen)
    expect(await pressedId()).toBe(chosen)

    // Keyboard: arrows move between candidates, Enter swaps.
    const focusedId = () => page.evaluate(() => document.activeElement?.getAttribute('data-image-id') ?? null)
    await figure().locator(`.figure-candidate[data-image-id="${chosen}"]`).focus()
    await page.keyboard.press('End')
    const last = listed[listed.length - 1]
    expect(await focusedId()).toBe(last)
    await page.keyboard.press('Home')
    expect(await focusedId()).toBe(listed[0])
    await page.keyboard.press('ArrowRight')
    expect(await focusedId()).toBe(listed[1])
    await page.keyboard.press('ArrowLeft')
    await page.keyboard.press('ArrowLeft')
    expect(await focusedId()).toBe(last)
    const target = listed.find((id) => id !== chosen)!
    await figure().locator(`.figure-candidate[data-image-id="${target}"]`).focus()
    await page.keyboard.press('Enter')
    await expect.poll(figureImageId).toBe(target)

    // The saved document holds the candidates.
    const articleId = (await api.client.call('articles.list', {})).articles.find((a) => a.title === 'The coast')!.id
    const savedFigure = async () => {
      const doc = (await api.client.call('articles.get', { id: articleId })).doc
      return doc.content?.find((n) => n.type === 'figure')?.attrs ?? null
    }
    await expect.poll(savedFigure, { timeout: 15_000 }).toMatchObject({ imageId: target })
    expect([...((await savedFigure())!.candidates as string[])].sort()).toEqual([...lighthouses].sort())

    // Undo the keyboard swap, then the search itself: one step each, back to the hand-inserted image.
    await page.keyboard.press('Control+z')
    await expect.poll(figureImageId).toBe(chosen)
    await page.keyboard.press('Control+z')
    await expect.poll(figureImageId).toBe(ids.get('harbour.png'))
    expect(await figure().locator('.figure-candidates').count()).toBe(0)
    expect(await figure().locator('figcaption').textContent()).toBe('A lighthouse on the cliff')
    expect(consoleErrors).toEqual([])
  })

  it('points to the Models screen when no writing model is set, and keeps the figure as it was', async () => {
    const { models } = await api.client.call('models.list', {})
    for (const m of models) await api.client.call('models.remove', { id: m.id })
    await figure().getByRole('button', { name: 'Search again' }).click()
    const alert = figure().getByRole('alert')
    await expect.poll(() => alert.textContent(), { timeout: 30_000 }).toMatch(/No writing model is set up\. Add one on the Models screen/)
    expect(await figureImageId()).toBe(ids.get('harbour.png'))
    expect(await figure().getByRole('button', { name: 'Search again' }).count()).toBe(1)
    expect(await alert.getByRole('button', { name: 'Retry' }).count()).toBe(1)
  })
})
