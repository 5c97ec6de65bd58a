import WebSocket from 'ws'
import { createClient, type FolioClient } from '../../src/shared/client'
import { FolioError } from '../../src/shared/errors'
import { decodeJson, encodeJson, type CallResult, type RawTransport, type ServerFrame } from '../../src/shared/wire'

/** A Node WebSocket transport for integration tests: the same frames the renderer sends. */
export async function connectWs(
  baseUrl: string,
  headers: Record<string, string>,
): Promise<{ client: FolioClient; ws: WebSocket; frames: ServerFrame[]; close(): void }> {
  const ws = new WebSocket(baseUrl.replace(/^http/, 'ws') + 'ws', { headers })
  const frames: ServerFrame[] = []
  const pending = new Map<string, (r: CallResult) => void>()
  const progress = new Set<(id: string, d: unknown) => void>()
  const evts = new Set<(n: string, p: unknown) => void>()
  let clientId = ''
  let seq = 0
  const hello = new Promise<void>((resolve, reject) => {
    ws.once('error', reject)
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)))
    ws.on('message', (data) => {
      const f = decodeJson(data.toString()) as ServerFrame
      frames.push(f)
      if (f.t === 'hello') {
        clientId = f.clientId
        resolve()
      } else if (f.t === 'result') {
        pending.get(f.id)?.(f)
        pending.delete(f.id)
      } else if (f.t === 'progress') progress.forEach((cb) => cb(f.id, f.data))
      else if (f.t === 'event') evts.forEach((cb) => cb(f.name, f.payload))
    })
  })
  await hello
  const raw: RawTransport = {
    kind: 'ws',
    get clientId() {
      return clientId
    },
    invoke(method, input, opId) {
      const id = opId ?? `c${seq++}`
      return new Promise((resolve) => {
        pending.set(id, resolve)
        ws.send(encodeJson({ t: 'call', id, method, input }))
      })
    },
    cancel: (id) => ws.send(JSON.stringify({ t: 'cancel', id })),
    onProgress: (cb) => (progress.add(cb), () => progress.delete(cb)),
    onEvent: (cb) => (evts.add(cb), () => evts.delete(cb)),
    imageUrl: (id) => `/api/image/${id}`,
  }
  ws.on('close', () => {
    for (const r of pending.values()) r({ ok: false, error: new FolioError('IO_ERROR', 'closed').toWire() })
  })
  return { client: createClient(raw), ws, frames, close: () => ws.close() }
}
