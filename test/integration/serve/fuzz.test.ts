/**
 * The API boundary under malformed input: every contract method (iterated from `methods`, so new
 * methods are covered without editing this file) gets thousands of bad inputs over a real serve-mode
 * process's HTTP and WebSocket paths. Every answer must be a specific validation error — never a
 * 500/INTERNAL — and the process must still answer afterwards.
 */
import { join } from 'node:path'
import WebSocket from 'ws'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { methodNames } from '../../../src/shared/api'
import { ERROR_CODES } from '../../../src/shared/errors'
import { decodeJson } from '../../../src/shared/wire'
import { startServe, type ServeProcess } from '../../helpers/serve-process'
import { tmpDir } from '../../helpers/tmp'
import { fuzzPlan, type FuzzCase, type FuzzPlan } from './fuzz-inputs'

const WireError = z.object({ code: z.enum(ERROR_CODES), message: z.string(), retryable: z.boolean(), details: z.unknown().optional() })

const STATUS = { INVALID_INPUT: 400, INVALID_JSON: 400, FORBIDDEN: 403, UNKNOWN_METHOD: 404 } as const

/** What a reply must look like: `{ ok: false, error: {code, message, retryable} }` with the expected code. */
function problem(reply: unknown, expected: readonly string[]): string | null {
  const r = reply as { ok?: unknown; error?: unknown }
  if (r?.ok !== false) return `answered ok: ${JSON.stringify(reply).slice(0, 200)}`
  const w = WireError.safeParse(r.error)
  if (!w.success) return `error has the wrong shape: ${JSON.stringify(r.error).slice(0, 200)}`
  if (!expected.includes(w.data.code)) return `${w.data.code}: ${w.data.message.slice(0, 200)}`
  if (!w.data.message.trim()) return 'empty message'
  return null
}

async function pool<T>(items: T[], width: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < items.length) await run(items[next++])
  }))
}

