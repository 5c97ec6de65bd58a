/** The editor's Chat side panel: a conversation about images, with answers (and images captioned by them) inserted at the cursor. */
import type { Editor } from '@tiptap/core'
import { useId, useMemo } from 'react'
import { useClient } from '../api'
import { IconClose, IconPlus } from '../components/icons'
import { useToast } from '../components/Toast'
import { useI18n } from '../i18n/I18nProvider'
import { ChatThread, type ChatInsert } from './ChatThread'
import { insertAnswer, insertFigure } from './insert'
import { useChat } from './useChat'
import { useConversations } from './useConversations'

interface Props {
  id: string
  editor: Editor
  onClose(): void
}

export function ChatPanel({ id, editor, onClose }: Props) {
  const client = useClient()
  const toast = useToast()
  const { t, errorText } = useI18n()
  const headingId = useId()
  const chat = useChat()
  const { list } = useConversations()

  const insert = useMemo<ChatInsert>(
    () => ({
      text: (answer) => {
        if (!insertAnswer(editor, answer)) toast.show({ kind: 'error', message: t('chat.insertFailed') })
      },
      image: async (imageId, answer) => {
        try {
          // A chat attachment joins the library first: articles refer to library images only.
          const libraryId = imageId.startsWith('att_') ? (await client.call('chat.toLibrary', { id: imageId })).imageId : imageId
          if (!insertFigure(editor, libraryId, answer)) toast.show({ kind: 'error', message: t('chat.insertFailed') })
        } catch (e) {
          toast.show({ kind: 'error', message: t('common.error', { message: errorText(e) }) })
        }
      },
    }),
    [client, editor, t, errorText, toast],
  )

  return (
    <section id={id} className="versions-panel chat-panel" aria-labelledby={headingId} data-testid="chat-panel">
      <div className="panel-head">
        <h2 id={headingId}>{t('chat.heading')}</h2>
        <button type="button" className="icon-btn" aria-label={t('common.close')} title={t('common.close')} onClick={onClose}>
          <IconClose />
        </button>
      </div>
      <div className="chat-panel-bar">
        <select
          className="select"
          aria-label={t('chat.conversation')}
          value={chat.conversationId ?? ''}
          disabled={chat.live !== null}
          onChange={(e) => chat.open(e.target.value || null)}
        >
          <option value="">{t('chat.newConversation')}</option>
          {list?.map((c) => (
            <option key={c.id} value={c.id}>
              {c.title}
            </option>
          ))}
        </select>
        <button
          type="button"
          className="icon-btn"
          aria-label={t('chat.new')}
          title={t('chat.new')}
          disabled={chat.live !== null}
          onClick={() => chat.open(null)}
        >
          <IconPlus />
        </button>
      </div>
      <ChatThread chat={chat} insert={insert} compact />
    </section>
  )
}
