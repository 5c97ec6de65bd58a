/**
 * Collects streamed tokens and hands them over at most once per frame (one React state update
 * per animation frame however fast tokens arrive). The scheduler is injected: the component
 * passes requestAnimationFrame, tests a fake.
 */
export interface FrameScheduler {
  request(cb: () => void): unknown
  cancel(handle: unknown): void
}

export class TokenBatcher {
  private buffer = ''
  private handle: unknown = null

  constructor(
    private readonly onFlush: (text: string) => void,
    private readonly scheduler: FrameScheduler,
  ) {}

  push(token: string): void {
    if (!token) return
    this.buffer += token
    if (this.handle !== null) return
    this.handle = this.scheduler.request(() => {
      this.handle = null
      this.flush()
    })
  }

  /** Hands over whatever is buffered now (at the end of a stream). */
  flush(): void {
    if (this.handle !== null) {
      this.scheduler.cancel(this.handle)
      this.handle = null
    }
    if (!this.buffer) return
    const text = this.buffer
    this.buffer = ''
    this.onFlush(text)
  }

  /** Drops the buffer and any pending frame (the component went away). */
  dispose(): void {
    if (this.handle !== null) this.scheduler.cancel(this.handle)
    this.handle = null
    this.buffer = ''
  }
}
