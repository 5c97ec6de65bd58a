import { describe, expect, it } from 'vitest'
import type { DownloadProgress, Output } from '../../../src/shared/api'
import { FolioError } from '../../../src/shared/errors'
import { LlamaServerStore, type GpuFlavour, type LlamaServerClient } from '../../../src/renderer/src/models/llama-server-store'
import { deferred } from './fake-timers'

type InstallOut = Output<'inference.installLlamaServer'>

function fakeEngineClient(infos: Output<'inference.llamaServer'>[]) {
  const calls: { gpu: GpuFlavour; signal?: AbortSignal; onProgress?: (p: DownloadProgress) => void; result: ReturnType<typeof deferred<InstallOut>> }[] = []
  let infoCalls = 0
  const client: LlamaServerClient = {
    call: async () => infos[Math.min(infoCalls++, infos.length - 1)],
    stream: (_m, input, opts) => {
      const result = deferred<InstallOut>()
      calls.push({ gpu: input.gpu, signal: opts.signal, onProgress: opts.onProgress, result })
      opts.signal?.addEventListener('abort', () => result.reject(new FolioError('CANCELLED', 'The operation was cancelled.')))
      return result.promise
    },
  }
  return { client, calls, infoCalls: () => infoCalls }
}

const MISSING = { path: null, source: null, message: 'llama-server was not found: run npm run llama-server:build.' }
const READY = { path: '/cache/llama-server', source: 'cache', message: null }
const progress = (downloadedBytes: number): DownloadProgress => ({
  file: 'llama.zip',
  downloadedBytes,
  totalBytes: 100,
  bytesPerSecond: 10,
  etaSeconds: 5,
})

describe('LlamaServerStore', () => {
  it('loads where llama-server is', async () => {
    const f = fakeEngineClient([READY])
    const store = new LlamaServerStore(f.client)
    await store.refresh()
    expect(store.getSnapshot().info).toEqual({ data: READY, error: null })
  })

  it('downloads with progress, then refreshes and reports the path', async () => {
    const f = fakeEngineClient([MISSING, READY])
    const installed: string[] = []
    const store = new LlamaServerStore(f.client, { onInstalled: (o) => installed.push(o.path) })
    await store.refresh()
    const run = store.install('vulkan')
    expect(store.install('cpu')).toBe(run)
    expect(f.calls.map((c) => c.gpu)).toEqual(['vulkan'])
    expect(store.getSnapshot().install).toMatchObject({ phase: 'downloading', gpu: 'vulkan', progress: null })
    f.calls[0].onProgress?.(progress(40))
    expect(store.getSnapshot().install?.progress?.downloadedBytes).toBe(40)
    f.calls[0].result.resolve({ path: '/cache/llama-server', asset: 'llama-b1-bin-ubuntu-vulkan-x64.zip' })
    await run
    expect(store.getSnapshot()).toEqual({ info: { data: READY, error: null }, install: null })
    expect(installed).toEqual(['/cache/llama-server'])
    expect(store.isRunning()).toBe(false)
  })

  it('shows an unreachable release page as a retryable error, and retries', async () => {
    const f = fakeEngineClient([MISSING])
    const store = new LlamaServerStore(f.client)
    const run = store.install('cpu')
    f.calls[0].result.reject(new FolioError('UNREACHABLE', 'Cannot reach the llama.cpp release page (fetch failed).'))
    await run
    expect(store.getSnapshot().install).toMatchObject({
      phase: 'error',
      gpu: 'cpu',
      error: { code: 'UNREACHABLE', message: 'Cannot reach the llama.cpp release page (fetch failed).', retryable: true },
    })
    void store.install('cpu')
    expect(store.getSnapshot().install).toMatchObject({ phase: 'downloading', error: null })
    expect(f.calls).toHaveLength(2)
  })

  it('cancels: aborts the stream and goes back to the download button', async () => {
    const f = fakeEngineClient([MISSING])
    const store = new LlamaServerStore(f.client)
    void store.install('cuda')
    f.calls[0].onProgress?.(progress(10))
    const cancelling = store.cancel()
    expect(store.getSnapshot().install?.phase).toBe('cancelling')
    // Progress that arrives while cancelling does not revive it.
    f.calls[0].onProgress?.(progress(20))
    expect(store.getSnapshot().install?.progress?.downloadedBytes).toBe(10)
    await cancelling
    expect(f.calls[0].signal?.aborted).toBe(true)
    expect(store.getSnapshot().install).toBeNull()
  })

  it('dismisses an error but never a running download', async () => {
    const f = fakeEngineClient([MISSING])
    const store = new LlamaServerStore(f.client)
    const run = store.install('cpu')
    store.dismiss()
    expect(store.getSnapshot().install?.phase).toBe('downloading')
    f.calls[0].result.reject(new FolioError('IO_ERROR', 'disk'))
    await run
    store.dismiss()
    expect(store.getSnapshot().install).toBeNull()
  })

  it('keeps the last answer next to a failed refresh', async () => {
    let fail = false
    const store = new LlamaServerStore({
      call: async () => {
        if (fail) throw new FolioError('UNREACHABLE', 'gone')
        return READY
      },
      stream: () => Promise.reject(new Error('unused')),
    })
    await store.refresh()
    fail = true
    await store.refresh()
    expect(store.getSnapshot().info.data).toEqual(READY)
    expect((store.getSnapshot().info.error as Error).message).toBe('gone')
  })
})
