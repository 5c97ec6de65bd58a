/**
 * The UI language: both dictionaries complete and in step, no hard-coded English left in the
 * components, i18next under `t()`, and the language chosen from the saved setting or the OS.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { createElement, type ComponentType, type ReactNode } from 'react'
import { renderToStaticMarkup } from 'react-dom/server'
import ts from 'typescript'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createI18n, detectLang, makeTranslate, translate, wordCount, type MessageKey } from '../../../src/renderer/src/i18n'
import { en } from '../../../src/renderer/src/i18n/en'
import { zh } from '../../../src/renderer/src/i18n/zh'

const RENDERER = join(import.meta.dirname, '../../../src/renderer/src')

describe('dictionaries', () => {
  const placeholders = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort()

  it('have exactly the same keys in English and Chinese, none empty', () => {
    expect(Object.keys(zh).sort()).toEqual(Object.keys(en).sort())
    for (const [k, v] of Object.entries({ ...en, ...zh })) expect(v.trim(), k).not.toBe('')
  })

  it('have the same {placeholders} per key, so no value goes missing in translation', () => {
    for (const k of Object.keys(en) as MessageKey[]) expect(placeholders(zh[k]), k).toEqual(placeholders(en[k]))
  })

  it('have no stray braces i18next would misread', () => {
    for (const [k, v] of Object.entries({ ...en, ...zh })) expect(v.replace(/\{\w+\}/g, ''), k).not.toMatch(/[{}]/)
  })

  it('keep the accessible names the e2e tests rely on', () => {
    const names: [MessageKey, string][] = [
      ['nav.newArticle', 'New article'],
      ['nav.trash', 'Trash'],
      ['nav.articles', 'Articles'],
      ['nav.language', 'Language'],
      ['editor.title', 'Title'],
      ['editor.body', 'Article body'],
      ['versions.toggle', 'Versions'],
      ['versions.save', 'Save version'],
      ['versions.restore', 'Restore'],
      ['trash.restore', 'Restore'],
      ['trash.moveToTrash', 'Move to trash'],
      ['toolbar.image', 'Insert image'],
      ['figure.alt', 'Alt text'],
      ['status.saved', 'Saved'],
      ['status.saving', 'Saving…'],
      ['status.dirty', 'Unsaved changes'],
    ]
    for (const [k, v] of names) expect(en[k]).toBe(v)
  })
})

describe('t() on i18next', () => {
  it('translates and fills placeholders', () => {
    expect(translate('en', 'trash.moved', { title: 'Notes' })).toBe('Moved “Notes” to Trash.')
    expect(translate('zh', 'nav.newArticle')).toBe('新建文章')
    // A value left out stays visible as its placeholder rather than vanishing.
    expect(translate('en', 'images.importing', { done: 1 })).toBe('Importing images… 1 of {total}')
  })

  it('does not HTML-escape values (React does) and leaves markup-like text alone', () => {
    expect(translate('en', 'trash.moved', { title: 'A & B <i>' })).toBe('Moved “A & B <i>” to Trash.')
  })

  it('formats numbers among the values in the UI language', () => {
    expect(translate('en', 'import.images', { done: 1234, total: 20000 })).toBe('Importing images: 1,234 of 20,000')
    expect(translate('zh', 'import.images', { done: 1234, total: 20000 })).toMatch(/1,234.*20,000/)
  })

  it('switches language on the same instance without reloading', () => {
    const inst = createI18n('zh')
    expect(makeTranslate(inst, 'zh')('nav.newArticle')).toBe('新建文章')
    void inst.changeLanguage('en')
    expect(inst.language).toBe('en')
    expect(makeTranslate(inst, 'en')('nav.newArticle')).toBe('New article')
  })

  it('counts words with plural forms', () => {
    const t = (key: MessageKey, vars?: Record<string, string | number>) => translate('en', key, vars)
    expect(wordCount(t, 1, 'en')).toBe('1 word')
    expect(wordCount(t, 1234, 'en')).toBe('1,234 words')
    expect(wordCount((k, v) => translate('zh', k, v), 3, 'zh')).toBe('3 字')
  })
})

describe('language choice', () => {
  it('follows the OS/browser languages: zh-* is Chinese, anything else English', () => {
    expect(detectLang('zh-CN')).toBe('zh')
    expect(detectLang('zh-Hant-TW')).toBe('zh')
    expect(detectLang('en-GB')).toBe('en')
    expect(detectLang('fr-FR')).toBe('en')
    expect(detectLang(['fr', 'zh'])).toBe('zh')
    expect(detectLang(['en-US', 'zh-CN'])).toBe('en')
    expect(detectLang([])).toBe('en')
    expect(detectLang(undefined)).toBe('en')
  })

  afterEach(() => {
    vi.unstubAllGlobals()
  })

  /** The provider rendered around a component that shows one string. */
  async function render(): Promise<string> {
    const SRC = '../../../src/renderer/src/'
    const { I18nProvider, useI18n } = (await import(/* @vite-ignore */ `${SRC}i18n/I18nProvider.tsx`)) as {
      I18nProvider: ComponentType<{ children: ReactNode }>
      useI18n(): { t(k: MessageKey): string; lang: string; locale: string }
    }
    function Probe() {
      const { t, lang, locale } = useI18n()
      return createElement('span', { lang: locale }, `${lang}:${t('nav.newArticle')}`)
    }
    return renderToStaticMarkup(createElement(I18nProvider, null, createElement(Probe)))
  }

  const storage = (saved: string | null) => ({ getItem: () => saved, setItem: () => undefined })

  it('opens in Chinese on a Chinese system with nothing saved', async () => {
    vi.stubGlobal('navigator', { language: 'zh-CN', languages: ['zh-CN', 'en'] })
    vi.stubGlobal('localStorage', storage(null))
    expect(await render()).toBe('<span lang="zh-CN">zh:新建文章</span>')
  })

  it('opens in English on other systems', async () => {
    vi.stubGlobal('navigator', { language: 'de-DE', languages: ['de-DE'] })
    vi.stubGlobal('localStorage', storage(null))
    expect(await render()).toBe('<span lang="en">en:New article</span>')
  })

  it('prefers the saved choice over the system language', async () => {
    vi.stubGlobal('navigator', { language: 'zh-CN', languages: ['zh-CN'] })
    vi.stubGlobal('localStorage', storage('en'))
    expect(await render()).toBe('<span lang="en">en:New article</span>')
  })
})

