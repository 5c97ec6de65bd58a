/** Library search with the real embedder role: the tiny embedding fixture through node-llama-cpp (dimensions flow end to end). */
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it, vi } from 'vitest'
import { createServices, type FolioServices } from '../../src/main/app'
import { ensureFixtures, fixturePath } from '../fixtures/models'
import { tmpDir } from '../helpers/tmp'

const tmp = tmpDir('folio-search-embed-')
let s: FolioServices

beforeAll(async () => {
  await ensureFixtures(['embed'])
  s = createServices({ dataDir: join(tmp.path, 'data'), library: { resumeImports: false } })
  await s.router.call('models.add', { path: fixturePath('embed'), role: 'embedder' })
  const ins = s.db.prepare(
    `INSERT INTO images (id, sha256, file_name, mime, width, height, bytes, path, created_at, caption)
     VALUES (?, ?, ?, 'image/jpeg', 1, 1, 1, ?, 0, ?)`,
  )
  ins.run('img_bike00000001', 'a'.repeat(64), 'a.jpg', 'originals/a.jpg', 'a red bicycle leaning on a brick wall')
  ins.run('img_cats00000002', 'b'.repeat(64), 'b.jpg', 'originals/b.jpg', '两只猫在沙发上睡觉')
  ins.run('img_none00000003', 'c'.repeat(64), 'c.jpg', 'originals/c.jpg', null)
})
afterAll(async () => {
  await s?.dispose()
  tmp.cleanup()
})

it('embeds captions with the embedder role and searches with both legs', async () => {
  const report = await s.search.indexEmbeddings({ batchSize: 1 })
  expect(report).toEqual({ embedded: 2, pending: 0, rebuilt: true })
  const state = s.search.vectors.state()
  expect(state).toEqual({ modelId: s.models.roles().embedder, dims: 64 })
  expect(s.search.vectors.count()).toBe(2)

  const { results } = await s.router.call('library.search', { query: 'red bicycle' })
  expect(s.search.lastVectorError).toBeNull()
  expect(results[0].id).toBe('img_bike00000001')
  expect(results[0].scores.fts).toBeDefined()
  // Random weights: the ranking by meaning is noise, but every captioned image gets a distance.
  expect(results.filter((r) => r.scores.vector !== undefined).map((r) => r.id).sort()).toEqual(['img_bike00000001', 'img_cats00000002'])
  expect(results.every((r) => r.id !== 'img_none00000003')).toBe(true)
  expect(await s.search.indexEmbeddings()).toEqual({ embedded: 0, pending: 0, rebuilt: false })
})

it('a caption written by hand is embedded at once, so search by meaning finds it', async () => {
  await s.router.call('library.update', { id: 'img_none00000003', caption: 'a green tractor in a field' })
  await vi.waitFor(() => expect(s.search.vectors.count()).toBe(3), { timeout: 20_000, interval: 50 })
  const { results } = await s.router.call('library.search', { query: 'green tractor' })
  expect(results.find((r) => r.id === 'img_none00000003')?.scores.vector).toBeDefined()
})
