/**
 * A conversation and its composer: messages with their images, the answer streaming in, stats per
 * answer, stop / regenerate / edit-and-resend, errors in place (with the way to fix them), and images
 * added by dropping files or library thumbnails, pasting or picking. Used by the editor's Chat panel
 * (which can insert answers into the article) and the full-screen Chat view.
 */
import { useEffect, useId, useRef, useState, type DragEvent, type KeyboardEvent } from 'react'
import type { ChatImage, ChatMessage } from '../../../shared/chat-api'
import { MAX_CHAT_IMAGES } from '../../../shared/limits'
import { IconClose, IconImage } from '../components/icons'
import { ImageFilesInput } from '../components/ImageFilesInput'
import { looksLikeImage } from '../editor/images'
import { useI18n } from '../i18n/I18nProvider'
import { FOLIO_IMAGE_MIME, readDraggedImages } from '../library/library-logic'
import { formatStats } from '../models/format'
import { ChatImageThumb } from './ChatImageThumb'
import { LibraryPicker } from './LibraryPicker'
import { needsModelsScreen, questionOf, trimMarkerIndex } from './chat-logic'
import { useOpenModels } from './navigation'
import { shownMessages } from './chat-logic'
import type { ChatState } from './useChat'
import { usePendingImages } from './usePendingImages'

export interface ChatInsert {
  /** Puts the answer's text at the article's cursor. */
  text(answer: string): void
  /** Puts an image with the answer as its caption at the article's cursor. */
  image(imageId: string, caption: string): Promise<void>
}

interface Props {
  chat: ChatState
  /** Present in the editor's panel: answers can go into the article. */
  insert?: ChatInsert
  compact?: boolean
}