/**
 * Visible English written straight into the markup: JSX text, and string literals given to the
 * attributes people read or hear (aria-label, title, placeholder, alt, label props).
 */
function hardCodedText(): string[] {
  const ATTRS = new Set(['aria-label', 'aria-description', 'aria-valuetext', 'title', 'placeholder', 'alt', 'label'])
  // Not words to translate: paper size, the toolbar's letter glyphs (their buttons have translated
  // names), example URLs and command lines (shown in <code>).
  const ALLOWED = new Set(['A4', 'B', 'I', 'S', 'H'])
  const allowed = (s: string) => ALLOWED.has(s) || /^https?:\/\//.test(s) || !/[A-Za-z]/.test(s)
  const found: string[] = []

  const files = (dir: string): string[] =>
    readdirSync(dir).flatMap((n) => {
      const p = join(dir, n)
      return statSync(p).isDirectory() ? files(p) : p.endsWith('.tsx') ? [p] : []
    })

  for (const file of files(RENDERER)) {
    const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX)
    const report = (node: ts.Node, text: string) => {
      if (allowed(text)) return
      const line = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1
      found.push(`${relative(RENDERER, file)}:${line} ${JSON.stringify(text)}`)
    }
    // String literals an expression can evaluate to: `'x'`, `a ? 'x' : 'y'`, `a || 'x'`, `` `x ${y}` ``.
    const literals = (e: ts.Expression | undefined, at: ts.Node): void => {
      if (!e) return
      if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) report(at, e.text)
      else if (ts.isTemplateExpression(e)) report(at, [e.head.text, ...e.templateSpans.map((s) => s.literal.text)].join(' ').trim())
      else if (ts.isParenthesizedExpression(e)) literals(e.expression, at)
      else if (ts.isConditionalExpression(e)) {
        literals(e.whenTrue, at)
        literals(e.whenFalse, at)
      } else if (ts.isBinaryExpression(e) && [ts.SyntaxKind.BarBarToken, ts.SyntaxKind.QuestionQuestionToken, ts.SyntaxKind.AmpersandAmpersandToken].includes(e.operatorToken.kind)) {
        literals(e.right, at)
      }
    }
    const inCode = (node: ts.Node) => {
      for (let p = node.parent; p; p = p.parent) {
        if (ts.isJsxElement(p) && ['code', 'kbd'].includes(p.openingElement.tagName.getText(sf))) return true
      }
      return false
    }
    const visit = (node: ts.Node): void => {
      if (ts.isJsxText(node)) {
        const text = node.text.replace(/\s+/g, ' ').trim()
        if (text && !inCode(node)) report(node, text)
      } else if (ts.isJsxAttribute(node) && ATTRS.has(node.name.getText(sf))) {
        const init = node.initializer
        if (init && ts.isStringLiteral(init)) report(node, init.text)
        else if (init && ts.isJsxExpression(init)) literals(init.expression, node)
      } else if (ts.isJsxExpression(node) && (ts.isJsxElement(node.parent) || ts.isJsxFragment(node.parent)) && !inCode(node)) {
        literals(node.expression, node)
      }
      ts.forEachChild(node, visit)
    }
    visit(sf)
  }
  return found
}

describe('components', () => {
  it('have no hard-coded English text, labels, titles or placeholders', () => {
    expect(hardCodedText()).toEqual([])
  })
})
