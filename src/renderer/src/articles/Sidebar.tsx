/** The left sidebar: brand, "New article", the Articles/Trash/Models switch, the list and the language switch. */
import type { ReactNode } from 'react'
import type { ArticleListState } from './hooks'
import { IconPlus } from '../components/icons'
import { LANG_NAMES, LANGS, isLang } from '../i18n'
import { useI18n } from '../i18n/I18nProvider'
import { ArticleList } from './ArticleList'

export type View = 'articles' | 'trash' | 'models' | 'library' | 'chat'

interface Props {
  list: ArticleListState
  /** null while the first screen is being chosen. */
  view: View | null
  selectedId: string | null
  creating: boolean
  onCreate(): void
  onSelect(id: string): void
  onView(view: View): void
  /** More actions beside "New article" (the Import button). */
  headActions?: ReactNode
}

export function Sidebar({ list, view, selectedId, creating, onCreate, onSelect, onView, headActions }: Props) {
  const { t, lang, setLang } = useI18n()
  return (
    <nav className="sidebar" aria-label={t('nav.label')}>
      <div className="sidebar-head">
        <h1 className="brand">{t('app.name')}</h1>
        <button type="button" className="btn btn-primary" onClick={onCreate} disabled={creating}>
          <IconPlus />
          <span>{t('nav.newArticle')}</span>
        </button>
        {headActions}
      </div>
      <div className="view-switch" role="group" aria-label={t('nav.views')}>
        <button type="button" className="seg-btn" aria-pressed={view === 'articles'} onClick={() => onView('articles')}>
          {t('nav.articles')}
        </button>
        <button type="button" className="seg-btn" aria-pressed={view === 'library'} onClick={() => onView('library')}>
          {t('nav.library')}
        </button>
        <button type="button" className="seg-btn" aria-pressed={view === 'chat'} onClick={() => onView('chat')}>
          {t('nav.chat')}
        </button>
        <button type="button" className="seg-btn" aria-pressed={view === 'trash'} onClick={() => onView('trash')}>
          {t('nav.trash')}
        </button>
        <button type="button" className="seg-btn" aria-pressed={view === 'models'} onClick={() => onView('models')}>
          {t('nav.models')}
        </button>
      </div>
      <div className="sidebar-list">
        <ArticleList
          articles={list.articles}
          error={list.error}
          selectedId={view === 'articles' ? selectedId : null}
          onSelect={onSelect}
          onRetry={list.refresh}
        />
      </div>
      <div className="sidebar-foot">
        <label htmlFor="folio-lang" className="foot-label">
          {t('nav.language')}
        </label>
        <select id="folio-lang" className="select" value={lang} onChange={(e) => isLang(e.target.value) && setLang(e.target.value)}>
          {LANGS.map((l) => (
            <option key={l} value={l} lang={l === 'zh' ? 'zh-CN' : 'en'}>
              {LANG_NAMES[l]}
            </option>
          ))}
        </select>
      </div>
    </nav>
  )
}
