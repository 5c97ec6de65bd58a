/**
 * NodeLlamaEngine (src/main/inference/llama/node-llama-engine.ts) and the shared runtime, on the
 * random-weight fixtures: the text is gibberish, the structure (streaming, stats, cancellation,
 * grammars, determinism, queueing, prefix reuse, errors) is real.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import type { Llama, LlamaOptions } from 'node-llama-cpp'
import { FolioError } from '../../src/shared/errors'
import type { GenerateRequest } from '../../src/main/inference/engine'
import { NodeLlamaEngine, type NodeLlamaGenerateResult } from '../../src/main/inference/llama/node-llama-engine'
import {
  countCpuinfoCores,
  getLlamaRuntime,
  LlamaRuntime,
  physicalCoreCount,
  resolveThreads,
} from '../../src/main/inference/llama/runtime'
import { ensureFixtures } from '../fixtures/models'

let runtime: LlamaRuntime
let paths: Record<'chat' | 'embed' | 'mmproj' | 'bench', string>
/** Default settings (threads = physical cores): used where the defaults are what is tested. */
let defaults: NodeLlamaEngine
/**
 * One thread for the rest. The test machines are shared: with as many llama.cpp threads as cores,
 * any other busy process makes ggml's spinning thread pool collapse (tiny model: ~5 tok/s instead
 * of ~1,500), which would make these tests take minutes; one thread is immune.
 */
let engine: NodeLlamaEngine
const ONE = { threads: 1 }

beforeAll(async () => {
  ;[paths, runtime] = await Promise.all([ensureFixtures(['chat', 'embed']), getLlamaRuntime()])
  defaults = new NodeLlamaEngine(runtime, paths.chat, { contextSize: 2048 })
  engine = new NodeLlamaEngine(runtime, paths.chat, { contextSize: 2048, ...ONE })
}, 120_000)

afterAll(async () => {
  await defaults?.dispose()
  await engine?.dispose()
  // The shared runtime stays for other files in this worker; the process exit frees it.
})

const ask = (content: string, extra: Partial<GenerateRequest> = {}): GenerateRequest => ({
  messages: [
    { role: 'system', content: 'You write short captions for photographs.' },
    { role: 'user', content },
  ],
  maxTokens: 16,
  temperature: 0,
  ...extra,
})

/** Generates and collects the streamed pieces. */
async function streamed(e: NodeLlamaEngine, req: GenerateRequest): Promise<NodeLlamaGenerateResult & { pieces: string[] }> {
  const pieces: string[] = []
  const res = await e.generate({ ...req, onToken: (t) => pieces.push(t) })
  return { ...res, pieces }
}

async function rejection(p: Promise<unknown>): Promise<FolioError> {
  try {
    await p
  } catch (err) {
    expect(err).toBeInstanceOf(FolioError)
    return err as FolioError
  }
  throw new Error('expected a rejection')
}

