/** SQL for the captioning queue: which image is next, claiming it, writing the answer, counts, settings. */
import type { Database } from 'better-sqlite3'
import type { CaptionAnswer, CaptionLanguage } from './prompts'
import { CaptionLanguage as CaptionLanguageSchema } from './prompts'
import { DEFAULT_CAPTION_MAX_SIZE } from './downscale'

export const PAUSED_KEY = 'library.captionsPaused'
export const LANGUAGE_KEY = 'library.captionLanguage'
export const MAX_SIZE_KEY = 'library.captionMaxSize'

/** Images the queue works on: not in the trash, caption not written by the user. */
const ELIGIBLE = `trashed_at IS NULL AND (caption_source IS NULL OR caption_source <> 'user')`

export type WriteOutcome = 'done' | 'skipped' | 'gone'

export class CaptionRepo {
  constructor(private readonly db: Database) {}

  /** The newest pending import. */
  next(exclude: ReadonlySet<string> = new Set()): { id: string } | undefined {
    const rows = this.db
      .prepare(`SELECT id FROM images WHERE caption_state = 'pending' AND ${ELIGIBLE} ORDER BY created_at DESC, rowid DESC LIMIT ?`)
      .all(exclude.size + 1) as { id: string }[]
    return rows.find((r) => !exclude.has(r.id))
  }

  claim(id: string): boolean {
    return this.db.prepare(`UPDATE images SET caption_state = 'running' WHERE id = ? AND caption_state = 'pending'`).run(id).changes === 1
  }

  /** Back to the queue (a cancelled request, a crash). */
  release(id: string): void {
    this.db.prepare(`UPDATE images SET caption_state = 'pending' WHERE id = ? AND caption_state = 'running'`).run(id)
  }

  /** Rows a crash left 'running' go back to 'pending'. */
  recoverRunning(): number {
    return this.db.prepare(`UPDATE images SET caption_state = 'pending' WHERE caption_state = 'running'`).run().changes
  }

  /**
   * Writes the model's answer in one transaction, re-reading the row inside it: a caption the user
   * edited meanwhile (caption_source 'user') is never overwritten.
   */
  writeAnswer(id: string, a: CaptionAnswer): WriteOutcome {
    return this.db.transaction((): WriteOutcome => {
      const row = this.db.prepare('SELECT caption_source FROM images WHERE id = ?').get(id) as { caption_source: string | null } | undefined
      if (!row) return 'gone'
      if (row.caption_source === 'user') {
        this.db.prepare(`UPDATE images SET caption_state = 'skipped', caption_error = NULL WHERE id = ?`).run(id)
        return 'skipped'
      }
      this.db
        .prepare(
          `UPDATE images SET caption = ?, description = ?, tags = ?, caption_source = 'model', caption_state = 'done', caption_error = NULL
           WHERE id = ?`,
        )
        .run(a.caption, a.description, JSON.stringify(a.tags), id)
      return 'done'
    })()
  }

  /** A user-edited image leaves the queue as 'skipped'; otherwise 'failed' with the reason. */
  fail(id: string, reason: string): 'failed' | 'skipped' | 'gone' {
    return this.db.transaction((): 'failed' | 'skipped' | 'gone' => {
      const row = this.db.prepare('SELECT caption_source FROM images WHERE id = ?').get(id) as { caption_source: string | null } | undefined
      if (!row) return 'gone'
      const state = row.caption_source === 'user' ? 'skipped' : 'failed'
      this.db.prepare('UPDATE images SET caption_state = ?, caption_error = ? WHERE id = ?').run(state, state === 'failed' ? reason : null, id)
      return state
    })()
  }

  /** Pending images the user edited are skipped outright. */
  skipUserEdited(): number {
    return this.db
      .prepare(`UPDATE images SET caption_state = 'skipped' WHERE caption_state IN ('pending', 'failed') AND caption_source = 'user'`)
      .run().changes
  }

  retryFailed(): number {
    return this.db.prepare(`UPDATE images SET caption_state = 'pending', caption_error = NULL WHERE caption_state = 'failed' AND ${ELIGIBLE}`).run()
      .changes
  }

  /** `folio caption --all`: every image the user did not edit is captioned again. */
  requeueAll(): number {
    return this.db
      .prepare(`UPDATE images SET caption_state = 'pending', caption_error = NULL WHERE caption_state <> 'running' AND ${ELIGIBLE}`)
      .run().changes
  }

  counts(): { pending: number; done: number; failed: number; skipped: number } {
    const rows = this.db
      .prepare(`SELECT caption_state AS s, COUNT(*) AS n FROM images WHERE trashed_at IS NULL GROUP BY caption_state`)
      .all() as { s: string; n: number }[]
    const by = Object.fromEntries(rows.map((r) => [r.s, r.n])) as Record<string, number | undefined>
    return { pending: (by.pending ?? 0) + (by.running ?? 0), done: by.done ?? 0, failed: by.failed ?? 0, skipped: by.skipped ?? 0 }
  }

  error(id: string): string | null {
    return (this.db.prepare('SELECT caption_error AS e FROM images WHERE id = ?').get(id) as { e: string | null } | undefined)?.e ?? null
  }

  // ---- settings (JSON values in the settings table) ----

  private setting(key: string): unknown {
    const row = this.db.prepare('SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined
    if (!row) return undefined
    try {
      return JSON.parse(row.value) as unknown
    } catch {
      return undefined
    }
  }

  private setSetting(key: string, value: unknown): void {
    this.db
      .prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value')
      .run(key, JSON.stringify(value))
  }

  paused(): boolean {
    return this.setting(PAUSED_KEY) === true
  }

  setPaused(paused: boolean): void {
    this.setSetting(PAUSED_KEY, paused)
  }

  language(): CaptionLanguage {
    const v = CaptionLanguageSchema.safeParse(this.setting(LANGUAGE_KEY))
    return v.success ? v.data : 'en'
  }

  maxSize(): number {
    const v = this.setting(MAX_SIZE_KEY)
    return typeof v === 'number' && Number.isInteger(v) && v >= 64 && v <= 4096 ? v : DEFAULT_CAPTION_MAX_SIZE
  }
}
