/**
 * A scripted OpenAI-compatible server on loopback: a remote "model" whose answers the test decides
 * (plain text, JSON, garbage), reached through Folio's real remote-engine client over HTTP. Lets
 * integration tests check composition's logic and fallbacks deterministically; the real llama.cpp
 * path is covered by the model tests.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface ScriptedRequest {
  /** The user/system texts, in order (image parts dropped). */
  messages: { role: string; content: string }[]
  /** The last user message's text. */
  prompt: string
  /** The JSON schema asked for, if any. */
  schema: Record<string, unknown> | null
  images: number
}

export type ScriptedAnswer = string | { text: string; /** stream as server-sent events at this rate */ tokensPerSecond?: number; status?: number }

export interface ScriptedModel {
  url: string
  requests: ScriptedRequest[]
  close(): Promise<void>
}

export async function startScriptedModel(answer: (req: ScriptedRequest) => ScriptedAnswer | Promise<ScriptedAnswer>): Promise<ScriptedModel> {
  const requests: ScriptedRequest[] = []
  const server: Server = createServer((req, res) => {
    let body = ''
    req.on('data', (c: Buffer) => (body += c.toString('utf8')))
    req.on('end', async () => {
      if (req.method === 'GET' && req.url?.endsWith('/models')) {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data: [{ id: 'scripted' }] }))
        return
      }
      if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
        res.writeHead(404).end()
        return
      }
      const b = JSON.parse(body) as { messages: { role: string; content: unknown }[]; response_format?: { json_schema?: { schema?: Record<string, unknown> } } }
      let images = 0
      const messages = b.messages.map((m) => {
        if (typeof m.content === 'string') return { role: m.role, content: m.content }
        const parts = m.content as { type: string; text?: string }[]
        images += parts.filter((p) => p.type === 'image_url').length
        return { role: m.role, content: parts.map((p) => p.text ?? '').join('') }
      })
      const sreq: ScriptedRequest = {
        messages,
        prompt: [...messages].reverse().find((m) => m.role === 'user')?.content ?? '',
        schema: b.response_format?.json_schema?.schema ?? null,
        images,
      }
      requests.push(sreq)
      const a = await answer(sreq)
      const { text, tokensPerSecond, status } = typeof a === 'string' ? { text: a, tokensPerSecond: undefined, status: 200 } : a
      if (status && status !== 200) {
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'scripted failure' } }))
        return
      }
      const usage = { prompt_tokens: Math.ceil(sreq.prompt.length / 4), completion_tokens: Math.ceil(text.length / 4) }
      if (!tokensPerSecond) {
        res.writeHead(200, { 'content-type': 'application/json' })
        res.end(JSON.stringify({ model: 'scripted', choices: [{ message: { role: 'assistant', content: text }, finish_reason: 'stop' }], usage }))
        return
      }
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' })
      const pieces = text.match(/\s*\S+/g) ?? []
      const gap = 1000 / tokensPerSecond
      const t0 = performance.now()
      let closed = false
      res.on('close', () => (closed = true))
      for (const [i, piece] of pieces.entries()) {
        if (closed) return
        const wait = t0 + i * gap - performance.now()
        if (wait > 1) await new Promise((r) => setTimeout(r, wait))
        res.write(`data: ${JSON.stringify({ choices: [{ delta: { content: piece }, finish_reason: null }] })}\n\n`)
      }
      res.write(`data: ${JSON.stringify({ choices: [{ delta: {}, finish_reason: 'stop' }], usage })}\n\n`)
      res.end('data: [DONE]\n\n')
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const port = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections()
        server.close(() => r())
      }),
  }
}
