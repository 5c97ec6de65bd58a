/**
 * Runs llama.cpp's multimodal server (`llama-server -m MODEL --mmproj MMPROJ`) as a managed child
 * process for image understanding, and hands out its endpoint (loopback URL + per-start random API
 * key) to the OpenAI-compatible client.
 *
 * Lifecycle:
 *  - `acquire(model, mmproj)` starts the server when needed (a different model restarts it), waits for
 *    `GET /health` → 200, and returns the endpoint plus a `release()`; while any lease is held the
 *    server is never idle-stopped. `ensure()` is the same without holding a lease.
 *  - A failure during start (the process exits, e.g. a mismatched mmproj, or /health never turns ok
 *    within `startTimeoutMs`) rejects with the tail of the server's log; it is not retried.
 *  - A crash after it was ready (requests in flight then fail with a retryable error in the client) is
 *    followed by a restart after an exponential backoff, at most `maxRestarts` consecutive times; the
 *    count resets once a server stays up `stableMs`. A later acquire() after giving up starts afresh.
 *  - `idleStopMs` without leases stops it (0 = never). `stop()`/`dispose()` send SIGTERM, then SIGKILL
 *    after `killGraceMs`.
 *  - No orphans: the child is not detached, is killed on the parent's 'exit', and on POSIX a tiny `sh`
 *    watchdog holding a pipe from this process kills it when this process dies without running
 *    'exit' handlers (SIGKILL, crash) — llama-server does not notice its parent's death by itself.
 *
 * Output goes to `<logsDir>/llama-server.log` (rotated to `.log.1` at ~5 MB).
 * The API key is passed through the LLAMA_API_KEY environment variable, not argv, so other local
 * users cannot read it from the process list.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { closeSync, existsSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs'
import { createServer } from 'node:net'
import { availableParallelism } from 'node:os'
import { join, resolve } from 'node:path'
import { FolioError } from '../../../shared/errors'
import { BUILD_HINT, isExecutableFile } from './binary'

export type LlamaServerState = 'stopped' | 'starting' | 'ready' | 'crashed'

export type LlamaServerStatus =
  | { state: 'starting'; model: string; mmproj: string | null; attempt: number }
  | { state: 'ready'; model: string; mmproj: string | null; url: string; pid: number; startMs: number }
  | { state: 'stopped'; reason: 'idle' | 'requested' | 'model-change' | 'disposed' | 'start-failed' }
  | {
      state: 'crashed'
      model: string
      mmproj: string | null
      exitCode: number | null
      signal: string | null
      /** Whether a restart is scheduled (false once maxRestarts consecutive crashes happened). */
      willRestart: boolean
      restartInMs: number | null
      logTail: string
    }

export interface LlamaServerEndpoint {
  /** e.g. http://127.0.0.1:40123 (no trailing slash, no /v1). */
  baseUrl: string
  apiKey: string
  model: string
  mmproj: string | null
  pid: number
  /** Milliseconds this call spent starting the server (0 when it was already running). */
  loadMs: number
}

export interface LlamaServerLease extends LlamaServerEndpoint {
  /** Ends the lease; the idle timer starts when no lease is held. Idempotent. */
  release(): void
}

export interface LlamaServerManagerDeps {
  /** The llama-server executable (see findLlamaServer). */
  binaryPath: string
  /** Folder for llama-server.log. */
  logsDir: string
  /** Status events for the UI. */
  onStatus?: (status: LlamaServerStatus) => void
}

export interface LlamaServerManagerOptions {
  /** Stop after this long without leases; 0 = never. Default 5 minutes. */
  idleStopMs?: number
  /** Bound on spawn → /health ok. Default 120 s (large models load slowly from disk). */
  startTimeoutMs?: number
  /** -c. Default 4096. */
  ctxSize?: number
  /** -t. Default: the number of logical cores (pass physical cores where known). */
  threads?: number
  /** -np (server slots). Default 1: one request at a time gets the whole context. */
  parallel?: number
  /** Extra arguments appended to the command line (e.g. ['-ngl', '99']). */
  extraArgs?: string[]
  /** Consecutive crash restarts before giving up. Default 3. */
  maxRestarts?: number
  /** First restart delay; doubles per consecutive crash. Default 500 ms. */
  restartBackoffMs?: number
  /** A server that stayed up this long resets the crash count. Default 60 s. */
  stableMs?: number
  /** SIGTERM → SIGKILL grace period. Default 3 s. */
  killGraceMs?: number
  /** Rotate the log at this size. Default 5 MB. */
  maxLogBytes?: number
  /** Environment for the child (defaults to process.env). */
  env?: NodeJS.ProcessEnv
}

