/// <reference lib="dom" />
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { Browser, BrowserContextOptions, Page } from 'playwright-core'
import { launchChromium } from './browser'
import { startServe, type ServeProcess } from './serve-process'

const require = createRequire(import.meta.url)
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8')

/**
 * The real serve mode (`npm run serve`) on `dataDir` and a chromium page for it. Browser errors are
 * collected into `consoleErrors`, so a test can assert the app logged none. `context` adds to or
 * overrides the browser context's options (e.g. `locale`).
 */
export async function openAppInBrowser(
  dataDir: string,
  viewport: { width: number; height: number },
  consoleErrors: string[],
  env?: NodeJS.ProcessEnv,
  context: BrowserContextOptions = {},
): Promise<{ serve: ServeProcess; browser: Browser; page: Page }> {
  const serve = await startServe(['--port', '0', '--data', dataDir], { viaNpm: true, env })
  const browser = await launchChromium()
  // bypassCSP only so the test can inject axe-core; the app itself runs under its CSP.
  const ctx = await browser.newContext({ viewport, bypassCSP: true, ...context })
  const page = await ctx.newPage()
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text())
  })
  page.on('pageerror', (e) => consoleErrors.push(String(e)))
  return { serve, browser, page }
}

export interface AxeViolation {
  id: string
  impact: string
  help: string
  nodes: number
  targets: string[]
}

export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  await page.addScriptTag({ content: AXE_SOURCE })
  return page.evaluate(async () => {
    type Result = { violations: { id: string; impact: string; help: string; nodes: { html: string }[] }[] }
    const axe = (window as unknown as { axe: { run(o?: unknown): Promise<Result> } }).axe
    const r = await axe.run()
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length, targets: v.nodes.map((n) => n.html.slice(0, 200)) }))
  })
}

/** The violations a test fails on. */
export const serious = <T extends { impact: string }>(v: T[]): T[] => v.filter((x) => x.impact === 'serious' || x.impact === 'critical')
