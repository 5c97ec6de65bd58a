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

export interface CallOptions {
  /** Aborting cancels the call on the server (its handler's signal), and the call rejects with CANCELLED. */
  signal?: AbortSignal
}

export interface StreamOptions<P> extends CallOptions {
  onProgress?: (p: P) => void
}

export interface FolioClient {
  readonly transport: RawTransport['kind']
  readonly clientId: string
  call<M extends CallName>(method: M, input: Input<M>, opts?: CallOptions): Promise<Output<M>>
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

  /** A call with an operation id, so that aborting `signal` can cancel it and progress can find it. */
  async function tracked(method: MethodName, input: unknown, opts: StreamOptions<unknown>): Promise<never> {
    const opId = `op${Date.now().toString(36)}${(opCounter++).toString(36)}`
    if (opts.signal?.aborted) throw new FolioError('CANCELLED', 'The operation was cancelled.')
    const onAbort = () => raw.cancel(opId)
    opts.signal?.addEventListener('abort', onAbort, { once: true })
    if (opts.onProgress) progressHandlers.set(opId, opts.onProgress)
    try {
      return await invoke(method, input, opId)
    } finally {
      progressHandlers.delete(opId)
      opts.signal?.removeEventListener('abort', onAbort)
    }
  }

  return {
    transport: raw.kind,
    clientId: raw.clientId,
    call: (method, input, opts) => (opts?.signal ? tracked(method, input, opts) : invoke(method, input)),
    stream: (method, input, opts = {}) => tracked(method, input, opts as StreamOptions<unknown>),
    on(event, cb) {
      return raw.onEvent((name, payload) => {
        if (name === event) cb(payload as never)
      })
    },
    imageUrl: (id) => raw.imageUrl(id),
  }
}
