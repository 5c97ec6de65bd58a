/**
 * Caption vectors in sqlite-vec: `image_vec` (float32, cosine) for exact KNN and rescoring, and
 * `image_vec_bit` (1 bit per dimension) for the first pass on large libraries. Both are keyed by
 * images.rowid and created lazily once the embedder's dimension is known; the embedder's model id
 * and dimension are kept in `settings`, and a different embedder drops and rebuilds them.
 *
 * sqlite-vec 0.1.9 is brute force: a float KNN costs ~1 s at 1M×768, a bit KNN ~45 ms, and its
 * cost grows with k (n × k). Above `memoryThreshold` vectors the first pass runs instead over an
 * in-memory copy of the sign bits (./bit-index, ~106 MB at 1M×768, loaded lazily from
 * `image_vec_bit` and kept in sync by upsert/prune/ensure; other instances notice a changed
 * revision in `settings` and reload), and only its candidates' floats are read back from
 * `image_vec` for exact cosine rescoring (floats in memory would be 3 GB at 1M, int8 768 MB).
 */
import type { Database } from 'better-sqlite3'
import { BitIndex } from './bit-index'

const STATE_KEY = 'search.vectors'
/** Changes whenever this code changes the stored vectors: other instances on the database then reload their in-memory index. */
const REV_KEY = 'search.vectors.rev'
/**
 * Vectors per vec0 chunk of `image_vec` (default 1024). Rescoring reads single vectors by rowid, and
 * vec0 reads one through a fresh blob handle that walks the chunk's overflow pages from the start:
 * 1024×768 floats = 3 MB = 750 pages; past the 2 MB page cache and the 2 GB mmap window that was
 * ~0.6 ms a vector at 1M (320 candidates: ~200 ms). 32 vectors = 24 pages.
 */
const FLOAT_CHUNK = 32

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
  /** Use the in-memory bit index (+ float rescoring of its candidates) when more vectors than this are stored. */
  memoryThreshold?: number
  /** In-memory first pass: candidates rescored per wanted result (bounded by `maxCandidates`). */
  candidates?: number
  maxCandidates?: number
  /** Force one strategy (benchmarks and tests): sqlite-vec float KNN, sqlite-vec bit KNN + rescoring, or the in-memory bit index + rescoring. */
  strategy?: 'float' | 'bit' | 'memory'
}

