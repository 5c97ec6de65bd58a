/// <reference lib="dom" />
import { spawnSync } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { findLlamaServer } from '../../src/main/inference/llama-server/binary'
import { ensureFixtures, fixturePath } from '../fixtures/models'
import { axeViolations, openAppInBrowser, serious } from '../helpers/app-browser'
import { ROOT, type ServeProcess } from '../helpers/serve-process'
import { tmpDir } from '../helpers/tmp'

const TINY = 'Folio Tiny Chat'

describe('Models screen in chromium (serve mode)', () => {
  const dir = tmpDir('folio-e2e-models-')
  const dataDir = join(dir.path, 'data')
  let serve: ServeProcess
  let browser: Browser
  let page: Page
  const consoleErrors: string[] = []

  // The CLI-registered copy; an uploaded copy of the same file has the same name but lives in models/uploads.
  const tiny = () => page.getByTestId('installed-model').filter({ hasText: TINY }).filter({ hasText: 'folio-tiny-chat.gguf' })
  const uploaded = () => page.getByTestId('installed-model').filter({ hasText: /upl_[0-9a-z]{12}\.gguf/ })
  const fileSection = () => page.getByRole('region', { name: 'Add a GGUF file' })
  const engineSection = () => page.getByRole('region', { name: 'Vision engine (llama-server)' })
  const remote = () => page.getByTestId('installed-model').filter({ hasText: '127.0.0.1:9' })

  beforeAll(async () => {
    const { chat, mmproj } = await ensureFixtures(['chat', 'mmproj'])
    // Registered through the real CLI, as a user would before the desktop file picker exists.
    const added = spawnSync('npm', ['run', '-s', 'folio', '--', 'models', 'add', chat, '--mmproj', mmproj, '--data', dataDir], {
      cwd: ROOT,
      encoding: 'utf8',
    })
    if (added.status !== 0) throw new Error(`models add failed:\n${added.stdout}\n${added.stderr}`)

    ;({ serve, browser, page } = await openAppInBrowser(dataDir, { width: 1280, height: 900 }, consoleErrors))
  })

  afterAll(async () => {
    await browser?.close()
    await serve?.stop()
    dir.cleanup()
  })

  it('opens on the articles when a writing model is set, and reaches Models from the sidebar', async () => {
    await page.goto(serve.loginUrl)
    const models = page.getByRole('button', { name: 'Models', exact: true })
    await models.waitFor()
    await expect.poll(() => page.getByRole('button', { name: 'Articles', exact: true }).getAttribute('aria-pressed')).toBe('true')
    expect(await models.getAttribute('aria-pressed')).toBe('false')
    await models.click()
    await page.getByRole('heading', { name: 'Models', level: 2 }).waitFor()
    expect(await models.getAttribute('aria-pressed')).toBe('true')
    // A writer is configured: no first-start welcome.
    expect(await page.getByTestId('models-welcome').count()).toBe(0)
  })

  it('lists the CLI-registered model with its details and roles', async () => {
    const item = tiny()
    await item.waitFor()
    expect(await item.getByTestId('model-kind').textContent()).toBe('Local file')
    expect(await item.getByTestId('model-where').textContent()).toMatch(/folio-tiny-chat\.gguf$/)
    const text = (await item.textContent()) ?? ''
    expect(text).toContain('llama')
    expect(text).toMatch(/2,048 tokens/)
    expect(text).toMatch(/folio-tiny-mmproj\.gguf/)
    expect(await item.getByTestId('role-chip').evaluateAll((els) => els.map((e) => e.getAttribute('data-role')))).toEqual(['writer', 'vision'])
    // It holds writer and vision already; only "Use for search" is left to offer.
    expect(await item.getByRole('button', { name: 'Use for writing' }).count()).toBe(0)
    expect(await item.getByRole('button', { name: 'Use for search' }).count()).toBe(1)
  })

  it('shows the recommended models with sizes, licences and a fits hint', async () => {
    const cards = page.getByTestId('catalogue-card')
    await expect.poll(() => cards.count(), { timeout: 30_000 }).toBeGreaterThanOrEqual(3)
    expect(await cards.filter({ hasText: 'Qwen3-VL 4B' }).count()).toBe(1)
    for (const card of await cards.all()) {
      expect(await card.getByTestId('card-size').textContent()).toMatch(/^\d+(\.\d+)? GB$/)
      expect(await card.getByTestId('fits').textContent()).toMatch(/\b(Fits|Needs)\b/)
      expect(await card.textContent()).toContain('Apache-2.0')
      expect(await card.getByRole('button', { name: /^(Download|Resume|Installed)$/ }).count()).toBe(1)
    }
    expect(await page.getByTestId('system-line').textContent()).toMatch(/GB memory .*CPU/i)
  })

  it('shows a failed download with Retry, and keeps it across screens', async () => {
    const card = page.getByTestId('catalogue-card').filter({ hasText: 'Embedding' })
    await card.getByRole('button', { name: 'Download' }).click()
    // Offline test machines fail at once (UNREACHABLE); with a network the download really starts.
    const error = card.getByTestId('download-error')
    const detail = card.getByTestId('download-detail')
    const started = async () => (await detail.count()) > 0 && /MB\/s|left/.test((await detail.textContent()) ?? '')
    await expect.poll(async () => (await error.count()) > 0 || (await started()), { timeout: 30_000 }).toBe(true)
    if ((await error.count()) === 0) {
      expect(await card.getByRole('progressbar').getAttribute('aria-valuenow')).toMatch(/^\d+$/)
      await card.getByRole('button', { name: 'Pause' }).click()
      await card.getByRole('button', { name: 'Resume' }).waitFor({ timeout: 30_000 })
      return
    }
    expect((await error.textContent())?.length).toBeGreaterThan(10)
    await card.getByRole('button', { name: 'Retry' }).waitFor()
    // The in-flight state lives above the screens.
    await page.getByRole('button', { name: 'Articles', exact: true }).click()
    await page.getByRole('button', { name: 'Models', exact: true }).click()
    await card.getByTestId('download-error').waitFor()
    await card.getByRole('button', { name: 'Retry' }).click()
    await card.getByTestId('download-error').waitFor({ timeout: 30_000 })
    await card.getByRole('button', { name: 'Dismiss' }).click()
    await card.getByRole('button', { name: 'Download' }).waitFor()
  })

  it('generates text with the tiny model in "Try it" and shows its speed', async () => {
    await page.getByLabel('Prompt', { exact: true }).fill('Say hello.')
    await page.getByLabel('Max tokens').fill('16')
    await page.getByRole('button', { name: 'Generate' }).click()
    const stats = page.getByTestId('try-stats')
    await expect.poll(() => stats.textContent(), { timeout: 60_000 }).toMatch(/first token \d[\d,]* ms · \d+(\.\d+)? tok\/s/)
    expect(((await page.getByTestId('try-output').textContent()) ?? '').length).toBeGreaterThan(0)
    expect(await page.getByTestId('try-error').count()).toBe(0)

    // The status bar: writer model, backend and the last generation's numbers.
    expect(await page.getByTestId('status-model').textContent()).toContain(TINY)
    expect(await page.getByTestId('status-backend').textContent()).toMatch(/cpu/i)
    await expect.poll(() => page.getByTestId('status-stats').textContent()).toMatch(/tok\/s/)
  })

  it('stops a long generation', async () => {
    await page.getByLabel('Max tokens').fill('32768')
    await page.getByRole('button', { name: 'Generate' }).click()
    // Stop at once: the tiny model can finish its whole context in about a second on a fast machine.
    const stop = page.getByRole('button', { name: 'Stop' })
    await stop.click()
    await expect.poll(() => page.getByTestId('try-stats').textContent(), { timeout: 15_000 }).toMatch(/Stopped/)
    expect(await page.getByRole('button', { name: 'Generate' }).isEnabled()).toBe(true)
    expect(await stop.isEnabled()).toBe(false)
  })

  it('validates the remote server form inline', async () => {
    const url = page.getByLabel('Server URL')
    await page.getByRole('button', { name: 'Add server' }).click()
    expect(await page.getByTestId('remote-url-error').textContent()).toBe('Enter the server’s URL.')
    await url.fill('localhost:8080/v1')
    await page.getByRole('button', { name: 'Add server' }).click()
    expect(await page.getByTestId('remote-url-error').textContent()).toMatch(/starts with http:\/\/ or https:\/\//)
    expect(await url.getAttribute('aria-invalid')).toBe('true')
    expect(await page.evaluate(() => document.activeElement?.getAttribute('type'))).toBe('url')
    expect(await remote().count()).toBe(0)
  })

  it('adds a remote server (the API key is sent once, never shown) and removes it', async () => {
    await page.getByLabel('Server URL').fill('http://127.0.0.1:9/v1')
    await page.getByLabel('Model name (optional)').fill('qwen-test')
    await page.getByLabel('API key (optional)').fill('sk-secret-folio-e2e')
    expect(await page.getByLabel('API key (optional)').getAttribute('type')).toBe('password')
    await page.getByRole('button', { name: 'Add server' }).click()
    const item = remote()
    await item.waitFor()
    expect(await page.getByTestId('remote-url-error').count()).toBe(0)
    expect(await item.getByTestId('model-kind').textContent()).toBe('Remote server')
    expect(await item.getByTestId('model-where').textContent()).toBe('http://127.0.0.1:9/v1')
    expect(await item.textContent()).toMatch(/API key:?\s*Stored/)
    expect(await page.getByLabel('API key (optional)').inputValue()).toBe('')
    expect(await page.content()).not.toContain('sk-secret-folio-e2e')

    await item.getByRole('button', { name: 'Remove' }).click()
    const dialog = page.getByRole('dialog')
    await dialog.getByRole('button', { name: 'Remove' }).click()
    await expect.poll(() => remote().count()).toBe(0)
  })

  it('offers an upload form in the browser and checks it before sending anything', async () => {
    const section = fileSection()
    await section.waitFor()
    // Serve mode: file inputs, not the desktop file dialog.
    expect(await section.getByRole('button', { name: 'Choose GGUF file…' }).count()).toBe(0)
    expect(await section.textContent()).toContain('npm run -s folio -- models add FILE --mmproj FILE')
    await section.getByRole('button', { name: 'Add model' }).click()
    expect(await section.getByTestId('file-model-error').textContent()).toBe('Choose the model file.')
    expect(await section.getByLabel('Model file (.gguf)').getAttribute('aria-invalid')).toBe('true')

    await section.getByLabel('Model file (.gguf)').setInputFiles(fixturePath('chat'))
    expect(await section.getByTestId('file-model-error').count()).toBe(0)
    await section.getByLabel('Use it for').selectOption('vision')
    await section.getByRole('button', { name: 'Add model' }).click()
    expect(await section.getByTestId('file-role-error').textContent()).toMatch(/image projector/)
    expect(await section.getByTestId('upload-progress').count()).toBe(0)
    await section.getByLabel('Use it for').selectOption('')
  })

  it('shows the server’s error for a file that is not a GGUF model', async () => {
    const section = fileSection()
    const before = await page.getByTestId('installed-model').count()
    await section.getByLabel('Model file (.gguf)').setInputFiles({
      name: 'x.gguf',
      mimeType: 'application/octet-stream',
      buffer: Buffer.from('These are notes, not a model.\n'),
    })
    await section.getByRole('button', { name: 'Add model' }).click()
    const error = section.getByTestId('file-error')
    await error.waitFor()
    expect(await section.getByTestId('file-error-message').textContent()).toBe('This is not a GGUF model file.')
    expect(await error.textContent()).toContain('Could not upload “x.gguf”')
    expect(await page.getByTestId('installed-model').count()).toBe(before)
    expect(await section.getByRole('button', { name: 'Add model' }).isEnabled()).toBe(true)
    // Chromium logs every 4xx answer to an XHR; this one is expected (and the only one allowed).
    const expected = /Failed to load resource: the server responded with a status of 415/
    await expect.poll(() => consoleErrors.some((m) => expected.test(m))).toBe(true)
    consoleErrors.splice(consoleErrors.findIndex((m) => expected.test(m)), 1)
  })

  it('shows upload progress and cancels an upload', async () => {
    const section = fileSection()
    const cdp = await page.context().newCDPSession(page)
    await cdp.send('Network.enable')
    // About 6 s for the 384 KB fixture: long enough to see the bar and press Cancel.
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 64 * 1024 })
    try {
      await section.getByLabel('Model file (.gguf)').setInputFiles(fixturePath('chat'))
      await section.getByRole('button', { name: 'Add model' }).click()
      const bar = section.getByRole('progressbar', { name: 'Uploading folio-tiny-chat.gguf' })
      await bar.waitFor()
      expect(await section.getByTestId('file-error').count()).toBe(0)
      await expect.poll(async () => Number(await bar.getAttribute('aria-valuenow')), { timeout: 15_000 }).toBeGreaterThan(0)
      // Bytes done of the total, and the speed once it can be told.
      await expect.poll(() => section.getByTestId('upload-progress').textContent()).toMatch(/\d+ KB of 384 KB · \d+\.\d MB\/s/)
      expect(await section.getByRole('button', { name: 'Uploading…' }).isDisabled()).toBe(true)
      await section.getByRole('button', { name: 'Cancel' }).click()
      await page.getByText('Upload cancelled.').waitFor()
      expect(await bar.count()).toBe(0)
      expect(await section.getByTestId('file-error').count()).toBe(0)
      expect(await uploaded().count()).toBe(0)
    } finally {
      await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 })
      await cdp.detach()
    }
  })

  it('uploads a GGUF file with its image projector and adds it with a role', async () => {
    const section = fileSection()
    await section.getByLabel('Model file (.gguf)').setInputFiles(fixturePath('chat'))
    await section.getByLabel('Image projector (mmproj, optional)').setInputFiles(fixturePath('mmproj'))
    await section.getByLabel('Use it for').selectOption('vision')
    await section.getByRole('button', { name: 'Add model' }).click()

    const item = uploaded()
    await item.waitFor({ timeout: 30_000 })
    expect(await item.getByTestId('model-kind').textContent()).toBe('Local file')
    expect(await item.getByTestId('model-where').textContent()).toMatch(/[\\/]uploads[\\/]upl_[0-9a-z]{12}\.gguf$/)
    expect(await item.textContent()).toMatch(/Image projector:\s*\S*upl_[0-9a-z]{12}\.gguf/)
    expect(await item.textContent()).toContain(TINY)
    expect(await item.getByTestId('role-chip').evaluateAll((els) => els.map((e) => e.getAttribute('data-role')))).toEqual(['vision'])
    // The vision role moved from the CLI-registered model.
    await expect.poll(() => tiny().getByTestId('role-chip').evaluateAll((els) => els.map((e) => e.getAttribute('data-role')))).toEqual(['writer'])

    // The form is ready for the next file.
    await page.getByRole('region', { name: 'Notifications' }).getByText(`Added ${TINY}`).waitFor()
    expect(await section.getByLabel('Model file (.gguf)').inputValue()).toBe('')
    expect(await section.getByLabel('Image projector (mmproj, optional)').inputValue()).toBe('')
    expect(await section.getByLabel('Use it for').inputValue()).toBe('')
    expect(await section.getByTestId('file-error').count()).toBe(0)
    expect(await section.getByTestId('upload-progress').count()).toBe(0)
  })

  it('shows where the vision engine (llama-server) comes from', async () => {
    const found = findLlamaServer()
    const section = engineSection()
    await section.waitFor()
    if (found.path !== null) {
      const ready = section.getByTestId('llama-server-ready')
      await ready.waitFor()
      expect(await section.getByTestId('llama-server-path').textContent()).toBe(found.path)
      expect(await ready.textContent()).toMatch(/Ready: .+ \((Folio’s own copy, built from source or downloaded|found on PATH|chosen in Settings)\)$/)
      expect(await section.getByRole('button', { name: 'Download llama-server' }).count()).toBe(0)
    } else {
      // Machines without a built llama-server: what to do, and the download.
      await section.getByTestId('llama-server-missing').waitFor()
      expect(await section.getByTestId('llama-server-missing').textContent()).toContain('npm run llama-server:build')
      expect(await section.getByLabel('GPU').inputValue()).toMatch(/^(cpu|cuda|vulkan)$/)
      expect(await section.getByRole('button', { name: 'Download llama-server' }).count()).toBe(1)
    }
    mkdirSync(join(ROOT, 'test-results'), { recursive: true })
    await fileSection().screenshot({ path: join(ROOT, 'test-results', 'models-add-file.png') })
    await section.screenshot({ path: join(ROOT, 'test-results', 'models-vision-engine.png') })
  })

  it('has no serious or critical accessibility violations on the Models screen', async () => {
    await page.getByRole('heading', { name: 'Models', level: 2 }).waitFor()
    expect(serious(await axeViolations(page))).toEqual([])

    mkdirSync(join(ROOT, 'test-results'), { recursive: true })
    await page.setViewportSize({ width: 1280, height: 2200 })
    await page.screenshot({ path: join(ROOT, 'test-results', 'models.png') })
    await page.setViewportSize({ width: 1280, height: 900 })
  })

  it('creates a new article from the Models screen; the status bar holds the editor status too', async () => {
    await page.getByRole('button', { name: 'New article' }).click()
    await page.getByRole('textbox', { name: 'Title' }).fill('Model notes')
    await expect.poll(() => page.getByTestId('save-status').textContent(), { timeout: 10_000 }).toMatch(/Saved/)
    const bar = page.getByRole('contentinfo')
    expect(await bar.getByTestId('save-status').count()).toBe(1)
    expect(await bar.getByTestId('status-model').textContent()).toContain(TINY)
    // The model name opens the Models screen.
    await bar.getByTestId('status-model').click()
    await page.getByRole('heading', { name: 'Models', level: 2 }).waitFor()
  })

  it('opens on the Models screen with a welcome when no writing model is set', async () => {
    await tiny().getByRole('button', { name: 'Remove' }).click()
    await page.getByRole('dialog').getByRole('button', { name: 'Remove' }).click()
    await expect.poll(() => tiny().count()).toBe(0)
    await page.reload()
    await page.getByTestId('models-welcome').waitFor()
    expect(await page.getByRole('button', { name: 'Models', exact: true }).getAttribute('aria-pressed')).toBe('true')
    expect(await page.getByTestId('status-model').textContent()).toBe('No writing model')
    await page.getByTestId('catalogue-card').first().waitFor({ timeout: 30_000 })
    await page.screenshot({ path: join(ROOT, 'test-results', 'models-first-start.png') })
    await page.getByRole('button', { name: 'Generate' }).click()
    await expect.poll(() => page.getByTestId('try-error').textContent(), { timeout: 30_000 }).toMatch(/No writer model is set/)
  })

  it('logged no errors in the browser console', () => {
    expect(consoleErrors).toEqual([])
  })
})
