/**
 * Image chat through the tiny vision fixture on the built llama-server: one and two images per
 * message stream an answer with stats, the next turn carries the history, conversations reload after
 * a restart, and the failures a person can meet — the server dying mid-answer, a context too small
 * for the images or the conversation, a text-only model — leave a specific message and lose nothing.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createServices, type FolioServices, type ServicesOptions } from '../../src/main/app'
import { runCli } from '../../src/main/transport/cli/main'
import type { ChatProgress } from '../../src/shared/chat-api'
import { FolioError } from '../../src/shared/errors'
import { buildVocab } from '../fixtures/gguf/models'
import { ensureFixtures, fixturePath } from '../fixtures/models'
import { tmpDir } from '../helpers/tmp'

/** Random weights emit lone <0x80>…<0xFF> byte tokens (invalid UTF-8), which llama-server rejects: ban them. */
function validUtf8Bias(): Record<string, number> {
  const bias: Record<string, number> = {}
  buildVocab().tokens.forEach((t, id) => {
    if (/^<0x[89A-F][0-9A-F]>$/.test(t)) bias[String(id)] = -100
  })
  return bias
}

// ignore_eos: a random model may end at once; every answer then has exactly maxTokens tokens.
const requestBody = { logit_bias: validUtf8Bias(), ignore_eos: true }
const tmp = tmpDir('folio-chat-model-')
const dataDir = join(tmp.path, 'data')
const opts = (extra: Partial<ServicesOptions> = {}): ServicesOptions => ({
  dataDir,
  library: { workers: 1, resumeImports: false },
  visionIdleStopMs: 0,
  chat: { requestBody },
  ...extra,
})

async function failure(p: Promise<unknown>): Promise<FolioError> {
  try {
    await p
  } catch (e) {
    expect(e).toBeInstanceOf(FolioError)
    return e as FolioError
  }
  throw new Error('expected a failure')
}

const photo = async (w: number, h: number, colour: string) =>
  new Uint8Array(await sharp({ create: { width: w, height: h, channels: 3, background: colour } }).jpeg().toBuffer())

