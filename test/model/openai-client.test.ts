/**
 * OpenAICompatibleEngine against a real llama-server (managed by LlamaServerManager) running the tiny
 * random-weight chat model + tiny CLIP projector: vision streaming with stats, grammar-constrained
 * JSON, cancellation, seeded determinism, a server without a vision model, embeddings.
 *
 * The binary is required: when it is missing these tests FAIL with the build instruction.
 */
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { FolioError } from '../../src/shared/errors'
import { findLlamaServer } from '../../src/main/inference/llama-server/binary'
import { LlamaServerManager } from '../../src/main/inference/llama-server/manager'
import { OpenAICompatibleEngine } from '../../src/main/inference/openai/client'
import { buildVocab } from '../fixtures/gguf/models'
import { ensureFixtures } from '../fixtures/models'
import { makePng, tmpDir } from '../helpers/tmp'

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

/** 32×32 like the projector's image_size → (32/8)² = 16 image tokens. */
const IMAGE_TOKENS = 16

describe('OpenAI-compatible client on llama-server (tiny models)', () => {
  const dir = tmpDir('folio-openai-client-')
  let fixtures: Awaited<ReturnType<typeof ensureFixtures>>
  let manager: LlamaServerManager
  let engine: OpenAICompatibleEngine
  const managers: LlamaServerManager[] = []
  const newManager = (name: string, extraArgs: string[] = []) => {
    const m = new LlamaServerManager(
      { binaryPath: requireLlamaServer(), logsDir: join(dir.path, name) },
      { idleStopMs: 0, ctxSize: 2048, threads: 2, startTimeoutMs: 30_000, extraArgs },
    )
    managers.push(m)
    return m
  }

  beforeAll(async () => {
    requireLlamaServer()
    fixtures = await ensureFixtures()
    manager = newManager('vision')
    engine = new OpenAICompatibleEngine({
      id: 'llama-server',
      endpoint: manager.endpointProvider(fixtures.chat, fixtures.mmproj),
      vision: true,
      backend: 'cpu',
      threads: 2,
      extraBody: { logit_bias: validUtf8Bias() },
    })
    await manager.ensure(fixtures.chat, fixtures.mmproj)
  })
  afterAll(async () => {
    await Promise.all(managers.map((m) => m.dispose()))
    dir.cleanup()
  })

  it('streams a vision answer with stats; the image counts as 16 prompt tokens', async () => {
    const tokens: string[] = []
    const question = 'What is in this picture?'
    const withImage = await engine.generate({
      messages: [{ role: 'user', content: question }],
      images: [{ data: makePng(32, 32, [30, 120, 200]), mime: 'image/png' }],
      maxTokens: 12,
      temperature: 0,
      onToken: (t) => tokens.push(t),
    })
    expect(tokens.length).toBeGreaterThan(1)
    expect(tokens.join('')).toBe(withImage.text)
    const s = withImage.stats
    expect(s.completionTokens).toBeGreaterThan(0)
    expect(s.completionTokens).toBeLessThanOrEqual(12)
    expect(['eos', 'maxTokens']).toContain(s.stopReason)
    expect(s.ttftMs).toBeGreaterThan(0)
    expect(s.totalMs).toBeGreaterThanOrEqual(s.ttftMs)
    expect(s.tokensPerSecond).toBeGreaterThan(0)
    expect(s.promptTokensPerSecond).toBeGreaterThan(0)
    expect(s).toMatchObject({ backend: 'cpu', threads: 2, loadMs: 0 })

    const textOnly = await engine.generate({ messages: [{ role: 'user', content: question }], maxTokens: 4, temperature: 0 })
    expect(s.promptTokens).toBeGreaterThanOrEqual(IMAGE_TOKENS)
    expect(s.promptTokens - textOnly.stats.promptTokens).toBe(IMAGE_TOKENS)
    console.info(
      `vision request: prompt ${s.promptTokens} tokens (text-only ${textOnly.stats.promptTokens}), ttft ${s.ttftMs.toFixed(1)} ms, ` +
        `${s.completionTokens} tokens in ${s.totalMs.toFixed(1)} ms (${s.tokensPerSecond.toFixed(0)} tok/s)`,
    )
  })

  it('a JSON-schema request returns JSON that parses and validates', async () => {
    const schema = {
      type: 'object',
      properties: {
        mood: { type: 'string', enum: ['calm', 'busy', 'dark'] },
        caption: { type: 'string', minLength: 1, maxLength: 12 },
      },
      required: ['mood', 'caption'],
      additionalProperties: false,
    }
    const Answer = z.object({ mood: z.enum(['calm', 'busy', 'dark']), caption: z.string().min(1) }).strict()
    for (const seed of [1, 2, 3]) {
      const r = await engine.generate({
        messages: [{ role: 'user', content: 'Describe the image as JSON.' }],
        images: [{ data: makePng(32, 32), mime: 'image/png' }],
        jsonSchema: schema,
        maxTokens: 200,
        temperature: 0.8,
        seed,
      })
      expect(r.stats.stopReason).toBe('eos')
      const parsed = Answer.parse(JSON.parse(r.text))
      expect([...parsed.caption].length).toBeLessThanOrEqual(12 * 4) // bounded (llama.cpp counts differently from JS)
    }
  })

  it('cancel mid-stream stops quickly, keeps the partial text and reports cancelled', async () => {
    const long = new OpenAICompatibleEngine({
      endpoint: manager.endpointProvider(fixtures.chat, fixtures.mmproj),
      vision: true,
      extraBody: { ignore_eos: true, logit_bias: validUtf8Bias() },
    })
    const ac = new AbortController()
    let n = 0
    let abortedAt = 0
    const r = await long.generate({
      messages: [{ role: 'user', content: 'Write a very long story.' }],
      maxTokens: 1800,
      signal: ac.signal,
      onToken: () => {
        if (++n === 5) {
          abortedAt = performance.now()
          ac.abort()
        }
      },
    })
    const stopMs = performance.now() - abortedAt
    expect(r.stats.stopReason).toBe('cancelled')
    expect(r.text.length).toBeGreaterThan(0)
    expect(n).toBeLessThan(1800)
    expect(stopMs).toBeLessThan(500)
    // The server stays usable (the slot is freed).
    const next = await engine.generate({ messages: [{ role: 'user', content: 'Hi' }], maxTokens: 4 })
    expect(next.stats.completionTokens).toBeGreaterThan(0)
    console.info(`cancel: ${n} tokens seen, generate() returned ${stopMs.toFixed(1)} ms after abort`)
  })

  it('the same seed gives the same text', async () => {
    const run = (seed: number) =>
      engine.generate({
        messages: [{ role: 'user', content: 'Say something.' }],
        maxTokens: 32,
        temperature: 1,
        seed,
      })
    const a = await run(42)
    const b = await run(42)
    expect(b.text).toBe(a.text)
    const others = await Promise.all([run(1), run(2), run(3)].map((p) => p.then((r) => r.text)))
    expect(others.some((t) => t !== a.text)).toBe(true)
  })

  it('a server without a vision model answers images with "this model cannot see images"', async () => {
    const m = newManager('text-only')
    const textOnly = new OpenAICompatibleEngine({ endpoint: m.endpointProvider(fixtures.chat, null), vision: true })
    let e: unknown
    try {
      await textOnly.generate({
        messages: [{ role: 'user', content: 'What is this?' }],
        images: [{ data: makePng(8, 8), mime: 'image/png' }],
        maxTokens: 4,
      })
    } catch (err) {
      e = err
    }
    expect(e).toBeInstanceOf(FolioError)
    expect(e).toMatchObject({ code: 'NO_VISION', retryable: false })
    expect((e as FolioError).message).toMatch(/this model cannot see images — add a vision model/i)
    expect((e as FolioError).details).toMatchObject({ serverMessage: expect.stringMatching(/image input is not supported/) })
    await m.dispose()
  })

  it('embeds through /v1/embeddings', async () => {
    const m = newManager('embed', ['--embeddings'])
    const embedder = new OpenAICompatibleEngine({ endpoint: m.endpointProvider(fixtures.embed, null), embeddings: true })
    const v = await embedder.embed(['a red bicycle', '一辆红色自行车', 'a red bicycle'])
    expect(v).toHaveLength(3)
    expect(v[0]).toHaveLength(64)
    expect(v[2]).toEqual(v[0])
    expect(v[1]).not.toEqual(v[0])
    // The chat server was not started with --embeddings: a clear error, not a crash.
    const e = await engine.embed(['x']).catch((err: unknown) => err)
    expect(e).toBeInstanceOf(FolioError)
    expect((e as FolioError).message).toMatch(/embeddings/i)
    await m.dispose()
  })
})
