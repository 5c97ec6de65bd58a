/**
 * Image chat through the real services and SQLite, against a local HTTP server that answers like a
 * remote OpenAI-compatible vision server (no model needed): images stored once (library or
 * attachments), validation at the boundary, streaming with stats, the history on every turn with
 * trimming, stop, regenerate, edit-and-resend, conversations across a restart, failures that keep
 * what was written, and `folio chat`.
 */
import { existsSync } from 'node:fs'
import { createServer, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createServices, type FolioServices } from '../../../src/main/app'
import { runCli } from '../../../src/main/transport/cli/main'
import type { ChatProgress } from '../../../src/shared/chat-api'
import { FolioError } from '../../../src/shared/errors'
import { makePng, tmpDir } from '../../helpers/tmp'

interface WireMessage {
  role: string
  content: string | { type: string; text?: string; image_url?: { url: string } }[]
}

/** What the fake server does with the next chat request. */
let mode: 'answer' | 'die' | 'context' | 'slow' | 'blind' = 'answer'
const requests: { messages: WireMessage[]; max_tokens: number }[] = []
let server: Server
let baseUrl = ''

const sse = (res: ServerResponse, data: unknown) => res.write(`data: ${JSON.stringify(data)}\n\n`)
const piece = (content: string) => ({ model: 'fake-vl', choices: [{ index: 0, delta: { content }, finish_reason: null }] })

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = ''
    req.setEncoding('utf8')
    req.on('data', (c: string) => (body += c))
    req.on('end', () => {
      const parsed = JSON.parse(body) as { messages: WireMessage[]; max_tokens: number }
      requests.push(parsed)
      if (mode === 'blind') {
        // A text-only model behind a server that was marked as a vision server.
        res.writeHead(500, { 'content-type': 'application/json' })
        res.end(JSON.stringify({ error: { code: 500, message: 'image input is not supported - hint: if this is unexpected, you may need to provide the mmproj', type: 'server_error' } }))
        return
      }
      if (mode === 'context') {
        res.writeHead(400, { 'content-type': 'application/json' })
        res.end(JSON.stringify({ error: { code: 400, message: 'the request exceeds the available context size, try increasing it', type: 'exceed_context_size_error' } }))
        return
      }
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      const images = parsed.messages.flatMap((m) => (Array.isArray(m.content) ? m.content.filter((p) => p.type === 'image_url') : []))
      sse(res, piece('I see '))
      if (mode === 'die') {
        // The server process goes away mid-answer.
        setTimeout(() => res.socket?.destroy(), 20)
        return
      }
      if (mode === 'slow') {
        const t = setInterval(() => sse(res, piece('more ')), 20)
        res.on('close', () => clearInterval(t))
        return
      }
      sse(res, piece(`${images.length} images`))
      sse(res, { choices: [{ index: 0, delta: {}, finish_reason: 'stop' }], usage: { prompt_tokens: 40, completion_tokens: 2 }, timings: { prompt_per_second: 400, predicted_per_second: 50 } })
      res.end('data: [DONE]\n\n')
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(async () => {
  server.closeAllConnections()
  await new Promise<void>((r) => server.close(() => r()))
})

const png = (w: number, h: number, rgb: [number, number, number]) => makePng(w, h, rgb)
const textOf = (m: WireMessage) => (typeof m.content === 'string' ? m.content : m.content.filter((p) => p.type === 'text').map((p) => p.text).join(''))
const imagesOf = (m: WireMessage) => (Array.isArray(m.content) ? m.content.filter((p) => p.type === 'image_url').map((p) => p.image_url!.url) : [])

async function failure(p: Promise<unknown>): Promise<FolioError> {
  try {
    await p
  } catch (e) {
    expect(e).toBeInstanceOf(FolioError)
    return e as FolioError
  }
  throw new Error('expected a failure')
}

describe('image chat (services + SQLite + an OpenAI-compatible server)', () => {
  const tmp = tmpDir('folio-chat-')
  const dataDir = join(tmp.path, 'data')
  let s: FolioServices

  beforeAll(async () => {
    s = createServices({ dataDir, library: { workers: 1, resumeImports: false } })
    await s.router.call('models.addRemote', { url: baseUrl, model: 'fake-vl', vision: true, role: 'vision' })
  })
  afterAll(async () => {
    await s?.dispose()
    tmp.cleanup()
  })
  beforeEach(() => {
    mode = 'answer'
    requests.length = 0
  })

  it('stores dropped images once in the library (deduplicated) and rejects non-images, damaged and oversized ones with reasons', async () => {
    const noisy = await sharp({ create: { width: 300, height: 200, channels: 3, background: '#000', noise: { type: 'gaussian', mean: 128, sigma: 50 } } })
      .jpeg()
      .toBuffer()
    const bomb = Buffer.from(png(64, 48, [1, 2, 3]))
    bomb.writeUInt32BE(100_000, 16)
    bomb.writeUInt32BE(100_000, 20)
    const r = await s.router.call('chat.attach', {
      files: [
        { name: 'red.png', data: png(900, 600, [200, 30, 30]) },
        { name: 'notes.txt', data: new TextEncoder().encode('not a picture') },
        { name: 'cut.jpg', data: new Uint8Array(noisy.subarray(0, noisy.length >> 1)) },
        { name: 'huge.png', data: new Uint8Array(bomb) },
      ],
    })
    expect(r.images).toEqual([{ id: expect.stringMatching(/^img_/), name: 'red.png', mime: 'image/png', width: 900, height: 600 }])
    const reason = (name: string) => r.rejected.find((x) => x.name === name)?.reason ?? ''
    expect(reason('notes.txt')).toMatch(/not an image/)
    expect(reason('cut.jpg')).toMatch(/truncated/)
    expect(reason('huge.png')).toMatch(/too large/)
    const again = await s.router.call('chat.attach', { files: [{ name: 'copy.png', data: png(900, 600, [200, 30, 30]) }] })
    expect(again.images[0].id).toBe(r.images[0].id)
    expect((s.db.prepare('SELECT COUNT(*) AS n FROM images').get() as { n: number }).n).toBe(1)
  })

  it('validates input at the boundary: too many images, empty messages, bad ids, files over 64 MB', async () => {
    const ids = Array.from({ length: 9 }, (_, i) => `img_${String(i).padStart(12, '0')}`)
    expect((await failure(s.router.call('chat.send', { text: 'hi', images: ids }))).message).toMatch(/at most 8 images/)
    expect((await failure(s.router.call('chat.send', { text: '   ' }))).message).toMatch(/write a question or add an image/)
    expect((await failure(s.router.call('chat.send', { text: 'hi', images: ['../etc/passwd'] }))).code).toBe('INVALID_INPUT')
    expect((await failure(s.router.call('chat.send', { text: 'hi', images: ['img_000000000000'] }))).code).toBe('NOT_FOUND')
    expect((await failure(s.router.call('chat.send', { text: 'hi', conversationId: 'cnv_000000000000' }))).code).toBe('NOT_FOUND')
    const big = await failure(s.router.call('chat.attach', { files: [{ name: 'big.png', data: new Uint8Array(64 * 1024 * 1024 + 1) }] }))
    expect(big.message).toMatch(/larger than 64 MB/)
    expect((s.db.prepare('SELECT COUNT(*) AS n FROM chat_messages').get() as { n: number }).n).toBe(0)
  })

  it('streams an answer about two images, with stats, and sends the whole history on the next turn', async () => {
    const { images } = await s.router.call('chat.attach', {
      files: [
        { name: 'a.png', data: png(1000, 500, [10, 200, 10]) },
        { name: 'b.png', data: png(300, 300, [10, 10, 200]) },
      ],
    })
    const progress: ChatProgress[] = []
    const first = await s.router.call(
      'chat.send',
      { text: 'What differs between these?', images: images.map((i) => i.id) },
      { onProgress: (p) => progress.push(p as ChatProgress) },
    )
    expect(progress[0]).toMatchObject({ type: 'start', conversationId: first.conversationId })
    expect(progress.filter((p) => p.type === 'token').map((p) => (p as { token: string }).token).join('')).toBe('I see 2 images')
    expect(first.message).toMatchObject({ role: 'assistant', content: 'I see 2 images', state: 'complete', trimmed: 0 })
    expect(first.message.stats).toMatchObject({ promptTokens: 40, completionTokens: 2, tokensPerSecond: 50, stopReason: 'eos' })
    expect(first.message.stats!.ttftMs).toBeGreaterThan(0)

    // Downscaled to ≤ 448 px JPEG/PNG on the wire; the originals stay as they were.
    const sent = imagesOf(requests[0].messages.at(-1)!)
    expect(sent).toHaveLength(2)
    const dims = await Promise.all(sent.map(async (u) => sharp(Buffer.from(u.split(',')[1], 'base64')).metadata()))
    expect(dims.map((d) => [d.width, d.height])).toEqual([
      [448, 224],
      [300, 300],
    ])
    expect(requests[0].messages[0].role).toBe('system')

    const second = await s.router.call('chat.send', { conversationId: first.conversationId, text: 'And the colours?' })
    const msgs = requests[1].messages
    expect(msgs.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user'])
    expect(imagesOf(msgs[1])).toHaveLength(2)
    expect(textOf(msgs[2])).toBe('I see 2 images')
    expect(textOf(msgs[3])).toBe('And the colours?')
    expect(second.message.content).toBe('I see 2 images')

    const convo = await s.router.call('chat.get', { id: first.conversationId })
    expect(convo).toMatchObject({ title: 'What differs between these?', messageCount: 4 })
    expect(convo.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant'])
    expect(convo.messages[0].images.map((i) => i.name)).toEqual(['a.png', 'b.png'])
  })

  it('leaves the oldest turns out when the conversation outgrows the context, and says so on the answer', async () => {
    await s.router.call('chat.settings.set', { contextTokens: 1200 })
    try {
      const long = 'word '.repeat(150) // ~250 tokens a message
      const c = await s.router.call('chat.send', { text: long })
      await s.router.call('chat.send', { conversationId: c.conversationId, text: long })
      const third = await s.router.call('chat.send', { conversationId: c.conversationId, text: `${long} third` })
      expect(third.message.trimmed).toBe(2)
      const sent = requests.at(-1)!.messages
      expect(sent.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user'])
      expect(textOf(sent.at(-1)!)).toMatch(/third$/)
      const { images } = await s.router.call('chat.attach', { files: [1, 2, 3, 4].map((n) => ({ name: `${n}.png`, data: png(448, 448, [n * 40, 0, 0]) })) })
      const err = await failure(s.router.call('chat.send', { conversationId: c.conversationId, text: 'all four?', images: images.map((i) => i.id) }))
      expect(err.code).toBe('PAYLOAD_TOO_LARGE')
      expect(err.message).toMatch(/too small for these 4 images/)
      // The question is kept, and the answer says what went wrong.
      const last = (await s.router.call('chat.get', { id: c.conversationId })).messages.slice(-2)
      expect(last[0]).toMatchObject({ role: 'user', content: 'all four?' })
      expect(last[1]).toMatchObject({ role: 'assistant', state: 'error', error: { code: 'PAYLOAD_TOO_LARGE' } })
    } finally {
      await s.router.call('chat.settings.set', { contextTokens: null })
    }
  })

  it('stop keeps the text so far; regenerate rewrites the last answer; edit-and-resend drops what came after', async () => {
    mode = 'slow'
    const ac = new AbortController()
    const stopped = await s.router.call(
      'chat.send',
      { text: 'Describe slowly' },
      {
        signal: ac.signal,
        onProgress: (p) => {
          if ((p as ChatProgress).type === 'token') setTimeout(() => ac.abort(), 60)
        },
      },
    )
    expect(stopped.message.state).toBe('cancelled')
    expect(stopped.message.content).toMatch(/^I see (more )*/)
    expect(stopped.message.content.length).toBeGreaterThan(0)

    mode = 'answer'
    const again = await s.router.call('chat.regenerate', { messageId: stopped.message.id })
    expect(again.message).toMatchObject({ id: stopped.message.id, state: 'complete', content: 'I see 0 images' })
    const second = await s.router.call('chat.send', { conversationId: stopped.conversationId, text: 'next' })
    expect((await failure(s.router.call('chat.regenerate', { messageId: again.message.id }))).message).toMatch(/Only the last answer/)

    const edited = await s.router.call('chat.edit', { messageId: stopped.userMessage.id, text: 'Describe briefly' })
    const convo = await s.router.call('chat.get', { id: stopped.conversationId })
    expect(convo.messages.map((m) => [m.role, m.content])).toEqual([
      ['user', 'Describe briefly'],
      ['assistant', 'I see 0 images'],
    ])
    expect(convo.messages.some((m) => m.id === second.message.id)).toBe(false)
    expect(edited.message.id).toBe(convo.messages[1].id)
    expect(textOf(requests.at(-1)!.messages.at(-1)!)).toBe('Describe briefly')
  })

  it('a server that dies mid-answer: the text so far is kept with a specific error, and regenerate recovers', async () => {
    mode = 'die'
    const err = await failure(s.router.call('chat.send', { text: 'Tell me everything' }))
    expect(err.code).toBe('IO_ERROR')
    expect(err.message).toMatch(/stopped in the middle of the answer; the text so far is kept/)
    const [c] = (await s.router.call('chat.list', { query: 'Tell me everything' })).conversations
    const msgs = (await s.router.call('chat.get', { id: c.id })).messages
    expect(msgs[0]).toMatchObject({ role: 'user', content: 'Tell me everything' })
    expect(msgs[1]).toMatchObject({ role: 'assistant', content: 'I see ', state: 'error', error: { code: 'IO_ERROR' } })
    mode = 'answer'
    const retry = await s.router.call('chat.regenerate', { messageId: msgs[1].id })
    expect(retry.message).toMatchObject({ state: 'complete', error: null, content: 'I see 0 images' })
  })

  it('a server that rejects the context size gets a specific message', async () => {
    mode = 'context'
    const err = await failure(s.router.call('chat.send', { text: 'hello' }))
    expect(err.code).toBe('PAYLOAD_TOO_LARGE')
    expect(err.message).toMatch(/does not fit in the model's context/)
  })

  it('lists, searches, renames and deletes conversations; everything reloads after a restart', async () => {
    const c = await s.router.call('chat.send', { text: '猫在哪里？' })
    const list = await s.router.call('chat.list', {})
    expect(list.conversations[0]).toMatchObject({ id: c.conversationId, title: '猫在哪里？', messageCount: 2, preview: 'I see 0 images' })
    expect((await s.router.call('chat.list', { query: '猫' })).conversations.map((x) => x.id)).toEqual([c.conversationId])
    expect((await s.router.call('chat.list', { query: '100%_' })).conversations).toEqual([])
    await s.router.call('chat.rename', { id: c.conversationId, title: '  Cats  ' })
    expect((await s.router.call('chat.list', { query: 'cats' })).conversations[0].title).toBe('Cats')
    expect((await failure(s.router.call('chat.rename', { id: c.conversationId, title: '   ' }))).code).toBe('INVALID_INPUT')

    const before = await s.router.call('chat.list', {})
    // An answer being written when Folio stopped.
    s.db.prepare(`UPDATE chat_messages SET state = 'streaming' WHERE id = ?`).run(c.message.id)
    await s.dispose()
    s = createServices({ dataDir, library: { workers: 1, resumeImports: false } })
    expect(await s.router.call('chat.list', {})).toEqual(before)
    const reloaded = await s.router.call('chat.get', { id: c.conversationId })
    expect(reloaded.messages[1]).toMatchObject({ content: 'I see 0 images', state: 'interrupted' })

    await s.router.call('chat.delete', { id: c.conversationId })
    expect((await failure(s.router.call('chat.get', { id: c.conversationId }))).code).toBe('NOT_FOUND')
    expect((s.db.prepare('SELECT COUNT(*) AS n FROM chat_messages WHERE conversation_id = ?').get(c.conversationId) as { n: number }).n).toBe(0)
  })

  it('with a text-only model, an image question fails with NO_VISION (the question is kept), never a text-only answer', async () => {
    // Only a writing model: text questions go to it, image questions are refused before any request.
    const other = createServices({ dataDir: join(tmp.path, 'writer-only'), library: { workers: 1, resumeImports: false } })
    try {
      await other.router.call('models.addRemote', { url: baseUrl, model: 'text-only', role: 'writer' })
      const { images } = await other.router.call('chat.attach', { files: [{ name: 'x.png', data: png(20, 20, [5, 5, 5]) }] })
      const err = await failure(other.router.call('chat.send', { text: 'What is this?', images: images.map((i) => i.id) }))
      expect(err.code).toBe('NO_VISION')
      expect(err.message).toMatch(/cannot see images — add a vision model/)
      expect(requests).toHaveLength(0)
      const [c] = (await other.router.call('chat.list', {})).conversations
      const msgs = (await other.router.call('chat.get', { id: c.id })).messages
      expect(msgs[0]).toMatchObject({ content: 'What is this?', images: [{ id: images[0].id }] })
      expect(msgs[1]).toMatchObject({ state: 'error', content: '', error: { code: 'NO_VISION' } })
      // Text only: the writing model answers.
      const text = await other.router.call('chat.send', { text: 'Just text' })
      expect(text.message).toMatchObject({ state: 'complete', content: 'I see 0 images' })
    } finally {
      await other.dispose()
    }
    // A server marked as seeing images whose model cannot: the same error, from the server's words.
    mode = 'blind'
    const { images } = await s.router.call('chat.attach', { files: [{ name: 'y.png', data: png(20, 20, [9, 9, 9]) }] })
    const blind = await failure(s.router.call('chat.send', { text: 'And this?', images: images.map((i) => i.id) }))
    expect(blind.code).toBe('NO_VISION')
    expect(blind.message).toMatch(/cannot see images/)
  })

  it('as attachments: kept outside the library, deduplicated, with a thumbnail; added to the library on request; removed with the last conversation', async () => {
    await s.router.call('chat.settings.set', { imageStorage: 'attachments', maxImageSize: 256 })
    try {
      const libraryCount = () => (s.db.prepare('SELECT COUNT(*) AS n FROM images').get() as { n: number }).n
      const before = libraryCount()
      const data = png(640, 480, [90, 90, 20])
      const r = await s.router.call('chat.attach', { files: [{ name: 'att.png', data }, { name: 'bad.png', data: new Uint8Array([1, 2, 3]) }] })
      expect(r.images[0]).toMatchObject({ id: expect.stringMatching(/^att_/), width: 640, height: 480 })
      expect(r.rejected[0]).toMatchObject({ name: 'bad.png', reason: expect.stringMatching(/not an image/) })
      expect((await s.router.call('chat.attach', { files: [{ name: 'again.png', data }] })).images[0].id).toBe(r.images[0].id)
      expect(libraryCount()).toBe(before)
      const thumb = await s.router.call('chat.image', { id: r.images[0].id })
      expect(await sharp(thumb.data).metadata()).toMatchObject({ format: 'jpeg', width: 256, height: 192 })

      const c = await s.router.call('chat.send', { text: 'What is it?', images: [r.images[0].id] })
      const sent = imagesOf(requests.at(-1)!.messages.at(-1)!)
      expect((await sharp(Buffer.from(sent[0].split(',')[1], 'base64')).metadata()).width).toBe(256)

      const { imageId } = await s.router.call('chat.toLibrary', { id: r.images[0].id })
      expect(libraryCount()).toBe(before + 1)
      expect(s.images.get(imageId)).toMatchObject({ width: 640, height: 480 })

      const file = join(dataDir, 'chat-images', (s.db.prepare('SELECT path FROM chat_attachments').get() as { path: string }).path)
      expect(existsSync(file)).toBe(true)
      await s.router.call('chat.delete', { id: c.conversationId })
      expect(existsSync(file)).toBe(false)
      expect((await failure(s.router.call('chat.image', { id: r.images[0].id }))).code).toBe('NOT_FOUND')
    } finally {
      await s.router.call('chat.settings.set', { imageStorage: 'library', maxImageSize: 448 })
    }
  })

  it('folio chat --image A --image B "<question>" --json prints {conversationId, answer, stats}; --conversation continues', async () => {
    await s.dispose()
    const dir = join(tmp.path, 'files')
    const { mkdirSync, writeFileSync } = await import('node:fs')
    mkdirSync(dir, { recursive: true })
    writeFileSync(join(dir, 'one.png'), png(50, 40, [1, 100, 1]))
    writeFileSync(join(dir, 'two.png'), png(60, 40, [1, 1, 100]))
    writeFileSync(join(dir, 'notes.txt'), 'hello')
    const cli = async (args: string[]) => {
      const out: string[] = []
      const err: string[] = []
      const code = await runCli([...args, '--data', dataDir], { out: { write: (x: string) => out.push(x) }, err: { write: (x: string) => err.push(x) } })
      return { code, out: out.join(''), err: err.join('') }
    }
    const r = await cli(['chat', '--image', join(dir, 'one.png'), '--image', join(dir, 'two.png'), 'Which is wider?', '--json'])
    expect(r.code, r.err).toBe(0)
    const doc = JSON.parse(r.out) as { conversationId: string; answer: string; stats: Record<string, unknown> }
    expect(Object.keys(doc).sort()).toEqual(['answer', 'conversationId', 'stats'])
    expect(doc.answer).toBe('I see 2 images')
    expect(doc.stats).toMatchObject({ completionTokens: 2, stopReason: 'eos', backend: 'remote' })

    const next = await cli(['chat', 'And now?', '--conversation', doc.conversationId])
    expect(next.code, next.err).toBe(0)
    expect(next.out).toBe('I see 2 images\n')
    expect(requests.at(-1)!.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user'])

    const bad = await cli(['chat', '--image', join(dir, 'notes.txt'), 'What?'])
    expect(bad.code).toBe(1)
    expect(bad.err).toMatch(/notes\.txt: not an image/)
    const missing = await cli(['chat', '--image', join(dir, 'nope.png'), 'What?'])
    expect(missing.code).toBe(1)
    expect(missing.err).toMatch(/Cannot read/)
    s = createServices({ dataDir, library: { workers: 1, resumeImports: false } })
  })
})
