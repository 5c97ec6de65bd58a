/** import_jobs / import_items: the persisted plan of an import, so a crash-interrupted import resumes. */
import type { Database } from 'better-sqlite3'
import { newId } from '../../../shared/ids'

export type ItemState = 'pending' | 'done' | 'duplicate' | 'rejected'

export interface ImportItem {
  job_id: string
  idx: number
  path: string
  state: ItemState
  image_id: string | null
  reason: string | null
}
export interface ImportJob {
  id: string
  created_at: number
  state: 'running' | 'done' | 'cancelled'
  total: number
  done: number
  copy: number
}

export interface ImportReport {
  imported: { id: string; path: string; sha256: string }[]
  duplicates: { path: string; id: string }[]
  rejected: { path: string; reason: string }[]
}

export class ImportJobs {
  constructor(private readonly db: Database) {}

  create(files: string[], rejected: { path: string; reason: string }[], copy: boolean, now: number): string {
    const id = newId('op').replace(/^op_/, 'imp_')
    const all = [...files.map((path) => ({ path, reason: null as string | null })), ...rejected]
    this.db.transaction(() => {
      this.db
        .prepare('INSERT INTO import_jobs (id, created_at, state, total, done, copy) VALUES (?, ?, ?, ?, ?, ?)')
        .run(id, now, 'running', all.length, rejected.length, copy ? 1 : 0)
      const ins = this.db.prepare('INSERT INTO import_items (job_id, idx, path, state, reason) VALUES (?, ?, ?, ?, ?)')
      all.forEach((it, i) => ins.run(id, i, it.path, it.reason === null ? 'pending' : 'rejected', it.reason))
    })()
    return id
  }

  job(id: string): ImportJob | undefined {
    return this.db.prepare('SELECT * FROM import_jobs WHERE id = ?').get(id) as ImportJob | undefined
  }

  running(): ImportJob[] {
    return this.db.prepare("SELECT * FROM import_jobs WHERE state = 'running' ORDER BY created_at").all() as ImportJob[]
  }

  pending(jobId: string): ImportItem[] {
    return this.db
      .prepare("SELECT * FROM import_items WHERE job_id = ? AND state = 'pending' ORDER BY idx")
      .all(jobId) as ImportItem[]
  }

  /** Records one item's outcome; `also` runs in the same transaction (the image row insert). */
  finish(jobId: string, idx: number, state: Exclude<ItemState, 'pending'>, imageId: string | null, reason: string | null, also?: () => void): void {
    this.db.transaction(() => {
      also?.()
      const r = this.db
        .prepare("UPDATE import_items SET state = ?, image_id = ?, reason = ? WHERE job_id = ? AND idx = ? AND state = 'pending'")
        .run(state, imageId, reason, jobId, idx)
      if (r.changes) this.db.prepare('UPDATE import_jobs SET done = done + 1 WHERE id = ?').run(jobId)
    })()
  }

  setState(jobId: string, state: ImportJob['state']): void {
    this.db.prepare('UPDATE import_jobs SET state = ? WHERE id = ?').run(state, jobId)
  }

  report(jobId: string): ImportReport {
    const rows = this.db
      .prepare(
        `SELECT i.path, i.state, i.image_id, i.reason, img.sha256 FROM import_items i
         LEFT JOIN images img ON img.id = i.image_id WHERE i.job_id = ? ORDER BY i.idx`,
      )
      .all(jobId) as { path: string; state: ItemState; image_id: string | null; reason: string | null; sha256: string | null }[]
    const out: ImportReport = { imported: [], duplicates: [], rejected: [] }
    for (const r of rows) {
      if (r.state === 'done' && r.image_id) out.imported.push({ id: r.image_id, path: r.path, sha256: r.sha256 ?? '' })
      else if (r.state === 'duplicate' && r.image_id) out.duplicates.push({ path: r.path, id: r.image_id })
      else if (r.state === 'rejected') out.rejected.push({ path: r.path, reason: r.reason ?? 'rejected' })
    }
    return out
  }
}
