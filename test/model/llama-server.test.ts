/**
 * LlamaServerManager against the real llama-server (built by `npm run llama-server:build`) running the
 * tiny random-weight chat model + tiny CLIP projector: start, health, API key, crash restart, model
 * switch, idle stop, start failures, log rotation and no orphan processes.
 *
 * The binary is required: when it is missing these tests FAIL with the build instruction.
 */
import { spawn } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FolioError } from '../../src/shared/errors'
import { findLlamaServer } from '../../src/main/inference/llama-server/binary'
import { LlamaServerManager, type LlamaServerStatus } from '../../src/main/inference/llama-server/manager'
import { OpenAICompatibleEngine } from '../../src/main/inference/openai/client'
import { buildClipSpec, buildVocab, FIXTURE_PARAMS } from '../fixtures/gguf/models'
import { writeGguf } from '../fixtures/gguf/writer'
import { ensureFixtures } from '../fixtures/models'
import { tmpDir } from '../helpers/tmp'

/** The built llama-server, or a failure telling how to build it (never a silent skip). */
function requireLlamaServer(): string {
  const found = findLlamaServer({ env: process.env })
  if (!found.path) throw new Error(`These tests need llama-server. ${found.message}`)
  return found.path
}

/**
 * The tiny fixture's random weights happily emit lone <0x80>…<0xFF> byte tokens (invalid UTF-8); this
 * llama-server's chat-output parser then fails the request ("does not match the expected peg-native
 * format"). Banning those byte tokens keeps the gibberish valid UTF-8.
 */
function validUtf8Bias(): Record<string, number> {
  const bias: Record<string, number> = {}
  buildVocab().tokens.forEach((t, id) => {
    if (/^<0x[89A-F][0-9A-F]>$/.test(t)) bias[String(id)] = -100
  })
  return bias
}

/** Whether a process runs (a zombie nobody reaped yet counts as gone). */
const alive = (pid: number | null | undefined): boolean => {
  if (!pid) return false
  try {
    process.kill(pid, 0)
  } catch {
    return false
  }
  if (process.platform !== 'linux') return true
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return !/^\d+ \(.*\) [ZX]/.test(stat)
  } catch {
    return false
  }
}

async function until<T>(what: string, fn: () => T | undefined | false | null, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const v = fn()
    if (v) return v
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 25))
  }
}

async function failure(p: Promise<unknown>): Promise<FolioError> {
  try {
    await p
  } catch (e) {
    expect(e).toBeInstanceOf(FolioError)
    return e as FolioError
  }
  throw new Error('expected a failure')
}

