/**
 * i18n core (no React): i18next instances over the en/zh dictionaries, the typed `t(key, vars)`
 * wrapper the components use, and language detection.
 */
import i18next, { type i18n as I18next } from 'i18next'
import { en, type MessageKey } from './en'
import { formatNumber } from './format'
import { zh } from './zh'

export type { MessageKey }
export type Lang = 'en' | 'zh'
export const LANGS: readonly Lang[] = ['en', 'zh']
/** Each language's name in itself, for the switcher. */
export const LANG_NAMES: Record<Lang, string> = { en: 'English', zh: '简体中文' }
/** BCP 47 tags for Intl formatting and `<html lang>`. */
export const LANG_TAGS: Record<Lang, string> = { en: 'en', zh: 'zh-CN' }

export type Vars = Record<string, string | number>
export type Translate = (key: MessageKey, vars?: Vars) => string

const resources = { en: { translation: en }, zh: { translation: zh } }

/** A ready (synchronously initialised) i18next instance showing `lang`. */
export function createI18n(lang: Lang): I18next {
  const inst = i18next.createInstance()
  void inst.init({
    resources,
    lng: lang,
    fallbackLng: 'en',
    supportedLngs: [...LANGS],
    initAsync: false,
    // Keys are flat strings with dots in them ("nav.newArticle"), not paths.
    keySeparator: false,
    nsSeparator: false,
    // The dictionaries write `{name}`; React escapes, so i18next must not. A missing value keeps
    // its `{name}` (i18next's skipOnVariables default) rather than vanishing.
    interpolation: { prefix: '{', suffix: '}', escapeValue: false },
  })
  return inst
}

/**
 * The typed `t` for one language: numbers among the values are formatted for that language
 * ("1,234" / "1,234"; decimals as the locale writes them), so counts need no extra step.
 */
export function makeTranslate(inst: I18next, lang: Lang): Translate {
  const fixed = inst.getFixedT(lang)
  const locale = LANG_TAGS[lang]
  // The dictionaries never change at run time, and i18next's lookup costs ~10 µs a key: the first
  // screen asks for a few thousand.
  const plain = new Map<MessageKey, string>()
  return (key, vars) => {
    if (!vars) {
      let text = plain.get(key)
      if (text === undefined) plain.set(key, (text = fixed(key)))
      return text
    }
    const values: Record<string, string> = {}
    for (const [k, v] of Object.entries(vars)) values[k] = typeof v === 'number' ? formatNumber(v, locale) : v
    return fixed(key, values)
  }
}

let shared: I18next | null = null
const fixedByLang = new Map<Lang, Translate>()

/** `t` outside React (tests, pure helpers): one shared instance, a fixed language per call. */
export function translate(lang: Lang, key: MessageKey, vars?: Vars): string {
  let t = fixedByLang.get(lang)
  if (!t) {
    shared ??= createI18n('en')
    t = makeTranslate(shared, lang)
    fixedByLang.set(lang, t)
  }
  return t(key, vars)
}

/** "1 word" / "2 words" / "2 字". */
export function wordCount(t: Translate, n: number, lang: Lang): string {
  const formatted = formatNumber(n, LANG_TAGS[lang])
  return t(n === 1 ? 'common.words.one' : 'common.words.other', { n: formatted })
}

/** The UI language for the OS/browser preferences (`navigator.languages`): Chinese for zh-*, else English. */
export function detectLang(preferred: readonly string[] | string | undefined): Lang {
  const list = typeof preferred === 'string' ? [preferred] : (preferred ?? [])
  for (const tag of list) {
    const base = tag.toLowerCase().split(/[-_]/)[0]
    if (base === 'zh') return 'zh'
    if (base === 'en') return 'en'
  }
  return 'en'
}

export function isLang(v: unknown): v is Lang {
  return v === 'en' || v === 'zh'
}
