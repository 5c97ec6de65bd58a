/// <reference lib="dom" />
/**
 * Interleaved composition in the editor, in chromium against a real serve process with the tiny
 * writer model: compose from the dialog (the article streams in, suggestions become figures with
 * their candidates, one undo step each), add an image at a paragraph, every paragraph action and
 * its undo, and Stop.
 */
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FolioClient } from '../../src/shared/client'
import { axeViolations, serious } from '../helpers/app-browser'
import { openAppWithWriterAndLibrary, type LibraryImage } from '../helpers/app-with-library'
import type { ServeProcess } from '../helpers/serve-process'
import { tmpDir } from '../helpers/tmp'

/** Captions set by hand (no vision model): three to pick for the article, two lighthouses to search for. */
const LIBRARY: LibraryImage[] = [
  { name: 'harbour.png', rgb: [10, 120, 200], caption: 'Fishing boats in a quiet harbour at dawn' },
  { name: 'market.png', rgb: [120, 160, 40], caption: 'Fish market stalls with crates of fresh fish' },
  { name: 'bridge.png', rgb: [90, 90, 90], caption: 'An old stone bridge over the river' },
  { name: 'white-tower.png', rgb: [240, 240, 235], caption: 'A white lighthouse on a rocky cliff' },
  { name: 'red-tower.png', rgb: [200, 30, 30], caption: 'A red lighthouse at sunset' },
]
const PICKED = ['harbour.png', 'market.png', 'bridge.png']

