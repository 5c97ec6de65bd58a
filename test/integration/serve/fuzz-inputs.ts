/**
 * Malformed inputs for every contract method, derived from the method's own zod input schema, so a
 * method added to `methods` is fuzzed without touching the test. For each method: a valid base input
 * is sampled from the schema, then every field (nested objects and the first array element too) is
 * removed, retyped, stretched or poisoned one at a time. A case is kept only when the contract itself
 * rejects it (checked here, in-process), so every case sent to the server is a real "bad input".
 */
import type { z } from 'zod'
import { methods, type MethodName } from '../../../src/shared/api'
import { decodeJson, encodeJson } from '../../../src/shared/wire'

export interface FuzzCase {
  method: MethodName
  label: string
  /** The whole input as JSON text (what goes over the wire). */
  body: string
  /** What the server must answer: trusted-only methods refuse before looking at the input. */
  expect: 'INVALID_INPUT' | 'FORBIDDEN'
}

interface Def {
  type: string
  [k: string]: unknown
}
const defOf = (s: unknown): Def => (s as { _zod: { def: Def } })._zod.def
const accepts = (s: z.ZodType, v: unknown): boolean => {
  try {
    return s.safeParse(v).success
  } catch {
    return false
  }
}

/** One past 1 MiB: longer than any string bound in the contract (document text allows 1,000,000). */
export const HUGE_LENGTH = 1024 * 1024 + 1
const DEEP = 1000
// Placeholders for what JSON.stringify cannot write; replaced in the JSON text.
const INF = '@@fuzz:inf@@'
const NEG_INF = '@@fuzz:-inf@@'
const DEEP_ARRAY = '@@fuzz:deep-array@@'
const DEEP_OBJECT = '@@fuzz:deep-object@@'
const HUGE = '@@fuzz:huge@@'

function render(value: unknown): string {
  return encodeJson(value)
    .replaceAll(`"${INF}"`, '1e999')
    .replaceAll(`"${NEG_INF}"`, '-1e999')
    .replaceAll(`"${DEEP_ARRAY}"`, `${'['.repeat(DEEP)}${']'.repeat(DEEP)}`)
    .replaceAll(`"${DEEP_OBJECT}"`, `${'{"a":'.repeat(DEEP)}1${'}'.repeat(DEEP)}`)
    .replaceAll(HUGE, 'x'.repeat(HUGE_LENGTH))
}

// ---- a valid base input, sampled from the schema ----------------------------------------------

function idSamples(s: unknown): string[] {
  const checks = (defOf(s).checks ?? []) as { _zod: { def: { pattern?: RegExp } } }[]
  const out: string[] = []
  for (const p of checks.map((c) => c._zod.def.pattern).filter((x): x is RegExp => x instanceof RegExp)) {
    // ids look like ^art_[0-9a-z]{12}$ (uploads: ^upl_[0-9a-z]{12}\.gguf$)
    const m = /^\^([a-z]+)_\[0-9a-z\]\{12\}(.*)\$$/.exec(p.source)
    if (m) out.push(`${m[1]}_000000000000${m[2].replace(/\\/g, '')}`)
  }
  return out
}

const LEAF_CANDIDATES: unknown[] = ['x', 'Folio', 'http://127.0.0.1:9/v1', 'A_1', 0, 1, 5, 64, 512, 0.5, false, true, null, {}, []]

function sample(s: z.ZodType, depth = 0): { value: unknown } | null {
  if (depth > 12) return null
  const d = defOf(s)
  const ok = (v: unknown) => (accepts(s, v) ? { value: v } : null)
  switch (d.type) {
    case 'optional':
    case 'default':
    case 'prefault':
    case 'nullable':
    case 'readonly':
      return sample(d.innerType as z.ZodType, depth + 1) ?? ok(null)
    case 'lazy':
      return sample((d.getter as () => z.ZodType)(), depth + 1)
    case 'pipe':
      return sample(d.in as z.ZodType, depth + 1) ?? sample(d.out as z.ZodType, depth + 1)
    case 'union':
      for (const o of d.options as z.ZodType[]) {
        const v = sample(o, depth + 1)
        if (v && accepts(s, v.value)) return v
      }
      return null
    case 'object': {
      const shape = d.shape as Record<string, z.ZodType>
      const out: Record<string, unknown> = {}
      for (const [k, f] of Object.entries(shape)) {
        const v = sample(f, depth + 1)
        if (v && v.value !== undefined) out[k] = v.value
        else if (!accepts(f, undefined)) return null
      }
      if (accepts(s, out)) return { value: out }
      // A refinement across fields (e.g. "prompt or messages"): drop optional fields until it passes.
      for (const k of Object.keys(out)) {
        if (!accepts(shape[k], undefined)) continue
        const { [k]: _dropped, ...rest } = out
        if (accepts(s, rest)) return { value: rest }
      }
      return null
    }
    case 'array': {
      const e = sample(d.element as z.ZodType, depth + 1)
      // One element when allowed: its fields are fuzzed too (and some refinements need one).
      return (e ? ok([e.value]) : null) ?? ok([])
    }
    case 'custom':
      return ok(new Uint8Array([137, 80, 78, 71]))
    case 'enum':
      return ok(Object.values(d.entries as Record<string, unknown>)[0])
    case 'literal':
      return ok((d.values as unknown[])[0])
    default:
      for (const c of [...idSamples(s), ...LEAF_CANDIDATES]) if (accepts(s, c)) return { value: c }
      return null
  }
}

// ---- mutations ---------------------------------------------------------------------------------

type Path = (string | number)[]

