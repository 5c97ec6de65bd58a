/**
 * The app shell: sidebar (articles, the Articles/Trash/Models switch, language), the main pane and
 * the status bar. On first start (no writing model yet) it opens on the Models screen.
 */
import { lazy, Suspense, useCallback, useEffect, useRef, useState } from 'react'
import { useClient } from './api'
import { displayTitle } from './articles/format'
import { useArticleList } from './articles/hooks'
import { Sidebar, type View } from './articles/Sidebar'
import { ImportButton } from './articles/ImportButton'
import { Banner } from './components/Banner'
import { OpenModelsContext } from './chat/navigation'
import { useToast } from './components/Toast'
import { EditorPane } from './editor/EditorPane'
import { StatusSlotContext } from './components/StatusSlot'
import { useI18n } from './i18n/I18nProvider'
import { AppStatusBar } from './models/AppStatusBar'
import { writerState } from './models/models-store'
import { useModelsSelector } from './models/ModelsProvider'

// Views other than the editor load when first opened: the start-up script stays small.
const TrashView = lazy(() => import('./articles/TrashView').then((m) => ({ default: m.TrashView })))
const LibraryView = lazy(() => import('./library/LibraryView').then((m) => ({ default: m.LibraryView })))
const ChatView = lazy(() => import('./chat/ChatView').then((m) => ({ default: m.ChatView })))
const ModelsView = lazy(() => import('./models/ModelsView').then((m) => ({ default: m.ModelsView })))

export function App() {
  const client = useClient()
  const toast = useToast()
  const { t, errorText } = useI18n()
  const list = useArticleList(false)
  // null until we know whether a writing model is set up (first start opens the Models screen).
  const [view, setView] = useState<View | null>(null)
  const writer = useModelsSelector((s) => writerState(s.list))
  const [statusSlot, setStatusSlot] = useState<HTMLDivElement | null>(null)
  const [selectedId, setSelectedId] = useState<string | null>(null)
  const [autoSelected, setAutoSelected] = useState(false)
  const [freshId, setFreshId] = useState<string | null>(null)
  const [creating, setCreating] = useState(false)

  if (view === null && writer !== 'loading') setView(writer === 'none' ? 'models' : 'articles')

  // Open the most recent article once the list first arrives.
  if (!autoSelected && list.articles) {
    setAutoSelected(true)
    if (selectedId === null && list.articles.length > 0) setSelectedId(list.articles[0].id)
  }

  const select = useCallback((id: string) => {
    setView('articles')
    setSelectedId(id)
    setFreshId(null)
  }, [])

  const create = async () => {
    setCreating(true)
    try {
      const article = await client.call('articles.create', {})
      setView('articles')
      setSelectedId(article.id)
      setFreshId(article.id)
      list.refresh()
    } catch (e) {
      toast.show({ kind: 'error', message: t('common.error', { message: errorText(e) }) })
    } finally {
      setCreating(false)
    }
  }

  const trash = async (article: { id: string; title: string }, flush: () => Promise<boolean>) => {
    if (!(await flush())) {
      toast.show({ kind: 'error', message: t('trash.flushFailed') })
      return
    }
    const current = list.articles?.find((a) => a.id === article.id)
    const title = displayTitle(current?.title ?? article.title, t('common.untitled'))
    try {
      await client.call('articles.trash', { id: article.id })
    } catch (e) {
      toast.show({ kind: 'error', message: t('common.error', { message: errorText(e) }) })
      return
    }
    // Show the empty state rather than jumping into another article the user did not pick.
    setSelectedId((sel) => (sel === article.id ? null : sel))
    list.refresh()
    toast.show({
      message: t('trash.moved', { title }),
      duration: 10_000,
      action: {
        label: t('common.undo'),
        onClick: () => {
          client.call('articles.restore', { id: article.id }).then(
            () => {
              list.refresh()
              select(article.id)
            },
            (e: unknown) => toast.show({ kind: 'error', message: t('common.error', { message: errorText(e) }) }),
          )
        },
      },
    })
  }

  // A stable callback, so list refreshes (after every autosave) do not re-render the editor.
  const trashRef = useRef(trash)
  useEffect(() => {
    trashRef.current = trash
  })
  const onTrash = useCallback(
    (article: { id: string; title: string }, flush: () => Promise<boolean>) => void trashRef.current(article, flush),
    [],
  )

  // Dropping a file outside the editor must not navigate the window to it.
  useEffect(() => {
    const guard = (e: DragEvent) => {
      if (e.dataTransfer?.types.includes('Files')) e.preventDefault()
    }
    window.addEventListener('dragover', guard)
    window.addEventListener('drop', guard)
    return () => {
      window.removeEventListener('dragover', guard)
      window.removeEventListener('drop', guard)
    }
  }, [])

  const openModels = useCallback(() => setView('models'), [])

  return (
    <div className="app">
      <Sidebar
        list={list}
        view={view}
        selectedId={selectedId}
        creating={creating}
        onCreate={() => void create()}
        onSelect={select}
        onView={setView}
        headActions={<ImportButton onImported={select} />}
      />
      <main className="main">
        <Banner />
        <OpenModelsContext.Provider value={openModels}>
        <StatusSlotContext.Provider value={statusSlot}>
        <Suspense fallback={<div className="pane-message" aria-busy="true"><p>{t('app.loading')}</p></div>}>
        {view === 'trash' ? (
          <TrashView onRestored={() => list.refresh()} />
        ) : view === 'library' ? (
          <LibraryView articles={list.articles} onOpenArticle={select} />
        ) : view === 'chat' ? (
          <ChatView />
        ) : view === 'models' ? (
          <ModelsView />
        ) : view === null || creating ? (
          // While a new article is being created, keystrokes must not land in the previous one.
          <div className="pane-message" aria-busy="true">
            <p>{t('app.loading')}</p>
          </div>
        ) : selectedId ? (
          <EditorPane
            key={selectedId}
            articleId={selectedId}
            autoFocusTitle={freshId === selectedId}
            onTrash={onTrash}
          />
        ) : (
          <div className="pane-message empty-state">
            <p>{t(list.articles?.length === 0 ? 'nav.empty' : 'main.empty')}</p>
          </div>
        )}
        </Suspense>
        </StatusSlotContext.Provider>
        </OpenModelsContext.Provider>
      </main>
      <AppStatusBar slotRef={setStatusSlot} onOpenModels={openModels} />
    </div>
  )
}