describe('runtime', () => {
  it('counts physical cores from /proc/cpuinfo', () => {
    const cpu = (p: number, phys: number, core: number, cores = 2) =>
      `processor\t: ${p}\nphysical id\t: ${phys}\ncore id\t\t: ${core}\ncpu cores\t: ${cores}\n\n`
    // 2 cores with hyper-threading (4 logical) → 2.
    expect(countCpuinfoCores(cpu(0, 0, 0) + cpu(1, 0, 1) + cpu(2, 0, 0) + cpu(3, 0, 1))).toBe(2)
    // Two sockets with the same core ids → 4.
    expect(countCpuinfoCores(cpu(0, 0, 0) + cpu(1, 0, 1) + cpu(2, 1, 0) + cpu(3, 1, 1))).toBe(4)
    // A VM that gives every vCPU core id 0 but says "cpu cores: 4" → 4.
    expect(countCpuinfoCores([0, 1, 2, 3].map((p) => cpu(p, 0, 0, 4)).join(''))).toBe(4)
    // No core ids (some ARM kernels) → unknown.
    expect(countCpuinfoCores('processor\t: 0\nBogoMIPS\t: 50\n\nprocessor\t: 1\n')).toBeNull()
    expect(physicalCoreCount({ platform: 'linux', cpuinfo: () => 'processor : 0\n', logical: 8 })).toBe(8)
    expect(physicalCoreCount({ platform: 'darwin', sysctl: () => '6\n', logical: 12 })).toBe(6)
    expect(physicalCoreCount({ platform: 'win32', logical: 16 })).toBe(16)
    expect(resolveThreads(3)).toBe(3)
    expect(() => resolveThreads(0)).toThrow(RangeError)
  })

  it('runs on the CPU here with threads = physical cores and says so', () => {
    expect(runtime.backend).toBe('cpu')
    expect(runtime.threads).toBe(physicalCoreCount())
    expect(runtime.llama.maxThreads).toBe(runtime.threads)
    expect(runtime.message).toMatch(/^No GPU backend available; running on CPU with \d+ CPU threads?$/)
  })

  it('falls back to the CPU when the GPU backend fails to initialise, and remembers why', async () => {
    const calls: LlamaOptions['gpu'][] = []
    const fake = { gpu: false, disposed: true } as unknown as Llama
    const rt = await LlamaRuntime.create({
      threads: 2,
      getLlamaImpl: async (o) => {
        calls.push(o.gpu)
        if (o.gpu !== false) throw new Error('CUDA driver version is insufficient')
        return fake
      },
    })
    expect(calls).toEqual(['auto', false])
    expect(rt.backend).toBe('cpu')
    expect(rt.fallbackReason).toMatch(/GPU backend failed to initialise: CUDA driver version is insufficient/)
    expect(rt.message).toMatch(/running on CPU with 2 CPU threads/)
    const gpu = { gpu: 'cuda', disposed: true, getGpuDeviceNames: async () => ['NVIDIA H100 80GB HBM3'] } as unknown as Llama
    const onGpu = await LlamaRuntime.create({ threads: 4, getLlamaImpl: async () => gpu })
    expect(onGpu.backend).toBe('cuda')
    expect(onGpu.message).toBe('Using CUDA on NVIDIA H100 80GB HBM3 (4 CPU threads for the rest)')
  })
})

