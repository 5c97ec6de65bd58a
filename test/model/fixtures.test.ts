/**
 * Checks that the generated random-weight GGUF fixtures are real, loadable
 * models for node-llama-cpp / llama.cpp (metadata, chat wrapper detection,
 * generation, embeddings, byte-fallback tokenization).
 */
import { mkdtemp, rm, stat } from 'node:fs/promises'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  getLlama,
  LlamaChatSession,
  LlamaCompletion,
  readGgufFileInfo,
  resolveChatWrapper,
  type Llama,
  type LlamaContext,
  type LlamaEmbeddingContext,
  type LlamaModel,
  type Token,
} from 'node-llama-cpp'
import { ensureFixtures, FIXTURE_PARAMS, fixturePath } from '../fixtures/models.js'
import { buildVocab, CHATML_TEMPLATE, TokenType, VOCAB_SIZE } from '../fixtures/gguf/models.js'
import {
  float16BitsToFloat32,
  float32ToFloat16Bits,
  GgmlType,
  planGguf,
  u32,
  writeGguf,
  type GgufSpec,
} from '../fixtures/gguf/writer.js'

const CHAT = FIXTURE_PARAMS.chat
const MMPROJ = FIXTURE_PARAMS.mmproj

let paths: Record<'chat' | 'embed' | 'mmproj' | 'bench', string>

/** Reads a dotted GGUF metadata key (node-llama-cpp nests them: metadata.llama.block_count). */
function meta(info: { metadata: unknown }, key: string): unknown {
  let node: unknown = info.metadata
  for (const part of key.split('.')) node = (node as Record<string, unknown> | undefined)?.[part]
  return node
}

beforeAll(async () => {
  paths = await ensureFixtures(['chat', 'embed', 'mmproj'])
}, 60_000)

