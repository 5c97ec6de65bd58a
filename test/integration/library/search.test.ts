/**
 * Library search on a real SQLite file: hand-written English and Chinese captions inserted into
 * `images`, FTS5 (trigram) + a substring scan for 1–2 character Chinese terms + KNN over caption
 * vectors from a deterministic fake embedder (so the fused ranks are exact), and the CLI shape.
 */
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createServices, type FolioServices } from '../../../src/main/app'
import { LibrarySearch, type EmbedderHandle } from '../../../src/main/library/search/library-search'
import { parseQuery, ftsExpression } from '../../../src/main/library/search/fts-query'
import { filterSql } from '../../../src/main/library/search/filters'
import { BitIndex } from '../../../src/main/library/search/bit-index'
import { openDatabase } from '../../../src/main/store/database'
import { runCli } from '../../../src/main/transport/cli/main'
import { tmpDir } from '../../helpers/tmp'

const day = (iso: string) => Date.parse(`${iso}T12:00:00Z`)

interface Row {
  id: string
  file: string
  caption: string | null
  tags?: string[]
  taken: string
  description?: string
  exif?: string
}

const ROWS: Row[] = [
  { id: 'img_bike00000001', file: 'DSC_1001.jpg', caption: 'a red bicycle leaning on a brick wall', tags: ['bicycle', 'street'], taken: '2020-05-01' },
  { id: 'img_cats00000002', file: 'DSC_1002.jpg', caption: '两只猫在沙发上睡觉', tags: ['猫', '室内'], taken: '2021-03-10' },
  { id: 'img_wall00000003', file: 'DSC_1003.jpg', caption: '故宫的红色城墙', tags: ['北京'], taken: '2022-10-01' },
  { id: 'img_sea000000004', file: 'DSC_1004.jpg', caption: 'sunset over the sea', tags: ['sea', 'evening'], taken: '2023-07-15' },
  { id: 'img_kitten000005', file: 'DSC_1005.jpg', caption: 'a kitten playing with a ball of yarn', tags: ['cat'], taken: '2019-01-20' },
  { id: 'img_river0000006', file: 'DSC_1006.jpg', caption: '一辆自行车停在河边', tags: ['自行车'], taken: '2024-04-04' },
  { id: 'img_canon0000007', file: 'IMG_0042.jpg', caption: null, taken: '2018-08-08', exif: 'Canon EOS R5 1/250s f/4' },
  {
    id: 'img_market000008',
    file: 'DSC_1008.jpg',
    caption: 'a busy night market with lanterns',
    description: 'Red paper lanterns hang over food stalls; a bicycle is parked in the corner.',
    tags: ['market'],
    taken: '2022-02-02',
  },
]

function insert(s: FolioServices, rows: Row[]): void {
  const ins = s.db.prepare(
    `INSERT INTO images (id, sha256, file_name, mime, width, height, bytes, path, created_at, caption, description, tags, taken_at, exif_text)
     VALUES (@id, @sha, @file, 'image/jpeg', 640, 480, 1000, @path, @created, @caption, @description, @tags, @taken, @exif)`,
  )
  rows.forEach((r, n) =>
    ins.run({
      id: r.id,
      sha: r.id.padEnd(64, '0'),
      file: r.file,
      path: `originals/${r.id}.jpg`,
      created: 1_700_000_000_000 + n,
      caption: r.caption,
      description: r.description ?? null,
      tags: JSON.stringify(r.tags ?? []),
      taken: day(r.taken),
      exif: r.exif ?? null,
    }),
  )
}

/**
 * A deterministic embedder: one dimension per concept, synonyms in both languages share it. Texts
 * about the same thing get the same direction, so the vector leg's ranks are exact.
 */
const CONCEPTS: string[][] = [
  ['bicycle', 'bike', '自行车', 'cycling'],
  ['cat', 'kitten', '猫', 'cats'],
  ['sea', 'ocean', 'beach', '海'],
  ['sunset', 'dusk', '日落', 'evening'],
  ['wall', '城墙', 'brick'],
  ['market', 'lanterns', 'stalls', '夜市'],
  ['palace', '故宫', 'forbidden city'],
  ['sofa', '沙发', 'couch'],
]
function fakeEmbed(text: string): number[] {
  const t = text.toLowerCase()
  const v = CONCEPTS.map((words) => words.filter((w) => t.includes(w)).length)
  v.push(0.01) // never the zero vector
  return v
}
function fakeEmbedder(id = 'fake-embedder-v1'): EmbedderHandle & { calls: number; texts: number } {
  const e = {
    id,
    calls: 0,
    texts: 0,
    async embed(texts: string[]) {
      e.calls++
      e.texts += texts.length
      return texts.map(fakeEmbed)
    },
  }
  return e
}

