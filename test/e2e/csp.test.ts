/// <reference lib="dom" />
/**
 * The renderer's Content-Security-Policy, enforced (the other end-to-end tests bypass it to inject
 * axe-core), in chromium against a real serve process:
 * - the app itself runs under it without a single violation;
 * - markup in a model's answer (a scripted remote writer composing an article) stays text, in the
 *   editor and after a reload from the saved document;
 * - if markup ever reached the page anyway, inline script and event handlers are blocked and
 *   reported — for serve mode's policy and for the desktop app's (src/main/electron/security.ts).
 * Sanitising imported HTML is covered by export-import.test.ts.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { contentSecurityPolicy } from '../../src/main/electron/security'
import { launchChromium } from '../helpers/browser'
import { startScriptedModel, type ScriptedModel } from '../helpers/scripted-model'
import { startServe, type ServeProcess } from '../helpers/serve-process'
import { tmpDir } from '../helpers/tmp'
import { connectWs } from '../helpers/ws-client'

/** An article as a model might write it, with every kind of markup that could run something. */
const HOSTILE_LINES = [
  '# Harbour <script>window.__pwned = "heading"</script>',
  'Boats <img src=x onerror="window.__pwned = \'img\'"> at dawn.',
  '<script>window.__pwned = "body"</script>',
  'A <a href="javascript:window.__pwned=1">link</a> and <svg onload="window.__pwned = \'svg\'"></svg> here.',
  '<iframe srcdoc="<script>parent.__pwned = 1</script>"></iframe>',
]
const HOSTILE_ARTICLE = `${HOSTILE_LINES.join('\n')}\n`

/** Installed before any page script (through the DevTools protocol, so the CSP does not apply to it). */
const RECORD_VIOLATIONS = `
  window.__pwned = null;
  window.__violations = [];
  document.addEventListener('securitypolicyviolation', (e) => {
    window.__violations.push({ directive: e.effectiveDirective, blocked: e.blockedURI, sample: e.sample });
  });
`

/** Markup that slipped past every sanitiser: an inline handler on a broken image, and an inline script. */
const INJECT = `
  const box = document.createElement('div');
  box.innerHTML = '<img src="/no-such-image" onerror="window.__pwned = \\'img\\'">';
  document.body.append(box);
  const s = document.createElement('script');
  s.textContent = "window.__pwned = 'script'";
  document.body.append(s);
`

type Violation = { directive: string; blocked: string; sample: string }
const pwned = (page: Page) => page.evaluate(() => (window as unknown as { __pwned: unknown }).__pwned)
const directives = (seen: Violation[]) => [...new Set(seen.map((v) => v.directive))].sort()
const violations = (page: Page) => page.evaluate(() => (window as unknown as { __violations: Violation[] }).__violations)

async function newPage(browser: Browser, opts: { bypassCSP: boolean }): Promise<{ ctx: BrowserContext; page: Page; errors: string[] }> {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: opts.bypassCSP })
  await ctx.addInitScript({ content: RECORD_VIOLATIONS })
  const page = await ctx.newPage()
  const errors: string[] = []
  page.on('pageerror', (e) => errors.push(String(e)))
  return { ctx, page, errors }
}

/** Runs INJECT from the page's own task queue (a setTimeout), waits for the broken image to fail. */
async function injectAndSettle(page: Page): Promise<void> {
  await page.evaluate(`setTimeout(() => { ${INJECT} }, 0)`)
  await page.waitForFunction(() => {
    const img = document.querySelector('img[src="/no-such-image"]') as HTMLImageElement | null
    return img !== null && img.complete
  })
  await page.waitForTimeout(200)
}