describe('NodeLlamaEngine: generation', () => {
  it('loads lazily, streams, and reports sane stats', async () => {
    expect(defaults.isLoaded).toBe(false)
    const first = await streamed(defaults, ask('A harbour at dawn.'))
    expect(defaults.isLoaded).toBe(true)
    expect(first.pieces.length).toBeGreaterThan(0)
    expect(first.pieces.join('')).toBe(first.text)
    const s = first.stats
    expect(s.model).toBe('folio-tiny-chat.gguf')
    expect(s.backend).toBe('cpu')
    expect(s.threads).toBe(physicalCoreCount())
    expect(s.loadMs).toBeGreaterThan(0)
    expect(s.ttftMs).toBeGreaterThan(s.loadMs)
    expect(s.totalMs).toBeGreaterThanOrEqual(s.ttftMs)
    expect(s.completionTokens).toBeGreaterThan(1)
    expect(s.completionTokens).toBeLessThanOrEqual(16)
    expect(s.promptTokens).toBeGreaterThan(10)
    expect(s.promptTokensEvaluated).toBe(s.promptTokens) // nothing cached yet
    expect(s.promptTokensPerSecond).toBeGreaterThan(0)
    expect(s.tokensPerSecond).toBeGreaterThan(0)
    expect(['eos', 'maxTokens']).toContain(s.stopReason)
    if (s.completionTokens === 16) expect(s.stopReason).toBe('maxTokens')

    const second = await streamed(defaults, ask('A harbour at dawn.'))
    expect(second.stats.loadMs).toBe(0)
    expect(second.text).toBe(first.text) // greedy
    expect(second.pieces.join('')).toBe(second.text)
  })

  it('follows a run-time thread cap (runtime.setThreads) and reports the threads used', async () => {
    const threads = runtime.defaultThreads
    try {
      runtime.setThreads(1)
      const r = await defaults.generate(ask('One thread only.', { maxTokens: 4 }))
      expect(r.stats.threads).toBe(1)
      expect(runtime.message).toMatch(/with 1 CPU thread$/)
    } finally {
      runtime.setThreads(threads)
    }
    const r = await defaults.generate(ask('All threads again.', { maxTokens: 4 }))
    expect(r.stats.threads).toBe(threads)
    expect(engine.threads).toBe(1) // an explicit option wins
  })

  it('is deterministic for greedy decoding regardless of seed', async () => {
    const a = await engine.generate(ask('Bicycles in the rain.', { seed: 1 }))
    const b = await engine.generate(ask('Bicycles in the rain.', { seed: 999 }))
    expect(a.text.length).toBeGreaterThan(0)
    expect(b.text).toBe(a.text)
  })

  it('is deterministic per seed when sampling, and varies across seeds', async () => {
    const req = (seed: number) => ask('Mountains and a lake.', { temperature: 1, seed, maxTokens: 24 })
    const a1 = await engine.generate(req(1234))
    const a2 = await engine.generate(req(1234))
    const others = await Promise.all([engine.generate(req(98765)), engine.generate(req(4242))])
    expect(a1.text.length).toBeGreaterThan(0)
    expect(a2.text).toBe(a1.text)
    expect(others.some((o) => o.text !== a1.text)).toBe(true)
  })

  it('continues a trailing assistant message', async () => {
    const r = await engine.generate({
      messages: [
        { role: 'user', content: 'Write about a lighthouse.' },
        { role: 'assistant', content: 'The lighthouse' },
      ],
      maxTokens: 8,
      temperature: 0,
    })
    expect(r.stats.completionTokens).toBeGreaterThan(0)
    expect(r.text.startsWith('The lighthouse')).toBe(false) // only the continuation is returned
  })

  it('produces schema-valid JSON with a grammar, for several seeds', async () => {
    const schema = {
      type: 'object',
      properties: {
        caption: { type: 'string', maxLength: 20 },
        mood: { enum: ['calm', 'busy', 'dark'] },
        rating: { enum: [1, 2, 3, 4, 5] },
        tags: { type: 'array', items: { type: 'string', maxLength: 8 }, maxItems: 3 },
        hasPeople: { type: 'boolean' },
      },
    }
    const codePoints = (max: number) => z.string().refine((s) => [...s].length <= max, `at most ${max} characters`)
    const Shape = z.object({
      caption: codePoints(20),
      mood: z.enum(['calm', 'busy', 'dark']),
      rating: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4), z.literal(5)]),
      tags: z.array(codePoints(8)).max(3),
      hasPeople: z.boolean(),
    }).strict()
    for (const seed of [1, 2, 3, 4, 5]) {
      const r = await engine.generate(ask('Describe the picture as JSON.', { jsonSchema: schema, maxTokens: 300, temperature: 0.8, seed }))
      expect(r.stats.stopReason).not.toBe('maxTokens')
      const parsed = Shape.safeParse(JSON.parse(r.text))
      expect(parsed.success, `${r.text}\n${parsed.error?.message}`).toBe(true)
    }
  })

  it('rejects JSON schemas whose constraints a grammar would silently drop', async () => {
    const bad = [
      [{ type: 'object', properties: { a: { type: 'wat' } } }, /at \/properties\/a: unknown type "wat"/],
      [{ type: 'object', properties: { a: { type: 'string', pattern: '^x+$' } } }, /"pattern" is not enforced/],
      [{ type: 'object', properties: { n: { type: 'integer', minimum: 1, maximum: 5 } } }, /"minimum" is not enforced/],
      [{ type: 'object', properties: { a: {} } }, /needs a type/],
      [{ type: 'object', properties: { a: { $ref: '#/$defs/missing' } } }, /does not point to a \$defs entry/],
    ] as const
    for (const [schema, message] of bad) {
      const e = await rejection(engine.generate(ask('x', { jsonSchema: schema as unknown as Record<string, unknown> })))
      expect(e.code).toBe('INVALID_INPUT')
      expect(e.message).toMatch(message)
    }
  })

  it('refuses images with the no-vision error', async () => {
    const png = { data: new Uint8Array([0x89, 0x50, 0x4e, 0x47]), mime: 'image/png' }
    for (const req of [
      ask('What is in this picture?', { images: [png] }),
      { ...ask('x'), messages: [{ role: 'user' as const, content: 'What is this?', images: [png] }] },
    ]) {
      const e = await rejection(engine.generate(req))
      expect(e.code).toBe('NO_VISION')
      expect(e.retryable).toBe(false)
      expect(e.message).toMatch(/this model cannot see images — add a vision model/i)
      expect(e.details).toMatchObject({ reason: 'no-vision' })
    }
    expect(engine.capabilities.vision).toBe(false)
  })

  it('validates requests', async () => {
    expect((await rejection(engine.generate({ messages: [], maxTokens: 4 }))).code).toBe('INVALID_INPUT')
    expect((await rejection(engine.generate(ask('x', { maxTokens: 0 })))).code).toBe('INVALID_INPUT')
  })
})