export const DEFAULTS = {
  idleStopMs: 5 * 60_000,
  startTimeoutMs: 120_000,
  ctxSize: 4096,
  parallel: 1,
  maxRestarts: 3,
  restartBackoffMs: 500,
  stableMs: 60_000,
  killGraceMs: 3_000,
  maxLogBytes: 5 * 1024 * 1024,
}

const LOG_TAIL_LINES = 40
const HEALTH_POLL_MS = 100

interface Running {
  child: ChildProcess
  watchdog: ChildProcess | null
  model: string
  mmproj: string | null
  baseUrl: string
  apiKey: string
  readyAt: number | null
  exited: Promise<void>
  /** Set when we asked it to stop (not a crash). */
  stopping: boolean
}

/** Picks a free loopback port by binding port 0 and closing the socket. */
export function findFreePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer()
    srv.unref()
    srv.on('error', reject)
    srv.listen(0, host, () => {
      const addr = srv.address()
      const port = typeof addr === 'object' && addr ? addr.port : 0
      srv.close(() => (port ? resolvePort(port) : reject(new Error('no port'))))
    })
  })
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))

/** Turns the tail of llama-server's log into the one line a person should read. */
export function explainStartFailure(logTail: string): { code: 'MODEL_INVALID' | 'INVALID_INPUT' | 'IO_ERROR'; message: string } | null {
  const line = (re: RegExp) => logTail.split('\n').find((l) => re.test(l))?.trim()
  const mismatch = line(/mismatch between (text model|vision and audio)/i)
  if (mismatch) {
    return {
      code: 'MODEL_INVALID',
      message: `The vision projector (mmproj) does not belong to this model: ${mismatch.replace(/^.*?(mismatch)/i, '$1')}`,
    }
  }
  if (/couldn't bind|address already in use/i.test(logTail)) {
    return { code: 'IO_ERROR', message: 'llama-server could not listen on its port (address in use)' }
  }
  const mmprojFail = line(/failed to load (multimodal|mmproj|clip)|clip_(model_)?load|clip_init/i)
  if (mmprojFail) return { code: 'MODEL_INVALID', message: `llama-server could not load the vision projector (mmproj): ${mmprojFail}` }
  const modelFail = line(/failed to load model|error loading model|unknown model architecture|invalid magic|gguf_init/i)
  if (modelFail) return { code: 'MODEL_INVALID', message: `llama-server could not load the model: ${modelFail}` }
  const invalidArg = line(/error: (invalid argument|unknown argument)|error while handling argument/i)
  if (invalidArg) return { code: 'INVALID_INPUT', message: `llama-server rejected its arguments: ${invalidArg}` }
  return null
}

export class LlamaServerManager {
  private readonly binaryPath: string
  private readonly logsDir: string
  private readonly onStatus?: (status: LlamaServerStatus) => void
  private readonly opts: Required<Omit<LlamaServerManagerOptions, 'env'>> & { env: NodeJS.ProcessEnv }

  private running: Running | null = null
  /** The start (or backoff-then-restart) in progress. */
  private starting: { model: string; mmproj: string | null; promise: Promise<Running> } | null = null
  /** Serialises model switches and stops. */
  private queue: Promise<unknown> = Promise.resolve()
  private leases = 0
  private idleTimer: NodeJS.Timeout | null = null
  /** Bumped by every stop: a restart waiting out its backoff then gives up. */
  private generation = 0
  private consecutiveCrashes = 0
  private lastStatus: LlamaServerStatus = { state: 'stopped', reason: 'requested' }
  private disposed = false
  private logFd: number | null = null
  private logBytes = 0
  private tail: string[] = []

