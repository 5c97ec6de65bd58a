import type { Article, ArticleSummary, Version } from '../../shared/api'
import { countWords, docText, DOC_SCHEMA_VERSION, emptyDoc, type Doc } from '../../shared/doc'
import { FolioError } from '../../shared/errors'
import { newId } from '../../shared/ids'
import type { EventBus } from '../common/event-bus'
import { ArticleRepo, type ArticleRow, type VersionRow } from './article-repo'
import { migrateDoc } from './doc-migrations'

export interface ArticleServiceOptions {
  /** Minimum time between automatic snapshots of one article. */
  autoVersionIntervalMs: number
  maxAutoVersions: number
  trashRetentionMs: number
  now: () => number
}

export const DEFAULT_ARTICLE_OPTIONS: ArticleServiceOptions = {
  autoVersionIntervalMs: 5 * 60_000,
  maxAutoVersions: 100,
  trashRetentionMs: 30 * 24 * 3600_000,
  now: Date.now,
}

export interface SaveInput {
  id: string
  doc: Doc
  title?: string
  baseRevision?: number
}

export class ArticleService {
  private readonly opts: ArticleServiceOptions

  constructor(
    private readonly repo: ArticleRepo,
    private readonly events: EventBus,
    opts: Partial<ArticleServiceOptions> = {},
  ) {
    this.opts = { ...DEFAULT_ARTICLE_OPTIONS, ...opts }
  }

  list(trashed = false): ArticleSummary[] {
    return this.repo.list(trashed).map(toSummary)
  }

  get(id: string): Article {
    const row = this.requireRow(id)
    return toArticle(row)
  }

  create(input: { title?: string; doc?: Doc } = {}, origin?: string): Article {
    const now = this.opts.now()
    const doc = input.doc ?? emptyDoc()
    const text = docText(doc)
    const row = {
      id: newId('art'),
      title: input.title ?? '',
      doc: JSON.stringify(doc),
      doc_schema: DOC_SCHEMA_VERSION,
      revision: 1,
      word_count: countWords(text),
      excerpt: excerptOf(text),
      created_at: now,
      updated_at: now,
    }
    this.repo.insert(row)
    this.events.emit('articles.changed', { id: row.id, reason: 'created', revision: 1, origin })
    return this.get(row.id)
  }

  save(input: SaveInput, origin?: string): { revision: number; updatedAt: number; wordCount: number; conflict: boolean } {
    const result = this.repo.transaction(() => {
      const row = this.requireRow(input.id)
      if (row.trashed_at !== null) {
        throw new FolioError('CONFLICT', 'This article is in the trash. Restore it before editing.')
      }
      const docJson = JSON.stringify(input.doc)
      const title = input.title ?? row.title
      if (docJson === row.doc && title === row.title && row.doc_schema === DOC_SCHEMA_VERSION) {
        return { revision: row.revision, updatedAt: row.updated_at, wordCount: row.word_count, conflict: false, changed: false }
      }
      const now = this.opts.now()
      const conflict = input.baseRevision !== undefined && input.baseRevision !== row.revision
      if (conflict) {
        // Another window saved since this client loaded: keep that copy rather than silently dropping it.
        this.snapshot(row, 'manual', 'Kept after an edit from another window', now)
      } else if (this.autoSnapshotDue(row, now)) {
        this.snapshot(row, 'auto', null, now)
      }
      const text = docText(input.doc)
      const wordCount = countWords(text)
      this.repo.update({
        id: row.id,
        title,
        doc: docJson,
        doc_schema: DOC_SCHEMA_VERSION,
        word_count: wordCount,
        excerpt: excerptOf(text),
        updated_at: now,
      })
      return { revision: row.revision + 1, updatedAt: now, wordCount, conflict, changed: true }
    })
    if (result.changed) {
      this.events.emit('articles.changed', { id: input.id, reason: 'saved', revision: result.revision, origin })
    }
    const { changed: _changed, ...out } = result
    return out
  }

  rename(id: string, title: string, origin?: string): ArticleSummary {
    this.requireRow(id)
    this.repo.rename(id, title, this.opts.now())
    const summary = toSummary(this.requireRow(id))
    this.events.emit('articles.changed', { id, reason: 'renamed', revision: summary.revision, origin })
    return summary
  }

  trash(id: string, origin?: string): ArticleSummary {
    const row = this.requireRow(id)
    if (row.trashed_at === null) this.repo.setTrashed(id, this.opts.now())
    this.events.emit('articles.changed', { id, reason: 'trashed', origin })
    return toSummary(this.requireRow(id))
  }

