/**
 * Server-rendered markup of the main components (no DOM library is installed, so effects do not
 * run): checks roles, accessible names, pressed states and test ids that the e2e tests rely on.
 * The .tsx modules are imported by computed path so the Node typecheck (no JSX) skips them.
 */
import { Editor } from '@tiptap/core'
import { history, undo } from '@tiptap/pm/history'
import { EditorState } from '@tiptap/pm/state'
import { createElement, type ComponentType, type ReactNode } from 'react'
import { renderToStaticMarkup } from 'react-dom/server'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { ArticleSummary } from '../../../src/shared/api'
import { FolioError } from '../../../src/shared/errors'
import { Autosave } from '../../../src/renderer/src/articles/autosave'
import { buildExtensions } from '../../../src/renderer/src/editor/extensions'
import { EMPTY_TOOLBAR_STATE, selectToolbarState, selectWordCount, toolbarStateOf } from '../../../src/renderer/src/editor/editor-state'

const SRC = '../../../src/renderer/src/'
type AnyComponent = ComponentType<Record<string, unknown>>
const mods: Record<string, Record<string, AnyComponent>> = {}

beforeAll(async () => {
  for (const name of ['i18n/I18nProvider', 'articles/Sidebar', 'editor/Toolbar', 'editor/StatusBar', 'components/Toast']) {
    mods[name] = (await import(/* @vite-ignore */ `${SRC}${name}.tsx`)) as Record<string, AnyComponent>
  }
})

const h = (c: AnyComponent, props: Record<string, unknown> = {}, ...children: ReactNode[]) => createElement(c, props, ...children)

function withProviders(node: ReactNode): string {
  const { I18nProvider } = mods['i18n/I18nProvider']
  const { ToastProvider } = mods['components/Toast']
  return renderToStaticMarkup(h(I18nProvider, {}, h(ToastProvider, {}, node)))
}

let editors: Editor[] = []
afterEach(() => {
  for (const e of editors) e.destroy()
  editors = []
})
function headless(content: unknown) {
  const e = new Editor({ extensions: buildExtensions({ resolveImageUrl: (id) => `/api/image/${id}` }), content: content as never })
  editors.push(e)
  return e
}

const article = (over: Partial<ArticleSummary>): ArticleSummary => ({
  id: 'art_000000000001',
  title: 'First',
  createdAt: 0,
  updatedAt: Date.now() - 5 * 60_000,
  trashedAt: null,
  wordCount: 1,
  excerpt: '',
  revision: 1,
  ...over,
})

describe('Sidebar markup', () => {
  it('has the nav landmark, New article, the Trash switch and one item per article', () => {
    const { Sidebar } = mods['articles/Sidebar']
    const html = withProviders(
      h(Sidebar, {
        list: {
          articles: [article({ id: 'art_000000000001', title: 'First', wordCount: 1 }), article({ id: 'art_000000000002', title: '', wordCount: 42 })],
          error: null,
          refresh() {},
        },
        view: 'articles',
        selectedId: 'art_000000000002',
        creating: false,
        onCreate() {},
        onSelect() {},
        onView() {},
      }),
    )
    expect(html).toContain('<nav class="sidebar" aria-label="Articles">')
    expect(html).toMatch(/<button[^>]*class="btn btn-primary"[^>]*>.*<span>New article<\/span><\/button>/)
    expect(html).toMatch(/<button[^>]*aria-pressed="true"[^>]*>Articles<\/button>/)
    expect(html).toMatch(/<button[^>]*aria-pressed="false"[^>]*>Trash<\/button>/)
    expect(html.match(/data-testid="article-item"/g)).toHaveLength(2)
    expect(html).toContain('5 minutes ago')
    expect(html).toContain('1 word<')
    expect(html).toContain('42 words')
    expect(html).toContain('Untitled')
    expect(html).toMatch(/aria-current="true"[^>]*>.*?Untitled/)
    expect(html).toMatch(/<label for="folio-lang"[^>]*>Language<\/label><select id="folio-lang"/)
  })

  it('shows the empty state', () => {
    const { Sidebar } = mods['articles/Sidebar']
    const html = withProviders(
      h(Sidebar, {
        list: { articles: [], error: null, refresh() {} },
        view: 'articles',
        selectedId: null,
        creating: false,
        onCreate() {},
        onSelect() {},
        onView() {},
      }),
    )
    expect(html).toContain('No articles yet')
  })
})

