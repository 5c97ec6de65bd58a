/** The serve-mode transport: WsTransport wired to the browser's WebSocket, fetch and location. */
import { IMAGE_HTTP_URL } from '../../../shared/bridge'
import { WsTransport } from './ws-core'

export { WsTransport }

/** The server authenticates the socket and `/api/*` with an HttpOnly cookie: no token here. */
export function createWsTransport(): WsTransport {
  const url = `${location.origin.replace(/^http/, 'ws')}/ws`
  const transport = new WsTransport({
    url,
    createSocket: (u) => new WebSocket(u),
    imageUrl: IMAGE_HTTP_URL,
    fetch: (u, init) => fetch(u, init),
  })
  // Don't sit out a long backoff once the network or the tab comes back.
  window.addEventListener('online', () => transport.reconnectNow())
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') transport.reconnectNow()
  })
  return transport
}
