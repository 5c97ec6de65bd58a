import { randomUUID } from 'node:crypto'
import type { WebSocket } from 'ws'
import { z } from 'zod'
import { FolioError, isFolioError } from '../../../shared/errors'
import { decodeJson, encodeJson, type ClientFrame as ClientFrameType, type ServerFrame } from '../../../shared/wire'
import type { EventBus } from '../../common/event-bus'
import type { Router } from '../router'

const MAX_IN_FLIGHT = 64

const ClientFrame: z.ZodType<ClientFrameType> = z.discriminatedUnion('t', [
  z.object({ t: z.literal('call'), id: z.string().min(1).max(64), method: z.string().max(100), input: z.unknown() }),
  z.object({ t: z.literal('cancel'), id: z.string().min(1).max(64) }),
])

/** One browser tab: contract calls in, results, progress and events out. */
export function attachWsClient(ws: WebSocket, router: Router, events: EventBus): void {
  const clientId = randomUUID()
  const inFlight = new Map<string, AbortController>()
  const send = (f: ServerFrame) => {
    if (ws.readyState === ws.OPEN) ws.send(encodeJson(f))
  }
  send({ t: 'hello', clientId })

  const unsubscribe = events.subscribe((name, payload) => send({ t: 'event', name, payload }))

  ws.on('message', (data, isBinary) => {
    if (isBinary) {
      send({ t: 'error', error: new FolioError('INVALID_JSON', 'Binary frames are not accepted; send JSON text.').toWire() })
      return
    }
    let frame: ClientFrameType
    try {
      const parsed = ClientFrame.safeParse(decodeJson(data.toString()))
      if (!parsed.success) {
        send({ t: 'error', error: new FolioError('INVALID_INPUT', `Malformed frame: ${parsed.error.issues[0]?.message ?? 'invalid'}`).toWire() })
        return
      }
      frame = parsed.data
    } catch (e) {
      send({ t: 'error', error: isFolioError(e) ? e.toWire() : new FolioError('INVALID_JSON', 'The message is not valid JSON.').toWire() })
      return
    }
    if (frame.t === 'cancel') {
      inFlight.get(frame.id)?.abort()
      return
    }
    if (inFlight.has(frame.id)) {
      send({ t: 'result', id: frame.id, ok: false, error: new FolioError('INVALID_INPUT', `Call id ${frame.id} is already in use.`).toWire() })
      return
    }
    if (inFlight.size >= MAX_IN_FLIGHT) {
      send({ t: 'result', id: frame.id, ok: false, error: new FolioError('CONFLICT', 'Too many calls in flight; retry shortly.', { retryable: true }).toWire() })
      return
    }
    const ac = new AbortController()
    inFlight.set(frame.id, ac)
    const id = frame.id
    void router
      .dispatch(frame.method, frame.input, {
        signal: ac.signal,
        origin: clientId,
        onProgress: (data) => send({ t: 'progress', id, data }),
      })
      .then((res) => send({ t: 'result', id, ...res }))
      .finally(() => inFlight.delete(id))
  })

  ws.on('close', () => {
    unsubscribe()
    for (const ac of inFlight.values()) ac.abort()
    inFlight.clear()
  })
  ws.on('error', () => ws.terminate())
}
