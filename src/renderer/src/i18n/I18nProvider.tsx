/**
 * The UI language in React: one i18next instance per app (react-i18next re-renders the components
 * that call useI18n() when it changes, without a reload). The choice is kept in localStorage;
 * until the person picks one, the OS/browser language decides.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react'
import { I18nextProvider, useTranslation } from 'react-i18next'
import { localizeError } from './errors'
import { createI18n, detectLang, isLang, LANG_TAGS, makeTranslate, type Lang, type Translate } from './index'

export const LANG_STORAGE_KEY = 'folio.lang'

interface I18n {
  lang: Lang
  /** BCP 47 tag for Intl formatters (i18n/format). */
  locale: string
  setLang(lang: Lang): void
  t: Translate
  /** A thrown error or stored `{ code, message }` as text in this language (i18n/errors). */
  errorText(e: unknown): string
}

const SetLangContext = createContext<((lang: Lang) => void) | null>(null)

function savedLang(): Lang | null {
  try {
    const saved = localStorage.getItem(LANG_STORAGE_KEY)
    return isLang(saved) ? saved : null
  } catch {
    return null // storage unavailable (or no DOM): fall back to the browser language
  }
}

function initialLang(): Lang {
  const nav = typeof navigator === 'undefined' ? undefined : navigator
  return savedLang() ?? detectLang(nav?.languages?.length ? nav.languages : nav?.language)
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const [inst] = useState(() => createI18n(initialLang()))

  const setLang = useCallback(
    (next: Lang) => {
      try {
        localStorage.setItem(LANG_STORAGE_KEY, next)
      } catch {
        // not persisted; the switch still applies to this session
      }
      void inst.changeLanguage(next)
    },
    [inst],
  )

  useEffect(() => {
    const apply = (lng: string) => {
      document.documentElement.lang = LANG_TAGS[isLang(lng) ? lng : 'en']
    }
    apply(inst.language)
    inst.on('languageChanged', apply)
    // Another window of the app switched language: follow it.
    const onStorage = (e: StorageEvent) => {
      if (e.key === LANG_STORAGE_KEY && isLang(e.newValue) && e.newValue !== inst.language) void inst.changeLanguage(e.newValue)
    }
    window.addEventListener('storage', onStorage)
    return () => {
      inst.off('languageChanged', apply)
      window.removeEventListener('storage', onStorage)
    }
  }, [inst])

  return (
    <I18nextProvider i18n={inst}>
      <SetLangContext.Provider value={setLang}>{children}</SetLangContext.Provider>
    </I18nextProvider>
  )
}

export function useI18n(): I18n {
  const setLang = useContext(SetLangContext)
  if (!setLang) throw new Error('useI18n outside <I18nProvider>')
  const { i18n } = useTranslation()
  const lang: Lang = isLang(i18n.language) ? i18n.language : 'en'
  const t = useMemo(() => makeTranslate(i18n, lang), [i18n, lang])
  return useMemo(
    () => ({ lang, locale: LANG_TAGS[lang], setLang, t, errorText: (e: unknown) => localizeError(e, t, lang) }),
    [lang, setLang, t],
  )
}

/** `errorText` alone, for hooks that show errors but translate nothing else. */
export function useErrorText(): (e: unknown) => string {
  return useI18n().errorText
}

/**
 * An error to show, kept as thrown so a language switch re-words it: `[text | null, set]`, where
 * `set(e)` shows e and `set(null)` clears. `set` is stable: listing it in deps re-runs nothing.
 */
export function useErrorState(): [string | null, (e: unknown) => void] {
  const errorText = useErrorText()
  const [shown, setShown] = useState<{ error: unknown } | null>(null)
  const set = useCallback((e: unknown) => setShown(e === null ? null : { error: e }), [])
  return [shown && errorText(shown.error), set]
}
