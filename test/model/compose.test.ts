/**
 * Composition on real llama.cpp: the tiny random chat fixture writes (gibberish, but real
 * streaming, grammar-constrained JSON and cancellation), the tiny embedder indexes the library's
 * captions so every caption finds candidates, and — through the built llama-server — the tiny
 * vision fixture chooses among pictures.
 */
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createServices, type FolioServices } from '../../src/main/app'
import { docSections } from '../../src/shared/compose/sections'
import type { DocNode } from '../../src/shared/doc'
import { FolioError } from '../../src/shared/errors'
import { ensureFixtures, fixturePath } from '../fixtures/models'
import { makePng, tmpDir } from '../helpers/tmp'

const CAPTIONS = ['a red bicycle on a street', 'a mountain lake at sunrise', 'two cats asleep on a sofa', 'a night market with lanterns', 'a bicycle by a river', 'a city bike lane']
const tmp = tmpDir('folio-compose-model-')
let s: FolioServices
const ids: string[] = []

beforeAll(async () => {
  await ensureFixtures(['chat', 'embed', 'mmproj'])
  s = createServices({ dataDir: join(tmp.path, 'data'), library: { resumeImports: false }, visionIdleStopMs: 0 })
  await s.router.call('models.add', { path: fixturePath('chat'), role: 'writer' })
  await s.router.call('models.add', { path: fixturePath('embed'), role: 'embedder' })
  const res = await s.importer.importBuffers(CAPTIONS.map((_, i) => ({ name: `p${i}.png`, data: makePng(16 + i, 16, [40 * i, 120, 90]) })))
  for (const [i, r] of res.entries()) {
    if (r.state === 'rejected') throw new Error(r.reason)
    ids.push(r.imageId)
    s.library.update({ id: r.imageId, caption: CAPTIONS[i] })
  }
  await s.search.indexEmbeddings()
}, 120_000)
afterAll(async () => {
  await s?.dispose()
  tmp.cleanup()
})

describe('compose on the tiny models', () => {
  it('composes a saved article: valid spots, non-empty captions, distinct library images', async () => {
    const tokens: string[] = []
    const out = await s.router.call('compose.run', { instruction: 'The history of the bicycle', words: 60, images: 2, seed: 3 }, {
      onProgress: (p) => {
        const t = (p as { token?: string }).token
        if (t !== undefined) tokens.push(t)
      },
    })
    expect(tokens.length).toBeGreaterThan(5)
    const article = s.articles.get(out.articleId)
    // The sections the service reported are the saved document's sections.
    const saved = docSections({ ...article.doc, content: (article.doc.content ?? []).filter((n) => n.type !== 'figure' && n.type !== 'composeSpot') })
    expect(out.sections).toEqual(saved.map((x) => x.text))
    expect(out.spots).toHaveLength(Math.min(2, out.sections.length))
    const sections = out.spots.map((sp) => sp.section)
    expect(new Set(sections).size).toBe(sections.length)
    expect(sections.every((x) => x >= 0 && x < out.sections.length)).toBe(true)
    for (const sp of out.spots) {
      expect(sp.caption.trim().length).toBeGreaterThan(0)
      // The embedder ranks every captioned image: there are always candidates, all from the library.
      expect(sp.candidates.length).toBeGreaterThan(0)
      expect(sp.candidates.every((c) => ids.includes(c))).toBe(true)
      expect(sp.candidates).toContain(sp.chosen)
    }
    const chosen = out.spots.map((sp) => sp.chosen)
    expect(new Set(chosen).size).toBe(chosen.length)
    const figs = (article.doc.content ?? []).filter((n: DocNode) => n.type === 'figure')
    expect(figs.map((f) => f.attrs?.imageId)).toEqual(chosen)
    expect(out.stats.write.completionTokens).toBeGreaterThan(5)
    expect(out.stats.write.modelMs).toBeGreaterThan(0)
    expect(out.stats.spot.calls + out.stats.caption.calls).toBeGreaterThanOrEqual(1 + out.spots.length)
  }, 240_000)

  it('stopping while writing keeps the text written so far in the saved article', async () => {
    const ctl = new AbortController()
    let n = 0
    let articleId = ''
    const err = await s.router
      .call('compose.run', { instruction: 'Bicycles', words: 400, images: 2 }, {
        signal: ctl.signal,
        onProgress: (p) => {
          articleId = (p as { articleId: string }).articleId
          if ((p as { token?: string }).token !== undefined && ++n === 8) ctl.abort()
        },
      })
      .catch((e: unknown) => e)
    expect((err as FolioError).code).toBe('CANCELLED')
    const doc = s.articles.get(articleId).doc
    const text = JSON.stringify(doc)
    expect(doc.content?.some((b) => (b.content ?? []).length > 0)).toBe(true)
    expect(text).not.toContain('figure')
  }, 120_000)

  it('streams a paragraph action', async () => {
    const tokens: string[] = []
    const out = await s.router.call('compose.paragraph', { action: 'rewrite', text: 'Bicycles changed cities.', seed: 1 }, {
      onProgress: (p) => tokens.push((p as { token: string }).token),
    })
    expect(tokens.join('')).toBe(out.text)
    expect(out.stats.completionTokens).toBeGreaterThan(0)
  }, 120_000)

  it('chooses by looking at the pictures when a vision model is set (llama-server)', async () => {
    await s.router.call('models.add', { path: fixturePath('chat'), mmproj: fixturePath('mmproj'), role: 'vision' })
    const out = await s.router.call('compose.images', {
      sections: ['Bicycles in the city.', 'Lakes in the mountains.'],
      spots: [{ section: 0, caption: 'a red bicycle on a street' }],
      k: 3,
      seed: 2,
    })
    expect(out.warnings).toEqual([])
    expect(out.selectionBy).toBe('vision')
    expect(out.spots[0].candidates).toHaveLength(3)
    expect(out.spots[0].candidates).toContain(out.spots[0].chosen)
    expect(out.stats.select.calls).toBeGreaterThanOrEqual(1)
  }, 240_000)
})
