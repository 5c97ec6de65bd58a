import type { ComposeLang } from '../../shared/compose-api'
import type { Lang } from './prompts'

/** "auto": Chinese when CJK characters make up at least half of the words, else English. */
export function resolveLang(lang: ComposeLang, ...texts: (string | undefined)[]): Lang {
  if (lang !== 'auto') return lang
  const s = texts.filter(Boolean).join(' ').slice(0, 20_000)
  const cjk = s.match(/[\u3400-\u9fff\uf900-\ufaff]/g)?.length ?? 0
  const latin = s.match(/[A-Za-z]/g)?.length ?? 0
  // A CJK character carries about a word; a Latin word about five letters.
  return cjk > 0 && cjk >= (cjk + latin / 5) * 0.5 ? 'zh' : 'en'
}

/** translate's default target: the other of English and Chinese. */
export function otherLang(text: string): Lang {
  return resolveLang('auto', text) === 'zh' ? 'en' : 'zh'
}
