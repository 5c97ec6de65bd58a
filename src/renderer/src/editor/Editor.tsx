/**
 * One open article: title, toolbar, TipTap body, status bar and versions panel. Keyed by article
 * id by its parent, so switching articles mounts a fresh editor (and flushes the old one).
 */
import { Extension } from '@tiptap/core'
import { EditorContent, useEditor, type Editor as TiptapEditor } from '@tiptap/react'
import { lazy, Suspense, useCallback, useEffect, useId, useMemo, useRef, useState } from 'react'
import type { Article } from '../../../shared/api'
import type { Doc } from '../../../shared/doc'
import { useClient } from '../api'
import { useArticleAutosave, useSaveShortcut, type ArticleSnapshot } from '../articles/useAutosave'
import { useDialogs } from '../components/DialogProvider'
import { IconChat, IconHistory, IconImage, IconTrash } from '../components/icons'
import { ImageFilesInput } from '../components/ImageFilesInput'
import { ComposeBar } from '../compose/ComposeBar'
import { ComposeButton } from '../compose/ComposeButton'
import { DEFAULT_COMPOSE } from '../compose/defaults'
import { ComposeSpotView, SpotRunnerContext } from '../compose/ComposeSpotView'
import type { ComposeOptions } from '../compose/composer'
import { isBlank, paragraphAt } from '../compose/doc-context'
import { ParagraphMenu } from '../compose/ParagraphMenu'
import { useComposer } from '../compose/useComposer'
import { useI18n } from '../i18n/I18nProvider'
import { buildExtensions } from './extensions'
import { FigureView } from './FigureView'
import { looksLikeImage } from './images'
import { handleLibraryDrop, insertLibraryImages } from './library-drop'
import { normalizeLinkUrl } from './link'
import { StatusBar } from './StatusBar'
import { TitleField } from './TitleField'
import { Toolbar } from './Toolbar'
import { useImageImport } from './useImageImport'
import { ExportButton } from '../articles/ExportDialog'

// Panels and dialogs load when first opened: opening an article parses less script.
const ChatPanel = lazy(() => import('../chat/ChatPanel').then((m) => ({ default: m.ChatPanel })))
const ComposeDialog = lazy(() => import('../compose/ComposeDialog').then((m) => ({ default: m.ComposeDialog })))
const LibraryPanel = lazy(() => import('./LibraryPanel').then((m) => ({ default: m.LibraryPanel })))
const VersionsPanel = lazy(() => import('./VersionsPanel').then((m) => ({ default: m.VersionsPanel })))

interface Props {
  article: Article
  autoFocusTitle?: boolean
  /** Move to trash (the parent handles the request, selection and undo toast). */
  onTrash(flush: () => Promise<boolean>): void
}

