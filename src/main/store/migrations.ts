import type { Database } from 'better-sqlite3'
import { m001 } from './migrations/001-core'
import { m002 } from './migrations/002-models'
import { m003 } from './migrations/003-library'
import { m004 } from './migrations/004-search'
import { m005 } from './migrations/005-captions'
import { m006 } from './migrations/006-albums'
import { m007 } from './migrations/007-chat'

export interface Migration {
  version: number
  name: string
  up(db: Database): void
}

/** Append only, one file per version in ./migrations. Each runs in its own transaction and bumps `PRAGMA user_version`. */
export const MIGRATIONS: readonly Migration[] = [
  m001,
  m002,
  m003,
  m004,
  m005,
  m006,
  m007,
]

export const LATEST_SCHEMA = MIGRATIONS[MIGRATIONS.length - 1].version
