/** Formatting toolbar. Reads editor state through useEditorState selectors only. */
import { useEditorState, type Editor } from '@tiptap/react'
import type { KeyboardEvent, ReactNode } from 'react'
import {
  IconBulletList,
  IconImage,
  IconLink,
  IconOrderedList,
  IconQuote,
  IconRedo,
  IconSparkle,
  IconUndo,
} from '../components/icons'
import { useI18n } from '../i18n/I18nProvider'
import { selectToolbarState } from './editor-state'
import { shortcutLabel, type Shortcut } from './shortcuts'

interface Props {
  editor: Editor
  onLink(): void
  onInsertImage(): void
  /** Opens the paragraph actions (rewrite, expand, … add an image here) for the paragraph at the cursor. */
  onParagraphActions(): void
}

export function Toolbar({ editor, onLink, onInsertImage, onParagraphActions }: Props) {
  const { t } = useI18n()
  const s = useEditorState({ editor, selector: ({ editor: e }) => selectToolbarState(e) })
  const run = (fn: (c: ReturnType<Editor['chain']>) => ReturnType<Editor['chain']>) => fn(editor.chain().focus()).run()

  return (
    <div className="toolbar" role="toolbar" aria-label={t('toolbar.label')} onKeyDown={arrowNavigation}>
      <div className="toolbar-group">
        <ToolButton label={t('toolbar.bold')} shortcut="Mod-b" pressed={s.bold} onClick={() => run((c) => c.toggleBold())}>
          <span className="glyph glyph-bold">B</span>
        </ToolButton>
        <ToolButton label={t('toolbar.italic')} shortcut="Mod-i" pressed={s.italic} onClick={() => run((c) => c.toggleItalic())}>
          <span className="glyph glyph-italic">I</span>
        </ToolButton>
        <ToolButton label={t('toolbar.strike')} shortcut="Mod-Shift-s" pressed={s.strike} onClick={() => run((c) => c.toggleStrike())}>
          <span className="glyph glyph-strike">S</span>
        </ToolButton>
      </div>
      <div className="toolbar-group">
        {([1, 2, 3] as const).map((level) => (
          <ToolButton
            key={level}
            label={`H${level} ${t(`toolbar.h${level}`)}`}
            shortcut={`Mod-Alt-${level}`}
            pressed={s[`h${level}`]}
            onClick={() => run((c) => c.toggleHeading({ level }))}
          >
            <span className="glyph">H{level}</span>
          </ToolButton>
        ))}
      </div>
      <div className="toolbar-group">
        <ToolButton label={t('toolbar.bulletList')} shortcut="Mod-Shift-8" pressed={s.bulletList} onClick={() => run((c) => c.toggleBulletList())}>
          <IconBulletList />
        </ToolButton>
        <ToolButton label={t('toolbar.orderedList')} shortcut="Mod-Shift-7" pressed={s.orderedList} onClick={() => run((c) => c.toggleOrderedList())}>
          <IconOrderedList />
        </ToolButton>
        <ToolButton label={t('toolbar.blockquote')} shortcut="Mod-Shift-b" pressed={s.blockquote} onClick={() => run((c) => c.toggleBlockquote())}>
          <IconQuote />
        </ToolButton>
      </div>
      <div className="toolbar-group">
        <ToolButton label={t('toolbar.link')} shortcut="Mod-k" pressed={s.link} onClick={onLink}>
          <IconLink />
        </ToolButton>
        <ToolButton label={t('toolbar.image')} onClick={onInsertImage}>
          <IconImage />
        </ToolButton>
        <ToolButton label={t('paragraph.menu')} shortcut="Mod-j" onClick={onParagraphActions}>
          <IconSparkle />
        </ToolButton>
      </div>
      <div className="toolbar-group">
        <ToolButton label={t('toolbar.undo')} shortcut="Mod-z" disabled={!s.canUndo} onClick={() => run((c) => c.undo())}>
          <IconUndo />
        </ToolButton>
        <ToolButton label={t('toolbar.redo')} shortcut="Mod-Shift-z" disabled={!s.canRedo} onClick={() => run((c) => c.redo())}>
          <IconRedo />
        </ToolButton>
      </div>
    </div>
  )
}

function ToolButton(props: {
  label: string
  shortcut?: Shortcut
  pressed?: boolean
  disabled?: boolean
  onClick(): void
  children: ReactNode
}) {
  const { label, shortcut, pressed, disabled, onClick, children } = props
  const keys = shortcut ? shortcutLabel(shortcut) : null
  return (
    <button
      type="button"
      className="tool-btn"
      aria-label={label}
      aria-pressed={pressed === undefined ? undefined : pressed}
      aria-keyshortcuts={keys?.aria}
      title={keys ? `${label} (${keys.display})` : label}
      disabled={disabled}
      // Keep the editor's selection and focus when clicking with a pointer.
      onMouseDown={(e) => e.preventDefault()}
      onClick={onClick}
    >
      {children}
    </button>
  )
}

/** Arrow keys move between toolbar buttons (Tab still reaches each one). */
function arrowNavigation(e: KeyboardEvent<HTMLDivElement>) {
  const keys = ['ArrowLeft', 'ArrowRight', 'Home', 'End']
  if (!keys.includes(e.key)) return
  const buttons = Array.from(e.currentTarget.querySelectorAll<HTMLButtonElement>('button:not(:disabled)'))
  const i = buttons.indexOf(document.activeElement as HTMLButtonElement)
  if (i < 0) return
  e.preventDefault()
  const next =
    e.key === 'Home' ? 0 : e.key === 'End' ? buttons.length - 1 : (i + (e.key === 'ArrowRight' ? 1 : -1) + buttons.length) % buttons.length
  buttons[next]?.focus()
}
