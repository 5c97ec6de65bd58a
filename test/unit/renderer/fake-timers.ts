/** Deterministic timers for renderer logic that takes injected `Timers`. */
export class FakeTimers {
  now = 0
  private seq = 0
  private readonly pending = new Map<number, { at: number; fn: () => void }>()

  readonly set = (fn: () => void, ms: number): unknown => {
    const id = ++this.seq
    this.pending.set(id, { at: this.now + ms, fn })
    return id
  }

  readonly clear = (handle: unknown): void => {
    this.pending.delete(handle as number)
  }

  get count(): number {
    return this.pending.size
  }

  /** The delays (from now) of pending timers, soonest first. */
  delays(): number[] {
    return [...this.pending.values()].map((t) => t.at - this.now).sort((a, b) => a - b)
  }

  /** Advances time, running due timers in order, and lets promise callbacks settle between them. */
  async advance(ms: number): Promise<void> {
    const end = this.now + ms
    for (;;) {
      await flushMicrotasks()
      let next: [number, { at: number; fn: () => void }] | undefined
      for (const entry of this.pending) if (entry[1].at <= end && (!next || entry[1].at < next[1].at)) next = entry
      if (!next) break
      this.pending.delete(next[0])
      this.now = next[1].at
      next[1].fn()
    }
    this.now = end
    await flushMicrotasks()
  }
}

export async function flushMicrotasks(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve()
}

export interface Deferred<T> {
  promise: Promise<T>
  resolve(v: T): void
  reject(e: unknown): void
}

export function deferred<T = void>(): Deferred<T> {
  let resolve!: (v: T) => void
  let reject!: (e: unknown) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}
