/**
 * createServices(dataDir) builds and wires every service. The Electron app, serve mode and the
 * CLI all start here, so they behave identically.
 */
import type { Database } from 'better-sqlite3'
import { ArticleRepo } from './articles/article-repo'
import { ArticleService, type ArticleServiceOptions } from './articles/article-service'
import { ExportService } from './articles/export/export-service'
import { EventBus } from './common/event-bus'
import { prepareDataDir, type DataLayout } from './common/data-dir'
import { createHandlers, readAppVersion } from './handlers'
import { ImageService } from './images/image-service'
import { openDatabase } from './store/database'
import { Router } from './transport/router'

export interface ServicesOptions {
  dataDir: string
  nativeBinding?: string
  version?: string
  articles?: Partial<ArticleServiceOptions>
}

export interface FolioServices {
  readonly layout: DataLayout
  readonly db: Database
  readonly events: EventBus
  readonly router: Router
  readonly articles: ArticleService
  readonly images: ImageService
  readonly exporter: ExportService
  /** Closes the database cleanly (checkpointing the WAL); safe to call twice. */
  dispose(): void
}

export function createServices(opts: ServicesOptions): FolioServices {
  const layout = prepareDataDir(opts.dataDir)
  const { db } = openDatabase(layout.db, { nativeBinding: opts.nativeBinding })
  const events = new EventBus()
  const articles = new ArticleService(new ArticleRepo(db), events, opts.articles)
  const images = new ImageService(db, layout.images)
  const exporter = new ExportService(articles, images)
  articles.purgeExpiredTrash()
  const router = new Router(
    createHandlers({ articles, exporter, images, dataDir: layout.root, version: opts.version ?? readAppVersion() }),
  )
  let disposed = false
  return {
    layout,
    db,
    events,
    router,
    articles,
    images,
    exporter,
    dispose() {
      if (disposed) return
      disposed = true
      try {
        db.pragma('wal_checkpoint(TRUNCATE)')
      } finally {
        db.close()
      }
    },
  }
}
