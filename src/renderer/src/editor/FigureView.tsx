/**
 * The figure's React node view: image, editable caption, alt text, the candidate gallery (swap with
 * one click), "Search again" with the caption, and remove.
 */
import { NodeViewContent, NodeViewWrapper, type ReactNodeViewProps } from '@tiptap/react'
import { useEffect, useId, useRef, useState } from 'react'
import type { DocNode } from '../../../shared/doc'
import { FolioError } from '../../../shared/errors'
import { useClient } from '../api'
import { IconGrip, IconTrash } from '../components/icons'
import { useI18n } from '../i18n/I18nProvider'
import { cleanCandidates, isImageId, type FigureOptions } from './extensions/figure'
import { FigureCandidates, type CandidateInfo } from './FigureCandidates'
import { searchAgainRequest } from './figure-search'
import { altFromFileName } from './images'

type Search = { state: 'idle' } | { state: 'running' } | { state: 'failed'; message: string }

export function FigureView({ node, updateAttributes, deleteNode, extension, selected, editor, getPos }: ReactNodeViewProps) {
  const { t, errorText } = useI18n()
  const client = useClient()
  const id = useId()
  const imageId = String(node.attrs.imageId ?? '')
  const candidates = cleanCandidates(node.attrs.candidates)
  // The gallery follows the figure's selection until the toggle says otherwise; a new selection state resets that.
  const [toggled, setToggled] = useState<boolean | null>(null)
  const [wasSelected, setWasSelected] = useState(selected)
  if (wasSelected !== selected) {
    setWasSelected(selected)
    setToggled(null)
  }
  const showGallery = candidates.length > 1 && (toggled ?? selected)
  const [search, setSearch] = useState<Search>({ state: 'idle' })
  const abortRef = useRef<AbortController | null>(null)
  useEffect(() => () => abortRef.current?.abort(), [])
  const alt = String(node.attrs.alt ?? '')
  const width = typeof node.attrs.width === 'number' ? node.attrs.width : undefined
  const options = extension.options as FigureOptions
  const src = isImageId(imageId) ? options.resolveImageUrl(imageId) : null
  const [failedSrc, setFailedSrc] = useState<string | null>(null)
  const broken = !src || failedSrc === src
  const captionEmpty = node.content.size === 0

  /** The figure's position now (it moves as text before it changes); null once it is gone. */
  const figurePos = (): number | null => {
    const pos = typeof getPos === 'function' ? getPos() : undefined
    return typeof pos === 'number' && editor.state.doc.nodeAt(pos)?.type.name === 'figure' ? pos : null
  }

  const swap = (next: string, info: CandidateInfo | undefined) => {
    const pos = figurePos()
    if (pos !== null) editor.commands.folioSwapFigureImage(next, { pos, alt: info?.alt })
  }

  const searchAgain = async () => {
    const pos = figurePos()
    if (pos === null) return
    const req = searchAgainRequest(editor.state.doc, editor.getJSON() as DocNode, pos)
    if (!req.ok) return setSearch({ state: 'failed', message: t(req.reason === 'noCaption' ? 'figure.noCaption' : 'figure.noText') })
    abortRef.current?.abort()
    const abort = new AbortController()
    abortRef.current = abort
    setSearch({ state: 'running' })
    try {
      const out = await client.stream('compose.images', req.input, { signal: abort.signal })
      const spot = out.spots[0]
      const chosen = spot?.chosen ?? spot?.candidates[0]
      if (!spot || !chosen) return setSearch({ state: 'failed', message: t('figure.noMatch') })
      // The new image's library caption becomes the alt text, as when an image is inserted.
      const alt = await client.call('library.get', { id: chosen }).then(
        (d) => d.caption?.trim() || altFromFileName(d.fileName),
        () => undefined,
      )
      if (abort.signal.aborted) return
      const at = figurePos()
      if (at !== null) editor.commands.folioSetFigureCandidates({ pos: at, imageId: chosen, alt, candidates: spot.candidates })
      setToggled(true)
      setSearch({ state: 'idle' })
    } catch (e) {
      if (abort.signal.aborted || (e instanceof FolioError && e.code === 'CANCELLED')) return setSearch({ state: 'idle' })
      const noModel = e instanceof FolioError && e.code === 'NO_MODEL'
      setSearch({ state: 'failed', message: noModel ? t('figure.noModel') : t('figure.searchFailed', { message: errorText(e) }) })
    } finally {
      if (abortRef.current === abort) abortRef.current = null
    }
  }

  return (
    <NodeViewWrapper as="figure" className={`figure${selected ? ' is-selected' : ''}`} data-type="figure" data-image-id={imageId}>
      <div className="figure-media" contentEditable={false} draggable data-drag-handle>
        <span className="figure-grip" aria-hidden="true">
          <IconGrip />
        </span>
        {broken ? (
          <div className="figure-missing" role="img" aria-label={alt || t('figure.missing')}>
            {t('figure.missing')}
          </div>
        ) : (
          <img src={src} alt={alt} width={width} draggable={false} onError={() => setFailedSrc(src)} />
        )}
      </div>
      <NodeViewContent<'figcaption'>
        as="figcaption"
        className={`figure-caption${captionEmpty ? ' is-empty' : ''}`}
        data-placeholder={t('figure.caption')}
      />
      <div className="figure-meta" contentEditable={false}>
        <label className="figure-alt-label" htmlFor={`${id}-alt`}>
          {t('figure.alt')}
        </label>
        <input
          id={`${id}-alt`}
          className="figure-alt-input"
          type="text"
          aria-label={t('figure.alt')}
          placeholder={t('figure.altPlaceholder')}
          value={alt}
          maxLength={1000}
          onChange={(e) => updateAttributes({ alt: e.target.value })}
        />
        <button type="button" className="icon-btn figure-remove" aria-label={t('figure.remove')} title={t('figure.remove')} onClick={() => deleteNode()}>
          <IconTrash />
        </button>
      </div>
      <div className="figure-tools" contentEditable={false}>
        {candidates.length > 1 && (
          <button
            type="button"
            className="btn btn-small btn-ghost"
            aria-expanded={showGallery}
            aria-controls={showGallery ? `${id}-candidates` : undefined}
            onClick={() => setToggled(!showGallery)}
          >
            {t('figure.candidatesToggle', { n: candidates.length })}
          </button>
        )}
        {search.state === 'running' ? (
          <>
            <span className="figure-searching" role="status">
              <span className="banner-spinner" aria-hidden="true" />
              {t('figure.searching')}
            </span>
            <button type="button" className="btn btn-small" onClick={() => abortRef.current?.abort()}>
              {t('figure.stop')}
            </button>
          </>
        ) : (
          <button type="button" className="btn btn-small btn-ghost" title={t('figure.searchAgainHint')} onClick={() => void searchAgain()}>
            {t('figure.searchAgain')}
          </button>
        )}
        {search.state === 'failed' && (
          <span className="figure-search-error" role="alert">
            {search.message}{' '}
            <button type="button" className="btn btn-small" onClick={() => void searchAgain()}>
              {t('common.retry')}
            </button>
          </span>
        )}
      </div>
      {showGallery && (
        <div id={`${id}-candidates`} contentEditable={false}>
          <FigureCandidates editor={editor} candidates={candidates} current={imageId} onSwap={swap} />
        </div>
      )}
    </NodeViewWrapper>
  )
}
