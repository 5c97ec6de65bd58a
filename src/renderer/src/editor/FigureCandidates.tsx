/**
 * A figure's candidate gallery: thumbnails of the images it was chosen from; one click (or Enter)
 * swaps. Buttons with aria-pressed in a group: arrow keys, Home and End move between them (one tab
 * stop), and Ctrl+Z / Ctrl+Shift+Z undo and redo the swap without leaving the gallery.
 */
import type { Editor } from '@tiptap/core'
import { useEffect, useRef, useState, type KeyboardEvent } from 'react'
import { useClient } from '../api'
import { useI18n } from '../i18n/I18nProvider'
import { altFromFileName } from './images'

export interface CandidateInfo {
  /** Alt text for the figure when this image is swapped in. */
  alt: string
  /** What the button is called. */
  name: string
}

interface Props {
  editor: Editor
  candidates: readonly string[]
  current: string
  onSwap(imageId: string, info: CandidateInfo | undefined): void
}

export function FigureCandidates({ editor, candidates, current, onSwap }: Props) {
  const client = useClient()
  const { t } = useI18n()
  const [info, setInfo] = useState<Record<string, CandidateInfo | null>>({})
  const [focus, setFocus] = useState(() => Math.max(0, candidates.indexOf(current)))
  const buttons = useRef<(HTMLButtonElement | null)[]>([])
  const key = candidates.join(' ')

  // Captions name the buttons and become the alt text after a swap; null: not in the library (any more).
  useEffect(() => {
    let live = true
    for (const id of key.split(' ')) {
      if (!id || info[id] !== undefined) continue
      client.call('library.get', { id }).then(
        (d) => {
          const alt = d.caption?.trim() || altFromFileName(d.fileName)
          if (live) setInfo((m) => ({ ...m, [id]: { alt, name: d.caption?.trim() || d.fileName } }))
        },
        () => live && setInfo((m) => ({ ...m, [id]: null })),
      )
    }
    return () => {
      live = false
    }
    // `info` is only a cache of what is already asked for.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [client, key])

  const at = Math.min(focus, candidates.length - 1)
  const move = (to: number) => {
    const i = (to + candidates.length) % candidates.length
    setFocus(i)
    buttons.current[i]?.focus()
  }

  const onKeyDown = (e: KeyboardEvent) => {
    const mod = e.ctrlKey || e.metaKey
    const k = e.key.toLowerCase()
    if (mod && (k === 'z' || k === 'y')) {
      e.preventDefault()
      if (k === 'y' || e.shiftKey) editor.commands.redo()
      else editor.commands.undo()
      return
    }
    if (e.key === 'ArrowRight' || e.key === 'ArrowDown') move(at + 1)
    else if (e.key === 'ArrowLeft' || e.key === 'ArrowUp') move(at - 1)
    else if (e.key === 'Home') move(0)
    else if (e.key === 'End') move(candidates.length - 1)
    else return
    e.preventDefault()
  }

  return (
    <div className="figure-candidates" role="group" aria-label={t('figure.candidates')} onKeyDown={onKeyDown} data-testid="figure-candidates">
      {candidates.map((id, i) => {
        const meta = info[id]
        const pressed = id === current
        const name = meta?.name ?? (meta === null ? t('figure.missing') : t('figure.candidateN', { n: i + 1 }))
        return (
          <button
            key={id}
            ref={(el) => {
              buttons.current[i] = el
            }}
            type="button"
            className={`figure-candidate${pressed ? ' is-current' : ''}`}
            aria-pressed={pressed}
            aria-label={t('figure.useCandidate', { n: i + 1, total: candidates.length, name })}
            title={name}
            tabIndex={i === at ? 0 : -1}
            data-image-id={id}
            aria-disabled={meta === null && !pressed ? true : undefined}
            onFocus={() => setFocus(i)}
            onClick={() => {
              if (!pressed && meta !== null) onSwap(id, meta)
            }}
          >
            <img src={`${client.imageUrl(id)}?size=thumb`} alt="" loading="lazy" decoding="async" draggable={false} />
          </button>
        )
      })}
    </div>
  )
}
