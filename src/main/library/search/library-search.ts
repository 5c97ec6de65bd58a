/**
 * Hybrid image search: FTS5 bm25 over file name, caption, description, tags and EXIF text
 * (trigram index; a bounded substring scan for 1–2 character CJK terms) plus sqlite-vec KNN over
 * caption embeddings, fused by reciprocal rank fusion. Works with the text legs alone when no
 * embedder is configured. `exclude` and the filters apply inside every leg (which over-fetch),
 * so excluded images never take a result slot.
 */
import type { Database } from 'better-sqlite3'
import { isAbsolute, join } from 'node:path'
import { filterSql, hasNarrowingFilters, type SearchFilters } from './filters'
import { ftsExpression, parseQuery } from './fts-query'
import { reciprocalRankFusion } from './rrf'
import { ensureSqliteVec } from './sqlite-vec'
import { VectorIndex, type KnnOptions } from './vector-index'

export interface EmbedderHandle {
  /** Identifies the model: vectors from another id are rebuilt, never compared. */
  id: string
  embed(texts: string[], signal?: AbortSignal): Promise<number[][]>
}

export interface LibrarySearchOptions {
  /** Where stored library files live (images.path is relative to it). */
  imagesDir: string
  /** The file of an image; defaults to images.path (absolute when referenced in place, else under imagesDir). */
  resolvePath?: (row: { id: string; path: string }) => string
  /** The configured embedder, or null (FTS only). */
  embedder?: () => Promise<EmbedderHandle | null>
  rrfK?: number
  /** Above this many vectors, KNN starts with sqlite-vec's bit-quantized pass (unused while the in-memory index is on). */
  bitThreshold?: number
  /** Above this many vectors, KNN uses the in-memory bit index + float rescoring (Infinity turns it off). */
  memoryThreshold?: number
  /** In-memory first pass: candidates rescored per wanted result. */
  candidates?: number
  /** Bit-pass candidates per wanted vector hit. */
  oversample?: number
  /** Newest rows the 1–2 character substring scan looks at. */
  scanRows?: number
  /** Libraries up to this many images rank every FTS match by bm25; larger ones rank the newest `ftsCap` matches (see ftsLeg). */
  ftsExactRows?: number
  ftsCap?: number
  now?: () => number
}

export interface SearchInput {
  query: string
  limit?: number
  exclude?: readonly string[]
  filters?: SearchFilters
}

export interface SearchScores {
  /** bm25 (lower is better; negative). */
  fts?: number
  /** Short CJK terms found by the substring scan. */
  substring?: number
  /** Cosine distance of the caption embedding to the query's. */
  vector?: number
  rrf: number
}

export interface SearchResult {
  id: string
  path: string
  caption: string | null
  score: number
  scores: SearchScores
}

export interface IndexReport {
  embedded: number
  /** Captions still without a vector (e.g. no embedder). */
  pending: number
  rebuilt: boolean
}

/** bm25 column weights: file_name, caption, description, tags, exif_text. */
const WEIGHTS = [1.0, 4.0, 2.0, 3.0, 0.5]
const BM25 = `bm25(images_fts, ${WEIGHTS.map((w) => w.toFixed(1)).join(', ')})`
/** See ftsLeg. */
const FTS_EXACT_ROWS = 50_000
const FTS_CAP = 1000
const HAYSTACK = `lower(coalesce(i.caption, '') || char(10) || coalesce(i.description, '') || char(10) || coalesce(i.tags, '') || char(10) || i.file_name || char(10) || coalesce(i.exif_text, ''))`

/** Below this many vectors sqlite-vec's exact float KNN is as fast as the in-memory pass (measured: see test/bench/library.ts). */
const MEMORY_THRESHOLD = 10_000

/**
 * vec0 reads one vector by walking its chunk's overflow pages; through the default 2 MB page cache
 * that cost ~0.5 ms a rescored candidate at 100k, through mmap ~25 µs. Memory-mapped reads share the
 * OS page cache (no copy per connection), so a large window costs address space, not RAM. This
 * better-sqlite3 build clamps mmap_size to 2 GB (SQLITE_MAX_MMAP_SIZE); pages past it go through
 * the page cache, hence the larger cache_size too.
 */
