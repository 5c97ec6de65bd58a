/**
 * One open conversation: loads it, asks (send / regenerate / edit-and-resend) with the answer
 * streaming in at most once per frame, stops, and reloads the stored conversation when an answer
 * ends — the server keeps the question and the answer (or its error), so the view shows what is saved.
 */
import { useCallback, useEffect, useRef, useState } from 'react'
import type { ChatImage, ChatProgress, Conversation } from '../../../shared/chat-api'
import { FolioError } from '../../../shared/errors'
import { useClient } from '../api'
import { useErrorState } from '../i18n/I18nProvider'
import { TokenBatcher, type FrameScheduler } from '../models/token-batcher'
import type { LiveTurn } from './chat-logic'

const frames: FrameScheduler = {
  request: (cb) => requestAnimationFrame(() => cb()),
  cancel: (h) => cancelAnimationFrame(h as number),
}

export interface ChatState {
  conversationId: string | null
  conversation: Conversation | null
  loadError: string | null
  live: LiveTurn | null
  /** A failure not stored with a message (the question was not saved: the draft goes back to the composer). */
  problem: string | null
  open(id: string | null): void
  reload(): void
  /** Resolves true once the question is saved (the draft may be cleared), false when it was not. */
  send(text: string, images: ChatImage[]): Promise<boolean>
  regenerate(answerId: string): Promise<void>
  edit(questionId: string, text: string, images: ChatImage[]): Promise<boolean>
  stop(): void
  dismissProblem(): void
}

export function useChat(initialId: string | null = null): ChatState {
  const client = useClient()
  const [conversationId, setConversationId] = useState<string | null>(initialId)
  const [conversation, setConversation] = useState<Conversation | null>(null)
  const [loadError, setLoadError] = useErrorState()
  const [live, setLive] = useState<LiveTurn | null>(null)
  const [problem, setProblem] = useErrorState()
  const controllerRef = useRef<AbortController | null>(null)
  const idRef = useRef(conversationId)
  const [tick, setTick] = useState(0)

  useEffect(() => {
    idRef.current = conversationId
  }, [conversationId])

  useEffect(() => {
    if (!conversationId) {
      setConversation(null)
      setLoadError(null)
      return
    }
    let alive = true
    client.call('chat.get', { id: conversationId }).then(
      (c) => {
        if (!alive) return
        setConversation(c)
        setLoadError(null)
      },
      (e: unknown) => alive && setLoadError(e),
    )
    return () => {
      alive = false
    }
  }, [client, conversationId, tick, setLoadError])

  const reload = useCallback(() => setTick((n) => n + 1), [])

  // Changes made elsewhere (another window, the CLI) show up here; our own answers reload when they end.
  useEffect(
    () =>
      client.on('chat.changed', (e) => {
        if (e.id !== idRef.current || controllerRef.current) return
        if (e.reason === 'deleted') {
          setConversationId(null)
          return
        }
        if (e.origin !== client.clientId) setTick((n) => n + 1)
      }),
    [client],
  )

  // Leaving stops the answer being written (its text so far is kept).
  useEffect(() => () => controllerRef.current?.abort(), [])

  const open = useCallback((id: string | null) => {
    if (controllerRef.current) return
    setProblem(null)
    setLive(null)
    setConversationId(id)
    if (id === null) setConversation(null)
  }, [setProblem])

  const run = useCallback(
    async (
      turn: Omit<LiveTurn, 'text' | 'stopping'>,
      call: (signal: AbortSignal, onProgress: (p: ChatProgress) => void) => Promise<unknown>,
    ): Promise<boolean> => {
      if (controllerRef.current) return false
      const controller = new AbortController()
      controllerRef.current = controller
      const batcher = new TokenBatcher((text) => setLive((l) => (l ? { ...l, text: l.text + text } : l)), frames)
      let saved = false
      setProblem(null)
      setLive({ ...turn, text: '', stopping: false })
      try {
        await call(controller.signal, (p) => {
          if (p.type === 'token') batcher.push(p.token)
          else {
            saved = true
            setLive((l) => (l ? { ...l, answerId: p.assistantMessageId } : l))
            if (idRef.current !== p.conversationId) {
              idRef.current = p.conversationId
              setConversationId(p.conversationId)
            }
          }
        })
        saved = true
      } catch (e) {
        const cancelled = e instanceof FolioError && e.code === 'CANCELLED' && controller.signal.aborted
        // Once the question is saved, a failed answer is stored with its error (the reload shows it).
        if (!cancelled && !saved) setProblem(e)
      } finally {
        batcher.flush()
        batcher.dispose()
        controllerRef.current = null
        const id = idRef.current
        if (id) {
          try {
            const c = await client.call('chat.get', { id })
            if (idRef.current === id) setConversation(c)
          } catch (e) {
            setLoadError(e)
          }
        }
        setLive(null)
      }
      return saved
    },
    [client, setProblem, setLoadError],
  )

  const send = useCallback(
    (text: string, images: ChatImage[]) =>
      run({ kind: 'send', question: { text, images }, target: null }, (signal, onProgress) =>
        client.stream(
          'chat.send',
          { conversationId: idRef.current ?? undefined, text, images: images.map((i) => i.id) },
          { signal, onProgress },
        ),
      ),
    [client, run],
  )

  const regenerate = useCallback(
    async (answerId: string) => {
      await run({ kind: 'regenerate', question: null, target: answerId }, (signal, onProgress) =>
        client.stream('chat.regenerate', { messageId: answerId }, { signal, onProgress }),
      )
    },
    [client, run],
  )

  const edit = useCallback(
    (questionId: string, text: string, images: ChatImage[]) =>
      run({ kind: 'edit', question: { text, images }, target: questionId }, (signal, onProgress) =>
        client.stream('chat.edit', { messageId: questionId, text, images: images.map((i) => i.id) }, { signal, onProgress }),
      ),
    [client, run],
  )

  const stop = useCallback(() => {
    if (!controllerRef.current) return
    setLive((l) => (l ? { ...l, stopping: true } : l))
    controllerRef.current.abort()
  }, [])

  return {
    conversationId,
    conversation,
    loadError,
    live,
    problem,
    open,
    reload,
    send,
    regenerate,
    edit,
    stop,
    dismissProblem: useCallback(() => setProblem(null), [setProblem]),
  }
}
