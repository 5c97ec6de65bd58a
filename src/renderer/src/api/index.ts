/**
 * Picks the transport (Electron IPC when the preload bridge exists, else the serve-mode
 * WebSocket) and hands the typed FolioClient to React through a context.
 */
import { createContext, useContext, useSyncExternalStore } from 'react'
import type { CallName, Input, Output } from '../../../shared/api'
import type { FolioClient } from '../../../shared/client'
import { createClient } from '../../../shared/client'
import { FolioError } from '../../../shared/errors'
import type { RawTransport } from '../../../shared/wire'
import { createIpcTransport } from './ipc-transport'
import type { ConnectionInfo } from './ws-core'
import { createWsTransport } from './ws-transport'

export type { ConnectionInfo, ConnectionState } from './ws-core'

export interface FolioRuntime {
  client: FolioClient
  /** Connection state for the "Reconnecting…" banner (always open over IPC). */
  connection: {
    get(): ConnectionInfo
    subscribe(cb: () => void): () => void
  }
  /** A call that survives the page going away (serve mode: fetch keepalive). Absent over IPC. */
  flush?: <M extends CallName>(method: M, input: Input<M>) => Promise<Output<M>>
  /** Electron asks the page to save before its window closes. */
  onFlushRequest?: (cb: () => Promise<void>) => () => void
}

const OPEN: ConnectionInfo = { state: 'open', error: null }

export function createRuntime(): FolioRuntime {
  const bridge = typeof window !== 'undefined' ? window.folio : undefined
  if (bridge) {
    const raw = createIpcTransport(bridge)
    return {
      client: withLiveClientId(createClient(raw), raw),
      connection: { get: () => OPEN, subscribe: () => () => {} },
      onFlushRequest: (cb) => bridge.onFlushRequest(cb),
    }
  }
  const ws = createWsTransport()
  return {
    client: withLiveClientId(createClient(ws), ws),
    connection: { get: ws.getConnection, subscribe: ws.onConnection },
    flush: async (method, input) => {
      const res = await ws.flush(method, input)
      if (!res.ok) throw FolioError.fromWire(res.error)
      return res.output as never
    },
  }
}

/** createClient copies clientId once; over WebSocket it only arrives with the server's hello. */
function withLiveClientId(client: FolioClient, raw: RawTransport): FolioClient {
  return {
    transport: client.transport,
    get clientId() {
      return raw.clientId
    },
    call: client.call,
    stream: client.stream,
    on: client.on,
    imageUrl: client.imageUrl,
  }
}

export const RuntimeContext = createContext<FolioRuntime | null>(null)

export function useRuntime(): FolioRuntime {
  const rt = useContext(RuntimeContext)
  if (!rt) throw new Error('useRuntime outside <RuntimeContext.Provider>')
  return rt
}

/** The typed API client (`client.call`, `client.stream`, `client.on`, `client.imageUrl`). */
export function useClient(): FolioClient {
  return useRuntime().client
}

export function useConnection(): ConnectionInfo {
  const { connection } = useRuntime()
  return useSyncExternalStore(connection.subscribe, connection.get, connection.get)
}
