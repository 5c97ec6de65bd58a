/// <reference lib="dom" />
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { axeViolations, openAppInBrowser, serious } from '../helpers/app-browser'
import type { ServeProcess } from '../helpers/serve-process'
import { makePng, tmpDir } from '../helpers/tmp'
import { dropFiles, type DropFile } from '../helpers/drop'

const png = (name: string, rgb: [number, number, number], w = 64, h = 48): DropFile => ({
  name,
  type: 'image/png',
  b64: Buffer.from(makePng(w, h, rgb)).toString('base64'),
})

describe('library in chromium (serve mode)', () => {
  const dir = tmpDir('folio-e2e-library-')
  let serve: ServeProcess
  let browser: Browser
  let page: Page
  const consoleErrors: string[] = []
  let jpeg: DropFile

  const item = (name: string) => page.getByRole('option', { name: new RegExp(name.replace('.', '\\.')) })
  const items = () => page.getByTestId('library-item')
  const search = () => page.getByRole('searchbox', { name: 'Search images' })

  beforeAll(async () => {
    const buf = await sharp({ create: { width: 120, height: 80, channels: 3, background: { r: 20, g: 90, b: 200 } } }).jpeg().toBuffer()
    jpeg = { name: 'sea.jpg', type: 'image/jpeg', b64: buf.toString('base64') }
    ;({ serve, browser, page } = await openAppInBrowser(join(dir.path, 'data'), { width: 1280, height: 860 }, consoleErrors))
  })

  afterAll(async () => {
    await browser?.close()
    await serve?.stop()
    dir.cleanup()
  })

  it('opens the Library from the sidebar', async () => {
    await page.goto(serve.loginUrl)
    const nav = page.getByRole('button', { name: 'Library', exact: true })
    await nav.click()
    await page.getByRole('heading', { name: 'Library', level: 2 }).waitFor()
    expect(await nav.getAttribute('aria-pressed')).toBe('true')
    await page.getByText('No images yet.', { exact: false }).waitFor()
  })

  it('imports dropped files, shows thumbnails and lists the rejected ones with reasons', async () => {
    const bogus: DropFile = { name: 'notes.jpg', type: 'image/jpeg', b64: Buffer.from('not really a jpeg').toString('base64') }
    const text: DropFile = { name: 'readme.txt', type: 'text/plain', b64: Buffer.from('hello').toString('base64') }
    await dropFiles(page, '[data-testid="library-drop"]', [png('red.png', [220, 30, 30]), png('green.png', [30, 200, 60], 80, 60), jpeg, bogus, text])
    await expect.poll(() => items().count(), { timeout: 20_000 }).toBe(3)
    await page.getByTestId('library-import-summary').waitFor()
    expect(await page.getByTestId('library-import-summary').textContent()).toMatch(/Imported 3/)
    const rejected = (await page.getByTestId('library-rejected').textContent()) ?? ''
    expect(rejected).toContain('notes.jpg')
    expect(rejected).toContain('readme.txt')
    expect(rejected).toContain('not an image file')
    // Thumbnails load (256 px WebP from ?size=thumb).
    const img = item('red.png').locator('img')
    expect(await img.getAttribute('src')).toMatch(/\/api\/image\/img_[0-9a-z]{12}\?size=thumb$/)
    await expect.poll(() => img.evaluate((el) => (el as HTMLImageElement).naturalWidth), { timeout: 10_000 }).toBeGreaterThan(0)
    expect(await page.getByTestId('library-count').textContent()).toBe('3 images')
  })

  it('imports through the file picker too', async () => {
    await page.getByTestId('library-input').setInputFiles({ name: 'blue.png', mimeType: 'image/png', buffer: Buffer.from(makePng(50, 50, [20, 20, 230])) })
    await expect.poll(() => items().count(), { timeout: 20_000 }).toBe(4)
  })

  it('edits captions in the detail panel and finds them by search (English and Chinese)', async () => {
    const setCaption = async (name: string, caption: string) => {
      await item(name).click()
      const panel = page.getByTestId('library-detail')
      await expect.poll(async () => (await panel.getByTestId('detail-file-name').textContent()) ?? '').toBe(name)
      await panel.getByRole('textbox', { name: 'Caption' }).fill(caption)
      await panel.getByRole('button', { name: 'Save' }).click()
      await panel.getByText('Written by you').waitFor()
    }
    await setCaption('red.png', 'a red bicycle near the sea')
    await setCaption('green.png', '两只猫在沙发上')
    const panel = page.getByTestId('library-detail')
    expect(await panel.getByTestId('detail-caption-state').textContent()).toBe('Done')
    expect(await panel.getByRole('img', { name: 'Preview of green.png' }).getAttribute('src')).toMatch(/\?size=preview$/)

    await search().fill('bicycle')
    await expect.poll(async () => (await items().first().getAttribute('aria-label')) ?? '', { timeout: 10_000 }).toContain('red.png')
    expect(await page.getByTestId('library-count').textContent()).toMatch(/results?$/)
    await search().fill('猫')
    await expect.poll(async () => (await items().first().getAttribute('aria-label')) ?? '', { timeout: 10_000 }).toContain('green.png')
    await search().fill('')
    await expect.poll(() => items().count()).toBe(4)
  })

  it('supports keyboard navigation and multi-select', async () => {
    const grid = page.getByRole('listbox', { name: 'Images' })
    await item('blue.png').click()
    await page.keyboard.press('Shift+ArrowRight')
    await expect.poll(() => page.locator('[role="option"][aria-selected="true"]').count()).toBe(2)
    await item('red.png').click({ modifiers: ['Control'] })
    await expect.poll(() => page.locator('[role="option"][aria-selected="true"]').count()).toBe(3)
    await grid.focus()
    await page.keyboard.press('Home')
    await page.keyboard.press('Enter')
    await expect.poll(async () => (await page.getByTestId('detail-file-name').textContent()) ?? '').toBe('blue.png')
  })

  it('inserts a dragged library image into an article, then warns when trashing it', async () => {
    const redId = (await item('red.png').getAttribute('data-image-id')) ?? ''
    expect(redId).toMatch(/^img_/)
    await page.getByRole('button', { name: 'New article' }).click()
    await page.getByRole('textbox', { name: 'Title' }).fill('Seaside ride')
    const body = page.getByRole('textbox', { name: 'Article body' })
    await body.click()
    await page.keyboard.type('We rode along the coast.')
    // What a thumbnail dragged from the library carries, dropped onto the body.
    const box = (await body.boundingBox())!
    await page.evaluate(
      ({ id, x, y }) => {
        const dt = new DataTransfer()
        dt.setData('application/x-folio-image', JSON.stringify([{ id, alt: 'a red bicycle near the sea' }]))
        const target = document.querySelector('.tiptap')!
        target.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true, clientX: x, clientY: y }))
      },
      { id: redId, x: box.x + 20, y: box.y + 10 },
    )
    const fig = page.locator(`.tiptap figure[data-image-id="${redId}"] img`)
    await fig.waitFor({ timeout: 10_000 })
    expect(await fig.getAttribute('alt')).toBe('a red bicycle near the sea')
    await expect.poll(() => page.getByText('Saved', { exact: false }).count(), { timeout: 10_000 }).toBeGreaterThan(0)
    await page.getByRole('button', { name: 'Library', exact: true }).click()

    await item('red.png').click()
    const panel = page.getByTestId('library-detail')
    await panel.getByRole('button', { name: 'Seaside ride' }).waitFor({ timeout: 10_000 })
    await page.getByRole('button', { name: 'Move to Trash' }).click()
    const dialog = page.getByRole('dialog')
    await dialog.waitFor()
    expect(await dialog.textContent()).toContain('Used in articles: “Seaside ride”')
    await dialog.getByRole('button', { name: 'Move to Trash' }).click()
    await expect.poll(() => items().count()).toBe(3)
    expect(await item('red.png').count()).toBe(0)
  })

  it('shows caption progress with pause/resume and keeps the library settings after a reload', async () => {
    const region = page.getByRole('region', { name: 'Caption progress' })
    await region.waitFor()
    // No vision model in e2e: the queue waits and says why.
    await expect.poll(() => region.getByTestId('caption-problem').textContent()).toMatch(/vision model/)
    await region.getByRole('button', { name: 'Pause captioning' }).click()
    await region.getByRole('button', { name: 'Resume captioning' }).click()
    await region.getByRole('button', { name: 'Pause captioning' }).waitFor()
    expect(await region.getByRole('progressbar', { name: 'Caption progress' }).count()).toBe(1)

    const settings = page.getByTestId('library-settings')
    await settings.getByText('Library settings').click()
    const copy = settings.getByRole('checkbox', { name: 'Copy imported photos into the library' })
    const lang = settings.getByRole('combobox', { name: 'Caption language' })
    const size = settings.getByRole('spinbutton', { name: 'Caption image size (px)' })
    expect(await copy.isChecked()).toBe(true)
    expect(await size.inputValue()).toBe('448')
    await settings.getByText('existing captions are not rewritten').waitFor()
    await copy.uncheck()
    await lang.selectOption('both')
    await size.fill('512')
    await size.press('Enter')
    await page.waitForSelector('[data-testid="library-settings"]:not([aria-busy="true"])')

    await page.reload()
    await page.getByRole('button', { name: 'Library', exact: true }).click()
    await settings.getByText('Library settings').click()
    await size.waitFor()
    expect(await copy.isChecked()).toBe(false)
    expect(await lang.inputValue()).toBe('both')
    expect(await size.inputValue()).toBe('512')
    await copy.check()
    await page.waitForSelector('[data-testid="library-settings"]:not([aria-busy="true"])')
  })

  it('makes an album from the selection, filters by it and removes an image from it', async () => {
    page.once('dialog', (d) => void d.accept('Holiday'))
    await page.getByRole('button', { name: 'New album' }).click()
    const bar = page.getByTestId('album-bar')
    await bar.getByRole('button', { name: 'Holiday (0)' }).waitFor()
    await item('blue.png').click()
    await item('green.png').click({ modifiers: ['Control'] })
    await expect.poll(() => page.locator('[role="option"][aria-selected="true"]').count()).toBe(2)
    await bar.getByText('Add to album', { exact: true }).click()
    await bar.getByRole('group', { name: 'Add to album' }).getByRole('button', { name: 'Holiday', exact: true }).click()
    await bar.getByRole('button', { name: 'Holiday (2)' }).click()
    await expect.poll(() => items().count()).toBe(2)
    expect(await item('sea.jpg').count()).toBe(0)
    expect(await page.getByTestId('library-count').textContent()).toBe('2 images')
    await item('blue.png').click()
    await bar.getByRole('button', { name: 'Remove from album' }).click()
    await expect.poll(() => items().count()).toBe(1)
    await bar.getByRole('button', { name: 'Holiday (1)' }).waitFor()
    expect(await item('green.png').count()).toBe(1)
    await bar.getByRole('button', { name: 'All photos' }).click()
    await expect.poll(() => items().count()).toBe(3)
  })

  it('imports image files pasted onto the library (Ctrl/Cmd-V)', async () => {
    const before = await items().count()
    const png = Array.from(makePng(30, 20, [240, 200, 10]))
    await page.evaluate((bytes) => {
      const dt = new DataTransfer()
      dt.items.add(new File([new Uint8Array(bytes)], 'pasted.png', { type: 'image/png' }))
      document.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }))
    }, png)
    await expect.poll(() => items().count(), { timeout: 20_000 }).toBe(before + 1)
    await expect.poll(() => item('pasted.png').count()).toBe(1)
  })

  it('has no serious accessibility violations and no console errors', async () => {
    await item('green.png').click()
    await page.getByTestId('library-detail').getByText('Written by you').waitFor()
    if (process.env.FOLIO_SHOT) await page.screenshot({ path: process.env.FOLIO_SHOT })
    const v = serious(await axeViolations(page))
    expect(v, JSON.stringify(v, null, 2)).toEqual([])
    expect(consoleErrors.filter((e) => !/Failed to load resource/.test(e))).toEqual([])
  })
})