function tuneConnection(db: Database): void {
  try {
    if (Number(db.pragma('mmap_size', { simple: true })) < MMAP_BYTES) db.pragma(`mmap_size = ${MMAP_BYTES}`)
    if (Number(db.pragma('cache_size', { simple: true })) > -CACHE_KIB) db.pragma(`cache_size = -${CACHE_KIB}`)
  } catch {
    // An in-memory or read-only database without mmap support: defaults are fine.
  }
}
const MMAP_BYTES = 16 * 1024 ** 3
const CACHE_KIB = 64 * 1024

export class LibrarySearch {
  readonly vectors: VectorIndex
  /** Why the last search ran without its vector leg, if it failed (the text legs still answered). */
  lastVectorError: string | null = null
  private readonly knnOpts: KnnOptions

  constructor(
    private readonly db: Database,
    private readonly opts: LibrarySearchOptions,
  ) {
    ensureSqliteVec(db)
    tuneConnection(db)
    this.vectors = new VectorIndex(db, opts.now)
    this.knnOpts = {
      bitThreshold: opts.bitThreshold ?? 100_000,
      oversample: opts.oversample ?? 4,
      memoryThreshold: opts.memoryThreshold ?? MEMORY_THRESHOLD,
      candidates: opts.candidates ?? 16,
    }
  }

  async search(input: SearchInput, knn: Partial<KnnOptions> = {}): Promise<SearchResult[]> {
    const limit = Math.max(1, Math.min(input.limit ?? 20, 500))
    const exclude = [...new Set(input.exclude ?? [])]
    const filters = input.filters ?? {}
    const f = filterSql(filters, exclude)
    const text = input.query.trim()
    if (!text) return this.rows(this.newest(f, limit), new Map())

    const parsed = parseQuery(text)
    const depth = Math.max(50, limit * 2)
    const fts = this.ftsLeg(ftsExpression(parsed.terms), parsed.terms, f, depth)
    const sub = parsed.short.length ? this.substringLeg(parsed.short, f, depth) : []
    // sqlite-vec's KNN cost grows with k (n × k): the vector leg fetches what the page needs.
    const vec = await this.vectorLeg(text, f, limit, exclude.length, hasNarrowingFilters(filters), knn)

    const rrfK = this.opts.rrfK ?? 60
    const fused = reciprocalRankFusion([fts.map((h) => h.rowid), sub.map((h) => h.rowid), vec.map((h) => h.rowid)], rrfK)
    const scores = new Map<number, SearchScores>()
    for (const [rowid, rrf] of fused) scores.set(rowid, { rrf })
    for (const h of fts) scores.get(h.rowid)!.fts = h.score
    for (const h of sub) scores.get(h.rowid)!.substring = h.hits
    for (const h of vec) scores.get(h.rowid)!.vector = h.distance
    const order = [...fused.keys()].sort((a, b) => fused.get(b)! - fused.get(a)! || a - b).slice(0, limit)
    return this.rows(order, scores)
  }

  /** Embeds captions that have no vector (or whose caption changed since), in batches. */
  async indexEmbeddings(opts: { batchSize?: number; signal?: AbortSignal; onProgress?: (done: number, total: number) => void } = {}): Promise<IndexReport> {
    const embedder = await this.opts.embedder?.()
    if (!embedder) return { embedded: 0, pending: this.pendingCount(), rebuilt: false }
    const batch = Math.max(1, opts.batchSize ?? 32)
    let rebuilt: boolean
    const state = this.vectors.state()
    if (!state || state.modelId !== embedder.id) {
      // Learn the dimension from one embedding, then (re)create the tables for it.
      const [probe] = await embedder.embed(['dimension probe'], opts.signal)
      rebuilt = this.vectors.ensure(embedder.id, probe.length)
    } else {
      rebuilt = this.vectors.ensure(state.modelId, state.dims)
    }
    this.vectors.pruneOrphans()
    const total = this.pendingCount()
    let embedded = 0
    const next = this.db.prepare(
      `SELECT i.rowid AS rowid, i.id AS id, i.caption AS caption FROM images i
       LEFT JOIN image_embeddings e ON e.rowid = i.rowid
       WHERE i.caption IS NOT NULL AND trim(i.caption) <> '' AND (e.rowid IS NULL OR e.image_id <> i.id OR e.text <> i.caption)
       ORDER BY i.rowid LIMIT ?`,
    )
    for (;;) {
      if (opts.signal?.aborted) break
      const rows = next.all(batch) as { rowid: number; id: string; caption: string }[]
      if (!rows.length) break
      const vecs = await embedder.embed(
        rows.map((r) => r.caption),
        opts.signal,
      )
      this.vectors.upsert(rows.map((r, n) => ({ rowid: r.rowid, imageId: r.id, text: r.caption, vector: vecs[n] })))
      embedded += rows.length
      opts.onProgress?.(embedded, total)
    }
    return { embedded, pending: this.pendingCount(), rebuilt }
  }

