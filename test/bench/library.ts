/**
 * Library search at scale: synthetic images (random captions from a word list, random 768-dim
 * caption vectors) at 10k and 100k rows by default (10k with --quick; 1M on request:
 * `npm run bench -- library 1000000`, ~3 min to build on 2 cores); p50/p95 for FTS only, float KNN,
 * bit first pass + float rescoring, the in-memory bit index, and hybrid (query embedding excluded: a
 * precomputed vector stands in for the model).
 */
import { performance } from 'node:perf_hooks'
import { join } from 'node:path'
import { LibrarySearch } from '../../src/main/library/search/library-search'
import { filterSql } from '../../src/main/library/search/filters'
import { normalize } from '../../src/main/library/search/vector-index'
import { openDatabase } from '../../src/main/store/database'
import { tmpDir } from '../helpers/tmp'
import type { BenchContext, Metric, SectionOutput } from './report'

const DIMS = 768
const LIMIT = 20

function rng(seed: number): () => number {
  let x = seed >>> 0 || 1
  return () => {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    return (x >>> 0) / 4294967296
  }
}

const SYL = ['ka', 'lo', 'mi', 'ren', 'sa', 'to', 'vu', 'el', 'dar', 'po', 'qui', 'ben', 'sol', 'tra', 'ne', 'gor']
/** ~4,000 distinct pseudo-words plus a few real ones and Chinese words. */
function wordList(): string[] {
  const out = new Set<string>(['bicycle', 'sunset', 'mountain', 'river', 'market', 'cat', 'street', 'portrait', '城墙', '沙发', '自行车', '日落'])
  for (const a of SYL) for (const b of SYL) for (const c of SYL) out.add(a + b + c)
  return [...out]
}

function stats(samples: number[]): { p50: number; p95: number } {
  const s = [...samples].sort((a, b) => a - b)
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))]
  return { p50: at(0.5), p95: at(0.95) }
}

async function time(n: number, fn: (i: number) => unknown): Promise<{ p50: number; p95: number }> {
  await fn(0) // warm
  const out: number[] = []
  for (let i = 0; i < n; i++) {
    const t = performance.now()
    await fn(i)
    out.push(performance.now() - t)
  }
  return stats(out)
}

export interface LibraryBenchRow {
  rows: number
  buildSeconds: number
  ftsOnly: { p50: number; p95: number }
  floatKnn: { p50: number; p95: number }
  bitRescore: { p50: number; p95: number }
  /** In-memory bit index + float rescoring (the default above 20k vectors). */
  memoryKnn: { p50: number; p95: number }
  hybrid: { p50: number; p95: number }
  memoryIndexMB: number
  memoryLoadMs: number
}

