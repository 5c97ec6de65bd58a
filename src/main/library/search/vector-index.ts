/**
 * Caption vectors in sqlite-vec: `image_vec` (float32, cosine) for exact KNN and rescoring, and
 * `image_vec_bit` (1 bit per dimension) for the first pass on large libraries. Both are keyed by
 * images.rowid and created lazily once the embedder's dimension is known; the embedder's model id
 * and dimension are kept in `settings`, and a different embedder drops and rebuilds them.
 *
 * sqlite-vec 0.1.9 is brute force: a float KNN costs ~1 s at 1M×768, a bit KNN ~45 ms, and its
 * cost grows with k (n × k), so the bit pass fetches a bounded number of candidates.
 */
import type { Database } from 'better-sqlite3'

const STATE_KEY = 'search.vectors'

export interface VectorState {
  modelId: string
  dims: number
}

export interface VectorHit {
  rowid: number
  /** Cosine distance (0 = same direction, 2 = opposite). */
  distance: number
}

export interface KnnOptions {
  /** Use the bit-quantized first pass when more vectors than this are stored. */
  bitThreshold: number
  /** First-pass candidates per wanted result. */
  oversample: number
  /** Force one strategy (benchmarks and tests). */
  strategy?: 'float' | 'bit'
}

export function normalize(v: ArrayLike<number>): Float32Array {
  const out = Float32Array.from(v)
  let n = 0
  for (const x of out) n += x * x
  n = Math.sqrt(n)
  if (n > 0) for (let i = 0; i < out.length; i++) out[i] /= n
  return out
}

/** Bit vectors need a multiple of 8 dimensions; padding with zeros (bit 0) is the same for data and queries. */
const bitDims = (dims: number) => Math.ceil(dims / 8) * 8
function padded(v: Float32Array, dims: number): Float32Array {
  if (v.length === dims) return v
  const out = new Float32Array(dims)
  out.set(v)
  return out
}

export class VectorIndex {
  private cachedCount: { n: number; at: number } | null = null

  constructor(
    private readonly db: Database,
    private readonly now: () => number = Date.now,
  ) {}

  state(): VectorState | null {
    const row = this.db.prepare('SELECT value FROM settings WHERE key = ?').get(STATE_KEY) as { value: string } | undefined
    if (!row) return null
    try {
      const s = JSON.parse(row.value) as VectorState
      return typeof s.modelId === 'string' && Number.isInteger(s.dims) && s.dims > 0 ? s : null
    } catch {
      return null
    }
  }

  /** Makes the tables match this embedder; returns true when they were (re)created empty. */
  ensure(modelId: string, dims: number): boolean {
    const s = this.state()
    if (s && s.modelId === modelId && s.dims === dims && this.tablesExist()) return false
    this.db.transaction(() => {
      this.db.exec('DROP TABLE IF EXISTS image_vec; DROP TABLE IF EXISTS image_vec_bit; DELETE FROM image_embeddings;')
      this.db.exec(`CREATE VIRTUAL TABLE image_vec USING vec0(embedding float[${dims}] distance_metric=cosine)`)
      this.db.exec(`CREATE VIRTUAL TABLE image_vec_bit USING vec0(embedding bit[${bitDims(dims)}])`)
      this.db
        .prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value')
        .run(STATE_KEY, JSON.stringify({ modelId, dims } satisfies VectorState))
    })()
    this.cachedCount = null
    return true
  }

  private tablesExist(): boolean {
    const n = this.db
      .prepare("SELECT count(*) AS n FROM sqlite_schema WHERE type = 'table' AND name IN ('image_vec', 'image_vec_bit')")
      .get() as { n: number }
    return n.n === 2
  }