const ids = (rs: { id: string }[]) => rs.map((r) => r.id)

describe('library search', () => {
  const tmp = tmpDir('folio-search-')
  const data = join(tmp.path, 'data')
  let s: FolioServices

  beforeAll(() => {
    s = createServices({ dataDir: data, library: { resumeImports: false } })
    insert(s, ROWS)
  })
  afterAll(async () => {
    await s.dispose()
    tmp.cleanup()
  })

  const search = (query: string, extra: Record<string, unknown> = {}) => s.router.call('library.search', { query, ...extra })

  describe('text only (no embedder configured)', () => {
    it('finds English captions, best match first', async () => {
      const { results } = await search('red bicycle')
      expect(results[0].id).toBe('img_bike00000001')
      expect(results[0].path).toBe(join(s.layout.images, 'originals', 'img_bike00000001.jpg'))
      expect(results[0].caption).toBe('a red bicycle leaning on a brick wall')
      expect(results[0].scores.fts).toBeLessThan(0)
      expect(results[0].scores.vector).toBeUndefined()
      // The description mentions a bicycle too: found, ranked below the caption match.
      expect(ids(results)).toContain('img_market000008')
      expect(results[0].score).toBeGreaterThan(results[1].score)
    })

    it('finds Chinese captions by substring (trigram), including inside longer text', async () => {
      expect((await search('猫在沙发上')).results[0].id).toBe('img_cats00000002')
      expect((await search('红色城墙')).results[0].id).toBe('img_wall00000003')
      expect((await search('自行车')).results[0].id).toBe('img_river0000006')
    })

    it('finds 1–2 character Chinese queries with the substring scan', async () => {
      const cat = await search('猫')
      expect(cat.results[0].id).toBe('img_cats00000002')
      expect(cat.results[0].scores.substring).toBe(1)
      expect((await search('城墙')).results[0].id).toBe('img_wall00000003')
      expect((await search('自行')).results[0].id).toBe('img_river0000006')
      expect((await search('故宫 城墙')).results[0].id).toBe('img_wall00000003')
    })

    it('searches file names, tags and EXIF text', async () => {
      expect((await search('Canon')).results.map((r) => r.id)).toEqual(['img_canon0000007'])
      expect((await search('IMG_0042')).results[0].id).toBe('img_canon0000007')
      expect((await search('evening')).results[0].id).toBe('img_sea000000004')
    })

    it('honours exclude and limit', async () => {
      const all = await search('bicycle')
      expect(ids(all.results).slice(0, 2).sort()).toEqual(['img_bike00000001', 'img_market000008'].sort())
      const ex = await search('bicycle', { exclude: ['img_bike00000001'] })
      expect(ids(ex.results)).not.toContain('img_bike00000001')
      expect(ids(ex.results)).toContain('img_market000008')
      expect((await search('猫', { exclude: ['img_cats00000002'] })).results).toEqual([])
      expect((await search('bicycle', { limit: 1 })).results).toHaveLength(1)
    })

    it('filters by date range and tags', async () => {
      const r = await search('bicycle', { filters: { from: day('2021-01-01'), to: day('2022-12-31') } })
      expect(ids(r.results)).toEqual(['img_market000008'])
      expect(ids((await search('bicycle', { filters: { tags: ['STREET'] } })).results)).toEqual(['img_bike00000001'])
      expect((await search('bicycle', { filters: { tags: ['street', 'sea'] } })).results).toEqual([])
      const listing = await search('', { filters: { from: day('2022-01-01') } })
      expect(ids(listing.results)).toEqual(['img_river0000006', 'img_sea000000004', 'img_wall00000003', 'img_market000008'])
    })

    it('never turns user text into FTS syntax errors', async () => {
      const nasty = ['"', '""', '"red', 'red"', '*', 'bi*', 'NEAR(red bicycle)', 'NEAR', '(', ')', '(red', 'red AND', 'OR OR', 'NOT', 'caption:red', '^red', '-red', "o'clock", '{caption}: red', '\\', '%', '_', '\u0000', '🚲🚲🚲', ':', 'a', '红']
      for (const q of nasty) {
        const out = await search(q)
        expect(Array.isArray(out.results), q).toBe(true)
      }
      expect((await search('NEAR(red bicycle)')).results[0].id).toBe('img_bike00000001')
      expect((await search('"red bicycle"*')).results[0].id).toBe('img_bike00000001')
      // Quotes and operators never survive into the expression; short words drop out.
      expect(ftsExpression(parseQuery('say "hi" loudly*').terms)).toBe('"say" OR "loudly"')
      expect(parseQuery('猫在沙发上 and 自行')).toEqual({ terms: ['猫在沙', '在沙发', '沙发上'], short: ['自行'] })
    })

    it('stays in sync with caption edits, trash and deletes (triggers)', async () => {
      s.db.prepare("UPDATE images SET caption = 'a green tractor in a field' WHERE id = 'img_kitten000005'").run()
      expect((await search('tractor')).results[0].id).toBe('img_kitten000005')
      expect(ids((await search('kitten')).results)).not.toContain('img_kitten000005')
      s.db.prepare("UPDATE images SET trashed_at = 1 WHERE id = 'img_kitten000005'").run()
      expect((await search('tractor')).results).toEqual([])
      s.db.prepare("DELETE FROM images WHERE id = 'img_kitten000005'").run()
      expect((await search('tractor')).results).toEqual([])
      insert(s, [ROWS[4]])
      expect((await search('kitten')).results[0].id).toBe('img_kitten000005')
      const integrity = s.db.prepare("INSERT INTO images_fts (images_fts, rank) VALUES ('integrity-check', 1)")
      expect(() => integrity.run()).not.toThrow()
    })
  })

  describe('large-library text ranking (newest capped matches, bm25-like score)', () => {
    it('ranks like bm25 on the hand-written set, honours exclude and filters', async () => {
      const capped = new LibrarySearch(s.db, { imagesDir: s.layout.images, ftsExactRows: 0, ftsCap: 50 })
      const r = await capped.search({ query: 'red bicycle' })
      expect(r[0].id).toBe('img_bike00000001')
      expect(r[0].scores.fts).toBeLessThan(0)
      expect(ids(r)).toContain('img_market000008')
      expect((await capped.search({ query: '红色城墙' }))[0].id).toBe('img_wall00000003')
      expect((await capped.search({ query: 'Canon' })).map((x) => x.id)).toEqual(['img_canon0000007'])
      expect(ids(await capped.search({ query: 'bicycle', exclude: ['img_bike00000001'] }))).toEqual(['img_market000008'])
      expect(ids(await capped.search({ query: 'bicycle', filters: { tags: ['street'] } }))).toEqual(['img_bike00000001'])
    })
  })

  describe('hybrid (fake embedder)', () => {
    let hybrid: LibrarySearch
    let embedder: ReturnType<typeof fakeEmbedder>

    beforeAll(async () => {
      embedder = fakeEmbedder()
      hybrid = new LibrarySearch(s.db, { imagesDir: s.layout.images, embedder: async () => embedder })
      const report = await hybrid.indexEmbeddings({ batchSize: 3 })
      expect(report).toEqual({ embedded: 7, pending: 0, rebuilt: true })
    })

    it('embeds only captions lacking a vector, and re-embeds an edited caption', async () => {
      expect(await hybrid.indexEmbeddings()).toEqual({ embedded: 0, pending: 0, rebuilt: false })
      s.db.prepare("UPDATE images SET caption = 'sunset over the ocean' WHERE id = 'img_sea000000004'").run()
      expect((await hybrid.indexEmbeddings()).embedded).toBe(1)
      expect(hybrid.vectors.state()).toEqual({ modelId: 'fake-embedder-v1', dims: CONCEPTS.length + 1 })
    })

    it('finds by meaning where no word matches (vector leg only)', async () => {
      const r = await hybrid.search({ query: 'ocean beach at dusk' })
      expect(r[0].id).toBe('img_sea000000004')
      const cats = await hybrid.search({ query: 'cats on a couch' })
      expect(cats[0].id).toBe('img_cats00000002')
      expect(cats[0].scores.fts).toBeUndefined()
      expect(cats[0].scores.vector).toBeLessThan(0.1)
    })

    it('fuses ranks with reciprocal rank fusion (k = 60)', async () => {
      const [top, ...rest] = await hybrid.search({ query: 'bicycle' })
      // First in the text leg, second in the vector leg (its caption is also about a wall): 1/61 + 1/62.
      expect(top.id).toBe('img_bike00000001')
      expect(top.scores.fts).toBeDefined()
      expect(top.scores.vector).toBeGreaterThan(0)
      expect(top.score).toBeCloseTo(1 / 61 + 1 / 62, 12)
      expect(top.scores.rrf).toBe(top.score)
      // 一辆自行车停在河边 shares no word with "bicycle": first in the vector leg only, 1/61.
      const river = rest.find((r) => r.id === 'img_river0000006')!
      expect(river.scores.fts).toBeUndefined()
      expect(river.scores.vector).toBeCloseTo(0, 6)
      expect(river.score).toBeCloseTo(1 / 61, 12)
      for (let i = 1; i < rest.length; i++) expect(rest[i - 1].score).toBeGreaterThanOrEqual(rest[i].score)
    })

    it('honours exclude and filters inside the vector leg', async () => {
      const r = await hybrid.search({ query: 'bicycle', exclude: ['img_bike00000001', 'img_river0000006'] })
      expect(ids(r)).not.toContain('img_bike00000001')
      expect(ids(r)).not.toContain('img_river0000006')
      expect(r[0].id).toBe('img_market000008')
      const f = await hybrid.search({ query: 'bicycle', filters: { from: day('2024-01-01') } })
      expect(ids(f)).toEqual(['img_river0000006'])
    })

    it('the bit-quantized first pass with rescoring agrees with exact KNN', async () => {
      const exact = await hybrid.search({ query: 'cats on a couch' }, { strategy: 'float' })
      const bit = await hybrid.search({ query: 'cats on a couch' }, { strategy: 'bit', oversample: 10 })
      expect(bit[0].id).toBe(exact[0].id)
      expect(bit[0].scores.vector).toBeCloseTo(exact[0].scores.vector!, 5)
    })

    it('a different embedder rebuilds the vectors; its vectors are never compared with the old ones', async () => {
      const other = fakeEmbedder('fake-embedder-v2')
      const s2 = new LibrarySearch(s.db, { imagesDir: s.layout.images, embedder: async () => other })
      // Until re-indexed, the vector leg is skipped (text only).
      const before = await s2.search({ query: 'ocean beach at dusk' })
      expect(before.every((r) => r.scores.vector === undefined)).toBe(true)
      expect(await s2.indexEmbeddings()).toMatchObject({ rebuilt: true, embedded: 7 })
      expect(s2.vectors.state()?.modelId).toBe('fake-embedder-v2')
    })

    it('falls back to text search when the embedder fails', async () => {
      const broken = new LibrarySearch(s.db, {
        imagesDir: s.layout.images,
        embedder: async () => ({ id: 'fake-embedder-v2', embed: async () => Promise.reject(new Error('model gone')) }),
      })
      const r = await broken.search({ query: 'red bicycle' })
      expect(r[0].id).toBe('img_bike00000001')
      expect(broken.lastVectorError).toBe('model gone')
    })
  })

  describe('folio search (CLI)', () => {
    async function cli(...argv: string[]) {
      let out = ''
      let err = ''
      const code = await runCli(argv, { out: { write: (x: string) => (out += x) }, err: { write: (x: string) => (err += x) } })
      return { code, out, err }
    }

    it('prints {"results": [{id, path, caption, score}]} with --json', async () => {
      const r = await cli('search', '红色城墙', '--data', data, '--json', '--limit', '2')
      expect(r.code, r.err).toBe(0)
      const doc = JSON.parse(r.out)
      expect(Object.keys(doc)).toEqual(['results'])
      expect(doc.results.length).toBeLessThanOrEqual(2)
      expect(Object.keys(doc.results[0])).toEqual(['id', 'path', 'caption', 'score'])
      expect(doc.results[0]).toMatchObject({ id: 'img_wall00000003', caption: '故宫的红色城墙' })
      expect(typeof doc.results[0].score).toBe('number')
    })

    it('--exclude and text output; bad input is a user error', async () => {
      const r = await cli('search', 'bicycle', '--exclude', 'img_bike00000001,img_river0000006', '--data', data, '--json')
      expect(JSON.parse(r.out).results.map((x: { id: string }) => x.id)).not.toContain('img_bike00000001')
      const text = await cli('search', 'red', 'bicycle', '--data', data)
      expect(text.out.split('\n')[0]).toMatch(/^img_bike00000001 /)
      expect((await cli('search', '--data', data)).code).toBe(1)
      expect((await cli('search', 'x', '--limit', 'zero', '--data', data)).code).toBe(1)
      expect((await cli('search', 'x', '--exclude', 'nope', '--data', data)).code).toBe(1)
    })
  })
})