  constructor(deps: LlamaServerManagerDeps, options: LlamaServerManagerOptions = {}) {
    this.binaryPath = deps.binaryPath
    this.logsDir = deps.logsDir
    this.onStatus = deps.onStatus
    this.opts = {
      idleStopMs: options.idleStopMs ?? DEFAULTS.idleStopMs,
      startTimeoutMs: options.startTimeoutMs ?? DEFAULTS.startTimeoutMs,
      ctxSize: options.ctxSize ?? DEFAULTS.ctxSize,
      threads: options.threads ?? availableParallelism(),
      parallel: options.parallel ?? DEFAULTS.parallel,
      extraArgs: options.extraArgs ?? [],
      maxRestarts: options.maxRestarts ?? DEFAULTS.maxRestarts,
      restartBackoffMs: options.restartBackoffMs ?? DEFAULTS.restartBackoffMs,
      stableMs: options.stableMs ?? DEFAULTS.stableMs,
      killGraceMs: options.killGraceMs ?? DEFAULTS.killGraceMs,
      maxLogBytes: options.maxLogBytes ?? DEFAULTS.maxLogBytes,
      env: options.env ?? process.env,
    }
    liveManagers.add(this)
    if (liveManagers.size === 1) process.on('exit', killAllOnExit)
  }

  get status(): LlamaServerStatus {
    return this.lastStatus
  }

  /** The running server's pid (tests, diagnostics). */
  get pid(): number | null {
    return this.running?.child.pid ?? null
  }

  get logPath(): string {
    return join(this.logsDir, 'llama-server.log')
  }

  /** Starts the server for this model (restarting it for a different one) and waits until it is ready. */
  async ensure(modelPath: string, mmprojPath?: string | null, signal?: AbortSignal): Promise<LlamaServerEndpoint> {
    const lease = await this.acquire(modelPath, mmprojPath, signal)
    lease.release()
    const { release: _release, ...endpoint } = lease
    return endpoint
  }

  /** Like ensure(), and keeps the server from idle-stopping until release(). */
  async acquire(modelPath: string, mmprojPath?: string | null, signal?: AbortSignal): Promise<LlamaServerLease> {
    if (this.disposed) throw new FolioError('CANCELLED', 'The llama-server manager was disposed.')
    const model = resolve(modelPath)
    const mmproj = mmprojPath ? resolve(mmprojPath) : null
    this.leases++
    this.clearIdleTimer()
    let released = false
    const release = () => {
      if (released) return
      released = true
      this.leases--
      this.armIdleTimer()
    }
    const t0 = Date.now()
    const cur = this.running
    const wasReady = !!cur && cur.readyAt !== null && !cur.stopping && cur.model === model && cur.mmproj === mmproj
    try {
      const r = await abortable(this.runningFor(model, mmproj), signal)
      return {
        baseUrl: r.baseUrl,
        apiKey: r.apiKey,
        model: r.model,
        mmproj: r.mmproj,
        pid: r.child.pid ?? -1,
        loadMs: wasReady ? 0 : Date.now() - t0,
        release,
      }
    } catch (e) {
      release()
      throw e
    }
  }

  /** Returns a provider for the OpenAI-compatible client: one lease per request. */
  endpointProvider(modelPath: string, mmprojPath?: string | null): (signal?: AbortSignal) => Promise<LlamaServerLease> {
    return (signal) => this.acquire(modelPath, mmprojPath, signal)
  }

  /** Stops the server (SIGTERM, then SIGKILL after the grace period). */
  stop(): Promise<void> {
    return this.enqueue(() => this.stopNow('requested'))
  }

  async dispose(): Promise<void> {
    if (this.disposed) return
    this.disposed = true
    this.clearIdleTimer()
    await this.enqueue(() => this.stopNow('disposed'))
    this.closeLog()
    liveManagers.delete(this)
    if (liveManagers.size === 0) process.off('exit', killAllOnExit)
  }

  // --- internals -------------------------------------------------------------------------------

