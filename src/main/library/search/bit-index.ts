/**
 * The first pass of vector search, in memory: the sign bits of every stored caption vector (the
 * same bytes sqlite-vec's `vec_quantize_binary` writes into `image_vec_bit`), packed into one
 * contiguous block of 64-bit words in a WebAssembly memory, scanned by hamming distance with the
 * `i64.popcnt` kernel in ./hamming-wasm (1M×768: ~10 ms; SWAR over 32-bit words or a 16-bit lookup
 * table in JS: ~75 ms). 768 dims = 96 bytes a vector: 1M images take ~96 MB, + 2 bytes of distance
 * scratch, 8 for the rowid, 1 tombstone flag and 4 for the rowid → slot table.
 *
 * Top-C selection uses a histogram of the (small integer) distances instead of a heap: one pass
 * computes distances, a second collects everything under the cut, O(n) with no comparisons.
 *
 * Deletes leave tombstones (slot marked dead, skipped by the scan); the arrays are compacted
 * once a quarter of the slots are dead.
 */

import { hammingKernel, type HammingKernel } from './hamming-wasm'

const SLOT_MAP_LIMIT = 1 << 26
const PAGE = 65536
/** Query bytes live at offset 0 of the memory; vectors start here (room for 65,536-dimension queries). */
const BASE = 8192

export interface BitCandidate {
  rowid: number
  hamming: number
}

export class BitIndex {
  /** 64-bit words per vector. */
  readonly words: number
  private readonly memory: WebAssembly.Memory
  private readonly kernel: HammingKernel
  private rowids: Float64Array
  private dead: Uint8Array
  private size = 0
  private deadCount = 0
  /** rowid → slot + 1 (0 = absent); a Map once rowids get too large for a dense table. */
  private slotTable = new Int32Array(1024)
  private slotMap: Map<number, number> | null = null

  constructor(
    readonly bytes: number,
    capacity = 1024,
  ) {
    this.words = Math.ceil(bytes / 8)
    capacity = Math.max(16, capacity)
    this.memory = new WebAssembly.Memory({ initial: Math.ceil(this.bytesFor(capacity) / PAGE) })
    this.kernel = hammingKernel(this.memory)
    this.rowids = new Float64Array(capacity)
    this.dead = new Uint8Array(capacity)
  }

  /** Live vectors. */
  get count(): number {
    return this.size - this.deadCount
  }

  /** Bytes held by the typed arrays. */
  get memoryBytes(): number {
    return (
      this.memory.buffer.byteLength +
      this.rowids.byteLength +
      this.dead.byteLength +
      this.slotTable.byteLength +
      (this.slotMap ? this.slotMap.size * 40 : 0)
    )
  }

  private slotOf(rowid: number): number {
    if (this.slotMap) return (this.slotMap.get(rowid) ?? 0) - 1
    return rowid >= 0 && rowid < this.slotTable.length ? this.slotTable[rowid] - 1 : -1
  }

  private setSlot(rowid: number, slot: number): void {
    if (!this.slotMap && (rowid < 0 || rowid >= SLOT_MAP_LIMIT || !Number.isInteger(rowid))) {
      this.slotMap = new Map()
      this.slotTable.forEach((s, r) => s > 0 && this.slotMap!.set(r, s))
      this.slotTable = new Int32Array(0)
    }
    if (this.slotMap) {
      if (slot < 0) this.slotMap.delete(rowid)
      else this.slotMap.set(rowid, slot + 1)
      return
    }
    if (rowid >= this.slotTable.length) {
      if (slot < 0) return
      const grown = new Int32Array(Math.max(rowid + 1, this.slotTable.length * 2))
      grown.set(this.slotTable)
      this.slotTable = grown
    }
    this.slotTable[rowid] = slot + 1
  }

  /** Memory layout: query at 0, vectors from BASE, then one u16 distance per slot. */
  private bytesFor(capacity: number): number {
    return BASE + capacity * this.words * 8 + capacity * 2
  }

  private get distOffset(): number {
    return BASE + this.rowids.length * this.words * 8
  }

  private grow(): void {
    const cap = this.rowids.length * 2
    const need = this.bytesFor(cap) - this.memory.buffer.byteLength
    if (need > 0) this.memory.grow(Math.ceil(need / PAGE))
    const rowids = new Float64Array(cap)
    rowids.set(this.rowids)
    const dead = new Uint8Array(cap)
    dead.set(this.dead)
    this.rowids = rowids
    this.dead = dead
  }

  /** Adds or replaces the sign bits of one vector (`bits`: `bytes` bytes, sqlite-vec layout). */
  set(rowid: number, bits: Uint8Array): void {
    this.delete(rowid)
    if (this.size === this.rowids.length) this.grow()
    const slot = this.size++
    const view = new Uint8Array(this.memory.buffer, BASE + slot * this.words * 8, this.words * 8)
    view.fill(0)
    view.set(bits.subarray(0, Math.min(bits.length, this.words * 8)))
    this.rowids[slot] = rowid
    this.dead[slot] = 0
    this.setSlot(rowid, slot)
  }

  /** Marks a vector dead (a tombstone); compacts when a quarter of the slots are dead. */
  delete(rowid: number): boolean {
    const slot = this.slotOf(rowid)
    if (slot < 0) return false
    this.dead[slot] = 1
    this.deadCount++
    this.setSlot(rowid, -1)
    if (this.deadCount > 1024 && this.deadCount * 4 > this.size) this.compact()
    return true
  }

  has(rowid: number): boolean {
    return this.slotOf(rowid) >= 0
  }

  /** Moves live vectors down over the tombstones. */
  compact(): void {
    const w = this.words * 8
    const mem = new Uint8Array(this.memory.buffer)
    let to = 0
    for (let from = 0; from < this.size; from++) {
      if (this.dead[from]) continue
      if (to !== from) {
        mem.copyWithin(BASE + to * w, BASE + from * w, BASE + from * w + w)
        this.rowids[to] = this.rowids[from]
        this.dead[to] = 0
        this.setSlot(this.rowids[to], to)
      }
      to++
    }
    this.dead.fill(0, to, this.size)
    this.size = to
    this.deadCount = 0
  }

  /** The `c` live vectors nearest to `query` by hamming distance (ties at the cut: the lowest slots), nearest first. */
  search(query: Uint8Array, c: number): BitCandidate[] {
    const n = this.size
    if (!n || c <= 0) return []
    const w = this.words
    const q = new Uint8Array(this.memory.buffer, 0, w * 8)
    q.fill(0)
    q.set(query.subarray(0, w * 8))
    const out0 = this.distOffset
    this.kernel(0, BASE, n, w, out0)
    const dist = new Uint16Array(this.memory.buffer, out0, n)
    const dead = this.dead
    const maxD = w * 64
    const hist = new Uint32Array(maxD + 2)
    for (let i = 0; i < n; i++) {
      if (dead[i]) dist[i] = maxD + 1
      else hist[dist[i]]++
    }
    // The smallest cut that holds c candidates.
    let cut = 0
    let taken = 0
    while (cut <= maxD && taken + hist[cut] < c) taken += hist[cut++]
    const below = taken
    const atCut = c - below
    const out: BitCandidate[] = []
    let tie = 0
    for (let i = 0; i < n; i++) {
      const d = dist[i]
      if (d < cut) out.push({ rowid: this.rowids[i], hamming: d })
      else if (d === cut && cut <= maxD && tie < atCut) {
        out.push({ rowid: this.rowids[i], hamming: d })
        tie++
      }
    }
    return out.sort((a, b) => a.hamming - b.hamming || a.rowid - b.rowid)
  }
}
