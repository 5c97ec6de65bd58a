import { describe, expect, it } from 'vitest'
import { DOC_MIGRATIONS, migrateDoc, type DocMigrations } from '../../../src/main/articles/doc-migrations'
import { DOC_SCHEMA_VERSION, type Doc } from '../../../src/shared/doc'
import { FolioError } from '../../../src/shared/errors'

const start: Doc = { type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'hi' }] }] }

/** Each step records itself, so the test sees which ran and in what order. */
const steps: DocMigrations = {
  1: (d) => ({ ...d, trail: [...((d.trail as string[]) ?? []), '1→2'] }),
  2: (d) => ({ ...d, trail: [...((d.trail as string[]) ?? []), '2→3'] }),
  3: (d) => ({ ...d, trail: [...((d.trail as string[]) ?? []), '3→4'] }),
}

describe('migrateDoc', () => {
  it('applies each step from the stored schema up to the target, in order', () => {
    expect(migrateDoc(start, 1, 4, steps)).toEqual({ ...start, trail: ['1→2', '2→3', '3→4'] })
    expect(migrateDoc(start, 2, 4, steps)).toEqual({ ...start, trail: ['2→3', '3→4'] })
    expect(migrateDoc(start, 1, 2, steps)).toEqual({ ...start, trail: ['1→2'] })
  })

  it('returns a current document unchanged', () => {
    expect(migrateDoc(start, 3, 3, steps)).toBe(start)
    expect(migrateDoc(start, DOC_SCHEMA_VERSION)).toBe(start)
  })

  it('refuses a document from a newer schema with DB_TOO_NEW', () => {
    let err: unknown
    try {
      migrateDoc(start, 5, 4, steps)
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(FolioError)
    expect((err as FolioError).code).toBe('DB_TOO_NEW')
    expect((err as FolioError).message).toContain('document schema 5')
    expect(() => migrateDoc(start, DOC_SCHEMA_VERSION + 1)).toThrow(expect.objectContaining({ code: 'DB_TOO_NEW' }))
  })

  it('fails loudly when a step is missing', () => {
    expect(() => migrateDoc(start, 1, 3, { 2: steps[2] })).toThrow(expect.objectContaining({ code: 'INTERNAL' }))
  })

  it('has a step for every schema below the current one', () => {
    for (let v = 1; v < DOC_SCHEMA_VERSION; v++) expect(typeof DOC_MIGRATIONS[v], `migration ${v}→${v + 1}`).toBe('function')
  })
})
