/**
 * A 60-byte WebAssembly kernel for the in-memory first pass: hamming distances of one query
 * against n packed bit vectors with `i64.popcnt` (one instruction per 64-bit word; JS has no
 * 64-bit popcount: SWAR over 32-bit words or a 16-bit lookup table both measured ~7x slower).
 *
 *   h(q, base, n, w, out): for i < n: out[i] (u16) = Σ_j<w popcnt(load64(base + 8(i·w + j)) ^ load64(q + 8j))
 *
 * Hand-assembled (no toolchain); the memory is imported so the index can grow it and write into it.
 */
function leb(n: number): number[] {
  const out: number[] = []
  do {
    let b = n & 0x7f
    n >>>= 7
    if (n) b |= 0x80
    out.push(b)
  } while (n)
  return out
}
const section = (id: number, body: number[]) => [id, ...leb(body.length), ...body]
const str = (s: string) => [s.length, ...Array.from(s, (c) => c.charCodeAt(0))]

// Locals: params q=0 base=1 n=2 w=3 out=4; i=5 j=6 (i32), d=7 (i64), p=8 (i32).
const GET = 0x20
const SET = 0x21
const TEE = 0x22
const CODE = [
  0x03, 0x02, 0x7f, 0x01, 0x7e, 0x01, 0x7f, // locals: 2×i32, 1×i64, 1×i32
  GET, 1, SET, 8, // p = base
  0x02, 0x40, // block
  GET, 2, 0x45, 0x0d, 0, // if n == 0 break
  0x03, 0x40, // loop (vectors)
  0x42, 0, SET, 7, // d = 0
  0x41, 0, SET, 6, // j = 0
  0x03, 0x40, // loop (words)
  GET, 8, 0x29, 3, 0, // load64(p)
  GET, 0, GET, 6, 0x41, 3, 0x74, 0x6a, 0x29, 3, 0, // load64(q + j << 3)
  0x85, 0x7b, GET, 7, 0x7c, SET, 7, // d += popcnt(xor)
  GET, 8, 0x41, 8, 0x6a, SET, 8, // p += 8
  GET, 6, 0x41, 1, 0x6a, TEE, 6, GET, 3, 0x49, 0x0d, 0, // if ++j < w continue
  0x0b,
  GET, 4, GET, 5, 0x41, 1, 0x74, 0x6a, GET, 7, 0xa7, 0x3b, 1, 0, // store16(out + i << 1, d)
  GET, 5, 0x41, 1, 0x6a, TEE, 5, GET, 2, 0x49, 0x0d, 0, // if ++i < n continue
  0x0b,
  0x0b,
  0x0b, // end function
]

const MODULE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  ...section(1, [1, 0x60, 5, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0]),
  ...section(2, [1, ...str('e'), ...str('m'), 0x02, 0x00, 1]),
  ...section(3, [1, 0]),
  ...section(7, [1, ...str('h'), 0x00, 0]),
  ...section(10, [1, ...leb(CODE.length), ...CODE]),
])

export type HammingKernel = (q: number, base: number, n: number, words: number, out: number) => void

let compiled: WebAssembly.Module | null = null

/** A kernel bound to `memory` (which the caller owns and may grow). */
export function hammingKernel(memory: WebAssembly.Memory): HammingKernel {
  compiled ??= new WebAssembly.Module(MODULE)
  const inst = new WebAssembly.Instance(compiled, { e: { m: memory } })
  return inst.exports.h as HammingKernel
}
