/**
 * What the renderer evaluates before the editor shows: every module statically reachable from
 * main.tsx (type-only imports and lazy `import()` left out, as the bundler leaves them out). The API
 * contract builds hundreds of zod schemas when it is evaluated (~40 ms at start-up on a 2-core
 * machine); the renderer needs none of them to start, only the limits in shared/limits.ts.
 */
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'

const ROOT = resolve(__dirname, '..', '..', '..')
const ENTRY = join(ROOT, 'src/renderer/src/main.tsx')

function resolveModule(from: string, spec: string): string | null {
  if (!spec.startsWith('.')) return null // packages are not ours to walk
  const base = resolve(dirname(from), spec)
  for (const p of [base, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts'), join(base, 'index.tsx')]) {
    if (/\.tsx?$/.test(p) && existsSync(p)) return p
  }
  return null
}

/** Value imports and re-exports of one file (what survives type erasure). */
function valueImports(file: string): string[] {
  const src = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false, file.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS)
  const out: string[] = []
  for (const st of src.statements) {
    if (ts.isImportDeclaration(st)) {
      const clause = st.importClause
      if (clause?.isTypeOnly) continue
      const named = clause?.namedBindings
      const onlyTypes = clause && !clause.name && named && ts.isNamedImports(named) && named.elements.length > 0 && named.elements.every((e) => e.isTypeOnly)
      if (onlyTypes) continue
      out.push((st.moduleSpecifier as ts.StringLiteral).text)
    } else if (ts.isExportDeclaration(st) && st.moduleSpecifier && !st.isTypeOnly) {
      out.push((st.moduleSpecifier as ts.StringLiteral).text)
    }
  }
  return out
}

function startupModules(): Set<string> {
  const seen = new Set<string>()
  const queue = [ENTRY]
  while (queue.length > 0) {
    const file = queue.pop()!
    if (seen.has(file)) continue
    seen.add(file)
    for (const spec of valueImports(file)) {
      const next = resolveModule(file, spec)
      if (next) queue.push(next)
    }
  }
  return new Set([...seen].map((f) => relative(ROOT, f).split('\\').join('/')))
}

describe('renderer start-up imports', () => {
  const modules = startupModules()

  it('reach the editor and the client (a check that the walk follows imports)', () => {
    expect(modules).toContain('src/renderer/src/App.tsx')
    expect(modules).toContain('src/shared/client.ts')
    expect([...modules].some((m) => m.startsWith('src/renderer/src/editor/'))).toBe(true)
    expect(modules).toContain('src/shared/limits.ts')
  })

  it('never evaluate the API contract or its record modules', () => {
    const contract = [...modules].filter((m) => /^src\/shared\/(api|[a-z-]+-api)\.ts$/.test(m))
    expect(contract).toEqual([])
  })
})