  restore(id: string, origin?: string): ArticleSummary {
    this.requireRow(id)
    this.repo.setTrashed(id, null)
    this.events.emit('articles.changed', { id, reason: 'restored', origin })
    return toSummary(this.requireRow(id))
  }

  /** Deletes forever; only articles already in the trash, so one click cannot destroy work. */
  purge(id: string, origin?: string): { id: string } {
    const row = this.requireRow(id)
    if (row.trashed_at === null) throw new FolioError('CONFLICT', 'Move the article to the trash before deleting it forever.')
    this.repo.delete(id)
    this.events.emit('articles.changed', { id, reason: 'purged', origin })
    return { id }
  }

  /** Empties trash entries older than the retention period; returns how many were deleted. */
  purgeExpiredTrash(): number {
    return this.repo.purgeTrashedBefore(this.opts.now() - this.opts.trashRetentionMs)
  }

  listVersions(articleId: string): Version[] {
    this.requireRow(articleId)
    return this.repo.listVersions(articleId).map(toVersion)
  }

  getVersion(id: string): Version & { doc: Doc } {
    const row = this.repo.getVersion(id)
    if (!row) throw new FolioError('NOT_FOUND', `No version ${id}.`)
    return { ...toVersion(row), doc: migrateDoc(JSON.parse(row.doc) as Doc, row.doc_schema) }
  }

  createVersion(articleId: string, label: string | undefined, origin?: string): Version {
    const row = this.requireRow(articleId)
    const v = this.snapshot(row, 'manual', label?.trim() || null, this.opts.now())
    this.events.emit('articles.changed', { id: articleId, reason: 'versions', origin })
    return v
  }

  restoreVersion(versionId: string, origin?: string): Article {
    const version = this.repo.getVersion(versionId)
    if (!version) throw new FolioError('NOT_FOUND', `No version ${versionId}.`)
    this.repo.transaction(() => {
      const row = this.requireRow(version.article_id)
      const now = this.opts.now()
      this.snapshot(row, 'before-restore', null, now)
      const doc = migrateDoc(JSON.parse(version.doc) as Doc, version.doc_schema)
      const text = docText(doc)
      this.repo.update({
        id: row.id,
        title: version.title,
        doc: JSON.stringify(doc),
        doc_schema: DOC_SCHEMA_VERSION,
        word_count: countWords(text),
        excerpt: excerptOf(text),
        updated_at: now,
      })
      this.repo.setTrashed(row.id, null)
    })
    const article = this.get(version.article_id)
    this.events.emit('articles.changed', { id: article.id, reason: 'saved', revision: article.revision, origin })
    return article
  }

  private autoSnapshotDue(row: ArticleRow, now: number): boolean {
    if (row.word_count === 0 && !row.doc.includes('"figure"')) return false
    const last = this.repo.latestAutoVersionAt(row.id)
    return last === null || now - last >= this.opts.autoVersionIntervalMs
  }

  private snapshot(row: ArticleRow, kind: VersionRow['kind'], label: string | null, now: number): Version {
    const v: VersionRow = {
      id: newId('ver'),
      article_id: row.id,
      created_at: now,
      kind,
      label,
      title: row.title,
      doc: row.doc,
      doc_schema: row.doc_schema,
      word_count: row.word_count,
    }
    this.repo.insertVersion(v)
    if (kind === 'auto') this.repo.pruneAutoVersions(row.id, this.opts.maxAutoVersions)
    return toVersion(v)
  }

  private requireRow(id: string): ArticleRow {
    const row = this.repo.get(id)
    if (!row) throw new FolioError('NOT_FOUND', `No article ${id}.`)
    return row
  }
}

function excerptOf(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim()
  return flat.length > 160 ? `${flat.slice(0, 159)}…` : flat
}

function toSummary(row: Omit<ArticleRow, 'doc' | 'doc_schema'>): ArticleSummary {
  return {
    id: row.id,
    title: row.title,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    trashedAt: row.trashed_at,
    wordCount: row.word_count,
    excerpt: row.excerpt,
    revision: row.revision,
  }
}

function toArticle(row: ArticleRow): Article {
  const doc = migrateDoc(JSON.parse(row.doc) as Doc, row.doc_schema)
  return { ...toSummary(row), doc, docSchema: DOC_SCHEMA_VERSION }
}

function toVersion(row: Omit<VersionRow, 'doc' | 'doc_schema'>): Version {
  return {
    id: row.id,
    articleId: row.article_id,
    createdAt: row.created_at,
    kind: row.kind,
    label: row.label,
    title: row.title,
    wordCount: row.word_count,
  }
}
