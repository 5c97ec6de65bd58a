/** Loads sqlite-vec into a connection once (its loadable file sits beside the npm package). */
import type { Database } from 'better-sqlite3'
import * as sqliteVec from 'sqlite-vec'

export function ensureSqliteVec(db: Database): void {
  try {
    db.prepare('SELECT vec_version()').get()
    return
  } catch {
    sqliteVec.load(db)
  }
}
