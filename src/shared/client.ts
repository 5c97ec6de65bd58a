/** The one client interface the renderer (and tests) use, whatever the transport underneath. */
import type {
  CallName,
  EventName,
  EventPayload,
  Input,
  MethodName,
  Output,
  Progress,
  StreamName,
} from './api'
import { FolioError } from './errors'
import type { RawTransport } from './wire'

export interface StreamOptions<P> {
  onProgress?: (p: P) => void
  signal?: AbortSignal
}

export interface FolioClient {
  readonly transport: RawTransport['kind']
  readonly clientId: string
  call<M extends CallName>(method: M, input: Input<M>): Promise<Output<M>>
  stream<M extends StreamName>(method: M, input: Input<M>, opts?: StreamOptions<Progress<M>>): Promise<Output<M>>
  on<E extends EventName>(event: E, cb: (payload: EventPayload<E>) => void): () => void
  imageUrl(id: string): string
}

let opCounter = 0

export function createClient(raw: RawTransport): FolioClient {
  const progressHandlers = new Map<string, (data: unknown) => void>()
  raw.onProgress((opId, data) => progressHandlers.get(opId)?.(data))

  async function invoke(method: MethodName, input: unknown, opId?: string): Promise<never> {
    const res = await raw.invoke(method, input, opId)
    if (!res.ok) throw FolioError.fromWire(res.error)
    return res.output as never
  }

  return {
    transport: raw.kind,
    clientId: raw.clientId,
    call: (method, input) => invoke(method, input),
    async stream(method, input, opts = {}) {
      const opId = `op${Date.now().toString(36)}${(opCounter++).toString(36)}`
      if (opts.signal?.aborted) throw new FolioError('CANCELLED', 'The operation was cancelled.')
      const onAbort = () => raw.cancel(opId)
      opts.signal?.addEventListener('abort', onAbort, { once: true })
      if (opts.onProgress) progressHandlers.set(opId, opts.onProgress as (d: unknown) => void)
      try {
        return await invoke(method, input, opId)
      } finally {
        progressHandlers.delete(opId)
        opts.signal?.removeEventListener('abort', onAbort)
      }
    },
    on(event, cb) {
      return raw.onEvent((name, payload) => {
        if (name === event) cb(payload as never)
      })
    },
    imageUrl: (id) => raw.imageUrl(id),
  }
}