export interface MemoryIndexStats {
  vectors: number
  bytes: number
  loadMs: number
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
  /** The in-memory first-pass index, loaded on first use; `rev` is the REV_KEY value it matches. */
  private memory: {
    index: BitIndex
    rev: string | null
    dims: number
    loadMs: number
    /** Rows in image_vec and in the index when loaded: both move together unless something writes around this class. */
    tableCount: number
    loadedCount: number
  } | null = null

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
      this.db.exec(`CREATE VIRTUAL TABLE image_vec USING vec0(embedding float[${dims}] distance_metric=cosine, chunk_size=${FLOAT_CHUNK})`)
      this.db.exec(`CREATE VIRTUAL TABLE image_vec_bit USING vec0(embedding bit[${bitDims(dims)}])`)
      this.db
        .prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value')
        .run(STATE_KEY, JSON.stringify({ modelId, dims } satisfies VectorState))
      this.memory = { index: new BitIndex(bitDims(dims) / 8), rev: this.bumpRev(), dims, loadMs: 0, tableCount: 0, loadedCount: 0 }
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
    const quantize = this.db.prepare('SELECT vec_quantize_binary(?) AS b')
    this.db.transaction(() => {
      const mem = this.syncedMemory(s)
      for (const it of items) {
        if (it.vector.length !== s.dims) throw new Error(`embedding has ${it.vector.length} dimensions, expected ${s.dims}`)
        const v = normalize(it.vector)
        const id = BigInt(it.rowid)
        const bits = padded(v, bitDims(s.dims))
        delF.run(id)
        delB.run(id)
        insF.run(id, v)
        insB.run(id, bits)
        book.run(id, it.imageId, it.text)
        mem?.index.set(it.rowid, (quantize.get(bits) as { b: Buffer }).b)
      }
      this.afterWrite(mem)
    })()
    this.cachedCount = null
  }

  /** The in-memory index when it is loaded and up to date with the database (else null: it reloads on next use). */
  private syncedMemory(s: VectorState): NonNullable<VectorIndex['memory']> | null {
    const m = this.memory
    if (!m || m.dims !== s.dims || m.rev !== this.rev()) {
      this.memory = null
      return null
    }
    return m
  }

  private afterWrite(mem: NonNullable<VectorIndex['memory']> | null): void {
    const rev = this.bumpRev()
    if (mem) mem.rev = rev
  }

  private rev(): string | null {
    const row = this.db.prepare('SELECT value FROM settings WHERE key = ?').get(REV_KEY) as { value: string } | undefined
    return row?.value ?? null
  }

  private bumpRev(): string {
    const rev = `${Date.now().toString(36)}.${Math.random().toString(36).slice(2)}`
    this.db
      .prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value')
      .run(REV_KEY, rev)
    return rev
  }

  /** Loads (or reloads, when another instance changed the vectors) the in-memory bit index. */
  memoryIndex(): BitIndex | null {
    const s = this.state()
    if (!s || !this.tablesExist()) return null
    const rev = this.rev()
    // Rows written around this class (bulk loads, another version of it) show up as a count mismatch.
    const m = this.memory
    if (m && m.dims === s.dims && m.rev === rev && this.count() - m.tableCount === m.index.count - m.loadedCount) return m.index
    const t = performance.now()
    const bytes = bitDims(s.dims) / 8
    const n = (this.db.prepare('SELECT count(*) AS n FROM image_vec_bit_rowids').get() as { n: number }).n
    const index = new BitIndex(bytes, n + 1024)
    for (const row of this.db.prepare('SELECT rowid, embedding FROM image_vec_bit').iterate() as Iterable<{ rowid: number; embedding: Buffer }>) {
      index.set(row.rowid, row.embedding)
    }
    this.cachedCount = null
    this.memory = { index, rev, dims: s.dims, loadMs: performance.now() - t, tableCount: this.count(), loadedCount: index.count }
    return index
  }

  /** Size and load time of the in-memory index (null until it is loaded). */
  memoryStats(): MemoryIndexStats | null {
    const m = this.memory
    return m ? { vectors: m.index.count, bytes: m.index.memoryBytes, loadMs: m.loadMs } : null
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
    const s = this.state()
    this.db.transaction(() => {
      const mem = s ? this.syncedMemory(s) : null
      for (const { rowid } of stale) {
        delF.run(BigInt(rowid))
        delB.run(BigInt(rowid))
        delE.run(BigInt(rowid))
        mem?.index.delete(rowid)
      }
      this.afterWrite(mem)
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
    const strategy =
      opts.strategy ??
      (this.count() > (opts.memoryThreshold ?? Infinity) ? 'memory' : this.count() > opts.bitThreshold ? 'bit' : 'float')
    if (strategy === 'memory') return this.memoryKnn(q, k, s, opts)
    if (strategy === 'float') {
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

  /**
   * In-memory hamming first pass over all vectors → the `candidates × k` nearest (bounded), then
   * exact cosine distance in JS against their float vectors read by rowid from `image_vec`.
   */
  private memoryKnn(q: Float32Array, k: number, s: VectorState, opts: KnnOptions): VectorHit[] {
    const index = this.memoryIndex()
    if (!index || !index.count) return []
    const qbits = (this.db.prepare('SELECT vec_quantize_binary(?) AS b').get(padded(q, bitDims(s.dims))) as { b: Buffer }).b
    const c = Math.min(Math.max(k, opts.maxCandidates ?? 4096), Math.max(k, Math.ceil(k * (opts.candidates ?? 16))))
    const candidates = index.search(qbits, c)
    const read = this.db.prepare('SELECT embedding FROM image_vec WHERE rowid = ?').pluck()
    const hits: VectorHit[] = []
    const dims = s.dims
    for (const cand of candidates) {
      const buf = read.get(BigInt(cand.rowid)) as Buffer | undefined
      if (!buf) continue
      const v = buf.byteOffset % 4 === 0 ? new Float32Array(buf.buffer, buf.byteOffset, dims) : new Float32Array(Uint8Array.from(buf).buffer, 0, dims)
      let dot = 0
      let nv = 0
      for (let i = 0; i < dims; i++) {
        dot += v[i] * q[i]
        nv += v[i] * v[i]
      }
      hits.push({ rowid: cand.rowid, distance: nv > 0 ? 1 - dot / Math.sqrt(nv) : 1 })
    }
    return hits.sort((a, b) => a.distance - b.distance || a.rowid - b.rowid).slice(0, k)
  }
}
