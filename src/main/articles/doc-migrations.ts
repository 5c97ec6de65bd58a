import { DOC_SCHEMA_VERSION, type Doc } from '../../shared/doc'
import { FolioError } from '../../shared/errors'

/** `migrations[v]` turns a document of schema v into schema v + 1 (tldraw-style record migrations). */
export type DocMigrations = Readonly<Record<number, (doc: Doc) => Doc>>

// Schema 1 is the first stored shape; add `1: (doc) => …` here when DOC_SCHEMA_VERSION becomes 2.
export const DOC_MIGRATIONS: DocMigrations = {}

export function migrateDoc(
  doc: Doc,
  from: number,
  to: number = DOC_SCHEMA_VERSION,
  migrations: DocMigrations = DOC_MIGRATIONS,
): Doc {
  if (from > to) {
    throw new FolioError('DB_TOO_NEW', `This article was saved by a newer version of Folio (document schema ${from}, this version reads up to ${to}).`)
  }
  let out = doc
  for (let v = from; v < to; v++) {
    const step = migrations[v]
    if (!step) throw new FolioError('INTERNAL', `No migration from document schema ${v} to ${v + 1}.`)
    out = step(out)
  }
  return out
}
