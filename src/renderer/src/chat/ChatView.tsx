/** The full-screen Chat view: conversations (search, rename, delete) beside the open one, and the chat settings. */
import { useEffect, useId, useState } from 'react'
import { ChatSettings, CHAT_IMAGE_SIZE_MAX, CHAT_IMAGE_SIZE_MIN, type ChatSettingsPatch } from '../../../shared/chat-api'
import { useClient } from '../api'
import { useDialogs } from '../components/DialogProvider'
import { IconPlus, IconTrash } from '../components/icons'
import { useToast } from '../components/Toast'
import { useI18n } from '../i18n/I18nProvider'
import { ChatThread } from './ChatThread'
import { useChat } from './useChat'
import { useConversations } from './useConversations'

export function ChatView() {
  const client = useClient()
  const dialogs = useDialogs()
  const toast = useToast()
  const { t, locale, errorText } = useI18n()
  const [query, setQuery] = useState('')
  const { list, error, refresh } = useConversations(query)
  const chat = useChat()
  const busy = chat.live !== null

  const rename = async (id: string, title: string) => {
    const value = await dialogs.prompt({
      title: t('chat.renameTitle'),
      label: t('chat.titleLabel'),
      initialValue: title,
      confirmLabel: t('chat.renameConfirm'),
      maxLength: 200,
      validate: (v) => (v.trim() ? null : t('chat.titleRequired')),
    })
    if (value === null) return
    try {
      await client.call('chat.rename', { id, title: value })
      refresh()
    } catch (e) {
      toast.show({ kind: 'error', message: t('common.error', { message: errorText(e) }) })
    }
  }

  const remove = async (id: string, title: string) => {
    const ok = await dialogs.confirm({ title: t('chat.deleteTitle', { title }), body: t('chat.deleteBody'), confirmLabel: t('chat.delete'), danger: true })
    if (!ok) return
    try {
      await client.call('chat.delete', { id })
      if (chat.conversationId === id) chat.open(null)
      refresh()
    } catch (e) {
      toast.show({ kind: 'error', message: t('common.error', { message: errorText(e) }) })
    }
  }

  const date = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' })

  return (
    <div className="chat-view">
      <aside className="chat-sidebar" aria-label={t('chat.conversations')}>
        <div className="chat-sidebar-head">
          <h2>{t('chat.heading')}</h2>
          <button type="button" className="btn btn-primary btn-small" disabled={busy} onClick={() => chat.open(null)}>
            <IconPlus />
            <span>{t('chat.new')}</span>
          </button>
        </div>
        <input
          type="search"
          className="text-input"
          aria-label={t('chat.search')}
          placeholder={t('chat.searchPlaceholder')}
          value={query}
          onChange={(e) => setQuery(e.currentTarget.value)}
        />
        {error && (
          <p className="panel-note" role="alert">
            {t('common.error', { message: error })}
          </p>
        )}
        {list?.length === 0 && <p className="panel-note">{query.trim() ? t('chat.noMatches') : t('chat.noConversations')}</p>}
        <ul className="chat-conversations">
          {list?.map((c) => (
            <li key={c.id} className={`chat-conversation${c.id === chat.conversationId ? ' active' : ''}`} data-testid="chat-conversation">
              <button
                type="button"
                className="chat-conversation-open"
                aria-current={c.id === chat.conversationId ? 'true' : undefined}
                disabled={busy}
                onClick={() => chat.open(c.id)}
              >
                <span className="chat-conversation-title">{c.title}</span>
                <span className="chat-conversation-meta">
                  {date.format(c.updatedAt)} · {c.preview}
                </span>
              </button>
              <div className="chat-conversation-actions">
                <button type="button" className="btn btn-small btn-ghost" onClick={() => void rename(c.id, c.title)} aria-label={t('chat.renameNamed', { title: c.title })}>
                  {t('chat.rename')}
                </button>
                <button
                  type="button"
                  className="icon-btn"
                  disabled={busy && c.id === chat.conversationId}
                  onClick={() => void remove(c.id, c.title)}
                  aria-label={t('chat.deleteNamed', { title: c.title })}
                  title={t('chat.delete')}
                >
                  <IconTrash />
                </button>
              </div>
            </li>
          ))}
        </ul>
        <ChatSettingsForm />
      </aside>
      <section className="chat-main" aria-label={chat.conversation?.title ?? t('chat.newConversation')}>
        <ChatThread chat={chat} />
      </section>
    </div>
  )
}

function ChatSettingsForm() {
  const client = useClient()
  const { t, errorText } = useI18n()
  const ids = { storage: useId(), size: useId(), context: useId(), tokens: useId() }
  const [settings, setSettings] = useState<ChatSettings | null>(null)
  const [error, setError] = useState<string | null>(null)

  useEffect(() => {
    client.call('chat.settings.get', {}).then(setSettings, (e: unknown) => setError(errorText(e)))
  }, [client, errorText])

  const save = (patch: ChatSettingsPatch) => {
    client.call('chat.settings.set', patch).then(
      (s) => {
        setSettings(s)
        setError(null)
      },
      (e: unknown) => setError(errorText(e)),
    )
  }
  const numberPatch = (value: string, key: 'maxImageSize' | 'maxTokens' | 'contextTokens') => {
    const n = Math.floor(Number(value))
    if (key === 'contextTokens' && value.trim() === '') return save({ contextTokens: null })
    const field = ChatSettings.shape[key].safeParse(n)
    if (field.success) save({ [key]: field.data })
    else setError(t('chat.settings.invalid'))
  }

  if (!settings) return error ? <p className="panel-note">{t('common.error', { message: error })}</p> : null
  return (
    <details className="chat-settings">
      <summary>{t('chat.settings.heading')}</summary>
      <label htmlFor={ids.storage} className="field-label">
        {t('chat.settings.storage')}
      </label>
      <select id={ids.storage} className="select" value={settings.imageStorage} onChange={(e) => save({ imageStorage: e.target.value as ChatSettings['imageStorage'] })}>
        <option value="library">{t('chat.settings.storageLibrary')}</option>
        <option value="attachments">{t('chat.settings.storageAttachments')}</option>
      </select>
      <label htmlFor={ids.size} className="field-label">
        {t('chat.settings.imageSize')}
      </label>
      <input
        id={ids.size}
        className="text-input"
        type="number"
        min={CHAT_IMAGE_SIZE_MIN}
        max={CHAT_IMAGE_SIZE_MAX}
        step={16}
        defaultValue={settings.maxImageSize}
        onBlur={(e) => numberPatch(e.target.value, 'maxImageSize')}
      />
      <label htmlFor={ids.context} className="field-label">
        {t('chat.settings.context')}
      </label>
      <input
        id={ids.context}
        className="text-input"
        type="number"
        min={256}
        placeholder={t('chat.settings.contextAuto')}
        defaultValue={settings.contextTokens ?? ''}
        onBlur={(e) => numberPatch(e.target.value, 'contextTokens')}
      />
      <label htmlFor={ids.tokens} className="field-label">
        {t('chat.settings.maxTokens')}
      </label>
      <input
        id={ids.tokens}
        className="text-input"
        type="number"
        min={16}
        max={8192}
        defaultValue={settings.maxTokens}
        onBlur={(e) => numberPatch(e.target.value, 'maxTokens')}
      />
      {error && (
        <p className="panel-note" role="alert">
          {error}
        </p>
      )}
    </details>
  )
}
