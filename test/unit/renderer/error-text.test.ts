/**
 * Server errors in the UI language: a sentence per error code in both dictionaries, English keeps
 * the server's own message, Chinese shows the sentence and only the specifics of the message.
 */
import { createElement, type ComponentType, type ReactNode } from 'react'
import { renderToStaticMarkup } from 'react-dom/server'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { ERROR_CODES, FolioError, toWireError } from '../../../src/shared/errors'
import { translate, type Lang, type MessageKey, type Vars } from '../../../src/renderer/src/i18n'
import { en } from '../../../src/renderer/src/i18n/en'
import { errorKey, localizeError } from '../../../src/renderer/src/i18n/errors'
import { zh } from '../../../src/renderer/src/i18n/zh'

const tFor = (lang: Lang) => (key: MessageKey, vars?: Vars) => translate(lang, key, vars)
const text = (e: unknown, lang: Lang) => localizeError(e, tFor(lang), lang)
/** Latin letters outside brackets: English left in a Chinese sentence. */
const bareLatin = (s: string) => s.replace(/（[^）]*）/g, '').replace(/\b(Folio|GGUF|mmproj)\b/g, '').match(/[A-Za-z]{3,}/g)

describe('error sentences', () => {
  it('exist, non-empty, for every error code in English and Chinese', () => {
    for (const code of ERROR_CODES) {
      const key = errorKey(code)
      expect(en[key]?.trim(), `en ${key}`).toBeTruthy()
      expect(zh[key]?.trim(), `zh ${key}`).toBeTruthy()
      expect(zh[key], `zh ${key} is translated`).not.toBe(en[key])
      expect(zh[key], `zh ${key}`).toMatch(/[\u4e00-\u9fff]/)
    }
  })
})

describe('localizeError', () => {
  it('in English keeps the server message, with its names and numbers', () => {
    const e = FolioError.fromWire({ code: 'NOT_FOUND', message: 'No article 42.', retryable: false })
    expect(text(e, 'en')).toBe('No article 42.')
    // The stored/wire shape (chat message errors, download state) reads the same as the class.
    expect(text({ code: 'DISK_FULL', message: 'The disk holding /data/folio.db is full.' }, 'en')).toBe('The disk holding /data/folio.db is full.')
  })

  it('in Chinese shows the sentence alone when the message names nothing specific', () => {
    const e = FolioError.fromWire(toWireError(Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' })))
    expect(e.code).toBe('DB_LOCKED')
    const s = text(e, 'zh')
    expect(s).toBe(zh['errors.DB_LOCKED'])
    expect(s).not.toContain(e.message)
    expect(bareLatin(s)).toBeNull()
    expect(text(new FolioError('CONFLICT', 'Pause the download before discarding it.'), 'zh')).toBe(zh['errors.CONFLICT'])
  })

  it('in Chinese adds the message in brackets when it names a file, a number or a quoted name', () => {
    expect(text(new FolioError('DISK_FULL', 'The disk holding /data/folio.db is full.'), 'zh')).toBe(
      '磁盘已满——请释放一些空间后重试。（The disk holding /data/folio.db is full.）',
    )
    expect(text(new FolioError('NOT_FOUND', 'No album 7.'), 'zh')).toBe(`${zh['errors.NOT_FOUND']}（No album 7.）`)
    expect(text(new FolioError('CONFLICT', 'An album named “Trips” already exists.'), 'zh')).toContain('（An album named “Trips” already exists.）')
    expect(text(new FolioError('MODEL_INVALID', 'notes.gguf is not a GGUF model file.'), 'zh')).toContain('（notes.gguf')
  })

  it('gives an error without a code the fallback sentence, a failed connection the connection one', () => {
    const bug = new Error('undefined is not a function')
    expect(text(bug, 'zh')).toBe(zh['errors.INTERNAL'])
    expect(text(bug, 'en')).toBe(`${en['errors.INTERNAL']} (undefined is not a function)`)
    expect(text(new TypeError('Failed to fetch'), 'zh')).toBe(zh['errors.UNREACHABLE'])
    expect(text(new TypeError('Failed to fetch'), 'en')).toBe(`${en['errors.UNREACHABLE']} (Failed to fetch)`)
    // A code that is not Folio's is no code at all.
    expect(text({ code: 'ENOENT', message: 'gone' }, 'zh')).toBe(zh['errors.INTERNAL'])
    expect(text(undefined, 'en')).toBe(en['errors.INTERNAL'])
  })
})

describe('useI18n().errorText', () => {
  afterEach(() => {
    vi.unstubAllGlobals()
  })

  it('speaks the provider language', async () => {
    vi.stubGlobal('navigator', { language: 'zh-CN', languages: ['zh-CN'] })
    vi.stubGlobal('localStorage', { getItem: () => null, setItem: () => undefined })
    const SRC = '../../../src/renderer/src/'
    const { I18nProvider, useErrorText } = (await import(/* @vite-ignore */ `${SRC}i18n/I18nProvider.tsx`)) as {
      I18nProvider: ComponentType<{ children: ReactNode }>
      useErrorText(): (e: unknown) => string
    }
    function Probe() {
      return createElement('p', null, useErrorText()(new FolioError('DISK_FULL', 'The disk is full.')))
    }
    expect(renderToStaticMarkup(createElement(I18nProvider, null, createElement(Probe)))).toBe(`<p>${zh['errors.DISK_FULL']}</p>`)
  })
})
