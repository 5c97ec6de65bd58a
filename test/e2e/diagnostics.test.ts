/// <reference lib="dom" />
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createServices } from '../../src/main/app'
import { ensureFixtures } from '../fixtures/models'
import { openAppInBrowser } from '../helpers/app-browser'
import type { ServeProcess } from '../helpers/serve-process'
import { tmpDir } from '../helpers/tmp'

const API_KEY = 'sk-e2e-diagnostics-5555666677778888'

describe('Copy diagnostics (serve mode, chromium)', () => {
  const dir = tmpDir('folio-e2e-diag-')
  const dataDir = join(dir.path, 'data')
  let serve: ServeProcess
  let browser: Browser
  let page: Page
  const consoleErrors: string[] = []

  beforeAll(async () => {
    const { chat } = await ensureFixtures(['chat'])
    const s = createServices({ dataDir, library: { resumeImports: false } })
    await s.router.call('models.add', { path: chat, role: 'writer' })
    await s.router.call('models.addRemote', { url: 'http://127.0.0.1:9/v1', apiKey: API_KEY, name: 'Remote reader', vision: true, role: 'vision' })
    await s.dispose()
    ;({ serve, browser, page } = await openAppInBrowser(dataDir, { width: 1280, height: 900 }, consoleErrors))
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: serve.baseUrl.slice(0, -1) })
  })
  afterAll(async () => {
    await browser?.close()
    await serve?.stop()
    dir.cleanup()
  })

  it('copies a Markdown report with versions, backend, models and the browser, without the API key', async () => {
    await page.goto(serve.loginUrl)
    await page.getByRole('button', { name: 'Models', exact: true }).click()
    const section = page.getByRole('region', { name: 'Diagnostics' })
    await section.getByRole('button', { name: 'Copy diagnostics' }).click()
    await page.getByText('Diagnostics copied to the clipboard.').waitFor()
    const text = await page.evaluate(() => navigator.clipboard.readText())
    expect(text).toMatch(/^## Folio diagnostics\n/)
    expect(text).toContain('- Backend: cpu')
    expect(text).toMatch(/\| Remote reader \| vision \| http:\/\/127\.0\.0\.1:9\/v1, API key set \|/)
    expect(text).toContain('folio-tiny-chat.gguf')
    expect(text).toMatch(/- Client: Mozilla\/5\.0 .*Chrome\//)
    expect(text).toContain('"msg":"serve listening"')
    expect(text).not.toContain(API_KEY)
    expect(text).not.toContain(serve.token)
    expect(consoleErrors).toEqual([])
  })
})