describe('in-memory bit index (first pass) + float rescoring', () => {
  const tmp = tmpDir('folio-bitindex-')
  const { db } = openDatabase(join(tmp.path, 'folio.db'))
  const DIMS = 64
  const N = 2000
  let x = 12345
  const rand = () => {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    return (x >>> 0) / 4294967296
  }
  const randomVec = () => Array.from({ length: DIMS }, () => rand() * 2 - 1)
  const vecs: number[][] = []
  const rowids: number[] = []
  const search = new LibrarySearch(db, { imagesDir: tmp.path })
  const none = filterSql({}, [])
  const knn = (q: number[], k: number, opts: Record<string, unknown>) => search.vectors.knn(q, k, { bitThreshold: 1e9, oversample: 4, ...opts })

  beforeAll(() => {
    const ins = db.prepare(
      `INSERT INTO images (id, sha256, file_name, mime, width, height, bytes, path, created_at, caption, tags)
       VALUES (?, ?, ?, 'image/jpeg', 10, 10, 10, ?, ?, ?, '[]')`,
    )
    search.vectors.ensure('seeded-v1', DIMS)
    const items: { rowid: number; imageId: string; text: string; vector: number[] }[] = []
    db.transaction(() => {
      for (let n = 0; n < N; n++) {
        const id = `img_seed${String(n).padStart(8, '0')}`
        const rowid = Number(ins.run(id, id.padEnd(64, '0'), `${id}.jpg`, `originals/${id}.jpg`, n, `caption ${n}`).lastInsertRowid)
        const v = randomVec()
        vecs.push(v)
        rowids.push(rowid)
        items.push({ rowid, imageId: id, text: `caption ${n}`, vector: v })
      }
    })()
    search.vectors.upsert(items)
  })
  afterAll(() => {
    db.close()
    tmp.cleanup()
  })

  it('rescoring every candidate reproduces exact KNN (ids and distances)', () => {
    for (let t = 0; t < 5; t++) {
      const q = randomVec()
      const exact = knn(q, 20, { strategy: 'float' })
      const mem = knn(q, 20, { strategy: 'memory', candidates: N, maxCandidates: N })
      expect(mem.map((h) => h.rowid)).toEqual(exact.map((h) => h.rowid))
      mem.forEach((h, i) => expect(h.distance).toBeCloseTo(exact[i].distance, 5))
    }
    expect(search.vectors.memoryStats()).toMatchObject({ vectors: N })
  })

  it('the bounded first pass finds the exact top results on a seeded random set', () => {
    let found = 0
    let wanted = 0
    for (let t = 0; t < 10; t++) {
      // A query near a stored vector: that vector must come first.
      const target = Math.floor(rand() * N)
      const q = vecs[target].map((v) => v + (rand() - 0.5) * 0.2)
      const exact = knn(q, 10, { strategy: 'float' })
      const mem = knn(q, 10, { strategy: 'memory' }) // default: 16 × k candidates
      expect(mem[0].rowid).toBe(rowids[target])
      expect(mem[0].rowid).toBe(exact[0].rowid)
      const set = new Set(mem.map((h) => h.rowid))
      found += exact.filter((h) => set.has(h.rowid)).length
      wanted += exact.length
    }
    expect(found / wanted).toBeGreaterThanOrEqual(0.8)
  })

  it('honours exclude and filters on the candidates (over-fetching)', () => {
    const q = vecs[7]
    const first = search.vectorHits(q, none, 5, 0, false, { strategy: 'memory' })
    expect(first[0].rowid).toBe(rowids[7])
    const ex = search.vectorHits(q, filterSql({}, ['img_seed00000007']), 5, 1, false, { strategy: 'memory' })
    expect(ex).toHaveLength(5)
    expect(ex.map((h) => h.rowid)).not.toContain(rowids[7])
    expect(ex[0].rowid).toBe(first[1].rowid)
  })

  it('deleted images leave results at once and the index after pruning (tombstones)', () => {
    const q = vecs[11]
    expect(search.vectorHits(q, none, 3, 0, false, { strategy: 'memory' })[0].rowid).toBe(rowids[11])
    db.prepare("DELETE FROM images WHERE id = 'img_seed00000011'").run()
    // Still in memory until pruned, but the candidate check drops it.
    expect(search.vectorHits(q, none, 3, 0, false, { strategy: 'memory' }).map((h) => h.rowid)).not.toContain(rowids[11])
    expect(search.vectors.pruneOrphans()).toBe(1)
    expect(search.vectors.memoryStats()!.vectors).toBe(N - 1)
    expect(knn(q, 3, { strategy: 'memory' }).map((h) => h.rowid)).not.toContain(rowids[11])
    // Trash is a filter: gone from results, kept in the index.
    db.prepare("UPDATE images SET trashed_at = 1 WHERE id = 'img_seed00000012'").run()
    expect(search.vectorHits(vecs[12], none, 3, 0, false, { strategy: 'memory' }).map((h) => h.rowid)).not.toContain(rowids[12])
    db.prepare("UPDATE images SET trashed_at = NULL WHERE id = 'img_seed00000012'").run()
    expect(search.vectorHits(vecs[12], none, 3, 0, false, { strategy: 'memory' })[0].rowid).toBe(rowids[12])
  })

  it('picks up vectors written by another instance (reloads on a changed revision)', () => {
    const other = new LibrarySearch(db, { imagesDir: tmp.path })
    const v = randomVec()
    other.vectors.upsert([{ rowid: rowids[20], imageId: 'img_seed00000020', text: 'caption 20', vector: v }])
    expect(knn(v, 1, { strategy: 'memory' })[0]).toMatchObject({ rowid: rowids[20] })
    expect(knn(vecs[20], 1, { strategy: 'memory' })[0].rowid).not.toBe(rowids[20])
  })

  it('is rebuilt empty when the embedder changes; old vectors are never compared', () => {
    expect(search.vectors.ensure('seeded-v2', 32)).toBe(true)
    expect(search.vectors.memoryStats()).toMatchObject({ vectors: 0 })
    expect(knn(randomVec().slice(0, 32), 5, { strategy: 'memory' })).toEqual([])
    const v = randomVec().slice(0, 32)
    search.vectors.upsert([{ rowid: rowids[3], imageId: 'img_seed00000003', text: 'caption 3', vector: v }])
    const hits = knn(v, 5, { strategy: 'memory' })
    expect(hits.map((h) => h.rowid)).toEqual([rowids[3]])
    expect(hits[0].distance).toBeCloseTo(0, 5)
    // A fresh instance loads the same state from the database.
    const fresh = new LibrarySearch(db, { imagesDir: tmp.path })
    expect(fresh.vectors.knn(v, 5, { bitThreshold: 1e9, oversample: 4, strategy: 'memory' }).map((h) => h.rowid)).toEqual([rowids[3]])
  })

  it('BitIndex: replaces, tombstones and compacts without losing live vectors', () => {
    const idx = new BitIndex(8)
    const bits = (n: number) => new Uint8Array(new BigUint64Array([BigInt(n)]).buffer)
    for (let r = 1; r <= 5000; r++) idx.set(r, bits(r))
    idx.set(77, bits(0xffff)) // replace
    expect(idx.count).toBe(5000)
    for (let r = 1; r <= 4000; r++) if (r !== 77) idx.delete(r) // triggers compaction
    expect(idx.count).toBe(1001)
    expect(idx.has(77) && idx.has(4001) && !idx.has(5)).toBe(true)
    expect(idx.search(bits(0xffff), 1)).toEqual([{ rowid: 77, hamming: 0 }])
    expect(idx.search(bits(4001), 1)).toEqual([{ rowid: 4001, hamming: 0 }])
    const all = idx.search(bits(0), 5000)
    expect(all).toHaveLength(1001)
    expect(new Set(all.map((c) => c.rowid)).size).toBe(1001)
    // Huge rowids switch to a map.
    idx.set(2 ** 40, bits(3))
    expect(idx.search(bits(3), 1)).toEqual([{ rowid: 2 ** 40, hamming: 0 }])
  })
})
