/** Loads sqlite-vec into a connection once (its loadable file sits beside the npm package). */
import { existsSync } from 'node:fs'
import { sep } from 'node:path'
import type { Database } from 'better-sqlite3'
import * as sqliteVec from 'sqlite-vec'

/**
 * In a packaged app the extension's path points inside app.asar, which SQLite's own dlopen cannot
 * read; electron-builder puts the file in app.asar.unpacked (asarUnpack in electron-builder.yml).
 */
export function outsideAsar(path: string, exists: (p: string) => boolean = existsSync): string {
  const marker = `.asar${sep}`
  const i = path.indexOf(marker)
  if (i < 0) return path
  const unpacked = `${path.slice(0, i)}.asar.unpacked${sep}${path.slice(i + marker.length)}`
  return exists(unpacked) ? unpacked : path
}

export function ensureSqliteVec(db: Database): void {
  try {
    db.prepare('SELECT vec_version()').get()
    return
  } catch {
    db.loadExtension(outsideAsar(sqliteVec.getLoadablePath()))
  }
}