describe('NodeLlamaEngine: cancellation and queueing', () => {
  it('cancels mid-stream after 3 tokens, promptly, and serves the next request', async () => {
    const ac = new AbortController()
    let tokens = 0
    let abortedAt = 0
    const res = await engine.generate(
      ask('Tell a long story about the sea.', {
        maxTokens: 400,
        temperature: 1,
        seed: 7,
        signal: ac.signal,
        onToken: () => {
          if (++tokens === 3) {
            abortedAt = performance.now()
            ac.abort()
          }
        },
      }),
    )
    const latency = performance.now() - abortedAt
    expect(res.stats.stopReason).toBe('cancelled')
    expect(tokens).toBeGreaterThanOrEqual(3)
    expect(tokens).toBeLessThanOrEqual(4) // at most the token already being decoded
    expect(res.stats.completionTokens).toBeLessThan(10)
    expect(latency).toBeLessThan(1000)

    const next = await engine.generate(ask('A harbour at dawn.'))
    expect(next.stats.stopReason).not.toBe('cancelled')
    expect(next.text.length).toBeGreaterThan(0)
  })

  it('rejects at once when the signal is already aborted', async () => {
    const e = await rejection(engine.generate(ask('x', { signal: AbortSignal.abort() })))
    expect(e.code).toBe('CANCELLED')
  })

  it('removes a cancelled request from the queue without running it', async () => {
    const order: string[] = []
    const first = engine.generate(ask('First in line.', { maxTokens: 32, temperature: 1, seed: 1, onToken: () => order.push('a') }))
    const ac = new AbortController()
    let ranB = false
    const second = engine.generate(ask('Second in line.', { signal: ac.signal, onToken: () => (ranB = true) }))
    const third = engine.generate(ask('Third in line.', { maxTokens: 4, onToken: () => order.push('c') }))
    expect(engine.queued).toBe(2)
    ac.abort()
    const e = await rejection(second)
    expect(e.code).toBe('CANCELLED')
    expect(engine.queued).toBe(1)
    const [a, c] = await Promise.all([first, third])
    expect(ranB).toBe(false)
    expect(a.stats.stopReason).not.toBe('cancelled')
    expect(c.text.length).toBeGreaterThanOrEqual(0)
    // FIFO: every token of the first request came before any of the third.
    expect(order.join('')).toMatch(/^a+c*$/)
  })

  it('never interleaves concurrent callers: each stream is its own text, equal to its solo run', async () => {
    const reqs = [
      ask('Caller one: a market.', { temperature: 0.9, seed: 11, maxTokens: 20 }),
      ask('Caller two: a forest.', { temperature: 0.9, seed: 22, maxTokens: 20 }),
      ask('Caller three: a city.', { temperature: 0.9, seed: 33, maxTokens: 20 }),
    ]
    const solo: string[] = []
    for (const r of reqs) solo.push((await engine.generate(r)).text)
    const together = await Promise.all(reqs.map((r) => streamed(engine, r)))
    together.forEach((res, i) => {
      expect(res.pieces.join('')).toBe(res.text)
      expect(res.text).toBe(solo[i])
    })
  })

  it('with 2 sequences, serves callers in parallel with coherent streams', async () => {
    // Parallel sequences are decoded in shared batches, which changes floating-point rounding, so
    // the text may differ from a solo run (llama.cpp is not batch-invariant); streams stay separate.
    const parallel = new NodeLlamaEngine(runtime, paths.chat, { contextSize: 1024, sequences: 2, ...ONE })
    try {
      const reqs = [1, 2, 3].map((i) => ask(`Parallel caller ${i}.`, { temperature: 0.9, seed: i, maxTokens: 16 }))
      const results = await Promise.all(reqs.map((r) => streamed(parallel, r)))
      for (const res of results) {
        expect(res.pieces.join('')).toBe(res.text)
        expect(res.stats.stopReason).not.toBe('cancelled')
      }
      expect(new Set(results.map((r) => r.stats.sequence))).toEqual(new Set([0, 1]))
    } finally {
      await parallel.dispose()
    }
  })
})

