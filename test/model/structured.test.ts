import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { createServices, type FolioServices } from '../../src/main/app'
import type { GenerateRequest, GenerateResult } from '../../src/main/inference/engine'
import { generateStructured } from '../../src/main/inference/structured'
import { ensureFixtures, fixturePath } from '../fixtures/models'
import { tmpDir } from '../helpers/tmp'

const Spot = z.object({ mood: z.enum(['calm', 'busy', 'dark']), count: z.enum(['1', '2', '3']), tags: z.array(z.enum(['a', 'b', 'c'])).max(2) })
const schema = {
  type: 'object',
  properties: {
    mood: { enum: ['calm', 'busy', 'dark'] },
    count: { enum: ['1', '2', '3'] },
    tags: { type: 'array', items: { enum: ['a', 'b', 'c'] }, maxItems: 2 },
  },
  required: ['mood', 'count', 'tags'],
}

describe('structured answers', () => {
  const dir = tmpDir('folio-structured-')
  let s: FolioServices
  beforeAll(async () => {
    await ensureFixtures()
    s = createServices({ dataDir: join(dir.path, 'data') })
    await s.models.addLocal({ path: fixturePath('chat'), role: 'writer' })
  })
  afterAll(async () => {
    await s.dispose()
    dir.cleanup()
  })

  it('the writer model answers through a bounded JSON schema that parses and validates, for many seeds', async () => {
    const engine = await s.inference.engineFor('writer')
    for (let seed = 1; seed <= 5; seed++) {
      const r = await generateStructured((q) => engine.generate(q), { messages: [{ role: 'user', content: 'Describe it.' }], jsonSchema: schema, maxTokens: 80, seed, temperature: 0.8 }, Spot)
      expect(Spot.safeParse(r.value).success).toBe(true)
      expect(r.attempts).toBe(1)
    }
  })

  it('retries once with another seed, then fails with a clear error instead of crashing', async () => {
    const seeds: (number | undefined)[] = []
    // An engine whose first answer is cut off and whose second is valid.
    const flaky = async (q: GenerateRequest): Promise<GenerateResult> => {
      seeds.push(q.seed)
      const text = seeds.length === 1 ? '{"mood": "ca' : '{"mood":"calm","count":"2","tags":[]}'
      return { text, stats: { stopReason: seeds.length === 1 ? 'maxTokens' : 'eos' } as GenerateResult['stats'] }
    }
    const ok = await generateStructured(flaky, { messages: [], jsonSchema: schema, maxTokens: 5, seed: 10 }, Spot)
    expect(ok).toMatchObject({ value: { mood: 'calm', count: '2' }, attempts: 2 })
    expect(seeds).toEqual([10, 11])

    const broken = async (): Promise<GenerateResult> => ({ text: '{"mood":"sunny","count":"9","tags":[]}', stats: { stopReason: 'eos' } as GenerateResult['stats'] })
    await expect(generateStructured(broken, { messages: [], jsonSchema: schema, maxTokens: 50 }, Spot)).rejects.toMatchObject({
      code: 'BAD_RESPONSE',
      retryable: true,
      message: expect.stringMatching(/does not match the expected shape.*twice/),
    })
  })
})