describe('serve mode API fuzz', () => {
  const dir = tmpDir('folio-fuzz-')
  let s: ServeProcess
  let plan: FuzzPlan
  let auth: Record<string, string>
  let origin: string

  beforeAll(async () => {
    plan = fuzzPlan()
    s = await startServe(['--port', '0', '--data', join(dir.path, 'data')])
    auth = { authorization: `Bearer ${s.token}` }
    origin = s.baseUrl.slice(0, -1)
  })
  afterAll(async () => {
    await s?.stop()
    dir.cleanup()
  })

  const rpc = async (method: string, body: string): Promise<{ status: number; reply: unknown }> => {
    const res = await fetch(`${s.baseUrl}api/rpc/${method}`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body })
    const text = await res.text()
    let reply: unknown = text
    try {
      reply = JSON.parse(text)
    } catch {
      // left as text: reported as a problem below
    }
    return { status: res.status, reply }
  }

  it('covers every method, and every method refuses extra keys, prototype keys and non-object input', () => {
    expect(plan.noBase).toEqual([])
    const labels = new Map<string, Set<string>>()
    for (const c of plan.cases) labels.set(c.method, (labels.get(c.method) ?? new Set()).add(c.label))
    const strictness = ['input: number', 'input: array', 'input: Infinity', 'input: extra key fuzzExtraField', 'input: extra key __proto__', 'input: extra key constructor']
    for (const m of methodNames) {
      for (const l of strictness) expect(labels.get(m)?.has(l), `${m} accepts ${l}`).toBe(true)
    }
    // Every field, however deep, is fuzzed: e.g. the article id, the document, an image's bytes.
    expect(labels.get('articles.save')).toContain('id: traversal')
    expect(labels.get('articles.save')).toContain('doc: array for object')
    expect(labels.get('images.import')).toContain('files.0.data: bytes as a string')
  })

  it('no string field accepts more than 1 MiB', () => {
    expect(plan.unbounded).toEqual([])
  })

  it('answers every malformed input over HTTP with INVALID_INPUT (FORBIDDEN for CLI-only methods), never a 500', async () => {
    const failures: string[] = []
    await pool(plan.cases, 6, async (c: FuzzCase) => {
      const { status, reply } = await rpc(c.method, c.body)
      const p = problem(reply, [c.expect])
      if (p || status !== STATUS[c.expect]) failures.push(`${c.method} [${c.label}] HTTP ${status}: ${p ?? 'wrong status'}`)
    })
    expect(failures.slice(0, 20), `${failures.length} of ${plan.cases.length} cases`).toEqual([])
  }, 60_000)

  it('answers every malformed input over WebSocket the same way', async () => {
    const ws = new WebSocket(`${s.baseUrl.replace(/^http/, 'ws')}ws`, { headers: { ...auth, origin } })
    const waiting = new Map<string, (frame: unknown) => void>()
    ws.on('message', (data) => {
      const f = decodeJson(data.toString()) as { t: string; id?: string }
      if (f.t === 'result' && f.id) waiting.get(f.id)?.(f)
    })
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject))
    const failures: string[] = []
    // 32 calls in flight (the bridge refuses more than 64 per connection).
    await pool(plan.cases.map((c, i) => ({ c, id: `f${i}` })), 32, async ({ c, id }) => {
      const frame = await new Promise<unknown>((resolve) => {
        waiting.set(id, resolve)
        ws.send(`{"t":"call","id":"${id}","method":${JSON.stringify(c.method)},"input":${c.body}}`)
      })
      waiting.delete(id)
      const p = problem(frame, [c.expect])
      if (p) failures.push(`${c.method} [${c.label}]: ${p}`)
    })
    ws.close()
    expect(failures.slice(0, 20), `${failures.length} of ${plan.cases.length} cases`).toEqual([])
  }, 60_000)

  it('answers malformed bodies and method names with specific errors', async () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`
    const bodies: [string, string, string[]][] = [
      ['app.info', 'NaN', ['INVALID_JSON']],
      ['articles.list', '{"trashed": NaN}', ['INVALID_JSON']],
      ['articles.list', "{'trashed': true}", ['INVALID_JSON']],
      ['articles.list', '{"trashed": true', ['INVALID_JSON']],
      ['articles.list', '\u0000', ['INVALID_JSON']],
      ['articles.get', deep, ['INVALID_INPUT']],
      ['__proto__', '{}', ['UNKNOWN_METHOD']],
      ['constructor', '{}', ['UNKNOWN_METHOD']],
      ['toString', '{}', ['UNKNOWN_METHOD']],
      ['hasOwnProperty', '{}', ['UNKNOWN_METHOD']],
      ['app.info%00', '{}', ['UNKNOWN_METHOD']],
      ['app.info%2F..%2F..%2Fetc%2Fpasswd', '{}', ['UNKNOWN_METHOD']],
      ['x'.repeat(5000), '{}', ['UNKNOWN_METHOD']],
      ['%E0%A4%A', '{}', ['INVALID_INPUT']],
      ['%', '{}', ['INVALID_INPUT']],
    ]
    for (const [method, body, codes] of bodies) {
      const { status, reply } = await rpc(method, body)
      const p = problem(reply, codes)
      expect(p, `${method.slice(0, 40)} ${body.slice(0, 40)}`).toBeNull()
      expect(status, `${method.slice(0, 40)} ${body.slice(0, 40)}`).toBe(STATUS[codes[0] as keyof typeof STATUS])
    }
    const get = await fetch(`${s.baseUrl}api/rpc/app.info`, { headers: auth })
    expect(get.status).toBe(405)
  })

  it('answers malformed WebSocket frames with an error frame and keeps the connection', async () => {
    const ws = new WebSocket(`${s.baseUrl.replace(/^http/, 'ws')}ws`, { headers: { ...auth, origin } })
    const frames: { t: string; id?: string; ok?: boolean; error?: { code: string } }[] = []
    ws.on('message', (data) => {
      const f = decodeJson(data.toString()) as (typeof frames)[number]
      if (f.t === 'error' || f.t === 'result') frames.push(f)
    })
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject))
    const bad: [string | Buffer, string][] = [
      ['[]', 'INVALID_INPUT'],
      ['"call"', 'INVALID_INPUT'],
      ['42', 'INVALID_INPUT'],
      ['null', 'INVALID_INPUT'],
      ['{"t":"bogus","id":"a"}', 'INVALID_INPUT'],
      ['{"t":"call","id":5,"method":"app.info","input":{}}', 'INVALID_INPUT'],
      ['{"t":"call","id":"","method":"app.info","input":{}}', 'INVALID_INPUT'],
      [`{"t":"call","id":"${'i'.repeat(65)}","method":"app.info","input":{}}`, 'INVALID_INPUT'],
      ['{"t":"call","id":"m","method":42,"input":{}}', 'INVALID_INPUT'],
      [`{"t":"call","id":"m","method":"${'m'.repeat(101)}","input":{}}`, 'INVALID_INPUT'],
      [`{"t":"call","id":"d","method":"app.info","input":${'['.repeat(100_000)}${']'.repeat(100_000)}}`, 'INVALID_INPUT'],
      ['{"t":"call","id":"n","method":"app.info","input":NaN}', 'INVALID_JSON'],
      [Buffer.from([1, 2, 3]), 'INVALID_JSON'],
    ]
    for (const [data, code] of bad) {
      const before = frames.length
      ws.send(data)
      await expect.poll(() => frames.length, { timeout: 5000 }).toBeGreaterThan(before)
      const f = frames[before]
      expect(f.t, String(data).slice(0, 60)).toBe('error')
      expect(f.error?.code, String(data).slice(0, 60)).toBe(code)
    }
    for (const method of ['__proto__', 'constructor', 'toString']) {
      const before = frames.length
      ws.send(JSON.stringify({ t: 'call', id: `u-${method}`, method, input: {} }))
      await expect.poll(() => frames.length, { timeout: 5000 }).toBeGreaterThan(before)
      expect(frames[before]).toMatchObject({ t: 'result', id: `u-${method}`, ok: false, error: { code: 'UNKNOWN_METHOD' } })
    }
    const before = frames.length
    ws.send(JSON.stringify({ t: 'call', id: 'alive', method: 'app.info', input: {} }))
    await expect.poll(() => frames.length, { timeout: 5000 }).toBeGreaterThan(before)
    expect(frames[before]).toMatchObject({ t: 'result', id: 'alive', ok: true })
    ws.close()
  })

  it('still answers app.info and valid calls afterwards: the process survived', async () => {
    expect(s.child.exitCode).toBeNull()
    const info = await rpc('app.info', '{}')
    expect(info.status).toBe(200)
    expect(info.reply).toMatchObject({ ok: true, output: { name: 'Folio' } })
    // Poisoned keys did not pollute the server's Object.prototype (a strict object would then see an extra key).
    const list = await rpc('articles.list', '{}')
    expect(list.reply).toMatchObject({ ok: true, output: { articles: [] } })
    expect(s.stderr()).not.toMatch(/Unhandled|TypeError|RangeError/)
  })
})