describe("the renderer's CSP in chromium", () => {
  const dir = tmpDir('folio-e2e-csp-')
  let writer: ScriptedModel
  let serve: ServeProcess
  let browser: Browser
  let page: Page
  let errors: string[]

  beforeAll(async () => {
    // Only the article is requested with "No images"; anything structured gets an empty object.
    writer = await startScriptedModel((req) => (req.schema ? '{}' : { text: HOSTILE_ARTICLE, tokensPerSecond: 200 }))
    serve = await startServe(['--port', '0', '--data', join(dir.path, 'data')], { viaNpm: true })
    const api = await connectWs(serve.baseUrl, { authorization: `Bearer ${serve.token}`, origin: serve.baseUrl.slice(0, -1) })
    await api.client.call('models.addRemote', { url: writer.url, model: 'scripted', name: 'Scripted writer', role: 'writer' })
    api.close()
    browser = await launchChromium()
    ;({ page, errors } = await newPage(browser, { bypassCSP: false }))
  })

  afterAll(async () => {
    await browser?.close()
    await serve?.stop()
    await writer?.close()
    dir.cleanup()
  })

  it('the app runs under its own policy, with no violation', async () => {
    const response = await page.goto(serve.loginUrl)
    await page.getByRole('button', { name: 'New article' }).waitFor()
    const csp = (await response!.allHeaders())['content-security-policy'] ?? ''
    expect(csp).toContain("script-src 'self'")
    expect(csp.split(';').map((d) => d.trim()).find((d) => d.startsWith('script-src'))).toBe("script-src 'self'")
    // The app's own work: list articles over the WebSocket, open the editor.
    await page.getByRole('button', { name: 'New article' }).click()
    await page.getByRole('textbox', { name: 'Article body' }).waitFor()
    expect(await violations(page)).toEqual([])
    expect(errors).toEqual([])
  })

  it("keeps markup in a model's answer as text: nothing in a composed article runs, before or after a reload", { timeout: 90_000 }, async () => {
    const compose = page.getByRole('button', { name: 'Compose', exact: true })
    await expect.poll(() => compose.isEnabled(), { timeout: 15_000 }).toBe(true)
    await compose.click()
    const dialog = page.getByRole('dialog', { name: 'Compose' })
    await dialog.getByLabel('Instruction').fill('Write about a harbour.')
    await dialog.getByRole('radio', { name: 'No images' }).check()
    await dialog.getByRole('button', { name: 'Compose', exact: true }).click()
    await expect.poll(() => page.getByTestId('compose-bar').getAttribute('data-phase'), { timeout: 60_000 }).toBe('done')
    expect(writer.requests.length).toBeGreaterThan(0)

    const body = page.getByRole('textbox', { name: 'Article body' })
    const check = async () => {
      // Every line is there, word for word, as text.
      const text = await body.innerText()
      for (const line of HOSTILE_LINES.slice(1)) expect(text).toContain(line)
      // The heading became the article's title, also as text (the title drops Markdown emphasis marks).
      expect(await page.getByRole('textbox', { name: 'Title' }).inputValue()).toMatch(/^Harbour <script>window\.(__)?pwned = "heading"<\/script>$/)
      // ...and none of it became an element.
      expect(await body.locator('script, img, iframe, svg, a[href^="javascript:"]').count()).toBe(0)
      expect(await pwned(page)).toBeNull()
      expect(await violations(page)).toEqual([])
    }
    await check()

    // Saved, then rendered again from the stored document.
    await expect.poll(() => page.getByTestId('save-status').textContent(), { timeout: 15_000 }).toMatch(/Saved/)
    await page.reload()
    await page.getByTestId('article-item').first().click()
    await expect.poll(() => body.innerText(), { timeout: 15_000 }).toContain(HOSTILE_LINES[1])
    await check()
    expect(errors).toEqual([])
  })

  it("blocks and reports inline script and event handlers that reach the page (serve mode's policy)", async () => {
    await injectAndSettle(page)
    expect(await pwned(page)).toBeNull()
    // Reported once per policy (the response header and index.html's meta tag each forbid it).
    const seen = await violations(page)
    expect(directives(seen)).toEqual(['script-src-attr', 'script-src-elem'])
    expect(seen.every((v) => v.blocked === 'inline')).toBe(true)

    // The check can fail: with the policy bypassed, the same markup runs.
    const open = await newPage(browser, { bypassCSP: true })
    try {
      await open.page.goto(serve.loginUrl)
      await open.page.getByRole('button', { name: 'New article' }).waitFor()
      await injectAndSettle(open.page)
      expect(await pwned(open.page)).not.toBeNull()
    } finally {
      await open.ctx.close()
    }
  })

  it("blocks and reports the same markup under the desktop app's policy, while the app's own script runs", async () => {
    // A page served with the header the desktop app sends for folio://app (security.ts); its own
    // script (allowed: 'self') writes model HTML into the page the way a careless renderer would.
    const policy = contentSecurityPolicy()
    const server: Server = createServer((req, res) => {
      if (req.url === '/app.js') {
        res.writeHead(200, { 'content-type': 'text/javascript' })
        res.end(`window.__selfRan = true; ${INJECT}`)
        return
      }
      if (req.url === '/') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': policy })
        res.end('<!doctype html><html><head><link rel="icon" href="data:,"><script src="/app.js" defer></script></head><body></body></html>')
        return
      }
      res.writeHead(404).end()
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const desktop = await newPage(browser, { bypassCSP: false })
    try {
      await desktop.page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`)
      await desktop.page.waitForFunction(() => (window as unknown as { __selfRan?: boolean }).__selfRan === true)
      await desktop.page.waitForFunction(() => (document.querySelector('img[src="/no-such-image"]') as HTMLImageElement | null)?.complete === true)
      await desktop.page.waitForTimeout(200)
      expect(await pwned(desktop.page)).toBeNull()
      expect(directives(await violations(desktop.page))).toEqual(['script-src-attr', 'script-src-elem'])
    } finally {
      await desktop.ctx.close()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  })
})