describe('llama-server manager (tiny chat model + tiny mmproj)', () => {
  const dir = tmpDir('folio-llama-server-')
  let bin = ''
  let chat = ''
  let mmproj = ''
  const managers: LlamaServerManager[] = []
  const make = (opts: ConstructorParameters<typeof LlamaServerManager>[1] = {}, events?: LlamaServerStatus[], binaryPath = bin) => {
    const m = new LlamaServerManager(
      { binaryPath, logsDir: join(dir.path, `logs-${managers.length}`), onStatus: (s) => events?.push(s) },
      { idleStopMs: 0, ctxSize: 2048, threads: 2, startTimeoutMs: 30_000, killGraceMs: 2000, ...opts },
    )
    managers.push(m)
    return m
  }

  beforeAll(async () => {
    bin = requireLlamaServer()
    const f = await ensureFixtures()
    chat = f.chat
    mmproj = f.mmproj
  })
  afterAll(async () => {
    await Promise.all(managers.map((m) => m.dispose()))
    dir.cleanup()
  })

  it('starts the server, reports health ok, reuses it, enforces the API key and logs to a file', async () => {
    const events: LlamaServerStatus[] = []
    const m = make({}, events)
    const t0 = performance.now()
    const ep = await m.ensure(chat, mmproj)
    const startMs = performance.now() - t0
    expect(ep.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(ep.apiKey.length).toBeGreaterThanOrEqual(32)
    expect(ep.loadMs).toBeGreaterThan(0)
    expect(events.map((e) => e.state)).toEqual(['starting', 'ready'])
    expect(m.status).toMatchObject({ state: 'ready', model: resolve(chat), mmproj: resolve(mmproj) })

    const health = await fetch(`${ep.baseUrl}/health`)
    expect(health.status).toBe(200)
    expect(await health.json()).toMatchObject({ status: 'ok' })

    // Same model: the running server is reused.
    const again = await m.ensure(chat, mmproj)
    expect(again.pid).toBe(ep.pid)
    expect(again.loadMs).toBe(0)

    // The API key is enforced; the key is not on the command line.
    const noKey = await fetch(`${ep.baseUrl}/v1/models`)
    expect(noKey.status).toBe(401)
    const wrong = new OpenAICompatibleEngine({ baseUrl: ep.baseUrl, apiKey: 'wrong-key' })
    const e = await failure(wrong.listModels())
    expect(e).toMatchObject({ code: 'UNAUTHORIZED', retryable: false })
    expect(e.message).toMatch(/the server refused the API key/)
    const right = new OpenAICompatibleEngine({ baseUrl: ep.baseUrl, apiKey: ep.apiKey })
    expect((await right.listModels()).length).toBeGreaterThan(0)
    if (process.platform === 'linux') {
      const cmdline = readFileSync(`/proc/${ep.pid}/cmdline`, 'utf8')
      expect(cmdline).not.toContain(ep.apiKey)
      expect(cmdline.split('\0')).toEqual(expect.arrayContaining(['--mmproj', '--no-webui', '-c', '2048', '-t', '2']))
    }

    expect(readFileSync(m.logPath, 'utf8')).toMatch(/starting .*llama-server/)
    console.info(`llama-server start (tiny model + mmproj): ${startMs.toFixed(0)} ms`)

    await m.stop()
    expect(alive(ep.pid)).toBe(false)
    expect(m.status).toMatchObject({ state: 'stopped', reason: 'requested' })
  })

  it('a server killed mid-stream fails that request with a retryable error and is restarted', async () => {
    const events: LlamaServerStatus[] = []
    const m = make({ restartBackoffMs: 100 }, events)
    const engine = new OpenAICompatibleEngine({
      endpoint: m.endpointProvider(chat, mmproj),
      vision: true,
      backend: 'cpu',
      extraBody: { ignore_eos: true, logit_bias: validUtf8Bias() }, // a long answer, whatever the random weights say
    })
    const first = await m.ensure(chat, mmproj)
    let killed = false
    const e = await failure(
      engine.generate({
        messages: [{ role: 'user', content: 'Tell a long story.' }],
        maxTokens: 1800,
        onToken: () => {
          if (!killed) {
            killed = true
            process.kill(first.pid, 'SIGKILL')
          }
        },
      }),
    )
    expect(killed).toBe(true)
    expect(e.code).toBe('IO_ERROR')
    expect(e.retryable).toBe(true)

    const crashed = await until('crashed', () => events.find((s) => s.state === 'crashed'))
    expect(crashed).toMatchObject({ willRestart: true, signal: 'SIGKILL', restartInMs: 100 })
    await until('restart', () => events.filter((s) => s.state === 'ready').length === 2)
    const second = await m.ensure(chat, mmproj)
    expect(second.pid).not.toBe(first.pid)
    const ok = await engine.generate({ messages: [{ role: 'user', content: 'Hi' }], maxTokens: 4 })
    expect(ok.stats.completionTokens).toBeGreaterThan(0)
  })

  it('gives up restarting after maxRestarts consecutive crashes; asking again starts it afresh', async () => {
    const events: LlamaServerStatus[] = []
    const m = make({ restartBackoffMs: 20, maxRestarts: 1 }, events)
    const a = await m.ensure(chat, null)
    process.kill(a.pid, 'SIGKILL')
    await until('first restart', () => events.filter((s) => s.state === 'ready').length === 2)
    process.kill(m.pid as number, 'SIGKILL')
    const gaveUp = await until('give-up', () => events.filter((s) => s.state === 'crashed')[1])
    expect(gaveUp).toMatchObject({ willRestart: false, restartInMs: null })
    await new Promise((r) => setTimeout(r, 100))
    expect(m.pid).toBeNull()
    const b = await m.ensure(chat, null)
    expect(alive(b.pid)).toBe(true)
  })

  it('restarts for a different model configuration', async () => {
    const events: LlamaServerStatus[] = []
    const m = make({}, events)
    const a = await m.ensure(chat, mmproj)
    const b = await m.ensure(chat, null)
    expect(b.pid).not.toBe(a.pid)
    expect(b.mmproj).toBeNull()
    expect(alive(a.pid)).toBe(false)
    expect(events.some((s) => s.state === 'stopped' && s.reason === 'model-change')).toBe(true)
  })

  it('stops after idleStopMs without requests, and a lease keeps it running', async () => {
    const events: LlamaServerStatus[] = []
    const m = make({ idleStopMs: 300 }, events)
    const lease = await m.acquire(chat, mmproj)
    await new Promise((r) => setTimeout(r, 600))
    expect(alive(lease.pid)).toBe(true) // held by the lease
    lease.release()
    await until('idle stop', () => events.find((s) => s.state === 'stopped' && s.reason === 'idle'), 5000)
    await until('process exit', () => !alive(lease.pid), 5000)
    expect(m.pid).toBeNull()
    // The next request starts it again.
    const again = await m.ensure(chat, mmproj)
    expect(again.pid).not.toBe(lease.pid)
  })

  it('a projector that does not match the model fails fast with a clear error', async () => {
    const bad = join(dir.path, 'mismatched-mmproj.gguf')
    await writeGguf(bad, buildClipSpec({ ...FIXTURE_PARAMS.mmproj, projectionDim: 32 }))
    const events: LlamaServerStatus[] = []
    const m = make({}, events)
    const t0 = performance.now()
    const e = await failure(m.ensure(chat, bad))
    expect(performance.now() - t0).toBeLessThan(10_000)
    expect(e).toMatchObject({ code: 'MODEL_INVALID', retryable: false })
    expect(e.message).toMatch(/mismatch between text model \(n_embd = 64\) and mmproj \(n_embd = 32\)/)
    expect(e.details).toMatchObject({ logPath: m.logPath })
    expect(events.at(-1)).toMatchObject({ state: 'stopped', reason: 'start-failed' })
    expect(m.pid).toBeNull()
  })

  it('missing files and a missing binary give helpful errors', async () => {
    const m = make({}, undefined, join(dir.path, 'no-such-llama-server'))
    const e = await failure(m.ensure(chat, mmproj))
    expect(e.code).toBe('NOT_FOUND')
    expect(e.message).toMatch(/npm run llama-server:build.*Settings/)

    const found = findLlamaServer({
      settingsPath: join(dir.path, 'nope'),
      env: { PATH: '' },
      cacheRoot: join(dir.path, 'empty-cache'),
    })
    expect(found.path).toBeNull()
    expect(found.message).toMatch(/run `npm run llama-server:build` or choose a llama-server binary in Settings/)
    expect(found.message).toMatch(/chosen in Settings .* is missing/)
    // A binary chosen in Settings wins when it is executable.
    expect(findLlamaServer({ settingsPath: bin, env: { PATH: '' } })).toMatchObject({ path: bin, source: 'settings' })

    const m2 = make()
    expect(await failure(m2.ensure(join(dir.path, 'missing.gguf'), mmproj))).toMatchObject({ code: 'NOT_FOUND' })
    expect(await failure(m2.ensure(chat, join(dir.path, 'missing-mmproj.gguf')))).toMatchObject({ code: 'NOT_FOUND' })
  })

  it('a server that never becomes healthy is killed after startTimeoutMs', async () => {
    // A fake "llama-server" that ignores its arguments and sleeps.
    const fake = join(dir.path, 'sleepy-server.sh')
    writeFileSync(fake, '#!/bin/sh\necho "loading forever"\nexec sleep 30\n', { mode: 0o755 })
    const m = make({ startTimeoutMs: 500 }, undefined, fake)
    const e = await failure(m.ensure(chat, mmproj))
    expect(e).toMatchObject({ code: 'TIMEOUT', retryable: true })
    expect(e.message).toMatch(/did not become ready within 1 s[\s\S]*loading forever/)
    expect(m.pid).toBeNull()
  })

  it('rotates the log file', async () => {
    const m = make({ maxLogBytes: 1024 })
    await m.ensure(chat, mmproj)
    expect(existsSync(`${m.logPath}.1`)).toBe(true)
    await m.dispose()
  })

  it('leaves no orphan when the parent process is killed (SIGKILL)', async () => {
    const script = join(dir.path, 'parent.mts')
    const managerPath = resolve('src/main/inference/llama-server/manager.ts')
    writeFileSync(
      script,
      `import { LlamaServerManager } from ${JSON.stringify(managerPath)}
const m = new LlamaServerManager({ binaryPath: ${JSON.stringify(bin)}, logsDir: ${JSON.stringify(join(dir.path, 'orphan-logs'))} }, { idleStopMs: 0, threads: 1, ctxSize: 512 })
const ep = await m.ensure(${JSON.stringify(chat)}, ${JSON.stringify(mmproj)})
console.log('PID ' + ep.pid)
setInterval(() => {}, 1000)
`,
    )
    const parent = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    parent.stdout.on('data', (b: Buffer) => (out += b.toString()))
    const pid = Number(await until('child server pid', () => /PID (\d+)/.exec(out)?.[1], 30_000))
    expect(alive(pid)).toBe(true)
    parent.kill('SIGKILL')
    await until('orphan to be killed by the watchdog', () => !alive(pid), 10_000)
  })
})
