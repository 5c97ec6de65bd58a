/** The image suggestion's node view: caption, progress, and on error a message with Retry and Remove. */
import { NodeViewWrapper, type ReactNodeViewProps } from '@tiptap/react'
import { createContext, useContext, useEffect, useSyncExternalStore } from 'react'
import { IconImage, IconTrash } from '../components/icons'
import { useI18n } from '../i18n/I18nProvider'
import type { SpotState } from '../editor/extensions/compose-spot'
import type { SpotRunner } from './spot-runner'

/** The editor's spot runner, for its suggestions' node views (rendered inside EditorContent). */
export const SpotRunnerContext = createContext<SpotRunner | null>(null)

const noSubscribe = () => () => {}
const zero = () => 0

export function ComposeSpotView({ node, getPos, deleteNode, selected }: ReactNodeViewProps) {
  const { t } = useI18n()
  const runner = useContext(SpotRunnerContext)
  useSyncExternalStore(runner?.subscribe ?? noSubscribe, runner?.getVersion ?? zero)
  const caption = String(node.attrs.caption ?? '')
  const state = node.attrs.state as SpotState
  const spotId = (node.attrs.spotId as string | null) ?? null
  const active = runner?.isActive(spotId) ?? false
  // Saved mid-run (the window closed, or another process wrote it): no one is working on it now.
  const interrupted = !active && (state === 'captioning' || state === 'searching')
  const failed = state === 'error' || interrupted

  useEffect(() => {
    if (state === 'pending' && !active) runner?.kick()
  }, [state, active, runner])

  const message = interrupted
    ? t('compose.spot.interrupted')
    : state === 'error'
      ? String(node.attrs.error ?? '') || t('compose.spot.noMatch')
      : state === 'captioning'
        ? t('compose.spot.captioning')
        : state === 'searching'
          ? t('compose.spot.searching')
          : t('compose.spot.waiting')

  return (
    <NodeViewWrapper
      className={`compose-spot${selected ? ' is-selected' : ''}${failed ? ' is-error' : ''}`}
      data-type="compose-spot"
      data-state={interrupted ? 'error' : state}
      data-testid="compose-spot"
      contentEditable={false}
    >
      <div role="group" className="compose-spot-body" aria-label={t('compose.spot.label', { caption: caption || t('compose.spot.noCaption') })}>
        <span className="compose-spot-icon" aria-hidden="true">
          <IconImage />
        </span>
        <div className="compose-spot-text">
          <p className={`compose-spot-caption${caption ? '' : ' is-empty'}`}>{caption || t('compose.spot.noCaption')}</p>
          <p className="compose-spot-status" data-testid="compose-spot-status">
            {!failed && <span className="banner-spinner" aria-hidden="true" />}
            <span>{message}</span>
          </p>
        </div>
        <div className="compose-spot-actions">
          {failed && (
            <button
              type="button"
              className="btn btn-small"
              onClick={() => {
                const pos = getPos()
                if (typeof pos === 'number') runner?.retry(pos)
              }}
            >
              {t('common.retry')}
            </button>
          )}
          <button type="button" className="icon-btn" aria-label={t('compose.spot.remove')} title={t('compose.spot.remove')} onClick={() => deleteNode()}>
            <IconTrash />
          </button>
        </div>
      </div>
    </NodeViewWrapper>
  )
}