  private enqueue<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn, fn)
    this.queue = next.catch(() => undefined)
    return next
  }

  private runningFor(model: string, mmproj: string | null): Promise<Running> {
    const r = this.running
    if (r && r.readyAt !== null && !r.stopping && r.model === model && r.mmproj === mmproj) return Promise.resolve(r)
    const s = this.starting
    if (s && s.model === model && s.mmproj === mmproj) return s.promise
    return this.enqueue(async () => {
      if (this.disposed) throw new FolioError('CANCELLED', 'The llama-server manager was disposed.')
      const cur = this.running
      if (cur && cur.readyAt !== null && !cur.stopping && cur.model === model && cur.mmproj === mmproj) return cur
      const pending = this.starting
      if (pending && pending.model === model && pending.mmproj === mmproj) return pending.promise
      // A different model (or a crashed/backing-off one): replace it.
      if (pending) {
        this.generation++ // cancels a restart that is still waiting out its backoff
        await pending.promise.catch(() => undefined)
      }
      if (this.running) await this.stopNow('model-change')
      // A person asking again after we gave up gets a fresh set of restarts.
      this.consecutiveCrashes = 0
      return this.startTracked(model, mmproj, 0)
    })
  }

  private startTracked(model: string, mmproj: string | null, delayMs: number): Promise<Running> {
    const generation = this.generation
    const promise = (async () => {
      if (delayMs > 0) await sleep(delayMs)
      if (this.disposed || generation !== this.generation) {
        throw new FolioError('CANCELLED', 'The llama-server restart was cancelled.')
      }
      return this.spawnAndWait(model, mmproj)
    })()
    const entry = { model, mmproj, promise }
    this.starting = entry
    promise.then(
      () => {
        if (this.starting === entry) this.starting = null
        this.armIdleTimer()
      },
      () => {
        if (this.starting === entry) this.starting = null
      },
    )
    return promise
  }

  private async spawnAndWait(model: string, mmproj: string | null): Promise<Running> {
    if (!isExecutableFile(this.binaryPath)) {
      throw new FolioError('NOT_FOUND', `llama-server was not found at ${this.binaryPath}: ${BUILD_HINT}.`, { retryable: false })
    }
    if (!existsSync(model)) throw new FolioError('NOT_FOUND', `The model file is missing: ${model}`, { retryable: false })
    if (mmproj && !existsSync(mmproj)) {
      throw new FolioError('NOT_FOUND', `The vision projector (mmproj) file is missing: ${mmproj}`, { retryable: false })
    }
    this.emit({ state: 'starting', model, mmproj, attempt: this.consecutiveCrashes + 1 })

    // The free port can be taken between our probe and llama-server's bind; try a few ports.
    for (let portTry = 0; ; portTry++) {
      const port = await findFreePort()
      const apiKey = randomBytes(24).toString('base64url')
      const args = [
        '-m', model,
        ...(mmproj ? ['--mmproj', mmproj] : []),
        '--host', '127.0.0.1',
        '--port', String(port),
        '-c', String(this.opts.ctxSize),
        '-t', String(this.opts.threads),
        '-np', String(this.opts.parallel),
        '--no-webui',
        ...this.opts.extraArgs,
      ]
      const t0 = Date.now()
      const r = this.spawnServer(args, model, mmproj, `http://127.0.0.1:${port}`, apiKey)
      try {
        await this.waitHealthy(r, t0)
      } catch (e) {
        await this.kill(r)
        if (this.running === r) this.running = null
        const retryPort = e instanceof FolioError && /address in use/.test(e.message) && portTry < 3
        if (retryPort) continue
        this.emit({ state: 'stopped', reason: 'start-failed' })
        throw e
      }
      r.readyAt = Date.now()
      this.emit({ state: 'ready', model, mmproj, url: r.baseUrl, pid: r.child.pid ?? -1, startMs: r.readyAt - t0 })
      return r
    }
  }

  private spawnServer(args: string[], model: string, mmproj: string | null, baseUrl: string, apiKey: string): Running {
    this.openLog()
    this.tail = []
    this.writeLog(`\n=== ${new Date().toISOString()} starting ${this.binaryPath} ${args.join(' ')}\n`)
    const child = spawn(this.binaryPath, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: false,
      windowsHide: true,
      env: { ...this.opts.env, LLAMA_API_KEY: apiKey, LLAMA_LOG_COLORS: 'off' },
    })
    const onData = (buf: Buffer) => this.writeLog(buf.toString('utf8'))
    child.stdout?.on('data', onData)
    child.stderr?.on('data', onData)
    const exited = new Promise<void>((res) => {
      child.once('exit', () => res())
      child.once('error', () => res())
    })
    const running: Running = { child, watchdog: null, model, mmproj, baseUrl, apiKey, readyAt: null, exited, stopping: false }
    running.watchdog = this.startWatchdog(child)
    child.once('error', (e) => this.writeLog(`\n=== spawn error: ${e.message}\n`))
    child.once('exit', (code, signal) => this.onExit(running, code, signal))
    this.running = running
    return running
  }

  /**
   * POSIX: `sh` blocks reading a pipe whose only writer is this process; when this process dies the
   * read returns EOF and the watchdog kills llama-server. Killed by us on a normal exit.
   */
  private startWatchdog(child: ChildProcess): ChildProcess | null {
    if (process.platform === 'win32' || !child.pid) return null
    try {
      const script = `read _ignored; kill -TERM ${child.pid} 2>/dev/null; sleep ${Math.ceil(this.opts.killGraceMs / 1000)}; kill -KILL ${child.pid} 2>/dev/null; exit 0`
      const w = spawn('/bin/sh', ['-c', script], { stdio: ['pipe', 'ignore', 'ignore'], detached: false })
      w.on('error', () => undefined)
      w.stdin?.on('error', () => undefined)
      w.unref()
      ;(w.stdin as unknown as { unref?: () => void } | null)?.unref?.()
      return w
    } catch {
      return null
    }
  }

  private onExit(r: Running, code: number | null, signal: NodeJS.Signals | null): void {
    this.writeLog(`\n=== llama-server exited (${signal ?? `code ${code}`})\n`)
    if (r.watchdog && r.watchdog.exitCode === null) r.watchdog.kill('SIGKILL')
    if (this.running !== r) return
    this.running = null
    if (r.stopping || r.readyAt === null) return // a requested stop, or a start failure (reported by waitHealthy)
    // A crash of a ready server.
    if (Date.now() - r.readyAt >= this.opts.stableMs) this.consecutiveCrashes = 0
    this.consecutiveCrashes++
    const willRestart = !this.disposed && this.consecutiveCrashes <= this.opts.maxRestarts
    const delay = willRestart ? this.opts.restartBackoffMs * 2 ** (this.consecutiveCrashes - 1) : null
    this.emit({
      state: 'crashed',
      model: r.model,
      mmproj: r.mmproj,
      exitCode: code,
      signal,
      willRestart,
      restartInMs: delay,
      logTail: this.tailText(),
    })
    if (!willRestart || delay === null) return
    // Restart in the background; acquire() calls for the same model wait for it.
    const p = this.startTracked(r.model, r.mmproj, delay)
    p.catch(() => undefined)
  }

  private async waitHealthy(r: Running, t0: number): Promise<void> {
    const deadline = t0 + this.opts.startTimeoutMs
    let exited = false
    r.exited.then(() => (exited = true))
    let lastAnswer = ''
    while (!exited) {
      if (Date.now() > deadline) {
        throw new FolioError(
          'TIMEOUT',
          `llama-server did not become ready within ${Math.round(this.opts.startTimeoutMs / 1000)} s` +
            (lastAnswer ? ` (last /health answer: ${lastAnswer})` : '') +
            `. Log tail:\n${this.tailText()}`,
          { retryable: true, details: { logPath: this.logPath } },
        )
      }
      try {
        const res = await fetch(`${r.baseUrl}/health`, { signal: AbortSignal.timeout(2000) })
        const body = await res.text()
        lastAnswer = `${res.status} ${body.slice(0, 200)}`
        if (res.status === 200) {
          let ok = false
          try {
            ok = (JSON.parse(body) as { status?: unknown }).status === 'ok'
          } catch {
            ok = false
          }
          if (ok) return
        }
      } catch {
        // not listening yet
      }
      await Promise.race([sleep(HEALTH_POLL_MS), r.exited])
    }
    // Give the pipes a moment to deliver the last lines of the log.
    await sleep(50)
    const tail = this.tailText()
    const code = r.child.exitCode
    const sig = r.child.signalCode
    const explained = explainStartFailure(tail)
    const how = sig ? `was killed by ${sig}` : `exited with code ${code}`
    throw new FolioError(
      explained?.code ?? 'INTERNAL',
      explained ? `${explained.message} (llama-server ${how})` : `llama-server ${how} while starting. Log tail:\n${tail}`,
      { retryable: explained?.code === 'IO_ERROR', details: { logTail: tail, logPath: this.logPath, exitCode: code, signal: sig } },
    )
  }

  private async stopNow(reason: 'idle' | 'requested' | 'model-change' | 'disposed'): Promise<void> {
    this.clearIdleTimer()
    this.generation++
    const pending = this.starting
    if (pending) {
      await pending.promise.catch(() => undefined)
    }
    const r = this.running
    if (!r) {
      if (this.lastStatus.state !== 'stopped') this.emit({ state: 'stopped', reason })
      return
    }
    await this.kill(r)
    if (this.running === r) this.running = null
    this.emit({ state: 'stopped', reason })
  }

  private async kill(r: Running): Promise<void> {
    r.stopping = true
    const child = r.child
    if (child.exitCode === null && child.signalCode === null && child.pid) {
      child.kill('SIGTERM')
      const graceful = await Promise.race([r.exited.then(() => true), sleep(this.opts.killGraceMs).then(() => false)])
      if (!graceful) {
        child.kill('SIGKILL')
        await r.exited
      }
    }
    if (r.watchdog && r.watchdog.exitCode === null) r.watchdog.kill('SIGKILL')
  }

  /** @internal The process 'exit' handler: only synchronous work is possible. */
  killNowSync(): void {
    const r = this.running
    if (!r) return
    try {
      r.child.kill('SIGKILL')
    } catch {
      /* already gone */
    }
    try {
      r.watchdog?.kill('SIGKILL')
    } catch {
      /* ignore */
    }
  }

  private armIdleTimer(): void {
    this.clearIdleTimer()
    if (this.opts.idleStopMs <= 0 || this.leases > 0 || this.disposed || !this.running) return
    this.idleTimer = setTimeout(() => {
      this.idleTimer = null
      if (this.leases > 0 || this.starting) return
      void this.enqueue(() => (this.leases > 0 ? Promise.resolve() : this.stopNow('idle')))
    }, this.opts.idleStopMs)
    this.idleTimer.unref()
  }

  private clearIdleTimer(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer)
    this.idleTimer = null
  }

  private emit(status: LlamaServerStatus): void {
    this.lastStatus = status
    try {
      this.onStatus?.(status)
    } catch {
      // a broken listener must not break the manager
    }
  }

  // --- log file --------------------------------------------------------------------------------

  private openLog(): void {
    if (this.logFd !== null) return
    mkdirSync(this.logsDir, { recursive: true })
    try {
      this.logBytes = statSync(this.logPath).size
    } catch {
      this.logBytes = 0
    }
    if (this.logBytes >= this.opts.maxLogBytes) this.rotateLog()
    this.logFd = openSync(this.logPath, 'a')
  }

  private rotateLog(): void {
    this.closeLog()
    try {
      rmSync(`${this.logPath}.1`, { force: true })
      renameSync(this.logPath, `${this.logPath}.1`)
    } catch {
      /* best effort */
    }
    this.logBytes = 0
  }

  private closeLog(): void {
    if (this.logFd === null) return
    try {
      closeSync(this.logFd)
    } catch {
      /* ignore */
    }
    this.logFd = null
  }

  private writeLog(text: string): void {
    // Keep the last lines in memory for error messages.
    const lines = text.split('\n')
    if (this.tail.length && lines.length) this.tail[this.tail.length - 1] += lines.shift()
    this.tail.push(...lines)
    if (this.tail.length > LOG_TAIL_LINES * 2) this.tail = this.tail.slice(-LOG_TAIL_LINES)
    if (this.logFd === null) return
    try {
      const buf = Buffer.from(text, 'utf8')
      writeSync(this.logFd, buf)
      this.logBytes += buf.length
      if (this.logBytes >= this.opts.maxLogBytes) {
        this.rotateLog()
        this.logFd = openSync(this.logPath, 'a')
      }
    } catch {
      // a full disk must not take the server down
    }
  }

  private tailText(): string {
    return this.tail
      .slice(-LOG_TAIL_LINES)
      .filter((l) => l.trim())
      .join('\n')
  }
}

/** One process 'exit' handler for all managers (kills their servers synchronously). */
const liveManagers = new Set<LlamaServerManager>()
function killAllOnExit(): void {
  for (const m of liveManagers) m.killNowSync()
}

function abortable<T>(p: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return p
  if (signal.aborted) return Promise.reject(new FolioError('CANCELLED', 'Cancelled while starting llama-server.'))
  return new Promise<T>((res, rej) => {
    const onAbort = () => rej(new FolioError('CANCELLED', 'Cancelled while starting llama-server.'))
    signal.addEventListener('abort', onAbort, { once: true })
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort)
        res(v)
      },
      (e) => {
        signal.removeEventListener('abort', onAbort)
        rej(e)
      },
    )
  })
}