describe('Toolbar', () => {
  it('is a labelled toolbar of named buttons; toggles expose aria-pressed', () => {
    const { Toolbar } = mods['editor/Toolbar']
    const editor = headless({ type: 'doc', content: [{ type: 'paragraph' }] })
    const html = withProviders(h(Toolbar, { editor, onLink() {}, onInsertImage() {}, onParagraphActions() {} }))
    expect(html).toContain('role="toolbar" aria-label="Formatting"')
    const toggles = ['Bold', 'Italic', 'Strikethrough', 'H1 Heading 1', 'H2 Heading 2', 'H3 Heading 3', 'Bullet list', 'Numbered list', 'Quote', 'Link']
    for (const label of toggles) expect(html).toContain(`aria-label="${label}" aria-pressed="false"`)
    for (const label of ['Insert image', 'Paragraph actions', 'Undo', 'Redo']) expect(html).toMatch(new RegExp(`aria-label="${label}"(?! aria-pressed)`))
    expect(html).toContain('aria-keyshortcuts="Control+B"')
    expect(html).toContain('aria-keyshortcuts="Control+J"')
    expect(html.match(/<button/g)).toHaveLength(14)
  })

  it('selectToolbarState reflects marks, headings, lists and history', () => {
    const editor = headless({
      type: 'doc',
      content: [
        { type: 'heading', attrs: { level: 2 }, content: [{ type: 'text', text: 'Bold words', marks: [{ type: 'bold' }] }] },
        { type: 'bulletList', content: [{ type: 'listItem', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'item' }] }] }] },
      ],
    })
    editor.commands.setTextSelection(3)
    const s = selectToolbarState(editor)
    expect(s).toMatchObject({ bold: true, italic: false, h2: true, h1: false, bulletList: false, canUndo: false, canRedo: false })
    editor.commands.setTextSelection(editor.state.doc.content.size - 3)
    expect(selectToolbarState(editor)).toMatchObject({ bold: false, h2: false, bulletList: true })
    // Undo/redo from the history plugin's state (a headless editor has no plugins).
    let state = EditorState.create({ doc: editor.state.doc, plugins: [history()] })
    expect(toolbarStateOf(state)).toMatchObject({ canUndo: false, canRedo: false })
    state = state.apply(state.tr.insertText('x', 3))
    expect(toolbarStateOf(state)).toMatchObject({ canUndo: true, canRedo: false })
    undo(state, (tr) => (state = state.apply(tr)))
    expect(toolbarStateOf(state)).toMatchObject({ canUndo: false, canRedo: true })
    expect(selectToolbarState(null)).toEqual(EMPTY_TOOLBAR_STATE)
  })

  it('selectWordCount counts per CJK character and caches per document', () => {
    const editor = headless({ type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Hello 世界' }] }] })
    expect(selectWordCount(editor)).toBe(3)
    expect(selectWordCount(null)).toBe(0)
  })
})

describe('StatusBar markup', () => {
  it('shows the word count and the save state', () => {
    const { StatusBar } = mods['editor/StatusBar']
    const editor = headless({ type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Hello 世界' }] }] })
    const autosave = new Autosave({ save: async () => {} })
    const html = withProviders(h(StatusBar, { editor, autosave }))
    expect(html).toContain('0 words') // the server snapshot has no editor
    expect(html).toContain('<span data-testid="save-status">Saved</span>')
    autosave.markDirty()
    expect(withProviders(h(StatusBar, { editor, autosave }))).toContain('<span data-testid="save-status">Unsaved changes</span>')
    autosave.dispose()
  })

  it('shows the error message with a Retry button after a failed save', async () => {
    const { StatusBar } = mods['editor/StatusBar']
    const editor = headless({ type: 'doc', content: [{ type: 'paragraph' }] })
    const autosave = new Autosave({
      save: async () => {
        throw new FolioError('DISK_FULL', 'The disk is full')
      },
    })
    autosave.markDirty()
    await autosave.flush()
    const html = withProviders(h(StatusBar, { editor, autosave }))
    expect(html).toContain('<span data-testid="save-status">Not saved: The disk is full</span>')
    expect(html).toMatch(/<button[^>]*>Retry<\/button>/)
    autosave.dispose()
  })
})