const WRONG: [string, unknown][] = [
  ['number', 42],
  ['negative', -1],
  ['fraction', 1.5],
  ['unsafe integer', 2 ** 53 + 2],
  ['Infinity', INF],
  ['-Infinity', NEG_INF],
  ['string', 'x'],
  ['empty string', ''],
  ['boolean', true],
  ['null', null],
  ['empty array', []],
  ['empty object', {}],
  ['deeply nested array', DEEP_ARRAY],
  ['deeply nested object', DEEP_OBJECT],
]
const BAD_STRINGS: [string, (v: string) => string][] = [
  ['huge string', () => HUGE],
  ['traversal', () => '../../../etc/passwd'],
  ['encoded traversal', () => '..%2f..%2fetc%2fpasswd'],
  ['absolute path', () => '/etc/passwd'],
  ['windows path', () => 'C:\\Windows\\win.ini'],
  ['NUL byte', (v) => `${v}\u0000`],
  ['lone surrogate', (v) => `${v}\ud800`],
  ['upper case', (v) => v.toUpperCase()],
  ['one short', (v) => v.slice(0, -1)],
  ['one long', (v) => `${v}0`],
  ['file URL', () => 'file:///etc/passwd'],
  ['javascript URL', () => 'javascript:alert(1)'],
]
const POISON_KEYS = ['__proto__', 'constructor', 'prototype', 'fuzzExtraField']

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Uint8Array)
}

function setAt(root: unknown, path: Path, value: unknown, remove = false): unknown {
  if (path.length === 0) return value
  const copy: unknown = Array.isArray(root) ? [...root] : { ...(root as object) }
  const [head, ...rest] = path
  const c = copy as Record<string | number, unknown>
  if (rest.length === 0 && remove) {
    if (Array.isArray(copy)) copy.splice(head as number, 1)
    else delete c[head]
  } else c[head] = setAt(c[head], rest, value, remove)
  return copy
}

/** An own, enumerable key (JSON.stringify writes it; `o.__proto__ = …` would set the prototype instead). */
function withKey(o: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
  const out = { ...o }
  Object.defineProperty(out, key, { value, enumerable: true, configurable: true, writable: true })
  return out
}

function* mutations(base: unknown): Generator<[string, unknown]> {
  for (const [label, v] of [['number', 42], ['string', 'x'], ['boolean', true], ['array', []], ['array of the input', [base]], ['Infinity', INF], ['deeply nested array', DEEP_ARRAY]] as [string, unknown][]) {
    yield [`input: ${label}`, v]
  }
  yield* nodeMutations(base, base, [], 0)
}

function* nodeMutations(base: unknown, node: unknown, path: Path, depth: number): Generator<[string, unknown]> {
  const at = path.length ? path.join('.') : 'input'
  if (isPlainObject(node)) {
    for (const key of POISON_KEYS) {
      yield [`${at}: extra key ${key}`, setAt(base, path, withKey(node, key, { polluted: true }))]
    }
    for (const [k, v] of Object.entries(node)) {
      const p = [...path, k]
      yield [`${p.join('.')}: missing`, setAt(base, p, undefined, true)]
      yield* valueMutations(base, v, p, depth)
    }
  } else if (Array.isArray(node) && node.length > 0) {
    yield* valueMutations(base, node[0], [...path, 0], depth)
  }
}

function* valueMutations(base: unknown, v: unknown, p: Path, depth: number): Generator<[string, unknown]> {
  const at = p.join('.')
  for (const [label, w] of WRONG) yield [`${at}: ${label}`, setAt(base, p, w)]
  if (Array.isArray(v) || v instanceof Uint8Array) yield [`${at}: object for array`, setAt(base, p, { 0: v instanceof Uint8Array ? 1 : v[0] })]
  if (isPlainObject(v)) yield [`${at}: array for object`, setAt(base, p, [v])]
  if (v instanceof Uint8Array) {
    yield [`${at}: bytes as a string`, setAt(base, p, 'iVBORw0KGgo=')]
    yield [`${at}: bytes as numbers`, setAt(base, p, [137, 80, 78, 71])]
    yield [`${at}: bytes of the wrong type`, setAt(base, p, { $bytes: 12 })]
  }
  if (typeof v === 'string') for (const [label, f] of BAD_STRINGS) yield [`${at}: ${label}`, setAt(base, p, f(v))]
  if (depth < 3 && (isPlainObject(v) || Array.isArray(v))) yield* nodeMutations(base, v, p, depth + 1)
}

export interface FuzzPlan {
  cases: FuzzCase[]
  /** Methods whose schema yielded no valid base (only whole-input cases are sent for them). */
  noBase: MethodName[]
  /** Field paths that accept a string over 1 MiB (`method path`). */
  unbounded: string[]
}

export function fuzzPlan(): FuzzPlan {
  const cases: FuzzCase[] = []
  const noBase: MethodName[] = []
  const unbounded: string[] = []
  for (const method of Object.keys(methods) as MethodName[]) {
    const def = methods[method] as { input: z.ZodType; trusted?: boolean }
    const expect = def.trusted ? 'FORBIDDEN' : 'INVALID_INPUT'
    const base = sample(def.input)
    if (!base) noBase.push(method)
    const seen = new Set<string>()
    for (const [label, value] of mutations(base?.value ?? {})) {
      const body = render(value)
      if (seen.has(body)) continue
      seen.add(body)
      let rejected: boolean
      try {
        rejected = !accepts(def.input, decodeJson(body))
      } catch {
        rejected = true
      }
      if (!rejected && label.endsWith(': huge string')) unbounded.push(`${method} ${label.replace(/: huge string$/, '')}`)
      // Trusted-only methods refuse every input from the network, valid or not.
      if (rejected || def.trusted) cases.push({ method, label, body, expect })
    }
  }
  return { cases, noBase, unbounded }
}