describe('composition in chromium (serve mode)', () => {
  const dir = tmpDir('folio-e2e-compose-')
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

  const body = () => page.getByRole('textbox', { name: 'Article body' })
  const figures = () => page.locator('.editor-content figure')
  const spots = () => page.getByTestId('compose-spot')
  const bar = () => page.getByTestId('compose-bar')
  const figureIds = () => figures().evaluateAll((els) => els.map((e) => e.getAttribute('data-image-id')))
  /** The article's text blocks (not figures), without the empty paragraph the editor keeps at the end. */
  const bodyText = () =>
    body().evaluate((el) =>
      Array.from(el.querySelectorAll(':scope > p, :scope > h1, :scope > h2, :scope > h3, :scope > ul, :scope > ol, :scope > blockquote'))
        .map((n) => n.textContent)
        .join('\n')
        .trimEnd(),
    )
  /** Waits for the composition bar to report the end of a run (done, stopped or failed). */
  const finished = async (timeout = 90_000) => {
    await expect.poll(() => bar().getAttribute('data-phase'), { timeout }).toMatch(/^(done|stopped|error)$/)
    return bar().getAttribute('data-phase')
  }
  /** Closes the bar of the previous run, so the next wait sees the next run. */
  const closeBar = async () => {
    if ((await bar().count()) > 0) await bar().getByRole('button', { name: 'Close' }).click()
    await expect.poll(() => bar().count()).toBe(0)
  }
  /** The cursor at the end of the first paragraph with text. */
  const cursorInFirstParagraph = async () => {
    await body().locator(':scope > p').filter({ hasText: /\S/ }).first().click()
    await page.keyboard.press('End')
  }

  it('composes from the dialog: the article streams in and the suggestions become figures with candidates', { timeout: 180_000 }, async () => {
    await page.goto(serve.loginUrl)
    await page.getByRole('button', { name: 'New article' }).click()
    await body().waitFor()
    await page.getByRole('button', { name: 'Compose', exact: true }).click()
    const dialog = page.getByRole('dialog', { name: 'Compose' })
    await dialog.waitFor()
    // An empty document: no "keep the text" choice.
    expect(await dialog.getByRole('radio', { name: 'Keep the text, place the images again' }).count()).toBe(0)

    // Validation: an instruction is required; picking needs a pick.
    await dialog.getByRole('radio', { name: 'Only the images I pick' }).check()
    await dialog.getByRole('button', { name: 'Compose' }).click()
    expect(await dialog.locator('.field-error').allTextContents()).toEqual(['Write an instruction.', 'Pick at least one image.'])
    expect(await dialog.getByLabel('Instruction').getAttribute('aria-invalid')).toBe('true')
    expect(await page.evaluate(() => document.activeElement?.id ?? '')).toBe(await dialog.getByLabel('Instruction').getAttribute('id'))

    await dialog.getByLabel('Instruction').fill('Write about a harbour town by the sea.')
    await dialog.getByLabel('Length (words)').fill('50')
    await dialog.getByLabel('Number of images').selectOption('2')
    for (const name of PICKED) await dialog.getByRole('button', { name: `Pick ${name}` }).click()
    expect(await dialog.getByRole('button', { name: 'Pick harbour.png' }).getAttribute('aria-pressed')).toBe('true')
    expect(await dialog.getByText('3 picked').count()).toBe(1)
    expect(serious(await axeViolations(page))).toEqual([])
    await dialog.getByRole('button', { name: 'Compose' }).click()
    await expect.poll(() => dialog.count()).toBe(0)

    expect(await finished()).toBe('done')
    expect((await bodyText()).trim().length).toBeGreaterThan(0)
    // Every suggestion became a figure of a picked image, keeping the picks as its candidates.
    expect(await spots().count()).toBe(0)
    const placed = await figureIds()
    expect(placed.length).toBeGreaterThanOrEqual(1)
    expect(placed.length).toBeLessThanOrEqual(2)
    const picked = PICKED.map((n) => ids.get(n))
    for (const id of placed) expect(picked).toContain(id)
    expect(new Set(placed).size).toBe(placed.length)
    const first = figures().first()
    expect(await first.getByRole('button', { name: /^Candidates/ }).count()).toBe(1)
    // Autosave kept up: the saved article holds the figures with their candidates.
    const savedFigures = async () => {
      const { articles } = await api.client.call('articles.list', { trashed: false })
      const article = await api.client.call('articles.get', { id: articles[0].id })
      return (article.doc.content ?? []).filter((n) => n.type === 'figure').map((n) => [n.attrs?.imageId, (n.attrs?.candidates as string[]).length > 0])
    }
    await expect.poll(savedFigures, { timeout: 15_000 }).toEqual(placed.map((id) => [id, true]))

    // One undo step takes the images away, the next the whole article; redo brings both back.
    const text = await bodyText()
    await cursorInFirstParagraph()
    await page.keyboard.press('Control+z')
    await expect.poll(() => figures().count()).toBe(0)
    expect(await bodyText()).toBe(text)
    await page.keyboard.press('Control+z')
    await expect.poll(bodyText).toBe('')
    await page.keyboard.press('Control+Shift+z')
    await page.keyboard.press('Control+Shift+z')
    await expect.poll(figureIds).toEqual(placed)
    expect(await bodyText()).toBe(text)
    await closeBar()
  })

  it('adds an image at a paragraph: the suggestion finds the picture its caption describes', async () => {
    await cursorInFirstParagraph()
    const before = await figures().count()
    await page.keyboard.press('Control+j')
    const menu = page.getByRole('dialog', { name: 'Paragraph actions' })
    await menu.waitFor()
    expect(serious(await axeViolations(page))).toEqual([])
    await menu.getByLabel('Instruction (optional)').fill('a lighthouse')
    await menu.getByRole('button', { name: 'Add an image here' }).click()
    await expect.poll(() => figures().count(), { timeout: 60_000 }).toBe(before + 1)
    expect(await spots().count()).toBe(0)
    const lighthouses = ['white-tower.png', 'red-tower.png'].map((n) => ids.get(n))
    const added = (await figureIds()).filter((id) => lighthouses.includes(id!))
    expect(added).toHaveLength(1)
    const figure = page.locator(`.editor-content figure[data-image-id="${added[0]}"]`)
    expect(await figure.locator('figcaption').textContent()).toBe('a lighthouse')
    // The suggestion went right after the paragraph holding the cursor.
    expect(await figure.evaluate((el) => (el.closest('.react-renderer') ?? el).previousElementSibling?.tagName)).toBe('P')
  })

  for (const [label, action] of [
    ['Rewrite', 'replaces'],
    ['Expand', 'replaces'],
    ['Shorten', 'replaces'],
    ['Translate (English ↔ 中文)', 'replaces'],
    ['Continue writing', 'inserts'],
    ['Insert a paragraph before', 'inserts'],
    ['Insert a paragraph after', 'inserts'],
  ] as const) {
    it(`paragraph action "${label}" streams in place and one undo restores the text`, async () => {
      await cursorInFirstParagraph()
      const target = await body().locator(':scope > p').filter({ hasText: /\S/ }).first().textContent()
      const before = await bodyText()
      await page.keyboard.press('Control+j')
      const menu = page.getByRole('dialog', { name: 'Paragraph actions' })
      await menu.getByLabel('Instruction (optional)').fill('keep it short')
      await menu.getByRole('button', { name: label, exact: true }).click()
      expect(await finished()).toBe('done')
      expect(await bar().getAttribute('data-stage')).toBe('paragraph')
      const after = await bodyText()
      expect(after).not.toBe(before)
      // Inserting keeps the paragraph; the others replace it.
      if (action === 'inserts') expect(after).toContain(target!)
      await page.keyboard.press('Control+z')
      await expect.poll(bodyText).toBe(before)
      await closeBar()
    })
  }

  it('Stop keeps what was written and offers to add the images', async () => {
    const before = await bodyText()
    await page.getByRole('button', { name: 'Compose', exact: true }).click()
    const dialog = page.getByRole('dialog', { name: 'Compose' })
    // With text in the article: write more, or only place the images again.
    expect(await dialog.getByRole('radio', { name: 'Write an article' }).isChecked()).toBe(true)
    await dialog.getByLabel('Length (words)').fill('5000')
    await dialog.getByRole('radio', { name: 'Search my library' }).check()
    await dialog.getByRole('button', { name: 'Compose' }).click()
    // Stop at once: the tiny model may finish quickly on a fast machine.
    await bar().getByRole('button', { name: 'Stop' }).click()
    expect(await finished()).toBe('stopped')
    expect(await bar().textContent()).toContain('Stopped. What was written is kept.')
    expect((await bodyText()).startsWith(before)).toBe(true)
    // Stopped while writing (the model can also end its text at once and be stopped while placing images).
    const stage = await bar().getAttribute('data-stage')
    expect(await bar().getByRole('button', { name: 'Add images' }).count()).toBe(stage === 'writing' ? 1 : 0)
    if (stage !== 'writing') for (const status of await page.getByTestId('compose-spot-status').allTextContents()) expect(status).toMatch(/Stopped before a picture was chosen/)
    await closeBar()
    expect(consoleErrors).toEqual([])
  })
})