export function ChatThread({ chat, insert, compact }: Props) {
  const { t } = useI18n()
  const pending = usePendingImages()
  const [draft, setDraft] = useState('')
  const [dragging, setDragging] = useState(false)
  const [picking, setPicking] = useState(false)
  const [editing, setEditing] = useState<{ id: string; text: string; images: ChatImage[] } | null>(null)
  const fileInput = useRef<HTMLInputElement>(null)
  const logRef = useRef<HTMLDivElement>(null)
  const stickToEnd = useRef(true)
  const inputId = useId()
  const busy = chat.live !== null
  const stored = chat.conversation && chat.conversation.id === chat.conversationId ? chat.conversation.messages : []
  const messages = shownMessages(stored, chat.live)
  const marker = chat.live ? null : trimMarkerIndex(stored)
  const lastAnswer = [...messages].reverse().find((m) => m.role === 'assistant')

  // Follow the answer as it grows, unless the reader scrolled up.
  useEffect(() => {
    const el = logRef.current
    if (el && stickToEnd.current) el.scrollTop = el.scrollHeight
  })

  const send = async () => {
    const text = draft.trim()
    if (busy || pending.attaching || (!text && pending.images.length === 0)) return
    const images = pending.images
    setDraft('')
    pending.clear()
    stickToEnd.current = true
    const saved = await chat.send(text, images)
    if (!saved) {
      // The question was not saved: give it back.
      setDraft((d) => d || text)
      pending.set(images)
    }
  }

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    // Enter sends; Shift+Enter is a new line; never while an input method (Chinese, Japanese…) is composing.
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault()
      void send()
    }
  }

  const acceptsDrag = (e: DragEvent) => e.dataTransfer.types.includes('Files') || e.dataTransfer.types.includes(FOLIO_IMAGE_MIME)
  const onDrop = (e: DragEvent) => {
    setDragging(false)
    if (!acceptsDrag(e)) return
    e.preventDefault()
    const library = readDraggedImages(e.dataTransfer)
    if (library.length) pending.addLibrary(library)
    else void pending.addFiles(Array.from(e.dataTransfer.files))
  }

  return (
    <div
      className={`chat-thread${compact ? ' compact' : ''}${dragging ? ' dragging' : ''}`}
      data-testid="chat-thread"
      onDragOver={(e) => {
        if (!acceptsDrag(e)) return
        e.preventDefault()
        e.dataTransfer.dropEffect = 'copy'
        setDragging(true)
      }}
      onDragLeave={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDragging(false)
      }}
      onDrop={onDrop}
    >
      <div
        ref={logRef}
        className="chat-log"
        role="log"
        aria-label={t('chat.messages')}
        aria-busy={busy}
        tabIndex={0}
        onScroll={(e) => {
          const el = e.currentTarget
          stickToEnd.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40
        }}
      >
        {chat.loadError && (
          <div className="inline-error" role="alert">
            <p>{t('chat.loadFailed', { message: chat.loadError })}</p>
            <button type="button" className="btn btn-small" onClick={chat.reload}>
              {t('common.retry')}
            </button>
          </div>
        )}
        {messages.length === 0 && !chat.loadError && <p className="chat-empty">{t('chat.empty')}</p>}
        {messages.map((m, i) => (
          <div key={m.id} className="chat-item">
            {marker === i && (
              <p className="chat-trim-marker" data-testid="chat-trim-marker" role="note">
                {t('chat.trimmed', { n: i })}
              </p>
            )}
            {editing?.id === m.id ? (
              <EditQuestion
                value={editing}
                onChange={setEditing}
                onCancel={() => setEditing(null)}
                onSubmit={async () => {
                  const e = editing
                  setEditing(null)
                  const saved = await chat.edit(e.id, e.text.trim(), e.images)
                  if (!saved) setEditing(e)
                }}
              />
            ) : (
              <Message
                message={m}
                question={m.role === 'assistant' ? questionOf(messages, i) : null}
                isLast={m.id === lastAnswer?.id}
                busy={busy}
                stopping={chat.live?.stopping ?? false}
                insert={insert}
                onEdit={() => setEditing({ id: m.id, text: m.content, images: m.images })}
                onRegenerate={() => void chat.regenerate(m.id)}
              />
            )}
          </div>
        ))}
      </div>

      {chat.problem && (
        <div className="inline-error chat-problem" role="alert">
          <p>{chat.problem}</p>
          <button type="button" className="btn btn-small" onClick={chat.dismissProblem}>
            {t('common.dismiss')}
          </button>
        </div>
      )}

      <div className="chat-composer">
        {pending.rejected.length > 0 && (
          <div className="inline-error" role="alert" data-testid="chat-rejected">
            <ul className="chat-rejected">
              {pending.rejected.map((r, i) => (
                <li key={i}>{r.name ? t('chat.rejectedItem', { name: r.name, reason: r.reason }) : r.reason}</li>
              ))}
            </ul>
            <button type="button" className="btn btn-small" onClick={pending.dismiss}>
              {t('common.dismiss')}
            </button>
          </div>
        )}
        {(pending.images.length > 0 || pending.attaching) && (
          <ul className="chat-pending" aria-label={t('chat.pending')}>
            {pending.images.map((img) => (
              <li key={img.id} className="chat-pending-item" data-testid="chat-pending-image">
                <ChatImageThumb id={img.id} name={img.name} />
                <button
                  type="button"
                  className="icon-btn chat-pending-remove"
                  aria-label={t('chat.removeImage', { name: img.name })}
                  title={t('chat.removeImage', { name: img.name })}
                  onClick={() => pending.remove(img.id)}
                >
                  <IconClose />
                </button>
              </li>
            ))}
            {pending.attaching && (
              <li className="chat-pending-item" aria-busy="true">
                <span className="chat-thumb">{t('chat.attaching')}</span>
              </li>
            )}
          </ul>
        )}
        <label htmlFor={inputId} className="sr-only">
          {t('chat.input')}
        </label>
        <textarea
          id={inputId}
          className="text-input chat-input"
          rows={compact ? 2 : 3}
          placeholder={t('chat.placeholder')}
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
          onKeyDown={onKeyDown}
          onPaste={(e) => {
            const files = Array.from(e.clipboardData.files).filter(looksLikeImage)
            if (files.length === 0) return
            if (e.clipboardData.getData('text/plain').trim() === '') e.preventDefault()
            void pending.addFiles(files)
          }}
        />
        <div className="chat-composer-actions">
          <button type="button" className="btn btn-ghost" onClick={() => fileInput.current?.click()}>
            <IconImage />
            <span>{t('chat.addImages')}</span>
          </button>
          <button type="button" className="btn btn-ghost" disabled={pending.images.length >= MAX_CHAT_IMAGES} onClick={() => setPicking(true)}>
            <span>{t('chat.fromLibrary')}</span>
          </button>
          {picking && (
            <LibraryPicker
              open
              room={MAX_CHAT_IMAGES - pending.images.length}
              onClose={() => setPicking(false)}
              onPick={(images) => pending.addLibrary(images)}
            />
          )}
          <ImageFilesInput ref={fileInput} testId="chat-image-input" onFiles={(files) => void pending.addFiles(files)} />
          <span className="chat-hint">{t('chat.hint')}</span>
          {busy ? (
            <button type="button" className="btn" onClick={chat.stop} disabled={chat.live?.stopping}>
              {t('chat.stop')}
            </button>
          ) : (
            <button
              type="button"
              className="btn btn-primary"
              disabled={pending.attaching || (!draft.trim() && pending.images.length === 0)}
              onClick={() => void send()}
            >
              {t('chat.send')}
            </button>
          )}
        </div>
      </div>
    </div>
  )
}

interface MessageProps {
  message: ChatMessage & { streaming?: boolean }
  question: ChatMessage | null
  isLast: boolean
  busy: boolean
  stopping: boolean
  insert?: ChatInsert
  onEdit(): void
  onRegenerate(): void
}

