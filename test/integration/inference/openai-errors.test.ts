/**
 * The OpenAI-compatible client against a real local HTTP server that emulates a remote's answers and
 * failures (no model needed): request shape, SSE parsing, stats, cancellation and error mapping.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { FolioError } from '../../../src/shared/errors'
import { OpenAICompatibleEngine, apiBase } from '../../../src/main/inference/openai/client'
import { makePng } from '../../helpers/tmp'

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void

let server: Server
let baseUrl = ''
let handler: Handler = (_req, res) => res.end()
const seen: Array<{ method?: string; url?: string; headers: IncomingMessage['headers']; body: string }> = []

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = ''
    req.setEncoding('utf8')
    req.on('data', (c: string) => (body += c))
    req.on('end', () => {
      seen.push({ method: req.method, url: req.url, headers: req.headers, body })
      handler(req, res, body)
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterEach(() => {
  seen.length = 0
  server.closeAllConnections()
})
afterAll(async () => {
  server.closeAllConnections()
  await new Promise<void>((r) => server.close(() => r()))
})

const engine = (o: Partial<ConstructorParameters<typeof OpenAICompatibleEngine>[0]> = {}) =>
  new OpenAICompatibleEngine({ baseUrl, apiKey: 'sk-test', model: 'm1', requestTimeoutMs: 2000, ...o })
const ask = { messages: [{ role: 'user' as const, content: 'Hi' }], maxTokens: 16 }

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' })
  res.end(JSON.stringify(body))
}
const chunk = (content: string | null, extra: Record<string, unknown> = {}) =>
  `data: ${JSON.stringify({ model: 'served-model', choices: [{ index: 0, delta: content === null ? {} : { content }, finish_reason: null }], ...extra })}\n\n`
const finish = (reason: string) => `data: ${JSON.stringify({ choices: [{ index: 0, delta: {}, finish_reason: reason }] })}\n\n`

async function failure(p: Promise<unknown>): Promise<FolioError> {
  try {
    await p
  } catch (e) {
    expect(e).toBeInstanceOf(FolioError)
    return e as FolioError
  }
  throw new Error('expected a failure')
}

describe('OpenAI-compatible client: requests and streaming', () => {
  it('normalises base URLs', () => {
    expect(apiBase('http://h:1')).toBe('http://h:1/v1')
    expect(apiBase('http://h:1/')).toBe('http://h:1/v1')
    expect(apiBase('http://h:1/v1/')).toBe('http://h:1/v1')
    expect(apiBase('https://h/openai/v1')).toBe('https://h/openai/v1')
  })

  it('sends the OpenAI request shape and parses a stream split across writes (CRLF, comments, usage, timings)', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      const parts = [
        ': ping\r\n\r\n',
        chunk('Hel').replace(/\n/g, '\r\n'),
        chunk('lo').slice(0, 25),
        chunk('lo').slice(25),
        chunk(' world'),
        finish('length'),
        `data: ${JSON.stringify({ choices: [], usage: { prompt_tokens: 21, completion_tokens: 3 }, timings: { prompt_n: 21, prompt_per_second: 1234.5, predicted_n: 3, predicted_per_second: 99.5 } })}\n\n`,
        'data: [DONE]\n\n',
      ]
      let i = 0
      const next = () => (i < parts.length ? res.write(parts[i++], () => setTimeout(next, 5)) : res.end())
      next()
    }
    const tokens: string[] = []
    const png = makePng(4, 4)
    const schema = { title: 'Pick one', type: 'object', properties: { a: { enum: ['x', 'y'] } }, required: ['a'] }
    const r = await engine({ vision: true, backend: 'cpu', threads: 2 }).generate({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Describe' },
      ],
      images: [{ data: png, mime: 'image/png' }],
      jsonSchema: schema,
      maxTokens: 3,
      temperature: 0.5,
      seed: 7,
      onToken: (t) => tokens.push(t),
    })
    expect(tokens).toEqual(['Hel', 'lo', ' world'])
    expect(r.text).toBe('Hello world')
    expect(r.stats).toMatchObject({
      model: 'served-model',
      backend: 'cpu',
      threads: 2,
      promptTokens: 21,
      completionTokens: 3,
      promptTokensPerSecond: 1234.5,
      tokensPerSecond: 99.5,
      stopReason: 'maxTokens',
      loadMs: 0,
    })
    expect(r.stats.ttftMs).toBeGreaterThan(0)
    expect(r.stats.totalMs).toBeGreaterThanOrEqual(r.stats.ttftMs)

    const sent = seen[0]
    expect(sent.method).toBe('POST')
    expect(sent.url).toBe('/v1/chat/completions')
    expect(sent.headers.authorization).toBe('Bearer sk-test')
    const body = JSON.parse(sent.body)
    expect(body).toMatchObject({
      model: 'm1',
      stream: true,
      max_tokens: 3,
      temperature: 0.5,
      seed: 7,
      response_format: { type: 'json_schema', json_schema: { name: 'Pick_one', schema, strict: true } },
    })
    expect(body.messages[0]).toEqual({ role: 'system', content: 'Be brief.' })
    expect(body.messages[1].content).toEqual([
      { type: 'image_url', image_url: { url: `data:image/png;base64,${Buffer.from(png).toString('base64')}` } },
      { type: 'text', text: 'Describe' },
    ])
  })

  it('accepts a plain JSON completion from a server that ignores stream: true', async () => {
    handler = (_req, res) =>
      json(res, 200, { model: 'x', choices: [{ message: { content: '{"a":1}' }, finish_reason: 'stop' }], usage: { prompt_tokens: 4, completion_tokens: 2 } })
    const r = await engine().generate(ask)
    expect(r.text).toBe('{"a":1}')
    expect(r.stats).toMatchObject({ promptTokens: 4, completionTokens: 2, stopReason: 'eos' })
  })

  it('cancel mid-stream resolves with the partial text and stopReason cancelled', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      res.write(chunk('part'))
      // then nothing more: the client must stop on abort, not wait for the timeout
    }
    const ac = new AbortController()
    const t0 = Date.now()
    const r = await engine({ requestTimeoutMs: 10_000 }).generate({ ...ask, signal: ac.signal, onToken: () => ac.abort() })
    expect(Date.now() - t0).toBeLessThan(1000)
    expect(r.text).toBe('part')
    expect(r.stats.stopReason).toBe('cancelled')
  })

  it('a signal aborted before the request went out rejects with CANCELLED, without a request', async () => {
    const ac = new AbortController()
    ac.abort()
    expect(await failure(engine().generate({ ...ask, signal: ac.signal }))).toMatchObject({ code: 'CANCELLED' })
    // Aborted while the endpoint (a managed server) was starting.
    const slow = new OpenAICompatibleEngine({
      endpoint: (signal) =>
        new Promise((_res, rej) => signal?.addEventListener('abort', () => rej(new FolioError('CANCELLED', 'starting')))),
    })
    const ac2 = new AbortController()
    setTimeout(() => ac2.abort(), 20)
    expect(await failure(slow.generate({ ...ask, signal: ac2.signal }))).toMatchObject({ code: 'CANCELLED' })
    expect(seen).toHaveLength(0)
  })

  it('embeds in input order and lists models', async () => {
    handler = (req, res, body) => {
      if (req.url === '/v1/models') return json(res, 200, { object: 'list', data: [{ id: 'a', owned_by: 'me' }, { id: 'b' }] })
      const input = JSON.parse(body).input as string[]
      json(res, 200, { data: input.map((_, i) => ({ index: i, embedding: [i, i] })).reverse() })
    }
    expect(await engine().embed(['x', 'y', 'z'])).toEqual([[0, 0], [1, 1], [2, 2]])
    expect(await engine().listModels()).toEqual([{ id: 'a', ownedBy: 'me' }, { id: 'b' }])
    expect(seen[1].headers.authorization).toBe('Bearer sk-test')
  })
})

describe('OpenAI-compatible client: error mapping', () => {
  it('401 → UNAUTHORIZED "the server refused the API key"', async () => {
    handler = (_req, res) => json(res, 401, { error: { message: 'Invalid API Key', type: 'authentication_error', code: 401 } })
    const e = await failure(engine().generate(ask))
    expect(e.code).toBe('UNAUTHORIZED')
    expect(e.retryable).toBe(false)
    expect(e.message).toMatch(/the server refused the API key/)
  })

  it('500 → retryable IO_ERROR with the server message', async () => {
    handler = (_req, res) => json(res, 500, { error: { message: 'out of memory in slot 0', type: 'server_error' } })
    const e = await failure(engine().generate(ask))
    expect(e).toMatchObject({ code: 'IO_ERROR', retryable: true })
    expect(e.message).toMatch(/500.*out of memory in slot 0/)
  })

  it('503 with a plain-text body → retryable, text kept', async () => {
    handler = (_req, res) => {
      res.writeHead(503, { 'content-type': 'text/plain' })
      res.end('Loading model')
    }
    const e = await failure(engine().generate(ask))
    expect(e).toMatchObject({ code: 'IO_ERROR', retryable: true })
    expect(e.message).toMatch(/Loading model/)
  })

  it('404 for a model → NOT_FOUND naming it; 404 for a path → NOT_FOUND about the address', async () => {
    handler = (_req, res) => json(res, 404, { error: { message: 'The model `m1` does not exist.', code: 'model_not_found' } })
    const e = await failure(engine().generate(ask))
    expect(e).toMatchObject({ code: 'NOT_FOUND', retryable: false })
    expect(e.message).toMatch(/model "m1" was not found/)
    handler = (_req, res) => {
      res.writeHead(404, { 'content-type': 'text/html' })
      res.end('<h1>Not Found</h1>')
    }
    const e2 = await failure(engine().generate(ask))
    expect(e2.code).toBe('NOT_FOUND')
    expect(e2.message).toMatch(/OpenAI-compatible server address/)
  })

  it('400 → INVALID_INPUT with the server message; 429 → retryable', async () => {
    handler = (_req, res) => json(res, 400, { error: { message: 'request (5000 tokens) exceeds the available context size (4096 tokens)' } })
    const e = await failure(engine().generate(ask))
    expect(e).toMatchObject({ code: 'INVALID_INPUT', retryable: false })
    expect(e.message).toMatch(/exceeds the available context size/)
    handler = (_req, res) => json(res, 429, { error: { message: 'slow down' } })
    expect(await failure(engine().generate(ask))).toMatchObject({ code: 'IO_ERROR', retryable: true })
  })

  it('a server without a vision model → "this model cannot see images — add a vision model"', async () => {
    handler = (_req, res) =>
      json(res, 500, {
        error: { code: 500, message: 'image input is not supported - hint: if this is unexpected, you may need to provide the mmproj', type: 'server_error' },
      })
    const img = { data: makePng(2, 2), mime: 'image/png' }
    const e = await failure(engine({ vision: true }).generate({ ...ask, images: [img] }))
    expect(e).toMatchObject({ code: 'NO_VISION', retryable: false })
    expect(e.message).toMatch(/this model cannot see images — add a vision model/i)
    // Without a configured vision model the engine refuses before sending anything.
    seen.length = 0
    const e2 = await failure(engine({ vision: false }).generate({ ...ask, images: [img] }))
    expect(e2.code).toBe('NO_VISION')
    expect(e2.message).toMatch(/this model cannot see images — add a vision model/i)
    expect(seen).toHaveLength(0)
  })

  it('an image the server cannot decode → UNSUPPORTED_MEDIA', async () => {
    handler = (_req, res) => json(res, 400, { error: { code: 400, message: 'Failed to load image or audio file', type: 'invalid_request_error' } })
    const e = await failure(engine({ vision: true }).generate({ ...ask, images: [{ data: new Uint8Array([1, 2, 3]), mime: 'image/webp' }] }))
    expect(e).toMatchObject({ code: 'UNSUPPORTED_MEDIA', retryable: false })
    expect(e.message).toMatch(/could not decode an image — send PNG or JPEG/)
  })

  it('no response headers within the timeout → retryable TIMEOUT', async () => {
    handler = () => undefined // never answers
    const t0 = Date.now()
    const e = await failure(engine({ requestTimeoutMs: 300 }).generate(ask))
    expect(Date.now() - t0).toBeLessThan(2000)
    expect(e).toMatchObject({ code: 'TIMEOUT', retryable: true })
    expect(e.message).toMatch(/did not answer within/)
  })

  it('a stream that stalls → retryable timeout keeping the partial text', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      res.write(chunk('so far'))
    }
    const e = await failure(engine({ requestTimeoutMs: 300 }).generate(ask))
    expect(e).toMatchObject({ code: 'TIMEOUT', retryable: true })
    expect(e.details).toMatchObject({ partialText: 'so far' })
  })

  it('a dropped connection mid-stream → retryable IO_ERROR with the partial text', async () => {
    handler = (req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      res.write(chunk('abc'), () => setTimeout(() => req.socket.destroy(), 20))
    }
    const e = await failure(engine().generate(ask))
    expect(e).toMatchObject({ code: 'IO_ERROR', retryable: true })
    expect(e.message).toMatch(/lost the connection/)
    expect(e.details).toMatchObject({ partialText: 'abc' })
  })

  it('a stream that ends without [DONE] or a finish reason → retryable', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      res.end(chunk('abc'))
    }
    const e = await failure(engine().generate(ask))
    expect(e).toMatchObject({ code: 'IO_ERROR', retryable: true })
    expect(e.message).toMatch(/ended before the answer was complete/)
  })

  it('an error event mid-stream → mapped with the server message', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      res.end(chunk('abc') + `data: ${JSON.stringify({ error: { code: 500, message: 'decode failed', type: 'server_error' } })}\n\n`)
    }
    const e = await failure(engine().generate(ask))
    expect(e).toMatchObject({ code: 'IO_ERROR', retryable: true })
    expect(e.message).toMatch(/decode failed/)
    expect(e.details).toMatchObject({ partialText: 'abc' })
  })

  it('bodies that are neither SSE nor JSON → a clear, non-retryable error', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' })
      res.end('<html>captive portal</html>')
    }
    const e = await failure(engine().generate(ask))
    expect(e).toMatchObject({ code: 'BAD_RESPONSE', retryable: false })
    expect(e.message).toMatch(/did not answer like an OpenAI-compatible server.*captive portal/)

    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      res.end('data: {not json\n\n')
    }
    expect((await failure(engine().generate(ask))).message).toMatch(/not JSON/)

    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      res.end('hello there\n\n')
    }
    expect((await failure(engine().generate(ask))).message).toMatch(/did not send server-sent events/)

    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end('{"truncated": ')
    }
    expect(await failure(engine().embed(['x']))).toMatchObject({ code: 'BAD_RESPONSE', retryable: false })
    handler = (_req, res) => json(res, 200, { data: [] })
    expect((await failure(engine().embed(['x']))).message).toMatch(/returned 0 embeddings for 1 texts/)
  })

  it('connection refused → retryable UNREACHABLE "cannot reach <url>"', async () => {
    const probe = createServer()
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r))
    const port = (probe.address() as AddressInfo).port
    await new Promise<void>((r) => probe.close(() => r()))
    const e = await failure(engine({ baseUrl: `http://127.0.0.1:${port}` }).generate(ask))
    expect(e).toMatchObject({ code: 'UNREACHABLE', retryable: true })
    expect(e.message).toBe(`cannot reach http://127.0.0.1:${port} (ECONNREFUSED)`)
    expect(await failure(engine({ baseUrl: `http://127.0.0.1:${port}` }).listModels())).toMatchObject({ retryable: true })
  })

  it('rejects bad requests before sending', async () => {
    expect(await failure(engine().generate({ ...ask, maxTokens: 0 }))).toMatchObject({ code: 'INVALID_INPUT' })
    expect(await failure(engine().generate({ ...ask, messages: [] }))).toMatchObject({ code: 'INVALID_INPUT' })
    expect(seen).toHaveLength(0)
  })
})