describe('NodeLlamaEngine: prefix reuse', () => {
  it('does not re-evaluate a long shared prefix (system prompt + earlier turns)', async () => {
    const system =
      'You are Folio, a writing assistant. ' +
      Array.from({ length: 40 }, (_, i) => `Rule ${i}: keep captions concrete, short and visual.`).join(' ')
    const history = [
      { role: 'system' as const, content: system },
      { role: 'user' as const, content: 'Write the first caption.' },
      { role: 'assistant' as const, content: 'A red bicycle leaning on a stone wall.' },
    ]
    // Break any cache from earlier tests: a different first message.
    await engine.generate(ask('Unrelated warm-up.', { maxTokens: 2 }))
    const first = await engine.generate({ messages: [...history, { role: 'user', content: 'Now the second.' }], maxTokens: 4, temperature: 0 })
    const second = await engine.generate({ messages: [...history, { role: 'user', content: 'Now a third one, please.' }], maxTokens: 4, temperature: 0 })
    expect(first.stats.promptTokens).toBeGreaterThan(500)
    expect(first.stats.promptTokensEvaluated).toBeGreaterThan(first.stats.promptTokens * 0.95)
    expect(second.stats.promptTokens).toBeGreaterThan(500)
    expect(second.stats.promptTokensReused).toBeGreaterThan(second.stats.promptTokens * 0.9)
    expect(second.stats.promptTokensEvaluated).toBeLessThan(30)
    expect(second.stats.promptTokensEvaluated + second.stats.promptTokensReused).toBe(second.stats.promptTokens)
  })
})

