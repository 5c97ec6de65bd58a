/**
 * The process-wide llama.cpp runtime (one `Llama` instance per process).
 *
 * - Asks node-llama-cpp for the best GPU backend (`gpu: 'auto'`), and falls back to the CPU build
 *   when the GPU backend fails to initialise (the reason is kept for the UI and logs).
 * - Caps threads at the number of *physical* cores: node-llama-cpp's default (max(4, cores))
 *   oversubscribes small machines; on a 2-core box 4 threads made generation ~100x slower.
 *
 * Never builds llama.cpp at run time (`build: 'never'`): a desktop app uses the prebuilt binaries
 * (or a local build made beforehand with `npx node-llama-cpp source build`).
 */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { availableParallelism, cpus } from 'node:os'
import { getLlama, LlamaLogLevel, type Llama, type LlamaOptions } from 'node-llama-cpp'

export type LlamaBackend = 'cpu' | 'cuda' | 'vulkan' | 'metal'

export interface LlamaRuntimeOptions {
  /** Which backend to try first. Default 'auto' (Metal on Apple Silicon, else CUDA, then Vulkan, then CPU). */
  gpu?: 'auto' | false | 'cuda' | 'vulkan' | 'metal'
  /** Threads for generation; default = physical cores (env FOLIO_THREADS overrides the default). */
  threads?: number
  /** llama.cpp log level (default 'warn'). */
  logLevel?: LlamaLogLevel
  logger?: (level: LlamaLogLevel, message: string) => void
  /** Test seam: replaces node-llama-cpp's getLlama. */
  getLlamaImpl?: (options: LlamaOptions) => Promise<Llama>
}

export interface LlamaRuntimeInfo {
  backend: LlamaBackend
  threads: number
  gpuDevices: string[]
  /** Why the GPU backend was not used, when one was asked for and failed; null otherwise. */
  fallbackReason: string | null
  /** One human sentence naming the backend, for the status bar and logs. */
  message: string
}

export class LlamaRuntime implements LlamaRuntimeInfo {
  private constructor(
    readonly llama: Llama,
    readonly backend: LlamaBackend,
    /** Threads chosen at start (physical cores, or the override); contexts are created for this many. */
    readonly defaultThreads: number,
    readonly gpuDevices: string[],
    readonly fallbackReason: string | null,
  ) {
    this.currentThreads = defaultThreads
  }

  private currentThreads: number

  /** Threads llama.cpp may use now in this process (a cap shared by all contexts of this runtime). */
  get threads(): number {
    return this.currentThreads
  }

  get message(): string {
    return backendMessage(this.backend, this.gpuDevices, this.currentThreads, this.fallbackReason)
  }

  /**
   * Changes the thread cap at run time (`defaultThreads` to lift it); it applies from the next decoded batch of every context.
   * Use it when other CPU-heavy work runs (e.g. a llama-server child captioning images): llama.cpp
   * threads spin-wait, and with more busy threads than cores generation collapses (measured on 2
   * cores under load: 2 threads 3–8 tok/s, 1 thread 1,300–2,000 tok/s on the tiny model).
   */
  setThreads(threads: number): void {
    if (!Number.isInteger(threads) || threads < 1) throw new RangeError(`threads must be a positive integer, got ${threads}`)
    this.currentThreads = threads
    this.llama.maxThreads = threads
  }

  /** Creates a runtime (prefer `getLlamaRuntime()` for the shared one). */
  static async create(options: LlamaRuntimeOptions = {}): Promise<LlamaRuntime> {
    const threads = resolveThreads(options.threads)
    const load = options.getLlamaImpl ?? getLlama
    const base: LlamaOptions = {
      build: 'never',
      maxThreads: threads,
      logLevel: options.logLevel ?? LlamaLogLevel.warn,
      ...(options.logger ? { logger: options.logger } : {}),
    }
    const wanted = options.gpu ?? 'auto'
    let llama: Llama
    let fallbackReason: string | null = null
    if (wanted === false) {
      llama = await load({ ...base, gpu: false })
    } else {
      try {
        llama = await load({ ...base, gpu: wanted })
      } catch (err) {
        fallbackReason = `${wanted === 'auto' ? 'GPU' : wanted.toUpperCase()} backend failed to initialise: ${errorText(err)}`
        llama = await load({ ...base, gpu: false })
      }
    }
    const backend: LlamaBackend = llama.gpu === false ? 'cpu' : llama.gpu
    let gpuDevices: string[] = []
    if (backend !== 'cpu') {
      try {
        gpuDevices = await llama.getGpuDeviceNames()
      } catch {
        gpuDevices = []
      }
    }
    return new LlamaRuntime(llama, backend, threads, gpuDevices, fallbackReason)
  }

  get info(): LlamaRuntimeInfo {
    const { backend, threads, gpuDevices, fallbackReason, message } = this
    return { backend, threads, gpuDevices, fallbackReason, message }
  }

  async dispose(): Promise<void> {
    if (!this.llama.disposed) await this.llama.dispose()
  }
}