function Message({ message: m, question, isLast, busy, stopping, insert, onEdit, onRegenerate }: MessageProps) {
  const { t, locale, errorText } = useI18n()
  const openModels = useOpenModels()
  const [inserting, setInserting] = useState(false)
  if (m.role === 'user') {
    return (
      <div className="chat-msg chat-user" data-testid="chat-message" data-role="user">
        {m.images.length > 0 && (
          <ul className="chat-msg-images" aria-label={t('chat.images', { n: m.images.length })}>
            {m.images.map((img) => (
              <li key={img.id}>
                <ChatImageThumb id={img.id} name={img.name} />
              </li>
            ))}
          </ul>
        )}
        {m.content && <p className="chat-text">{m.content}</p>}
        {!busy && !m.id.startsWith('live-') && (
          <div className="chat-actions">
            <button type="button" className="btn btn-small btn-ghost" onClick={onEdit}>
              {t('chat.edit')}
            </button>
          </div>
        )}
      </div>
    )
  }
  const streaming = m.streaming === true
  const done = !streaming && m.state !== 'streaming'
  const figureImages = question?.images ?? []
  return (
    <div className="chat-msg chat-answer" data-testid="chat-message" data-role="assistant" data-state={m.state} aria-busy={streaming}>
      {m.content ? (
        <p className="chat-text" data-testid="chat-answer-text">
          {m.content}
        </p>
      ) : streaming ? (
        <p className="chat-text chat-waiting">{stopping ? t('chat.stopping') : t('chat.thinking')}</p>
      ) : null}
      {m.error && (
        <div className="inline-error" role="alert" data-testid="chat-error" data-code={m.error.code}>
          <p>{errorText(m.error)}</p>
          {needsModelsScreen(m.error.code) && (
            <button type="button" className="btn btn-small" onClick={openModels}>
              {t('chat.openModels')}
            </button>
          )}
        </div>
      )}
      {done && (
        <p className="chat-meta" data-testid="chat-stats">
          {m.state === 'cancelled' && <span>{t('chat.stopped')} </span>}
          {m.state === 'interrupted' && <span>{t('chat.interrupted')} </span>}
          {m.stats && (
            <span>
              {formatStats(m.stats, t, locale)} · {t('chat.tokens', { n: m.stats.completionTokens })}
            </span>
          )}
          {m.trimmed > 0 && <span> · {t('chat.trimmedShort', { n: m.trimmed })}</span>}
        </p>
      )}
      {done && !busy && (
        <div className="chat-actions">
          {insert && m.content && (
            <button type="button" className="btn btn-small" onClick={() => insert.text(m.content)}>
              {t('chat.insert')}
            </button>
          )}
          {insert &&
            m.content &&
            figureImages.map((img, i) => (
              <button
                key={img.id}
                type="button"
                className="btn btn-small"
                disabled={inserting}
                onClick={() => {
                  setInserting(true)
                  void insert.image(img.id, m.content).finally(() => setInserting(false))
                }}
              >
                {figureImages.length === 1 ? t('chat.insertImage') : t('chat.insertImageN', { n: i + 1 })}
              </button>
            ))}
          {isLast && (
            <button type="button" className="btn btn-small btn-ghost" onClick={onRegenerate}>
              {m.state === 'error' ? t('common.retry') : t('chat.regenerate')}
            </button>
          )}
        </div>
      )}
    </div>
  )
}

interface EditProps {
  value: { id: string; text: string; images: ChatImage[] }
  onChange(v: { id: string; text: string; images: ChatImage[] }): void
  onCancel(): void
  onSubmit(): void
}

function EditQuestion({ value, onChange, onCancel, onSubmit }: EditProps) {
  const { t } = useI18n()
  const id = useId()
  const ref = useRef<HTMLTextAreaElement>(null)
  useEffect(() => ref.current?.focus(), [])
  const canSubmit = value.text.trim() !== '' || value.images.length > 0
  return (
    <div className="chat-msg chat-user chat-editing">
      {value.images.length > 0 && (
        <ul className="chat-msg-images">
          {value.images.map((img) => (
            <li key={img.id} className="chat-pending-item">
              <ChatImageThumb id={img.id} name={img.name} />
              <button
                type="button"
                className="icon-btn chat-pending-remove"
                aria-label={t('chat.removeImage', { name: img.name })}
                onClick={() => onChange({ ...value, images: value.images.filter((x) => x.id !== img.id) })}
              >
                <IconClose />
              </button>
            </li>
          ))}
        </ul>
      )}
      <label htmlFor={id} className="sr-only">
        {t('chat.editLabel')}
      </label>
      <textarea
        id={id}
        ref={ref}
        className="text-input chat-input"
        rows={3}
        value={value.text}
        onChange={(e) => onChange({ ...value, text: e.target.value })}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.preventDefault()
            onCancel()
          } else if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing && canSubmit) {
            e.preventDefault()
            onSubmit()
          }
        }}
      />
      <p className="chat-hint">{t('chat.editNote')}</p>
      <div className="chat-actions">
        <button type="button" className="btn btn-small btn-primary" disabled={!canSubmit} onClick={onSubmit}>
          {t('chat.resend')}
        </button>
        <button type="button" className="btn btn-small" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </div>
  )
}
