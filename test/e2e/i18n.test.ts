/// <reference lib="dom" />
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { translate, type MessageKey } from '../../src/renderer/src/i18n'
import { openAppInBrowser } from '../helpers/app-browser'
import type { ServeProcess } from '../helpers/serve-process'
import { tmpDir } from '../helpers/tmp'

const zh = (key: MessageKey) => translate('zh', key)

/**
 * Latin-script words a Chinese UI may still show: names (of the app, file formats, units, products,
 * model files and engines), keyboard keys, and each language's own name in the switcher.
 */
const ALLOWED = new Set(
  `Folio English GGUF gguf mmproj llama cpp llama-server vLLM Ollama LM Studio OpenAI CPU GPU CUDA Vulkan Metal
   RAM VRAM GB MB KB B s Markdown HTML Word docx PDF zip md Letter URL API Apache Qwen InternVL VL Instruct
   Embedding tok http https JSON JPEG PNG WebP GIF AVIF HEIC EXIF Ctrl Shift Alt Enter Esc Tab Cmd Option`.split(/\s+/),
)

/**
 * Words in Latin script that a person sees or hears: visible text (leaving out <code>, where paths
 * and commands stay as they are) and the labels assistive tech reads (aria-label, title, placeholder, alt).
 */
async function latinWords(page: Page): Promise<string[]> {
  const texts = await page.evaluate(() => {
    const out: string[] = []
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT)
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement
      if (!el || el.closest('code, kbd, script, style') || !el.checkVisibility()) continue
      out.push(n.textContent ?? '')
    }
    for (const el of Array.from(document.querySelectorAll<HTMLElement>('[aria-label], [title], [placeholder], img[alt]'))) {
      if (!el.checkVisibility()) continue
      for (const a of ['aria-label', 'title', 'placeholder', 'alt']) out.push(el.getAttribute(a) ?? '')
    }
    return out
  })
  const words = texts
    .join('\n')
    // URLs, and the file and folder names an export writes ("article.md", "images/"), stay as they are.
    .replace(/https?:\/\/\S+|[\w-]+\.(md|html|zip|docx|pdf|gguf)\b|[\w-]+\//g, ' ')
    .match(/[A-Za-z][A-Za-z0-9_.'’-]*/g) ?? []
  // Model and file names ("Qwen3-VL-4B-Instruct-Q4_K_M.gguf") are checked part by part; codes such as
  // Q4_K_M or F16 pass.
  const parts = (w: string) => w.split(/[-_.]/).filter((p) => /[A-Za-z]{2,}/.test(p))
  return [...new Set(words.filter((w) => !ALLOWED.has(w) && parts(w).some((p) => !ALLOWED.has(p) && !/^[A-Z0-9]+$/.test(p))))]
}

describe('Chinese and English UI (serve mode, chromium)', () => {
  const dir = tmpDir('folio-e2e-i18n-')
  let serve: ServeProcess
  let browser: Browser
  let page: Page
  const consoleErrors: string[] = []

  beforeAll(async () => {
    // A Chinese system (navigator.languages is ['zh-CN']), and the app under its own CSP.
    const context = { locale: 'zh-CN', bypassCSP: false }
    ;({ serve, browser, page } = await openAppInBrowser(join(dir.path, 'data'), { width: 1280, height: 860 }, consoleErrors, undefined, context))
  })

  afterAll(async () => {
    await browser?.close()
    await serve?.stop()
    dir.cleanup()
  })

  const view = (key: MessageKey) => page.getByRole('group', { name: zh('nav.views') }).getByRole('button', { name: zh(key), exact: true })

  it('opens in Chinese on a Chinese system, with no English on the main screens', async () => {
    await page.goto(serve.loginUrl)
    await page.getByRole('button', { name: zh('nav.newArticle') }).waitFor()
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh-CN')

    const seen: Record<string, string[]> = {}
    // First start opens the Models screen (no writing model yet).
    await page.getByRole('heading', { name: zh('models.catalogue.heading') }).waitFor()
    seen.models = await latinWords(page)

    await page.getByRole('button', { name: zh('nav.newArticle') }).click()
    await page.getByRole('textbox', { name: zh('editor.body') }).waitFor()
    seen.editor = await latinWords(page)
    // The editor's two big dialogs.
    for (const [open, title] of [['compose.open', 'compose.title'], ['export.open', 'export.title']] as const) {
      await page.getByRole('button', { name: zh(open), exact: true }).first().click()
      const dialog = page.getByRole('dialog', { name: zh(title) })
      await dialog.waitFor()
      seen[open] = await latinWords(page)
      await page.keyboard.press('Escape')
      await dialog.waitFor({ state: 'detached' })
    }

    for (const key of ['nav.library', 'nav.chat', 'nav.trash'] as const) {
      await view(key).click()
      await expect.poll(() => view(key).getAttribute('aria-pressed')).toBe('true')
      await page.waitForLoadState('networkidle')
      seen[key] = await latinWords(page)
    }
    expect(seen).toEqual({ models: [], editor: [], 'compose.open': [], 'export.open': [], 'nav.library': [], 'nav.chat': [], 'nav.trash': [] })
  })

  it('switches to English in the settings without a reload, and keeps it after one', async () => {
    await view('nav.articles').click()
    const marker = await page.evaluate(() => ((window as unknown as { marker: number }).marker = Math.random()))
    await page.getByLabel(zh('nav.language')).selectOption('en')
    await page.getByRole('button', { name: 'New article' }).waitFor()
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en')
    // The same page: the switch did not reload it.
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(marker)
    await page.getByRole('textbox', { name: 'Article body' }).waitFor()
    // The same scan that found no English above finds it now.
    expect(await latinWords(page)).toEqual(expect.arrayContaining(['New', 'article', 'Trash']))

    await page.reload()
    await page.getByRole('button', { name: 'New article' }).waitFor()
    expect(await page.getByLabel('Language').inputValue()).toBe('en')
    expect(await page.getByRole('button', { name: zh('nav.newArticle') }).count()).toBe(0)
    expect(consoleErrors).toEqual([])
  })
})
