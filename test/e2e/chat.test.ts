/// <reference lib="dom" />
/**
 * Image chat in chromium (serve mode, the tiny vision fixture on the built llama-server): an image
 * file dropped onto the editor's Chat panel, a dropped non-image refused with its reason, the answer
 * streaming in with its stats, "Insert into article" (text, and the image with the answer as caption),
 * and the conversation in the full-screen Chat view after a reload.
 */
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import type { Browser, Page } from 'playwright-core'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildVocab } from '../fixtures/gguf/models'
import { ensureFixtures } from '../fixtures/models'
import { axeViolations, openAppInBrowser, serious } from '../helpers/app-browser'
import { dropFiles } from '../helpers/drop'
import { ROOT, type ServeProcess } from '../helpers/serve-process'
import { tmpDir } from '../helpers/tmp'

/** Random weights emit lone <0x80>…<0xFF> byte tokens (invalid UTF-8), which llama-server rejects: ban them. */
function requestBody(): string {
  const logit_bias: Record<string, number> = {}
  buildVocab().tokens.forEach((t, id) => {
    if (/^<0x[89A-F][0-9A-F]>$/.test(t)) logit_bias[String(id)] = -100
  })
  // ignore_eos: a random model may end at once; this way every answer has the same length.
  return JSON.stringify({ logit_bias, ignore_eos: true })
}

describe('image chat in chromium (serve mode)', () => {
  const dir = tmpDir('folio-e2e-chat-')
  const dataDir = join(dir.path, 'data')
  let serve: ServeProcess
  let browser: Browser
  let page: Page
  const consoleErrors: string[] = []

  beforeAll(async () => {
    const { chat, mmproj } = await ensureFixtures(['chat', 'mmproj'])
    const added = spawnSync('npm', ['run', '-s', 'folio', '--', 'models', 'add', chat, '--mmproj', mmproj, '--data', dataDir], {
      cwd: ROOT,
      encoding: 'utf8',
    })
    if (added.status !== 0) throw new Error(`models add failed:\n${added.stdout}\n${added.stderr}`)
    // Long enough answers to see them arrive in pieces, short enough for a slow machine.
    const db = new Database(join(dataDir, 'folio.db'))
    db.prepare(`INSERT INTO settings (key, value) VALUES ('chat.maxTokens', '300')`).run()
    db.close()
    ;({ serve, browser, page } = await openAppInBrowser(dataDir, { width: 1400, height: 900 }, consoleErrors, {
      FOLIO_CHAT_REQUEST_BODY: requestBody(),
    }))
  })

  afterAll(async () => {
    await browser?.close()
    await serve?.stop()
    dir.cleanup()
  })

  it('a dropped image is asked about in the editor’s Chat panel; the answer streams in and goes into the article', async () => {
    await page.goto(serve.loginUrl)
    await page.getByRole('button', { name: 'New article' }).click()
    await page.getByRole('textbox', { name: 'Title' }).fill('Harbours')
    const body = page.getByRole('textbox', { name: 'Article body' })
    await body.click()
    await page.keyboard.type('Boats at dawn.')

    const toggle = page.locator('.editor-actions').getByRole('button', { name: 'Chat', exact: true })
    await toggle.click()
    expect(await toggle.getAttribute('aria-expanded')).toBe('true')
    const panel = page.getByRole('region', { name: 'Chat' })
    await panel.getByText(/Ask about images/).waitFor()

    const photo = await sharp({ create: { width: 900, height: 600, channels: 3, background: '#2060a0' } }).jpeg().toBuffer()
    await dropFiles(page, '[data-testid="chat-thread"]', [
      { name: 'harbour.jpg', type: 'image/jpeg', b64: photo.toString('base64') },
      { name: 'notes.txt', type: 'text/plain', b64: Buffer.from('not a picture').toString('base64') },
    ])
    await expect.poll(() => panel.getByTestId('chat-pending-image').count(), { timeout: 20_000 }).toBe(1)
    expect(await panel.getByTestId('chat-rejected').textContent()).toContain('notes.txt: not an image')
    expect(await panel.getByTestId('chat-pending-image').locator('img').getAttribute('alt')).toBe('harbour.jpg')

    // Record the answer's length at every change, to see it arrive in pieces.
    await page.evaluate(() => {
      const lengths: number[] = []
      ;(window as unknown as { __lengths: number[] }).__lengths = lengths
      new MutationObserver(() => {
        const el = document.querySelector('[data-testid="chat-message"][data-role="assistant"] [data-testid="chat-answer-text"]')
        if (el) lengths.push(el.textContent?.length ?? 0)
      }).observe(document.querySelector('.chat-log')!, { childList: true, subtree: true, characterData: true })
    })
    const input = panel.getByRole('textbox', { name: 'Your question' })
    await input.fill('What is in this picture?')
    await input.press('Enter')

    const answer = panel.locator('[data-testid="chat-message"][data-role="assistant"]')
    const stats = answer.getByTestId('chat-stats')
    await expect.poll(() => stats.textContent(), { timeout: 60_000 }).toMatch(/first token [\d,]+ ms · [\d.,]+ tok\/s · 300 tokens/)
    expect(await answer.getAttribute('data-state')).toBe('complete')
    const text = (await answer.getByTestId('chat-answer-text').textContent()) ?? ''
    expect(text.length).toBeGreaterThan(20)
    const lengths = await page.evaluate(() => (window as unknown as { __lengths: number[] }).__lengths)
    const partial = new Set(lengths.filter((n) => n > 0 && n < text.length))
    expect(partial.size).toBeGreaterThan(1)
    // The question shows its image.
    expect(await panel.locator('[data-testid="chat-message"][data-role="user"] img').getAttribute('alt')).toBe('harbour.jpg')

    expect(serious(await axeViolations(page))).toEqual([])

    // The answer goes in at the cursor, after the text typed before.
    await answer.getByRole('button', { name: 'Insert into article' }).click()
    const firstLine = text.split('\n').find((l) => l.trim())!.trim()
    await expect.poll(async () => (await body.textContent()) ?? '').toContain(firstLine.slice(0, 30))
    expect((await body.textContent())?.startsWith('Boats at dawn.')).toBe(true)

    // The image, with the answer as its caption.
    await answer.getByRole('button', { name: 'Insert image with this caption' }).click()
    const figure = page.locator('.editor-content figure').first()
    await figure.waitFor()
    expect(await figure.locator('img').getAttribute('src')).toMatch(/img_[0-9a-z]{12}/)
    expect(((await figure.locator('figcaption').textContent()) ?? '').replace(/\s+/g, ' ')).toContain(text.replace(/\s+/g, ' ').trim().slice(0, 30))
    expect(consoleErrors).toEqual([])
  })

  it('the conversation is listed in the Chat view after a reload, with its question and answer', async () => {
    await page.reload()
    await page.locator('.sidebar').getByRole('button', { name: 'Chat', exact: true }).click()
    const item = page.getByTestId('chat-conversation').filter({ hasText: 'What is in this picture?' })
    await item.waitFor()
    await item.getByRole('button', { name: /^What is in this picture/ }).click()
    const answer = page.locator('.chat-main [data-testid="chat-message"][data-role="assistant"]')
    await answer.getByTestId('chat-stats').waitFor()
    expect(await answer.getByTestId('chat-stats').textContent()).toMatch(/300 tokens/)
    expect(serious(await axeViolations(page))).toEqual([])

    // A new conversation about a library image, picked with "From library" (the harbour photo joined the library).
    await page.getByRole('button', { name: 'New chat' }).click()
    await page.getByRole('button', { name: 'From library' }).click()
    const picker = page.getByRole('dialog', { name: 'Add images from the library' })
    await picker.getByTestId('chat-library-item').first().click()
    await picker.getByRole('button', { name: 'Add 1' }).click()
    const main = page.locator('.chat-main')
    await expect.poll(() => main.getByTestId('chat-pending-image').count()).toBe(1)
    await main.getByRole('textbox', { name: 'Your question' }).fill('这张图片里有什么？')
    await main.getByRole('button', { name: 'Send' }).click()
    await expect.poll(() => main.locator('[data-role="assistant"]').getByTestId('chat-stats').count(), { timeout: 60_000 }).toBe(1)
    expect(await main.locator('[data-role="user"] img').count()).toBe(1)
    await expect.poll(() => page.getByTestId('chat-conversation').count()).toBe(2)
    expect(consoleErrors).toEqual([])
  })
})