describe('GGUF writer', () => {
  it('converts float32 to float16 with round-to-nearest-even', () => {
    expect(float32ToFloat16Bits(0)).toBe(0x0000)
    expect(float32ToFloat16Bits(-0)).toBe(0x8000)
    expect(float32ToFloat16Bits(1)).toBe(0x3c00)
    expect(float32ToFloat16Bits(-2)).toBe(0xc000)
    expect(float32ToFloat16Bits(0.1)).toBe(0x2e66)
    expect(float32ToFloat16Bits(65504)).toBe(0x7bff) // largest finite
    expect(float32ToFloat16Bits(65520)).toBe(0x7c00) // rounds up to +Inf
    expect(float32ToFloat16Bits(Infinity)).toBe(0x7c00)
    expect(float32ToFloat16Bits(2 ** -24)).toBe(0x0001) // smallest subnormal
    expect(float32ToFloat16Bits(2 ** -25)).toBe(0x0000) // tie rounds to even (zero)
    expect(float32ToFloat16Bits(2 ** -14)).toBe(0x0400) // smallest normal
    expect(float32ToFloat16Bits(1 + 2 ** -11)).toBe(0x3c00) // tie -> even
    expect(float32ToFloat16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02) // tie -> even (up)
    expect(Number.isNaN(float16BitsToFloat32(float32ToFloat16Bits(NaN)))).toBe(true)
    for (const v of [0.02, -0.0137, 3.5, 1e-3, 12345]) {
      expect(float16BitsToFloat32(float32ToFloat16Bits(v))).toBeCloseTo(v, Math.abs(v) > 100 ? -1 : 3)
    }
  })

  it('writes exactly the planned layout with aligned tensor offsets', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'folio-gguf-'))
    try {
      const spec: GgufSpec = {
        metadata: [
          ['general.architecture', { kind: 'string', value: 'test' }],
          ['general.alignment', u32(32)],
        ],
        tensors: [
          { name: 'a', dims: [3], type: GgmlType.F32, source: { kind: 'constant', value: 1 } },
          { name: 'b', dims: [5, 7], type: GgmlType.F16, source: { kind: 'normal', seed: 1, std: 0.02 } },
          { name: 'c', dims: [2], type: GgmlType.F32, source: { kind: 'values', values: [1, 2] } },
        ],
      }
      const layout = planGguf(spec)
      expect(layout.header.length % 32).toBe(0)
      expect(layout.tensors.map((t) => t.offset)).toEqual([0, 32, 128])
      const file = join(dir, 'x.gguf')
      const result = await writeGguf(file, spec)
      expect(result.bytes).toBe(layout.totalBytes)
      expect((await stat(file)).size).toBe(layout.totalBytes)

      const info = await readGgufFileInfo(file)
      expect(info.version).toBe(3)
      expect(info.tensorInfo?.map((t) => [t.name, t.dimensions.map(Number)])).toEqual([
        ['a', [3]],
        ['b', [5, 7]],
        ['c', [2]],
      ])
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('builds a llama vocabulary with byte fallback and ChatML control tokens', () => {
    const vocab = buildVocab()
    expect(vocab.tokens).toHaveLength(VOCAB_SIZE)
    expect(new Set(vocab.tokens).size).toBe(VOCAB_SIZE)
    for (let b = 0; b < 256; b++) {
      const id = vocab.tokens.indexOf(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`)
      expect(id).toBeGreaterThan(0)
      expect(vocab.types[id]).toBe(TokenType.BYTE)
    }
    expect(vocab.types[vocab.imEndId]).toBe(TokenType.CONTROL)
    for (const piece of ['{', '}', '"', ':', ',', '[', ']', '▁the', '7', '世']) {
      expect(vocab.tokens).toContain(piece)
    }
  })
})

describe('fixture metadata (readGgufFileInfo)', () => {
  it('chat: llama architecture, sizes, vocab and ChatML template', async () => {
    const info = await readGgufFileInfo(paths.chat)
    expect(meta(info, 'general.architecture')).toBe('llama')
    expect(meta(info, 'llama.embedding_length')).toBe(CHAT.embeddingLength)
    expect(meta(info, 'llama.block_count')).toBe(CHAT.blockCount)
    expect(meta(info, 'llama.rope.dimension_count')).toBe(CHAT.embeddingLength / CHAT.headCount)
    expect(meta(info, 'tokenizer.ggml.model')).toBe('llama')
    const tokens = meta(info, 'tokenizer.ggml.tokens') as string[]
    expect(tokens).toHaveLength(VOCAB_SIZE)
    expect(tokens[meta(info, 'tokenizer.ggml.eot_token_id') as number]).toBe('<|im_end|>')
    expect(meta(info, 'tokenizer.ggml.add_space_prefix')).toBe(false)
    expect(meta(info, 'tokenizer.chat_template')).toBe(CHATML_TEMPLATE)
    expect(info.tensorCount).toBe(3 + 9 * CHAT.blockCount)
    expect((await stat(paths.chat)).size).toBeLessThan(1024 * 1024)
  })

  it('embed: llama architecture with mean pooling', async () => {
    const info = await readGgufFileInfo(paths.embed)
    expect(meta(info, 'general.architecture')).toBe('llama')
    expect(meta(info, 'general.name')).toMatch(/embed/i)
    expect(meta(info, 'llama.embedding_length')).toBe(64)
    expect(meta(info, 'llama.pooling_type')).toBe(1)
    expect(meta(info, 'tokenizer.ggml.tokens')).toHaveLength(VOCAB_SIZE)
  })

  it('mmproj: clip/mlp projector whose output matches the chat embedding size', async () => {
    const [mm, chat] = await Promise.all([readGgufFileInfo(paths.mmproj), readGgufFileInfo(paths.chat)])
    expect(meta(mm, 'general.architecture')).toBe('clip')
    expect(meta(mm, 'clip.projector_type')).toBe('mlp')
    expect(meta(mm, 'clip.has_vision_encoder')).toBe(true)
    expect(meta(mm, 'clip.vision.block_count')).toBe(MMPROJ.blockCount)
    expect(meta(mm, 'clip.vision.embedding_length')).toBe(MMPROJ.embeddingLength)
    expect(meta(mm, 'clip.vision.feed_forward_length')).not.toBe(MMPROJ.embeddingLength)
    expect(meta(mm, 'clip.vision.projection_dim')).toBe(meta(chat, 'llama.embedding_length'))
    expect(meta(mm, 'clip.vision.image_mean')).toHaveLength(3)
    const mm2 = mm.tensorInfo?.find((t) => t.name === 'mm.2.weight')
    expect(mm2?.dimensions.map(Number)).toEqual([MMPROJ.projectorHidden, CHAT.embeddingLength])
    const pos = mm.tensorInfo?.find((t) => t.name === 'v.position_embd.weight')
    const patches = (MMPROJ.imageSize / MMPROJ.patchSize) ** 2
    expect(pos?.dimensions.map(Number)).toEqual([MMPROJ.embeddingLength, patches + 1])
  })
})

describe('fixtures in node-llama-cpp', () => {
  // node-llama-cpp defaults to max(4, cores) threads; oversubscribing a 2-core box is ~60x slower.
  const threads = Math.max(1, availableParallelism())
  let llama: Llama
  let chatModel: LlamaModel
  let embedModel: LlamaModel
  let context: LlamaContext
  let embedding: LlamaEmbeddingContext

  beforeAll(async () => {
    llama = await getLlama({ gpu: false, maxThreads: threads })
    ;[chatModel, embedModel] = await Promise.all([
      llama.loadModel({ modelPath: fixturePath('chat') }),
      llama.loadModel({ modelPath: fixturePath('embed') }),
    ])
    context = await chatModel.createContext({ contextSize: 512, threads })
    embedding = await embedModel.createEmbeddingContext({ contextSize: 256, threads })
  }, 60_000)

  afterAll(async () => {
    await embedding?.dispose()
    await context?.dispose()
    await embedModel?.dispose()
    await chatModel?.dispose()
    await llama?.dispose()
  })

  it('detects the ChatML chat wrapper from the template', () => {
    const wrapper = resolveChatWrapper(chatModel)
    expect(wrapper?.constructor.name).toBe('ChatMLChatWrapper')
    expect(wrapper?.wrapperName).toBe('ChatML')
  })

  it('generates tokens greedily through a chat session', async () => {
    const sequence = context.getSequence()
    try {
      const session = new LlamaChatSession({ contextSequence: sequence, autoDisposeSequence: false })
      const tokens: Token[] = []
      const answer = await session.prompt('Write a title for a photo story.', {
        maxTokens: 16,
        temperature: 0,
        onToken: (chunk) => tokens.push(...chunk),
      })
      expect(tokens.length).toBeGreaterThan(0)
      expect(tokens.length).toBeLessThanOrEqual(16)
      expect(typeof answer).toBe('string')
      session.dispose()
    } finally {
      sequence.dispose()
    }
  })

  it('samples deterministically for a fixed seed', async () => {
    const sequence = context.getSequence()
    try {
      const completion = new LlamaCompletion({ contextSequence: sequence })
      const run = async (seed: number): Promise<Token[]> => {
        await sequence.clearHistory()
        const tokens: Token[] = []
        await completion.generateCompletion('The river', {
          maxTokens: 16,
          temperature: 0.9,
          topK: 40,
          seed,
          onToken: (chunk) => tokens.push(...chunk),
        })
        return tokens
      }
      const first = await run(1234)
      const second = await run(1234)
      const other = await run(98765)
      expect(first.length).toBeGreaterThan(0)
      expect(second).toEqual(first)
      expect(other).not.toEqual(first)
      completion.dispose()
    } finally {
      sequence.dispose()
    }
  })

  it('returns deterministic 64-dimensional embeddings', async () => {
    const a = await embedding.getEmbeddingFor('a photo of a mountain river')
    const b = await embedding.getEmbeddingFor('a photo of a mountain river')
    const c = await embedding.getEmbeddingFor('一个写作助手')
    expect(a.vector).toHaveLength(64)
    expect(c.vector).toHaveLength(64)
    expect(a.vector.every(Number.isFinite)).toBe(true)
    expect(Array.from(b.vector)).toEqual(Array.from(a.vector))
    expect(Array.from(c.vector)).not.toEqual(Array.from(a.vector))
  })

  it('round-trips text through tokenize/detokenize (byte fallback)', () => {
    for (const text of ['Hello 世界', '{"title": "Summer night"}', 'naïve café ☕ 🙂\nline two']) {
      const tokens = chatModel.tokenize(text)
      expect(chatModel.detokenize(tokens)).toBe(text)
    }
    // Characters outside the vocabulary must go through <0xXX> byte tokens (ids 3..258).
    const emoji = chatModel.tokenize('🙂')
    expect(emoji).toHaveLength(4)
    expect(emoji.every((t) => t >= 3 && t < 3 + 256)).toBe(true)
    // Control tokens are recognised as single tokens when special tokens are enabled.
    expect(chatModel.tokenize('<|im_end|>', true)).toHaveLength(1)
  })
})
