/**
 * createServices(dataDir) builds and wires every service. The Electron app, serve mode and the
 * CLI all start here, so they behave identically.
 */
import type { Database } from 'better-sqlite3'
import { ArticleRepo } from './articles/article-repo'
import { ArticleService, type ArticleServiceOptions } from './articles/article-service'
import { ExportService } from './articles/export/export-service'
import type { PdfPrinter } from './articles/export/pdf-printer'
import { ImportService } from './articles/import/import-service'
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
import { ChatImages } from './chat/chat-images'
import { ChatService, chatRequestBodyFromEnv, type ChatServiceOptions } from './chat/chat-service'
import { ComposeService } from './compose/compose-service'
import { libraryAccess } from './compose/library-access'
import { FileSecretStore, type Cipher } from './common/secrets'
import { Logger } from './common/logger'
import { DiagnosticsService } from './diagnostics/diagnostics'
import { CATALOGUE, type CatalogueModel } from './models/catalogue'
import { DownloadManager } from './models/download-manager'
import { ModelRegistry } from './models/model-registry'
import { ModelRepo } from './models/model-repo'
import { join } from 'node:path'
import { openDatabase } from './store/database'
import { Router, type Handlers } from './transport/router'

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
  /** The desktop app's save dialog, for exports. */
  saveFile?: (opts: { defaultName: string; data: Uint8Array }) => Promise<string | null>
  /** Prints exports to PDF (Electron's printToPDF in the desktop app; Debian's chromium otherwise). */
  pdfPrinter?: PdfPrinter
  /** Image library import: worker threads (default max(1, cores − 1)); resume interrupted imports at start (default true). */
  library?: { workers?: number; resumeImports?: boolean }
  /**
   * Background work at start (the captioning queue). Serve mode and the desktop app pass true; the
   * CLI and tests leave it off (`folio caption` runs the queue in the foreground).
   */
  startBackgroundWork?: boolean
  /** Captioning queue tuning (tests: sampling fields for tiny models, observing the images sent). */
  captions?: CaptionQueueOptions
  /** Image chat tuning (tests: sampling fields for tiny models); FOLIO_CHAT_REQUEST_BODY sets `requestBody` too. */
  chat?: ChatServiceOptions
}

export interface FolioServices {
  readonly layout: DataLayout
  readonly db: Database
  readonly events: EventBus
  readonly router: Router
  /** The handlers behind the router, for tests that wrap or replace one of them. */
  readonly handlers: Handlers
  readonly articles: ArticleService
  readonly images: ImageService
  readonly importer: LibraryImporter
  readonly library: LibraryService
  readonly exporter: ExportService
  readonly articleImporter: ImportService
  readonly models: ModelRegistry
  readonly downloads: DownloadManager
  readonly inference: InferenceService
  readonly search: LibrarySearch
  readonly captions: CaptionQueue
  readonly chat: ChatService
  readonly compose: ComposeService
  /** `logs/folio.log` (start, stop, INTERNAL errors; secrets redacted). */
  readonly logger: Logger
  readonly diagnostics: DiagnosticsService
  /**
   * Closes the database cleanly (checkpointing the WAL) at once, then stops inference engines and
   * child processes; safe to call twice.
   */
  dispose(): Promise<void>
}

export function createServices(opts: ServicesOptions): FolioServices {
  const layout = prepareDataDir(opts.dataDir)
  const logger = new Logger({ dir: layout.logs })
  const { db } = openDatabase(layout.db, { nativeBinding: opts.nativeBinding })
  const events = new EventBus()
  const articles = new ArticleService(new ArticleRepo(db), events, opts.articles)
  const images = new ImageService(db, layout.images)
  const exporter = new ExportService(articles, images, opts.pdfPrinter)
  const importer = new LibraryImporter(db, { imagesDir: layout.images, workers: opts.library?.workers })
  const articleImporter = new ImportService(articles, importer)
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
  const compose = new ComposeService({
    inference,
    images: libraryAccess({ db, search, images, hasVision: () => models.roles().vision !== null }),
  })
  const chat = new ChatService(
    {
      db,
      inference,
      registry: models,
      events,
      images: new ChatImages({ db, importer, images, dir: join(layout.root, 'chat-images') }),
    },
    { ...opts.chat, requestBody: opts.chat?.requestBody ?? chatRequestBodyFromEnv() },
  )
  const version = opts.version ?? readAppVersion()
  const diagnostics = new DiagnosticsService({ db, logger, registry: models, inference, captions, dataDir: layout.root, version })
  const handlers = createHandlers({
    chat,
    compose,
    search,
    captions,
    librarySettings: new LibrarySettings(db, importer),
    articles,
    exporter,
    articleImporter,
    saveFile: opts.saveFile,
    images,
    importer,
    library,
    registry: models,
    downloads,
    inference,
    pickFile: opts.pickFile,
    uploadsDir: join(layout.models, 'uploads'),
    dataDir: layout.root,
    version,
    diagnostics,
  })
  const router = new Router(handlers, { log: logger })
  logger.info('start', { version, node: process.versions.node, electron: process.versions.electron ?? null, platform: process.platform, arch: process.arch })
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
    handlers,
    articles,
    images,
    importer,
    library,
    exporter,
    articleImporter,
    models,
    downloads,
    inference,
    search,
    captions,
    chat,
    compose,
    logger,
    diagnostics,
    dispose() {
      if (disposed) return disposed
      // Cancels a caption request in flight and puts its image back in the queue while the database is open.
      const captionsStopped = captions.dispose()
      chat.dispose()
      const importsClosed = importer.close()
      try {
        db.pragma('wal_checkpoint(TRUNCATE)')
      } catch {
        // A full disk cannot take the checkpoint; the WAL keeps the data and SQLite replays it on open.
      } finally {
        db.close()
      }
      disposed = Promise.all([inference.dispose(), importsClosed, captionsStopped]).then(() => logger.close())
      return disposed
    },
  }
}