describe('NodeLlamaEngine: lifecycle', () => {
  it('unloads and reloads lazily with identical output', async () => {
    const before = await engine.generate(ask('A quiet library.', { temperature: 0.7, seed: 5 }))
    await engine.unload()
    expect(engine.isLoaded).toBe(false)
    const after = await engine.generate(ask('A quiet library.', { temperature: 0.7, seed: 5 }))
    expect(engine.isLoaded).toBe(true)
    expect(after.stats.loadMs).toBeGreaterThan(0)
    expect(after.text).toBe(before.text)
  })

  it('unload waits for the running request and lets queued ones run after', async () => {
    const running = engine.generate(ask('Running during unload.', { maxTokens: 12 }))
    const unloading = engine.unload()
    const queued = engine.generate(ask('Queued after unload.', { maxTokens: 4 }))
    const [r] = await Promise.all([running, unloading])
    expect(r.stats.stopReason).not.toBe('cancelled')
    const q = await queued
    expect(q.stats.loadMs).toBeGreaterThan(0)
  })

  it('dispose rejects queued requests and refuses new ones', async () => {
    const e2 = new NodeLlamaEngine(runtime, paths.chat, { contextSize: 512, ...ONE })
    const running = e2.generate(ask('Running.', { maxTokens: 64, temperature: 1, seed: 3 })).catch((err: unknown) => err)
    const queued = rejection(e2.generate(ask('Queued.')))
    await new Promise((r) => setTimeout(r, 20))
    await e2.dispose()
    expect((await queued).code).toBe('CANCELLED')
    const r = await running
    if (r instanceof FolioError) expect(r.code).toBe('CANCELLED')
    else expect((r as NodeLlamaGenerateResult).stats.stopReason).toMatch(/cancelled|eos|maxTokens/)
    await expect(e2.generate(ask('After.'))).rejects.toThrow(/disposed/)
  })

  it('fails a load that does not fit the memory budget with a clear error', async () => {
    const e3 = new NodeLlamaEngine(runtime, paths.chat, { memoryBudget: { ramBytes: 1000, vramBytes: 0 } })
    try {
      const e = await rejection(e3.generate(ask('x')))
      expect(e.code).toBe('MODEL_TOO_LARGE')
      expect(e.details).toMatchObject({ reason: 'too-large' })
      expect(e.message).toMatch(/does not fit in memory/)
      expect(e3.isLoaded).toBe(false)
    } finally {
      await e3.dispose()
    }
  })

  it('rejects a prompt longer than the context', async () => {
    const small = new NodeLlamaEngine(runtime, paths.chat, { contextSize: 256, ...ONE })
    try {
      const long = Array.from({ length: 200 }, (_, i) => `sentence ${i} about rivers`).join('. ')
      const e = await rejection(small.generate({ messages: [{ role: 'user', content: long }], maxTokens: 8, temperature: 0 }))
      expect(e.code).toBe('INVALID_INPUT')
      expect(e.details).toMatchObject({ reason: 'context-too-small', contextSize: 256 })
      expect(e.message).toMatch(/^The prompt is [\d,]+ tokens but the model's context holds 256/)
      // A prompt that fits but leaves less room than maxTokens: generation is clamped, not shifted.
      // Find a prompt that leaves fewer than ~24 tokens of room (cheap 1-token probes; the prefix is reused).
      const promptOf = (n: number) => Array.from({ length: n }, (_, i) => `line ${i}`).join('. ')
      const tokensOf = async (n: number) =>
        (await small.generate({ messages: [{ role: 'user', content: promptOf(n) }], maxTokens: 1, temperature: 0 })).stats.promptTokens
      let lines = 10
      while ((await tokensOf(lines + 4)) < 236) lines += 4
      const r = await small.generate({ messages: [{ role: 'user', content: promptOf(lines) }], maxTokens: 1000, temperature: 1, seed: 9 })
      expect(r.stats.promptTokens).toBeGreaterThan(200)
      expect(r.stats.promptTokens + r.stats.completionTokens).toBeLessThanOrEqual(256)
      if (r.stats.promptTokens + r.stats.completionTokens === 256) expect(r.stats.stopReason).toBe('maxTokens')
    } finally {
      await small.dispose()
    }
  })

  it('fails to load a projector as a text model', async () => {
    const { mmproj } = await ensureFixtures(['mmproj'])
    const e4 = new NodeLlamaEngine(runtime, mmproj)
    try {
      const e = await rejection(e4.generate(ask('x')))
      expect(e.code).toBe('MODEL_INVALID')
      expect(e.message).toMatch(/vision projector \(mmproj\), not a language model/)
    } finally {
      await e4.dispose()
    }
  })
})

describe('NodeLlamaEngine: embeddings', () => {
  let embedder: NodeLlamaEngine
  beforeAll(() => {
    embedder = new NodeLlamaEngine(runtime, paths.embed, ONE)
  })
  afterAll(async () => {
    await embedder?.dispose()
  })

  it('returns deterministic 64-dimensional vectors', async () => {
    const [a, b, c, empty] = await embedder.embed(['a photo of a mountain river', 'a photo of a mountain river', '一个写作助手', ''])
    expect(a).toHaveLength(64)
    expect(c).toHaveLength(64)
    expect(empty).toHaveLength(64)
    expect(a.every(Number.isFinite)).toBe(true)
    expect(b).toEqual(a)
    expect(c).not.toEqual(a)
    const [again] = await embedder.embed(['a photo of a mountain river'])
    expect(again).toEqual(a)
  })

  it('honours an aborted signal', async () => {
    const e = await rejection(embedder.embed(['x'], AbortSignal.abort()))
    expect(e.code).toBe('CANCELLED')
  })
})