export function Editor({ article, autoFocusTitle, onTrash }: Props) {
  const client = useClient()
  const dialogs = useDialogs()
  const { t } = useI18n()
  const panelId = useId()
  const [panel, setPanel] = useState<'versions' | 'images' | 'chat' | null>(null)
  const versionsOpen = panel === 'versions'
  const imagesOpen = panel === 'images'
  const [titleKey, setTitleKey] = useState(0)
  const [initialTitle, setInitialTitle] = useState(article.title)
  const versionsButton = useRef<HTMLButtonElement>(null)
  const imagesButton = useRef<HTMLButtonElement>(null)
  const chatButton = useRef<HTMLButtonElement>(null)
  const fileInput = useRef<HTMLInputElement>(null)

  // Live values read by the autosave and by TipTap callbacks created once.
  const editorRef = useRef<TiptapEditor | null>(null)
  const titleRef = useRef(article.title)
  const lastDocRef = useRef<Doc>(article.doc)
  const revisionRef = useRef(article.revision)
  const tRef = useRef(t)
  const importRef = useRef<(files: readonly File[], at?: number) => Promise<void>>(async () => {})
  const linkRef = useRef<() => void>(() => {})
  const paragraphMenuRef = useRef<() => void>(() => {})
  const snapshotRef = useRef<() => ArticleSnapshot>(() => {
    const ed = editorRef.current
    if (ed && !ed.isDestroyed) lastDocRef.current = ed.getJSON() as Doc
    return { doc: lastDocRef.current, title: titleRef.current }
  })

  const autosave = useArticleAutosave({ articleId: article.id, snapshot: snapshotRef, revision: revisionRef })
  useSaveShortcut(autosave)

  const extensions = useMemo(
    () => [
      ...buildExtensions({
        resolveImageUrl: (id) => client.imageUrl(id),
        figureView: FigureView,
        composeSpotView: ComposeSpotView,
        placeholder: () => tRef.current('editor.placeholder'),
      }),
      Extension.create({
        name: 'folioShortcuts',
        addKeyboardShortcuts: () => ({
          'Mod-k': () => {
            linkRef.current()
            return true
          },
          'Mod-j': () => {
            paragraphMenuRef.current()
            return true
          },
        }),
      }),
    ],
    [client],
  )

  const editor = useEditor({
    extensions,
    content: article.doc,
    injectCSS: false,
    editorProps: {
      // A function, so a language switch updates the accessible name on the next view update.
      attributes: () => ({
        'aria-label': tRef.current('editor.body'),
        'aria-multiline': 'true',
        role: 'textbox',
        class: 'tiptap prose',
        spellcheck: 'true',
      }),
      handleDrop: (view, event, _slice, moved) => {
        // Thumbnails dragged from the Library carry image ids: insert figures at the drop point.
        if (handleLibraryDrop(editorRef.current, event, () => view.posAtCoords({ left: event.clientX, top: event.clientY })?.pos)) return true
        if (moved) return false
        const files = Array.from(event.dataTransfer?.files ?? [])
        if (files.length === 0) return false
        event.preventDefault()
        const at = view.posAtCoords({ left: event.clientX, top: event.clientY })?.pos
        void importRef.current(files, at)
        return true
      },
      handlePaste: (_view, event) => {
        const data = event.clipboardData
        const files = Array.from(data?.files ?? []).filter(looksLikeImage)
        // Office apps put a picture of the text next to the text: prefer the text then.
        if (files.length === 0 || (data?.getData('text/plain') ?? '').trim() !== '') return false
        event.preventDefault()
        void importRef.current(files)
        return true
      },
    },
    onUpdate: () => autosave.markDirty(),
    onBlur: () => void autosave.flush(),
  })

  useEffect(() => {
    editorRef.current = editor
  }, [editor])

  useEffect(() => {
    if (tRef.current === t) return
    tRef.current = t
    // Redraw the body's accessible name and placeholder in the new language.
    if (!editor.isDestroyed) editor.view.dispatch(editor.state.tr.setMeta('addToHistory', false))
  }, [editor, t])

  const importImages = useImageImport(editor)
  useEffect(() => {
    importRef.current = importImages
  }, [importImages])

  const editLink = useCallback(async () => {
    const previous = (editor.getAttributes('link').href as string | undefined) ?? ''
    const value = await dialogs.prompt({
      title: t('link.title'),
      label: t('link.url'),
      initialValue: previous,
      hint: t('link.hint'),
      confirmLabel: t('link.apply'),
      inputMode: 'url',
      validate: (v) => (v.trim() === '' || normalizeLinkUrl(v) ? null : t('link.invalid')),
    })
    if (value !== null && !editor.isDestroyed) {
      const href = normalizeLinkUrl(value)
      const chain = editor.chain().extendMarkRange('link')
      if (!href) chain.unsetLink().run()
      else if (editor.state.selection.empty && !editor.isActive('link')) {
        chain.insertContent({ type: 'text', text: href, marks: [{ type: 'link', attrs: { href } }] }).run()
      } else chain.setLink({ href }).run()
    }
    // After the dialog has returned focus to where it was, put it back in the text.
    requestAnimationFrame(() => {
      if (!editor.isDestroyed) editor.commands.focus()
    })
  }, [dialogs, editor, t])
  useEffect(() => {
    linkRef.current = () => void editLink()
  }, [editLink])

  // ---- composition: the Compose dialog, its progress bar and the paragraph actions ----
  const [composeOpen, setComposeOpen] = useState(false)
  const [paragraphMenu, setParagraphMenu] = useState<{ hasParagraph: boolean } | null>(null)
  const composeOptions = useRef<ComposeOptions>(DEFAULT_COMPOSE)
  const onComposedTitle = useCallback(
    (title: string) => {
      // A title the user typed wins over the model's.
      if (titleRef.current.trim()) return
      titleRef.current = title
      setInitialTitle(title)
      setTitleKey((k) => k + 1)
      autosave.markDirty()
    },
    [autosave],
  )
  const compose = useComposer(editor, t, onComposedTitle)
  useEffect(() => {
    paragraphMenuRef.current = () => setParagraphMenu({ hasParagraph: paragraphAt(editor.state) !== null })
  }, [editor])
  const backToText = () =>
    requestAnimationFrame(() => {
      if (!editor.isDestroyed) editor.commands.focus()
    })

  const onRestored = useCallback(
    (restored: Article) => {
      editor.commands.setContent(restored.doc, { emitUpdate: false })
      lastDocRef.current = restored.doc
      titleRef.current = restored.title
      revisionRef.current = restored.revision
      autosave.markSaved()
      setInitialTitle(restored.title)
      setTitleKey((k) => k + 1)
    },
    [autosave, editor],
  )

  const closeVersions = useCallback(() => {
    // Return focus to the toggle only if it was in the panel (not if the user is typing).
    const panelEl = document.getElementById(panelId)
    const focusWasInPanel = !!panelEl && panelEl.contains(document.activeElement)
    const toggle = panel === 'images' ? imagesButton : panel === 'chat' ? chatButton : versionsButton
    setPanel(null)
    if (focusWasInPanel) toggle.current?.focus()
  }, [panelId, panel])

  // Escape closes the panel from anywhere, unless a dialog is open (it takes Escape itself).
  useEffect(() => {
    if (panel === null) return
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape' || e.defaultPrevented || document.querySelector('dialog[open]')) return
      closeVersions()
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [panel, closeVersions])

  return (
    <div className={`editor-layout${panel !== null ? ' with-panel' : ''}`}>
      <div className="editor-column">
        <div className="editor-header">
          <TitleField
            key={titleKey}
            initialTitle={initialTitle}
            autoFocus={autoFocusTitle}
            onChange={(title) => {
              titleRef.current = title
              autosave.markDirty()
            }}
            onExit={() => editor.commands.focus('start')}
          />
          <div className="editor-actions">
            <ComposeButton composer={compose?.composer ?? null} onClick={() => setComposeOpen(true)} />
            <button
              ref={imagesButton}
              type="button"
              className="btn btn-ghost"
              aria-expanded={imagesOpen}
              aria-controls={imagesOpen ? panelId : undefined}
              onClick={() => setPanel((p) => (p === 'images' ? null : 'images'))}
            >
              <IconImage />
              <span>{t('editorLibrary.toggle')}</span>
            </button>
            <button
              ref={versionsButton}
              type="button"
              className="btn btn-ghost"
              aria-expanded={versionsOpen}
              aria-controls={versionsOpen ? panelId : undefined}
              onClick={() => setPanel((p) => (p === 'versions' ? null : 'versions'))}
            >
              <IconHistory />
              <span>{t('versions.toggle')}</span>
            </button>
            <button
              ref={chatButton}
              type="button"
              className="btn btn-ghost"
              aria-expanded={panel === 'chat'}
              aria-controls={panel === 'chat' ? panelId : undefined}
              onClick={() => setPanel((p) => (p === 'chat' ? null : 'chat'))}
            >
              <IconChat />
              <span>{t('chat.toggle')}</span>
            </button>
            <ExportButton articleId={article.id} flush={() => autosave.flush()} />
            <button
              type="button"
              className="icon-btn"
              aria-label={t('trash.moveToTrash')}
              title={t('trash.moveToTrash')}
              onClick={() => onTrash(() => autosave.flush())}
            >
              <IconTrash />
            </button>
          </div>
        </div>
        <Toolbar
          editor={editor}
          onLink={() => void editLink()}
          onInsertImage={() => fileInput.current?.click()}
          onParagraphActions={() => paragraphMenuRef.current()}
        />
        {compose && <ComposeBar composer={compose.composer} />}
        <ImageFilesInput ref={fileInput} testId="image-input" onFiles={(files) => void importImages(files)} />
        <div className="editor-scroll">
          <SpotRunnerContext.Provider value={compose?.spots ?? null}>
            <EditorContent editor={editor} className="editor-content" />
          </SpotRunnerContext.Provider>
        </div>
        <StatusBar editor={editor} autosave={autosave} />
      </div>
      <Suspense fallback={null}>
      {versionsOpen && (
        <VersionsPanel
          id={panelId}
          articleId={article.id}
          onClose={closeVersions}
          flush={() => autosave.flush()}
          onRestored={onRestored}
        />
      )}
      {composeOpen && compose && (
        <ComposeDialog
          initial={composeOptions.current}
          hasText={!isBlank(editor.state.doc)}
          onClose={() => setComposeOpen(false)}
          onCompose={(opts) => {
            composeOptions.current = opts
            setComposeOpen(false)
            compose.composer.compose(opts)
            backToText()
          }}
          onRedoImages={(opts) => {
            composeOptions.current = opts
            setComposeOpen(false)
            compose.composer.redoImages(opts)
            backToText()
          }}
        />
      )}
      {paragraphMenu && compose && (
        <ParagraphMenu
          hasParagraph={paragraphMenu.hasParagraph}
          busy={compose.composer.running}
          onClose={() => setParagraphMenu(null)}
          onAction={(action, instruction) => {
            setParagraphMenu(null)
            compose.composer.paragraph(action, instruction)
            backToText()
          }}
          onAddImage={(caption) => {
            setParagraphMenu(null)
            compose.composer.addImageHere(caption)
            backToText()
          }}
        />
      )}
      {imagesOpen && <LibraryPanel id={panelId} onClose={closeVersions} onInsert={(img) => insertLibraryImages(editor, [img])} />}
      {panel === 'chat' && <ChatPanel id={panelId} editor={editor} onClose={closeVersions} />}
      </Suspense>
    </div>
  )
}
