import type { Database, Statement } from 'better-sqlite3'

export interface ArticleRow {
  id: string
  title: string
  doc: string
  doc_schema: number
  revision: number
  word_count: number
  excerpt: string
  created_at: number
  updated_at: number
  trashed_at: number | null
}

export interface VersionRow {
  id: string
  article_id: string
  created_at: number
  kind: 'auto' | 'manual' | 'before-restore'
  label: string | null
  title: string
  doc: string
  doc_schema: number
  word_count: number
}

const SUMMARY_COLS = 'id, title, revision, word_count, excerpt, created_at, updated_at, trashed_at'

/** SQL for articles and their versions, prepared once. */
export class ArticleRepo {
  private readonly s: Record<string, Statement>

  constructor(private readonly db: Database) {
    this.s = {
      list: db.prepare(`SELECT ${SUMMARY_COLS} FROM articles WHERE trashed_at IS NULL ORDER BY updated_at DESC, id`),
      listTrash: db.prepare(`SELECT ${SUMMARY_COLS} FROM articles WHERE trashed_at IS NOT NULL ORDER BY trashed_at DESC, id`),
      get: db.prepare('SELECT * FROM articles WHERE id = ?'),
      insert: db.prepare(`INSERT INTO articles (id, title, doc, doc_schema, revision, word_count, excerpt, created_at, updated_at)
        VALUES (@id, @title, @doc, @doc_schema, @revision, @word_count, @excerpt, @created_at, @updated_at)`),
      update: db.prepare(`UPDATE articles SET title = @title, doc = @doc, doc_schema = @doc_schema, revision = revision + 1,
        word_count = @word_count, excerpt = @excerpt, updated_at = @updated_at WHERE id = @id`),
      rename: db.prepare('UPDATE articles SET title = ?, revision = revision + 1, updated_at = ? WHERE id = ?'),
      setTrashed: db.prepare('UPDATE articles SET trashed_at = ? WHERE id = ?'),
      delete: db.prepare('DELETE FROM articles WHERE id = ?'),
      purgeOld: db.prepare('DELETE FROM articles WHERE trashed_at IS NOT NULL AND trashed_at < ?'),
      insertVersion: db.prepare(`INSERT INTO article_versions (id, article_id, created_at, kind, label, title, doc, doc_schema, word_count)
        VALUES (@id, @article_id, @created_at, @kind, @label, @title, @doc, @doc_schema, @word_count)`),
      listVersions: db.prepare(`SELECT id, article_id, created_at, kind, label, title, word_count FROM article_versions
        WHERE article_id = ? ORDER BY created_at DESC, rowid DESC`),
      getVersion: db.prepare('SELECT * FROM article_versions WHERE id = ?'),
      latestAuto: db.prepare(`SELECT created_at FROM article_versions WHERE article_id = ? AND kind = 'auto'
        ORDER BY created_at DESC LIMIT 1`),
      pruneAuto: db.prepare(`DELETE FROM article_versions WHERE article_id = ? AND kind = 'auto' AND id NOT IN
        (SELECT id FROM article_versions WHERE article_id = ? AND kind = 'auto' ORDER BY created_at DESC, rowid DESC LIMIT ?)`),
    }
  }

  list(trashed: boolean): Omit<ArticleRow, 'doc' | 'doc_schema'>[] {
    return (trashed ? this.s.listTrash : this.s.list).all() as Omit<ArticleRow, 'doc' | 'doc_schema'>[]
  }
  get(id: string): ArticleRow | undefined {
    return this.s.get.get(id) as ArticleRow | undefined
  }
  insert(row: Omit<ArticleRow, 'trashed_at'>): void {
    this.s.insert.run(row)
  }
  update(row: Pick<ArticleRow, 'id' | 'title' | 'doc' | 'doc_schema' | 'word_count' | 'excerpt' | 'updated_at'>): void {
    this.s.update.run(row)
  }
  rename(id: string, title: string, now: number): void {
    this.s.rename.run(title, now, id)
  }
  setTrashed(id: string, at: number | null): void {
    this.s.setTrashed.run(at, id)
  }
  delete(id: string): void {
    this.s.delete.run(id)
  }
  purgeTrashedBefore(t: number): number {
    return this.s.purgeOld.run(t).changes
  }
  insertVersion(row: VersionRow): void {
    this.s.insertVersion.run(row)
  }
  listVersions(articleId: string): Omit<VersionRow, 'doc' | 'doc_schema'>[] {
    return this.s.listVersions.all(articleId) as Omit<VersionRow, 'doc' | 'doc_schema'>[]
  }
  getVersion(id: string): VersionRow | undefined {
    return this.s.getVersion.get(id) as VersionRow | undefined
  }
  latestAutoVersionAt(articleId: string): number | null {
    const r = this.s.latestAuto.get(articleId) as { created_at: number } | undefined
    return r?.created_at ?? null
  }
  pruneAutoVersions(articleId: string, keep: number): void {
    this.s.pruneAuto.run(articleId, articleId, keep)
  }
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)()
  }
}