async function benchSize(rows: number): Promise<LibraryBenchRow> {
  const dir = tmpDir('folio-bench-lib-')
  const { db } = openDatabase(join(dir.path, 'folio.db'))
  try {
    const rand = rng(rows)
    const words = wordList()
    const caption = () => Array.from({ length: 6 + Math.floor(rand() * 6) }, () => words[Math.floor(rand() * words.length)]).join(' ')
    const vector = () => {
      const v = new Float32Array(DIMS)
      for (let i = 0; i < DIMS; i++) v[i] = rand() * 2 - 1
      return normalize(v)
    }
    const t0 = performance.now()
    const search = new LibrarySearch(db, { imagesDir: dir.path })
    search.vectors.ensure('bench-embedder', DIMS)
    const img = db.prepare(
      `INSERT INTO images (id, sha256, file_name, mime, width, height, bytes, path, created_at, taken_at, caption, tags)
       VALUES (?, ?, ?, 'image/jpeg', 4000, 3000, 2000000, ?, ?, ?, ?, '[]')`,
    )
    const vf = db.prepare('INSERT INTO image_vec (rowid, embedding) VALUES (?, ?)')
    const vb = db.prepare('INSERT INTO image_vec_bit (rowid, embedding) VALUES (?, vec_quantize_binary(?))')
    const book = db.prepare('INSERT INTO image_embeddings (rowid, image_id, text) VALUES (?, ?, ?)')
    const BATCH = 10_000
    for (let start = 0; start < rows; start += BATCH) {
      db.transaction(() => {
        for (let n = start; n < Math.min(rows, start + BATCH); n++) {
          const id = `img_${n.toString(36).padStart(12, '0')}`
          const cap = caption()
          const info = img.run(id, n.toString(16).padStart(64, '0'), `IMG_${n}.jpg`, `originals/${id}.jpg`, n, 1_500_000_000_000 + n * 1000, cap)
          const rowid = BigInt(info.lastInsertRowid)
          const v = vector()
          vf.run(rowid, v)
          vb.run(rowid, v)
          book.run(rowid, id, cap)
        }
      })()
      if ((start / BATCH) % 10 === 9) process.stderr.write(`  ${rows}: ${start + BATCH} rows, ${((performance.now() - t0) / 1000).toFixed(0)} s\n`)
    }
    const buildSeconds = (performance.now() - t0) / 1000

    const QUERIES = Number(process.env.BENCH_QUERIES ?? 40)
    const qrand = rng(7)
    const queries = Array.from({ length: QUERIES }, () =>
      Array.from({ length: 2 + Math.floor(qrand() * 3) }, () => words[Math.floor(qrand() * words.length)]).join(' '),
    )
    const qvecs = queries.map(() => vector())
    let current = 0
    const hybrid = new LibrarySearch(db, {
      imagesDir: dir.path,
      embedder: async () => ({ id: 'bench-embedder', embed: async () => [Array.from(qvecs[current])] }),
    })
    const f = filterSql({}, [])
    const depth = LIMIT
    const ftsOnly = await time(QUERIES, (i) => search.search({ query: queries[i % QUERIES], limit: LIMIT }))
    // Float KNN is ~1 s per query at 1M: fewer samples there.
    const floatKnn = await time(rows > 300_000 ? 8 : QUERIES, (i) => search.vectorHits(qvecs[i % QUERIES], f, depth, 0, false, { strategy: 'float' }))
    const bitRescore = await time(QUERIES, (i) => search.vectorHits(qvecs[i % QUERIES], f, depth, 0, false, { strategy: 'bit' }))
    const memoryKnn = await time(QUERIES, (i) => search.vectorHits(qvecs[i % QUERIES], f, depth, 0, false, { strategy: 'memory' }))
    const mem = search.vectors.memoryStats()!
    const hyb = await time(QUERIES, (i) => {
      current = i % QUERIES
      return hybrid.search({ query: queries[current], limit: LIMIT })
    })
    return {
      rows,
      buildSeconds,
      ftsOnly,
      floatKnn,
      bitRescore,
      memoryKnn,
      hybrid: hyb,
      memoryIndexMB: mem.bytes / 1024 ** 2,
      memoryLoadMs: mem.loadMs,
    }
  } finally {
    db.close()
    dir.cleanup()
  }
}

export async function benchLibrary(sizes: readonly number[] = [100_000, 1_000_000]): Promise<LibraryBenchRow[]> {
  const out: LibraryBenchRow[] = []
  const ms = (s: { p50: number; p95: number }) => `${s.p50.toFixed(1).padStart(7)} ${s.p95.toFixed(1).padStart(7)}`
  console.log('\nLibrary search (ms; limit 20; p50 p95)')
  console.log('rows       build s   fts-only p50/p95   float-knn p50/p95   bit+rescore p50/p95   mem-bit+rescore p50/p95   hybrid p50/p95   mem index MB / load ms')
  for (const rows of sizes) {
    const r = await benchSize(rows)
    out.push(r)
    console.log(
      `${String(rows).padEnd(10)} ${r.buildSeconds.toFixed(1).padStart(7)}   ${ms(r.ftsOnly)}    ${ms(r.floatKnn)}     ${ms(r.bitRescore)}       ${ms(r.memoryKnn)}         ${ms(r.hybrid)}   ${r.memoryIndexMB.toFixed(1)} / ${r.memoryLoadMs.toFixed(0)}`,
    )
  }
  return out
}

/** The report section: hybrid search (what the UI and `folio search` run) and its parts, per size. */
export async function benchLibrarySection(ctx: BenchContext): Promise<SectionOutput<LibraryBenchRow[]>> {
  const sizes = ctx.args.length ? ctx.args : ctx.quick ? [10_000] : [10_000, 100_000]
  const rows = await benchLibrary(sizes)
  const metrics: Metric[] = []
  for (const r of rows) {
    const n = r.rows >= 1_000_000 ? `${r.rows / 1_000_000}M` : `${Math.round(r.rows / 1000)}k`
    metrics.push(
      { name: `search p50 (hybrid), ${n} images`, value: r.hybrid.p50, unit: 'ms' },
      { name: `search p95 (hybrid), ${n} images`, value: r.hybrid.p95, unit: 'ms' },
      { name: `search p95 (text only), ${n} images`, value: r.ftsOnly.p95, unit: 'ms' },
    )
  }
  return { result: rows, metrics }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0)
  await benchLibrary(sizes.length ? sizes : undefined)
}
