/** The figure's React node view: image, editable caption, alt text field and a remove button. */
import { NodeViewContent, NodeViewWrapper, type ReactNodeViewProps } from '@tiptap/react'
import { useId, useState } from 'react'
import { IconGrip, IconTrash } from '../components/icons'
import { useI18n } from '../i18n/I18nProvider'
import { isImageId, type FigureOptions } from './extensions/figure'

export function FigureView({ node, updateAttributes, deleteNode, extension, selected }: ReactNodeViewProps) {
  const { t } = useI18n()
  const id = useId()
  const imageId = String(node.attrs.imageId ?? '')
  const alt = String(node.attrs.alt ?? '')
  const width = typeof node.attrs.width === 'number' ? node.attrs.width : undefined
  const options = extension.options as FigureOptions
  const src = isImageId(imageId) ? options.resolveImageUrl(imageId) : null
  const [failedSrc, setFailedSrc] = useState<string | null>(null)
  const broken = !src || failedSrc === src
  const captionEmpty = node.content.size === 0

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
    </NodeViewWrapper>
  )
}