describe('image chat on llama-server (tiny vision fixture)', () => {
  let s: FolioServices
  let images: string[] = []

  beforeAll(async () => {
    await ensureFixtures(['chat', 'mmproj'])
    s = createServices(opts())
    await s.router.call('models.add', { path: fixturePath('chat'), mmproj: fixturePath('mmproj'), role: 'vision' })
    const r = await s.router.call('chat.attach', {
      files: [
        { name: 'harbour.jpg', data: await photo(1600, 900, '#2060a0') },
        { name: 'forest.jpg', data: await photo(500, 700, '#207030') },
      ],
    })
    images = r.images.map((i) => i.id)
  }, 60_000)
  afterAll(async () => {
    await s?.dispose()
    tmp.cleanup()
  })

  let conversationId = ''
  let firstPrompt = 0

  it('one image: the answer streams token by token, with time to first token and tokens/s', async () => {
    const progress: ChatProgress[] = []
    const r = await s.router.call(
      'chat.send',
      { text: 'What is in this picture?', images: [images[0]], maxTokens: 16, seed: 1 },
      { onProgress: (p) => progress.push(p as ChatProgress) },
    )
    conversationId = r.conversationId
    const tokens = progress.filter((p) => p.type === 'token')
    expect(progress[0].type).toBe('start')
    expect(tokens.length).toBeGreaterThan(1)
    expect(r.message).toMatchObject({ state: 'complete', error: null })
    expect(r.message.content).toBe(tokens.map((t) => (t as { token: string }).token).join(''))
    const st = r.message.stats!
    expect(st.completionTokens).toBe(16)
    expect(st.ttftMs).toBeGreaterThan(0)
    expect(st.tokensPerSecond).toBeGreaterThan(0)
    expect(st.backend).toBe('cpu')
    // The image is in the prompt: 16 tokens for the fixture's projector.
    expect(st.promptTokens).toBeGreaterThan(16)
    firstPrompt = st.promptTokens
  })

  it('the second turn carries the history; two images in one message', async () => {
    const r = await s.router.call('chat.send', { conversationId, text: '这两张图有什么不同？', images, maxTokens: 16, seed: 2 })
    expect(r.message.state).toBe('complete')
    // The first question (with its image) and answer, then two more images and the new question.
    expect(r.message.stats!.promptTokens).toBeGreaterThan(firstPrompt + 16 + 2 * 16)
    expect(r.message.trimmed).toBe(0)
  })

  it('conversations reload after a restart', async () => {
    const before = await s.router.call('chat.get', { id: conversationId })
    expect(before.messages).toHaveLength(4)
    await s.dispose()
    s = createServices(opts())
    expect(await s.router.call('chat.get', { id: conversationId })).toEqual(before)
    const next = await s.router.call('chat.send', { conversationId, text: 'Thanks!', maxTokens: 8, seed: 3 })
    expect(next.message.stats!.promptTokens).toBeGreaterThan(firstPrompt + 3 * 16)
  })

  it('a vision server that dies mid-answer: the text so far is kept, the error says so, and regenerate recovers', async () => {
    let killed = 0
    const err = await failure(
      s.router.call(
        'chat.send',
        { conversationId, text: 'Describe every detail.', maxTokens: 2000, seed: 4 },
        {
          onProgress: (p) => {
            const st = s.inference.visionServerStatus
            if ((p as ChatProgress).type === 'token' && !killed && st?.state === 'ready') {
              killed = st.pid
              process.kill(st.pid, 'SIGKILL')
            }
          },
        },
      ),
    )
    expect(killed).toBeGreaterThan(0)
    expect(err.code).toBe('IO_ERROR')
    expect(err.message).toMatch(/vision server stopped in the middle of the answer; the text so far is kept/)
    const msgs = (await s.router.call('chat.get', { id: conversationId })).messages
    const last = msgs.at(-1)!
    expect(last).toMatchObject({ role: 'assistant', state: 'error', error: { code: 'IO_ERROR' } })
    expect(last.content.length).toBeGreaterThan(0)
    expect(msgs.at(-2)).toMatchObject({ role: 'user', content: 'Describe every detail.' })

    // Folio notices the crash and starts the server again; the person presses Regenerate.
    await expect.poll(() => s.inference.visionServerStatus, { timeout: 20_000 }).not.toMatchObject({ pid: killed })
    const again = await s.router.call('chat.regenerate', { messageId: last.id, maxTokens: 8, seed: 5 })
    expect(again.message).toMatchObject({ id: last.id, state: 'complete', error: null })
    expect(again.message.stats!.completionTokens).toBe(8)
  }, 90_000)

  it('a context too small for the images, or a conversation longer than the server takes: specific errors, nothing lost', async () => {
    await s.router.call('chat.settings.set', { contextTokens: 300 })
    try {
      const err = await failure(s.router.call('chat.send', { text: 'Compare them', images, maxTokens: 8 }))
      expect(err.code).toBe('PAYLOAD_TOO_LARGE')
      expect(err.message).toMatch(/context is too small for these 2 images/)
    } finally {
      await s.router.call('chat.settings.set', { contextTokens: null })
    }
    // Our estimate lets it through (ASCII counts as 3 characters a token); the fixture's vocabulary
    // spells these out a character at a time, past llama-server's 4096-token context.
    const long = 'zq'.repeat(2500)
    const c = await failure(s.router.call('chat.send', { text: long, maxTokens: 8 }))
    expect(c.code).toBe('PAYLOAD_TOO_LARGE')
    expect(c.message).toMatch(/does not fit in the model's context/)
    const [convo] = (await s.router.call('chat.list', { query: 'zqzq' })).conversations
    const msgs = (await s.router.call('chat.get', { id: convo.id })).messages
    expect(msgs[0].content).toBe(long)
    expect(msgs[1]).toMatchObject({ state: 'error', error: { code: 'PAYLOAD_TOO_LARGE' } })
  }, 60_000)

  it('folio chat --image --json through the real server', async () => {
    await s.dispose()
    const dir = join(tmp.path, 'files')
    mkdirSync(dir, { recursive: true })
    writeFileSync(join(dir, 'boat.jpg'), await photo(800, 600, '#a03020'))
    const out: string[] = []
    const errOut: string[] = []
    process.env.FOLIO_CHAT_REQUEST_BODY = JSON.stringify(requestBody)
    try {
      const code = await runCli(['chat', '--image', join(dir, 'boat.jpg'), 'What is this?', '--max-tokens', '8', '--json', '--data', dataDir], {
        out: { write: (x: string) => out.push(x) },
        err: { write: (x: string) => errOut.push(x) },
      })
      expect(code, errOut.join('')).toBe(0)
    } finally {
      delete process.env.FOLIO_CHAT_REQUEST_BODY
    }
    const doc = JSON.parse(out.join('')) as { conversationId: string; answer: string; stats: { completionTokens: number; backend: string } }
    expect(doc.conversationId).toMatch(/^cnv_/)
    expect(doc.answer.length).toBeGreaterThan(0)
    expect(doc.stats).toMatchObject({ completionTokens: 8, backend: 'cpu' })
    s = createServices(opts())
  }, 60_000)
})

describe('image chat with a text-only model', () => {
  it('an image question says the model cannot see images; a text question is answered by the writing model', async () => {
    await ensureFixtures(['chat'])
    const other = createServices({ dataDir: join(tmp.path, 'text-only'), library: { workers: 1, resumeImports: false } })
    try {
      await other.router.call('models.add', { path: fixturePath('chat'), role: 'writer' })
      const { images } = await other.router.call('chat.attach', { files: [{ name: 'x.jpg', data: await photo(64, 64, '#555555') }] })
      const err = await failure(other.router.call('chat.send', { text: 'What is this?', images: [images[0].id], maxTokens: 8 }))
      expect(err.code).toBe('NO_VISION')
      expect(err.message).toMatch(/cannot see images — add a vision model/)
      const text = await other.router.call('chat.send', { text: 'Hello', maxTokens: 8, seed: 1 })
      expect(text.message.state).toBe('complete')
      expect(text.message.stats!.completionTokens).toBeGreaterThan(0)
    } finally {
      await other.dispose()
    }
  }, 60_000)
})
