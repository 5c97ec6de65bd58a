/** Tiny i18n: two dictionaries, a `t(key, vars)` helper and language detection. No React here. */
import { en, type MessageKey } from './en'
import { zh } from './zh'

export type { MessageKey }
export type Lang = 'en' | 'zh'
export const LANGS: readonly Lang[] = ['en', 'zh']
/** Each language's name in itself, for the switcher. */
export const LANG_NAMES: Record<Lang, string> = { en: 'English', zh: '简体中文' }
/** BCP 47 tags for Intl formatting and `<html lang>`. */
export const LANG_TAGS: Record<Lang, string> = { en: 'en', zh: 'zh-CN' }

const dictionaries: Record<Lang, Record<MessageKey, string>> = { en, zh }

export type Vars = Record<string, string | number>
export type Translate = (key: MessageKey, vars?: Vars) => string

export function translate(lang: Lang, key: MessageKey, vars?: Vars): string {
  const template = dictionaries[lang][key] ?? en[key] ?? key
  if (!vars) return template
  return template.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m))
}

/** "1 word" / "2 words" / "2 字". */
export function wordCount(t: Translate, n: number, lang: Lang): string {
  const formatted = new Intl.NumberFormat(LANG_TAGS[lang]).format(n)
  return t(n === 1 ? 'common.words.one' : 'common.words.other', { n: formatted })
}

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
