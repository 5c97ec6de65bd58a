/** The object the preload script exposes as `window.folio` (Electron only; serve mode has none). */
import type { CallResult } from './wire'

export interface FolioBridge {
  /** Method names from the contract, so the renderer can tell a stale preload from a new one. */
  readonly methods: readonly string[]
  readonly clientId: string
  invoke(method: string, input: unknown, opId?: string): Promise<CallResult>
  cancel(opId: string): void
  onProgress(cb: (opId: string, data: unknown) => void): () => void
  onEvent(cb: (name: string, payload: unknown) => void): () => void
  /** The main process asks the page to save before its window closes; resolve when saved. */
  onFlushRequest(cb: () => Promise<void>): () => void
}

/** IPC channel names, shared by preload and main. */
export const IPC = {
  invoke: 'folio:invoke',
  cancel: 'folio:cancel',
  progress: 'folio:progress',
  event: 'folio:event',
  flushRequest: 'folio:flush-request',
  flushDone: 'folio:flush-done',
} as const

/** Image URLs: a custom protocol in Electron, an authenticated route in serve mode. */
export const IMAGE_PROTOCOL_URL = (id: string) => `folio://image/${encodeURIComponent(id)}`
export const IMAGE_HTTP_URL = (id: string) => `/api/image/${encodeURIComponent(id)}`