  private pendingCount(): number {
    return (
      this.db
        .prepare(
          `SELECT count(*) AS n FROM images i LEFT JOIN image_embeddings e ON e.rowid = i.rowid
           WHERE i.caption IS NOT NULL AND trim(i.caption) <> '' AND (e.rowid IS NULL OR e.image_id <> i.id OR e.text <> i.caption)`,
        )
        .get() as { n: number }
    ).n
  }

  /**
   * bm25 in FTS5 scans every match of every phrase twice (once for its IDF, once to rank), and a
   * trigram phrase reads the doclists of all its trigrams: at 1M captions a 3-word query costs
   * 100–300 ms however rare the words are. Stopping early is cheap (`ORDER BY rowid DESC LIMIT n`
   * reads only until n matches: ~4 ms at 1M), so large libraries take the newest `ftsCap`
   * matches and rank those in JS with a bm25-like score: Σ over terms of IDF (within the matches) ×
   * the bm25 column weight of each column containing the term, negated (lower is better, as bm25).
   */
  private ftsLeg(match: string | null, terms: readonly string[], f: ReturnType<typeof filterSql>, depth: number): { rowid: number; score: number }[] {
    if (!match) return []
    if (this.librarySize() <= (this.opts.ftsExactRows ?? FTS_EXACT_ROWS)) {
      return this.db
        .prepare(
          `SELECT i.rowid AS rowid, ${BM25} AS score FROM images_fts JOIN images i ON i.rowid = images_fts.rowid
           WHERE images_fts MATCH @match AND ${f.where} ORDER BY score LIMIT @depth`,
        )
        .all({ ...f.params, match, depth }) as { rowid: number; score: number }[]
    }
    const rows = this.db
      .prepare(
        `SELECT i.rowid AS rowid, i.file_name AS f, i.caption AS c, i.description AS d, i.tags AS t, i.exif_text AS e
         FROM images_fts JOIN images i ON i.rowid = images_fts.rowid
         WHERE images_fts MATCH @match AND ${f.where} ORDER BY images_fts.rowid DESC LIMIT @cap`,
      )
      .all({ ...f.params, match, cap: Math.max(depth, this.opts.ftsCap ?? FTS_CAP) }) as ({ rowid: number } & Record<'f' | 'c' | 'd' | 't' | 'e', string | null>)[]
    const cols = ['f', 'c', 'd', 't', 'e'] as const
    const texts = rows.map((r) => cols.map((c) => (r[c] ?? '').normalize('NFKC').toLowerCase()))
    const score = new Float64Array(rows.length)
    for (const term of terms) {
      const contrib = new Float64Array(rows.length)
      let df = 0
      texts.forEach((cs, n) => {
        let w = 0
        cs.forEach((text, c) => text.includes(term) && (w += WEIGHTS[c]))
        if (w > 0) df++
        contrib[n] = w
      })
      const idf = Math.log(1 + (rows.length - df + 0.5) / (df + 0.5))
      for (let n = 0; n < rows.length; n++) score[n] -= idf * contrib[n]
    }
    return rows
      .map((r, n) => ({ rowid: r.rowid, score: score[n] }))
      .sort((a, b) => a.score - b.score || b.rowid - a.rowid)
      .slice(0, depth)
  }

  private sizeCache: { n: number; at: number } | null = null
  /** Highest images.rowid (an upper bound of the image count, O(log n)), cached for a few seconds. */
  private librarySize(): number {
    const t = (this.opts.now ?? Date.now)()
    if (this.sizeCache && t - this.sizeCache.at < 10_000) return this.sizeCache.n
    const n = (this.db.prepare('SELECT coalesce(max(rowid), 0) AS n FROM images').get() as { n: number }).n
    this.sizeCache = { n, at: t }
    return n
  }