describe('image chat without a vision model (chromium, serve mode)', () => {
  const dir = tmpDir('folio-e2e-chat-novision-')
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

  it('an image question says the model cannot see images and offers the Models screen; the question is kept', async () => {
    await page.goto(serve.loginUrl)
    await page.locator('.sidebar').getByRole('button', { name: 'Chat', exact: true }).click()
    const main = page.locator('.chat-main')
    await main.getByTestId('chat-image-input').setInputFiles({ name: 'dock.png', mimeType: 'image/png', buffer: await sharp({ create: { width: 80, height: 60, channels: 3, background: '#335577' } }).png().toBuffer() })
    await expect.poll(() => main.getByTestId('chat-pending-image').count(), { timeout: 20_000 }).toBe(1)
    await main.getByRole('textbox', { name: 'Your question' }).fill('What is this?')
    await main.getByRole('textbox', { name: 'Your question' }).press('Enter')
    const error = main.getByTestId('chat-error')
    await error.waitFor({ timeout: 30_000 })
    expect(await error.getAttribute('data-code')).toBe('NO_VISION')
    expect(await error.textContent()).toMatch(/cannot see images — add a vision model/)
    expect(await main.locator('[data-role="user"]').textContent()).toContain('What is this?')
    expect(await main.locator('[data-role="user"] img').getAttribute('alt')).toBe('dock.png')
    await error.getByRole('button', { name: 'Open Models' }).click()
    await page.getByRole('heading', { name: 'Models', level: 2 }).waitFor()
    expect(consoleErrors).toEqual([])
  })
})
