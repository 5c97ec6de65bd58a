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
import { InferenceService } from './inference/inference-service'
import { roleEmbedder } from './library/search/embedder'
import { LibrarySearch } from './library/search/library-search'
import { LibraryImporter } from './library/import/library-importer'
import { LibraryService } from './library/library-service'
import { LibrarySettings } from './library/library-settings'
import { CaptionQueue, type CaptionQueueOptions } from './library/captions/caption-queue'
import { FileSecretStore, type Cipher } from './common/secrets'
import { CATALOGUE, type CatalogueModel } from './models/catalogue'
import { DownloadManager } from './models/download-manager'
import { ModelRegistry } from './models/model-registry'
import { ModelRepo } from './models/model-repo'
import { join } from 'node:path'
import { openDatabase } from './store/database'
import { Router } from './transport/router'

export interface ServicesOptions {
  dataDir: string
  nativeBinding?: string
  version?: string
  articles?: Partial<ArticleServiceOptions>
  /** Encrypts stored API keys (Electron's safeStorage); serve mode and the CLI keep a 0600 file. */
  secretCipher?: Cipher
  /** The model catalogue (tests point it at a local server). */
  catalogue?: readonly CatalogueModel[]
  /** Free disk space probe for downloads (tests simulate a full disk). */
  freeBytes?: (dir: string) => number
  /** Stop the vision server after this long idle (ms; 0 = never). */
  visionIdleStopMs?: number
  /** The desktop app's file dialog, for "Add a GGUF file". */
  pickFile?: (opts: { title: string; extensions: string[] }) => Promise<string | null>
  /** Image library import: worker threads (default max(1, cores − 1)); resume interrupted imports at start (default true). */
  library?: { workers?: number; resumeImports?: boolean }
  /**
   * Background work at start (the captioning queue). Serve mode and the desktop app pass true; the
   * CLI and tests leave it off (`folio caption` runs the queue in the foreground).
   */
  startBackgroundWork?: boolean
  /** Captioning queue tuning (tests: sampling fields for tiny models, observing the images sent). */
  captions?: CaptionQueueOptions
}

export interface FolioServices {
  readonly layout: DataLayout
  readonly db: Database
  readonly events: EventBus
  readonly router: Router
  readonly articles: ArticleService
  readonly images: ImageService
  readonly importer: LibraryImporter
  readonly library: LibraryService
  readonly exporter: ExportService
  readonly models: ModelRegistry
  readonly downloads: DownloadManager
  readonly inference: InferenceService
  readonly search: LibrarySearch
  readonly captions: CaptionQueue
  /**
   * Closes the database cleanly (checkpointing the WAL) at once, then stops inference engines and
   * child processes; safe to call twice.
   */
  dispose(): Promise<void>
}

export function createServices(opts: ServicesOptions): FolioServices {
  const layout = prepareDataDir(opts.dataDir)
  const { db } = openDatabase(layout.db, { nativeBinding: opts.nativeBinding })
  const events = new EventBus()
  const articles = new ArticleService(new ArticleRepo(db), events, opts.articles)
  const images = new ImageService(db, layout.images)
  const exporter = new ExportService(articles, images)
  const importer = new LibraryImporter(db, { imagesDir: layout.images, workers: opts.library?.workers })
  const library = new LibraryService(db)
  articles.purgeExpiredTrash()
  const modelRepo = new ModelRepo(db)
  const secrets = new FileSecretStore(join(layout.root, 'secrets.json'), opts.secretCipher ?? null)
  const models = new ModelRegistry(modelRepo, secrets, events, async () => (await (await import('./inference/llama/runtime')).getLlamaRuntime()).llama)
  const downloads = new DownloadManager(layout.models, opts.catalogue ?? CATALOGUE, models, events, opts.freeBytes)
  const inference = new InferenceService({
    registry: models,
    repo: modelRepo,
    events,
    logsDir: layout.logs,
    idleStopMs: opts.visionIdleStopMs,
  })
  const search = new LibrarySearch(db, { imagesDir: layout.images, embedder: roleEmbedder(models, inference) })
  const captions = new CaptionQueue(
    {
      db,
      inference,
      events,
      resolvePath: (id) => images.resolveFile(id).path,
      indexEmbeddings: () => search.indexEmbeddings(),
    },
    opts.captions,
  )
  const router = new Router(
    createHandlers({
      search,
      captions,
      librarySettings: new LibrarySettings(db, importer),
      articles,
      exporter,
      images,
      importer,
      library,
      registry: models,
      downloads,
      inference,
      pickFile: opts.pickFile,
      uploadsDir: join(layout.models, 'uploads'),
      dataDir: layout.root,
      version: opts.version ?? readAppVersion(),
    }),
  )
  if (opts.library?.resumeImports !== false) {
    // Background: files of an import interrupted by a crash or quit; a failure leaves them pending.
    importer.resumeInterruptedImports().catch(() => undefined)
  }
  if (opts.startBackgroundWork === true) captions.start()
  let disposed: Promise<void> | null = null
  return {
    layout,
    db,
    events,
    router,
    articles,
    images,
    importer,
    library,
    exporter,
    models,
    downloads,
    inference,
    search,
    captions,
    dispose() {
      if (disposed) return disposed
      // Cancels a caption request in flight and puts its image back in the queue while the database is open.
      const captionsStopped = captions.dispose()
      const importsClosed = importer.close()
      try {
        db.pragma('wal_checkpoint(TRUNCATE)')
      } catch {
        // A full disk cannot take the checkpoint; the WAL keeps the data and SQLite replays it on open.
      } finally {
        db.close()
      }
      disposed = Promise.all([inference.dispose(), importsClosed, captionsStopped]).then(() => undefined)
      return disposed
    },
  }
}