  /** 1–2 character CJK terms: instr() over the newest `scanRows` images (the trigram index cannot match them). */
  private substringLeg(short: readonly string[], f: ReturnType<typeof filterSql>, depth: number): { rowid: number; hits: number }[] {
    const params: Record<string, unknown> = { ...f.params, depth, scan: this.opts.scanRows ?? 50_000 }
    const hits = short.map((t, n) => {
      params[`s${n}`] = t
      return `(instr(hay, @s${n}) > 0)`
    })
    return this.db
      .prepare(
        `SELECT rowid, ${hits.join(' + ')} AS hits FROM (
           SELECT i.rowid AS rowid, ${HAYSTACK} AS hay FROM images i WHERE ${f.where} ORDER BY i.rowid DESC LIMIT @scan
         ) WHERE hits > 0 ORDER BY hits DESC, rowid DESC LIMIT @depth`,
      )
      .all(params) as { rowid: number; hits: number }[]
  }

  private async vectorLeg(
    text: string,
    f: ReturnType<typeof filterSql>,
    depth: number,
    excluded: number,
    narrowing: boolean,
    knn: Partial<KnnOptions>,
  ): Promise<{ rowid: number; distance: number }[]> {
    this.lastVectorError = null
    const state = this.vectors.state()
    if (!state || !this.opts.embedder) return []
    let query: number[]
    try {
      const embedder = await this.opts.embedder()
      if (!embedder || embedder.id !== state.modelId) return []
      ;[query] = await embedder.embed([text])
    } catch (e) {
      this.lastVectorError = (e as Error).message
      return []
    }
    return this.vectorHits(query, f, depth, excluded, narrowing, knn)
  }

  /** KNN, then the filters and exclusions; fetches more while too few survive and more exist. */
  vectorHits(
    query: ArrayLike<number>,
    f: ReturnType<typeof filterSql>,
    depth: number,
    excluded: number,
    narrowing: boolean,
    knn: Partial<KnnOptions> = {},
  ): { rowid: number; distance: number }[] {
    const opts = { ...this.knnOpts, ...knn }
    const keep = this.db.prepare(
      `SELECT i.rowid AS rowid FROM images i JOIN image_embeddings e ON e.rowid = i.rowid AND e.image_id = i.id
       WHERE i.rowid IN (SELECT value FROM json_each(@rowids)) AND ${f.where}`,
    )
    let k = depth + excluded
    if (narrowing) k *= 4
    const total = this.vectors.count()
    for (let round = 0; ; round++) {
      const hits = this.vectors.knn(query, k, opts)
      const alive = new Set(
        (keep.all({ ...f.params, rowids: JSON.stringify(hits.map((h) => h.rowid)) }) as { rowid: number }[]).map((r) => r.rowid),
      )
      const out = hits.filter((h) => alive.has(h.rowid))
      if (out.length >= depth || hits.length < k || k >= total || round === 2) return out.slice(0, depth)
      k = Math.min(total, k * 8)
    }
  }

  private newest(f: ReturnType<typeof filterSql>, limit: number): number[] {
    return (
      this.db
        .prepare(`SELECT i.rowid AS rowid FROM images i WHERE ${f.where} ORDER BY coalesce(i.taken_at, i.created_at) DESC, i.rowid DESC LIMIT @limit`)
        .all({ ...f.params, limit }) as { rowid: number }[]
    ).map((r) => r.rowid)
  }

  private rows(order: readonly number[], scores: Map<number, SearchScores>): SearchResult[] {
    if (!order.length) return []
    const rows = this.db
      .prepare('SELECT rowid, id, path, caption FROM images WHERE rowid IN (SELECT value FROM json_each(?))')
      .all(JSON.stringify(order)) as { rowid: number; id: string; path: string; caption: string | null }[]
    const byRowid = new Map(rows.map((r) => [r.rowid, r]))
    // Copied files are stored relative to the library folder; files referenced in place by absolute path.
    const resolve = this.opts.resolvePath ?? ((r: { path: string }) => (isAbsolute(r.path) ? r.path : join(this.opts.imagesDir, r.path)))
    return order.flatMap((rowid) => {
      const r = byRowid.get(rowid)
      if (!r) return []
      const s = scores.get(rowid) ?? { rrf: 0 }
      return [{ id: r.id, path: resolve(r), caption: r.caption, score: s.rrf, scores: s }]
    })
  }
}
