/** RawTransport over the Electron preload bridge (`window.folio`). */
import { IMAGE_PROTOCOL_URL, type FolioBridge } from '../../../shared/bridge'
import type { RawTransport } from '../../../shared/wire'

export function createIpcTransport(bridge: FolioBridge): RawTransport {
  return {
    kind: 'ipc',
    clientId: bridge.clientId,
    invoke: (method, input, opId) =>
      bridge.invoke(method, input, opId).catch((e: unknown) => ({
        ok: false as const,
        error: { code: 'INTERNAL' as const, message: `IPC call failed: ${String(e)}`, retryable: false },
      })),
    cancel: (opId) => bridge.cancel(opId),
    onProgress: (cb) => bridge.onProgress(cb),
    onEvent: (cb) => bridge.onEvent(cb),
    imageUrl: (id) => IMAGE_PROTOCOL_URL(id),
  }
}
