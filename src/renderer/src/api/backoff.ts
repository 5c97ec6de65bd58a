/** Exponential backoff with jitter, shared by the WebSocket reconnect loop and autosave retries. */
export interface BackoffOptions {
  baseMs: number
  maxMs: number
  /** 0 disables jitter; 0.5 spreads each delay over [50%, 100%] of its nominal value. */
  jitter?: number
  random?: () => number
}

/** Delay before retry number `attempt` (0 = first retry). */
export function backoffDelay(attempt: number, opts: BackoffOptions): number {
  const nominal = Math.min(opts.maxMs, opts.baseMs * 2 ** Math.max(0, Math.min(attempt, 30)))
  const jitter = opts.jitter ?? 0
  if (jitter <= 0) return nominal
  const r = (opts.random ?? Math.random)()
  return Math.round(nominal * (1 - jitter + jitter * r))
}

export interface Timers {
  set(fn: () => void, ms: number): unknown
  clear(handle: unknown): void
}

export const realTimers: Timers = {
  set: (fn, ms) => globalThis.setTimeout(fn, ms),
  clear: (h) => globalThis.clearTimeout(h as ReturnType<typeof setTimeout>),
}