const BACKEND_NAMES: Record<Exclude<LlamaBackend, 'cpu'>, string> = { cuda: 'CUDA', vulkan: 'Vulkan', metal: 'Metal' }

export function backendMessage(
  backend: LlamaBackend,
  gpuDevices: readonly string[],
  threads: number,
  fallbackReason: string | null,
): string {
  const cpu = `${threads} CPU thread${threads === 1 ? '' : 's'}`
  if (backend === 'cpu') {
    return fallbackReason
      ? `GPU backend unavailable (${fallbackReason}); running on CPU with ${cpu}`
      : `No GPU backend available; running on CPU with ${cpu}`
  }
  const devices = gpuDevices.length > 0 ? ` on ${gpuDevices.join(', ')}` : ''
  return `Using ${BACKEND_NAMES[backend]}${devices} (${cpu} for the rest)`
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}

// ---------------------------------------------------------------------------------------------
// Threads

/**
 * Physical CPU cores available to this process. Linux: distinct (physical id, core id) pairs in
 * /proc/cpuinfo; macOS: `sysctl hw.physicalcpu`; otherwise (or when unreadable) the logical count.
 * Never more than `os.availableParallelism()` (CPU affinity may restrict the process).
 */
export function physicalCoreCount(
  deps: { platform?: NodeJS.Platform; cpuinfo?: () => string; sysctl?: () => string; logical?: number } = {},
): number {
  const logical = Math.max(1, deps.logical ?? availableParallelism())
  const platform = deps.platform ?? process.platform
  let physical: number | null = null
  try {
    if (platform === 'linux') {
      physical = countCpuinfoCores((deps.cpuinfo ?? (() => readFileSync('/proc/cpuinfo', 'utf8')))())
    } else if (platform === 'darwin') {
      const out = (deps.sysctl ?? (() => execFileSync('sysctl', ['-n', 'hw.physicalcpu'], { encoding: 'utf8', timeout: 2000 })))()
      const n = Number.parseInt(out.trim(), 10)
      physical = Number.isFinite(n) && n > 0 ? n : null
    }
  } catch {
    physical = null
  }
  return Math.max(1, Math.min(logical, physical ?? logical))
}

/** Distinct physical cores listed in a /proc/cpuinfo text; null when it has no core ids. */
export function countCpuinfoCores(text: string): number | null {
  const cores = new Set<string>()
  const sockets = new Map<string, number>() // physical id -> its "cpu cores" value
  let physicalId = '0'
  let coreId: string | null = null
  let cpuCores = 0
  let processors = 0
  const flush = (): void => {
    if (coreId !== null) cores.add(`${physicalId}:${coreId}`)
    if (cpuCores > 0) sockets.set(physicalId, Math.max(sockets.get(physicalId) ?? 0, cpuCores))
    physicalId = '0'
    coreId = null
    cpuCores = 0
  }
  for (const line of text.split('\n')) {
    if (line.trim() === '') {
      flush()
      continue
    }
    const sep = line.indexOf(':')
    if (sep < 0) continue
    const key = line.slice(0, sep).trim()
    const value = line.slice(sep + 1).trim()
    if (key === 'processor') processors++
    else if (key === 'physical id') physicalId = value
    else if (key === 'core id') coreId = value
    else if (key === 'cpu cores') cpuCores = Number.parseInt(value, 10) || 0
  }
  flush()
  // Some hypervisors give every vCPU the same core id; the per-socket "cpu cores" field corrects that.
  const fromSockets = [...sockets.values()].reduce((a, b) => a + b, 0)
  const count = Math.max(cores.size, fromSockets)
  if (count === 0) return null
  return processors > 0 ? Math.min(count, processors) : count
}

/** Threads to use: explicit value, else env FOLIO_THREADS, else physical cores. */
export function resolveThreads(explicit?: number): number {
  if (explicit !== undefined) {
    if (!Number.isInteger(explicit) || explicit < 1) throw new RangeError(`threads must be a positive integer, got ${explicit}`)
    return explicit
  }
  const env = Number.parseInt(process.env.FOLIO_THREADS ?? '', 10)
  if (Number.isInteger(env) && env > 0) return env
  return physicalCoreCount()
}

/** Logical CPU count (for display next to the physical count). */
export function logicalCoreCount(): number {
  return Math.max(1, availableParallelism() || cpus().length)
}

// ---------------------------------------------------------------------------------------------
// The shared instance

let shared: Promise<LlamaRuntime> | null = null

/**
 * The process-wide runtime, created on first call with `options` (later options are ignored).
 * A failed start is not cached, so the next call retries.
 */
export function getLlamaRuntime(options: LlamaRuntimeOptions = {}): Promise<LlamaRuntime> {
  if (!shared) {
    const pending = LlamaRuntime.create(options)
    shared = pending
    pending.catch(() => {
      if (shared === pending) shared = null
    })
  }
  return shared
}

/** Disposes the shared runtime (app shutdown, tests). */
export async function disposeLlamaRuntime(): Promise<void> {
  const pending = shared
  shared = null
  if (!pending) return
  const runtime = await pending.catch(() => null)
  await runtime?.dispose()
}
