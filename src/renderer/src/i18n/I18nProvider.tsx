import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react'
import { detectLang, isLang, LANG_TAGS, translate, type Lang, type Translate } from './index'

const STORAGE_KEY = 'folio.lang'

interface I18n {
  lang: Lang
  /** BCP 47 tag for Intl formatters. */
  locale: string
  setLang(lang: Lang): void
  t: Translate
}

const I18nContext = createContext<I18n | null>(null)

function initialLang(): Lang {
  try {
    const saved = localStorage.getItem(STORAGE_KEY)
    if (isLang(saved)) return saved
  } catch {
    // storage unavailable: fall back to the browser language
  }
  return detectLang(typeof navigator === 'undefined' ? undefined : navigator.language)
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(initialLang)

  const setLang = useCallback((next: Lang) => {
    setLangState(next)
    try {
      localStorage.setItem(STORAGE_KEY, next)
    } catch {
      // not persisted; fine
    }
  }, [])

  useEffect(() => {
    document.documentElement.lang = LANG_TAGS[lang]
  }, [lang])

  const value = useMemo<I18n>(
    () => ({ lang, locale: LANG_TAGS[lang], setLang, t: (key, vars) => translate(lang, key, vars) }),
    [lang, setLang],
  )
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>
}

export function useI18n(): I18n {
  const v = useContext(I18nContext)
  if (!v) throw new Error('useI18n outside <I18nProvider>')
  return v
}