  /** Stores (or replaces) the vectors of several images in one transaction. */
  upsert(items: { rowid: number; imageId: string; text: string; vector: ArrayLike<number> }[]): void {
    const s = this.state()
    if (!s) throw new Error('VectorIndex.ensure() must run before upsert()')
    const delF = this.db.prepare('DELETE FROM image_vec WHERE rowid = ?')
    const delB = this.db.prepare('DELETE FROM image_vec_bit WHERE rowid = ?')
    const insF = this.db.prepare('INSERT INTO image_vec (rowid, embedding) VALUES (?, ?)')
    const insB = this.db.prepare('INSERT INTO image_vec_bit (rowid, embedding) VALUES (?, vec_quantize_binary(?))')
    const book = this.db.prepare(
      'INSERT INTO image_embeddings (rowid, image_id, text) VALUES (?, ?, ?) ON CONFLICT (rowid) DO UPDATE SET image_id = excluded.image_id, text = excluded.text',
    )
    this.db.transaction(() => {
      for (const it of items) {
        if (it.vector.length !== s.dims) throw new Error(`embedding has ${it.vector.length} dimensions, expected ${s.dims}`)
        const v = normalize(it.vector)
        const id = BigInt(it.rowid)
        delF.run(id)
        delB.run(id)
        insF.run(id, v)
        insB.run(id, padded(v, bitDims(s.dims)))
        book.run(id, it.imageId, it.text)
      }
    })()
    this.cachedCount = null
  }

  /** Drops vectors whose image is gone or whose rowid now belongs to another image. */
  pruneOrphans(): number {
    if (!this.tablesExist()) return 0
    const stale = this.db
      .prepare(
        `SELECT v.rowid AS rowid FROM image_vec_rowids v
         LEFT JOIN image_embeddings e ON e.rowid = v.rowid
         LEFT JOIN images i ON i.rowid = v.rowid
         WHERE e.rowid IS NULL OR i.rowid IS NULL OR i.id <> e.image_id`,
      )
      .all() as { rowid: number }[]
    if (!stale.length) return 0
    const delF = this.db.prepare('DELETE FROM image_vec WHERE rowid = ?')
    const delB = this.db.prepare('DELETE FROM image_vec_bit WHERE rowid = ?')
    const delE = this.db.prepare('DELETE FROM image_embeddings WHERE rowid = ?')
    this.db.transaction(() => {
      for (const { rowid } of stale) {
        delF.run(BigInt(rowid))
        delB.run(BigInt(rowid))
        delE.run(BigInt(rowid))
      }
    })()
    this.cachedCount = null
    return stale.length
  }

  /** Stored vectors (cached for a few seconds: it only picks the KNN strategy). */
  count(): number {
    const t = this.now()
    if (this.cachedCount && t - this.cachedCount.at < 10_000) return this.cachedCount.n
    const n = this.tablesExist() ? (this.db.prepare('SELECT count(*) AS n FROM image_vec_rowids').get() as { n: number }).n : 0
    this.cachedCount = { n, at: t }
    return n
  }

  /** The k nearest stored vectors to `query` (already the embedder's dimension). */
  knn(query: ArrayLike<number>, k: number, opts: KnnOptions): VectorHit[] {
    const s = this.state()
    if (!s || query.length !== s.dims || k <= 0 || !this.tablesExist()) return []
    const q = normalize(query)
    const useBit = opts.strategy ? opts.strategy === 'bit' : this.count() > opts.bitThreshold
    if (!useBit) {
      return this.db
        .prepare('SELECT rowid, distance FROM image_vec WHERE embedding MATCH ? AND k = ?')
        .all(q, k) as VectorHit[]
    }
    // First pass on 1-bit vectors (hamming), then exact cosine distance for the candidates.
    const candidates = this.db
      .prepare('SELECT rowid FROM image_vec_bit WHERE embedding MATCH vec_quantize_binary(?) AND k = ?')
      .all(padded(q, bitDims(s.dims)), Math.max(k, Math.ceil(k * opts.oversample))) as { rowid: number }[]
    const exact = this.db.prepare('SELECT vec_distance_cosine(embedding, ?) AS d FROM image_vec WHERE rowid = ?')
    const hits: VectorHit[] = []
    for (const c of candidates) {
      const r = exact.get(q, BigInt(c.rowid)) as { d: number } | undefined
      if (r) hits.push({ rowid: c.rowid, distance: r.d })
    }
    return hits.sort((a, b) => a.distance - b.distance).slice(0, k)
  }
}
