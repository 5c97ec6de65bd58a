/**
 * The vision engine (llama-server): where it comes from (`inference.llamaServer`) and its release
 * download (`inference.installLlamaServer`). Kept above the screens like the catalogue downloads,
 * so a download keeps going while the user writes. No React, no DOM: unit-tested with a fake client.
 */
import type { DownloadProgress, Input, Output } from '../../../shared/api'
import { FolioError } from '../../../shared/errors'
import type { Loadable } from './models-store'

export type LlamaServerInfo = Output<'inference.llamaServer'>
export type GpuFlavour = NonNullable<Input<'inference.installLlamaServer'>['gpu']>
export const GPU_FLAVOURS: readonly GpuFlavour[] = ['cpu', 'cuda', 'vulkan']

export interface InstallUi {
  phase: 'downloading' | 'cancelling' | 'error'
  gpu: GpuFlavour
  /** The latest progress report (null until the first one). */
  progress: DownloadProgress | null
  error: { code: string; message: string; retryable: boolean } | null
}

export interface LlamaServerSnapshot {
  info: Loadable<LlamaServerInfo>
  install: InstallUi | null
}

export interface LlamaServerClient {
  call(method: 'inference.llamaServer', input: Record<string, never>): Promise<LlamaServerInfo>
  stream(
    method: 'inference.installLlamaServer',
    input: { gpu: GpuFlavour },
    opts: { onProgress?: (p: DownloadProgress) => void; signal?: AbortSignal },
  ): Promise<Output<'inference.installLlamaServer'>>
}

function toError(e: unknown): { code: string; message: string; retryable: boolean } {
  if (e instanceof FolioError) return { code: e.code, message: e.message, retryable: e.retryable }
  if (e && typeof e === 'object' && 'message' in e) return { code: 'INTERNAL', message: String(e.message), retryable: false }
  return { code: 'INTERNAL', message: String(e), retryable: false }
}

export class LlamaServerStore {
  private snap: LlamaServerSnapshot = { info: { data: null, error: null }, install: null }
  private readonly listeners = new Set<() => void>()
  private controller: AbortController | null = null
  private running: Promise<void> | null = null
  private fetching = false
  private fetchAgain = false

  constructor(
    private readonly client: LlamaServerClient,
    private readonly opts: { onInstalled?(out: Output<'inference.installLlamaServer'>): void } = {},
  ) {}

  readonly getSnapshot = (): LlamaServerSnapshot => this.snap

  readonly subscribe = (cb: () => void): (() => void) => {
    this.listeners.add(cb)
    return () => this.listeners.delete(cb)
  }

  private set(patch: Partial<LlamaServerSnapshot>): void {
    this.snap = { ...this.snap, ...patch }
    this.listeners.forEach((l) => l())
  }

  /** Asks where llama-server is (single flight; a request made meanwhile runs once more). */
  refresh(): Promise<void> {
    if (this.fetching) {
      this.fetchAgain = true
      return Promise.resolve()
    }
    this.fetching = true
    return (async () => {
      do {
        this.fetchAgain = false
        try {
          const data = await this.client.call('inference.llamaServer', {})
          this.set({ info: { data, error: null } })
        } catch (e) {
          this.set({ info: { data: this.snap.info.data, error: e } })
        }
      } while (this.fetchAgain)
      this.fetching = false
    })()
  }

  isRunning(): boolean {
    return this.running !== null
  }

  /** Downloads the release build for this GPU (or retries). Resolves when it ends, however it ends. */
  install(gpu: GpuFlavour): Promise<void> {
    if (this.running) return this.running
    const controller = new AbortController()
    this.controller = controller
    this.set({ install: { phase: 'downloading', gpu, progress: null, error: null } })
    const run = (async () => {
      try {
        const out = await this.client.stream(
          'inference.installLlamaServer',
          { gpu },
          {
            signal: controller.signal,
            onProgress: (progress) => {
              const cur = this.snap.install
              if (cur && cur.phase === 'downloading') this.set({ install: { ...cur, progress } })
            },
          },
        )
        this.set({ install: null })
        this.opts.onInstalled?.(out)
      } catch (e) {
        const err = toError(e)
        if (controller.signal.aborted && err.code === 'CANCELLED') this.set({ install: null })
        else this.set({ install: { phase: 'error', gpu, progress: this.snap.install?.progress ?? null, error: err } })
      } finally {
        this.controller = null
        this.running = null
      }
      await this.refresh()
    })()
    this.running = run
    return run
  }

  /** Stops the download; the section goes back to its Download button. */
  async cancel(): Promise<void> {
    const cur = this.snap.install
    if (!this.controller || !cur) return
    this.set({ install: { ...cur, phase: 'cancelling' } })
    this.controller.abort()
    await this.running
  }

  /** Forgets an error. */
  dismiss(): void {
    if (!this.running && this.snap.install) this.set({ install: null })
  }
}
