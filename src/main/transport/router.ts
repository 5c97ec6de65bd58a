/**
 * Validates and dispatches contract calls. Every transport (IPC, WebSocket/HTTP, CLI) goes through
 * `dispatch`, so input validation and error mapping are written once.
 */
import type { z } from 'zod'
import {
  isMethodName,
  methods,
  type CallName,
  type MethodName,
  type Output,
  type ParsedInput,
  type Progress,
  type StreamName,
} from '../../shared/api'
import { FolioError, toWireError } from '../../shared/errors'
import type { CallResult } from '../../shared/wire'
import type { Log } from '../common/logger'

export interface CallContext {
  signal: AbortSignal
  /** The client that made the call (used to tag change events). */
  origin?: string
}
export interface StreamContext<P> extends CallContext {
  progress(p: P): void
}

export type Handlers = {
  [M in CallName]: (input: ParsedInput<M>, ctx: CallContext) => Promise<Output<M>> | Output<M>
} & {
  [M in StreamName]: (input: ParsedInput<M>, ctx: StreamContext<Progress<M>>) => Promise<Output<M>>
}

export interface DispatchOptions {
  signal?: AbortSignal
  origin?: string
  onProgress?: (data: unknown) => void
  /** In-process caller (the CLI). Renderers and network clients are never trusted. */
  trusted?: boolean
}

export interface RouterOptions {
  /** Output validation catches contract drift in tests; it costs little, so it stays on. */
  validateOutput?: boolean
  /** Where INTERNAL errors go, with their stack (never the call's input: it may hold document text). */
  log?: Pick<Log, 'error'>
}

export class Router {
  private readonly validateOutput: boolean
  private readonly log: Pick<Log, 'error'> | undefined

  constructor(
    private readonly handlers: Handlers,
    opts: RouterOptions = {},
  ) {
    this.validateOutput = opts.validateOutput ?? true
    this.log = opts.log
  }

  async dispatch(method: unknown, rawInput: unknown, opts: DispatchOptions = {}): Promise<CallResult> {
    if (!isMethodName(method)) {
      return {
        ok: false,
        error: new FolioError('UNKNOWN_METHOD', `Unknown method: ${String(method).slice(0, 100)}`).toWire(),
      }
    }
    const def = methods[method] as {
      kind: 'call' | 'stream'
      input: z.ZodType
      output: z.ZodType
      progress?: z.ZodType
      trusted?: boolean
    }
    if (def.trusted && !opts.trusted) {
      return {
        ok: false,
        error: new FolioError('FORBIDDEN', `${method} takes file paths and is only available from the command line.`).toWire(),
      }
    }
    let parsed: ReturnType<z.ZodType['safeParse']>
    try {
      parsed = def.input.safeParse(rawInput ?? {})
    } catch (e) {
      // dispatch never rejects: transports fire and forget it, and a rejection would crash serve mode.
      return { ok: false, error: new FolioError('INVALID_INPUT', `Invalid input for ${method}: ${(e as Error)?.message ?? String(e)}`).toWire() }
    }
    if (!parsed.success) {
      return { ok: false, error: new FolioError('INVALID_INPUT', describeIssues(method, parsed.error)).toWire() }
    }
    const signal = opts.signal ?? new AbortController().signal
    const ctx: StreamContext<unknown> = {
      signal,
      origin: opts.origin,
      progress: (p) => opts.onProgress?.(p),
    }
    try {
      const handler = this.handlers[method] as (input: unknown, ctx: StreamContext<unknown>) => unknown
      const output = await handler(parsed.data, ctx)
      if (this.validateOutput) {
        const checked = def.output.safeParse(output)
        if (!checked.success) {
          const error = new FolioError('INTERNAL', `${method} produced an invalid result: ${checked.error.message}`)
          this.log?.error('internal error', { method, message: error.message })
          return { ok: false, error: error.toWire() }
        }
        return { ok: true, output: checked.data }
      }
      return { ok: true, output }
    } catch (e) {
      const error = toWireError(e)
      if (error.code === 'INTERNAL') this.log?.error('internal error', { method, message: error.message, stack: (e as Error)?.stack ?? String(e) })
      return { ok: false, error }
    }
  }

  /** In-process typed call (CLI, tests); throws FolioError on failure. */
  async call<M extends MethodName>(method: M, input: unknown, opts: DispatchOptions = {}): Promise<Output<M>> {
    const res = await this.dispatch(method, input, { trusted: true, ...opts })
    if (!res.ok) throw FolioError.fromWire(res.error)
    return res.output as Output<M>
  }
}

function describeIssues(method: string, err: z.ZodError): string {
  const parts = err.issues.slice(0, 5).map((i) => {
    const path = i.path.length ? i.path.join('.') : 'input'
    return `${path}: ${i.message}`
  })
  return `Invalid input for ${method}: ${parts.join('; ')}`
}
