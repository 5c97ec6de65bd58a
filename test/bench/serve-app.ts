/// <reference lib="dom" />
/** What the chromium benchmarks share: a data folder the app opens straight into an article, and "is the editor editable yet". */
import type { Page } from 'playwright-core'
import { createServices } from '../../src/main/app'
import { ensureFixtures } from '../fixtures/models'
import { bigDoc } from './storage'

/**
 * A data folder with a writer model (the tiny fixture; the app opens the Models screen without one)
 * and one article of `words` words, the most recent, so the app opens it in the editor at start.
 */
export async function prepareAppData(dataDir: string, words: number): Promise<void> {
  const { chat } = await ensureFixtures(['chat'])
  const s = createServices({ dataDir, library: { resumeImports: false } })
  try {
    await s.router.call('models.add', { path: chat, role: 'writer' })
    await s.router.call('articles.create', { title: `Bench article (${words} words)`, doc: bigDoc(words) })
  } finally {
    await s.dispose()
  }
}

/**
 * Installed before the page loads: records `window.__editableAt` (ms since navigation start) when the
 * editor is contenteditable and shows the article's text (the first paragraph of bigDoc starts "word0").
 */
export function watchEditable(): void {
  const w = window as unknown as { __editableAt?: number }
  const check = () => {
    if (w.__editableAt !== undefined) return
    const el = document.querySelector('.ProseMirror[contenteditable="true"]')
    if (el && el.textContent?.startsWith('word0 word1')) {
      w.__editableAt = performance.now()
      observer.disconnect()
    }
  }
  const observer = new MutationObserver(check)
  observer.observe(document, { childList: true, subtree: true, attributes: true, attributeFilter: ['contenteditable'] })
}

/** tsx names functions with an `__name` helper that the page does not have. */
export const initScript = (fn: () => void): { content: string } => ({ content: `var __name = (f) => f;(${fn.toString()})()` })

/** Waits for `watchEditable`'s mark; ms since the page's navigation start. */
export async function editableAt(page: Page, timeoutMs = 30_000): Promise<number> {
  await page.waitForFunction(() => (window as unknown as { __editableAt?: number }).__editableAt !== undefined, null, { timeout: timeoutMs, polling: 10 })
  return page.evaluate(() => (window as unknown as { __editableAt: number }).__editableAt)
}
