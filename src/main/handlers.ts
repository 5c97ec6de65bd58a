/** Binds every contract method to its service. The compiler checks that none is missing. */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { FolioError } from '../shared/errors'
import { DOC_SCHEMA_VERSION } from '../shared/doc'
import type { ArticleService } from './articles/article-service'
import type { ExportService } from './articles/export/export-service'
import type { ImportService } from './articles/import/import-service'
import type { ImageService, ImportResult } from './images/image-service'
import type { InferenceService } from './inference/inference-service'
import type { LibrarySearch } from './library/search/library-search'
import type { LibraryImporter } from './library/import/library-importer'
import type { LibraryService } from './library/library-service'
import type { CaptionQueue } from './library/captions/caption-queue'
import type { DiagnosticsService } from './diagnostics/diagnostics'
import type { ComposeService } from './compose/compose-service'
import { composeRun } from './compose/compose-run'
import type { LibrarySettings } from './library/library-settings'
import type { ChatService } from './chat/chat-service'
import { catalogueEntries, systemMemory } from './models/catalogue-view'
import type { DownloadManager } from './models/download-manager'
import type { ModelRegistry } from './models/model-registry'
import type { Handlers } from './transport/router'

export interface HandlerDeps {
  articles: ArticleService
  exporter: ExportService
  articleImporter: ImportService
  /** Desktop save dialog (Electron): writes the data where the user chooses; null when cancelled. */
  saveFile?: (opts: { defaultName: string; data: Uint8Array }) => Promise<string | null>
  images: ImageService
  importer: LibraryImporter
  library: LibraryService
  registry: ModelRegistry
  downloads: DownloadManager
  inference: InferenceService
  search: LibrarySearch
  captions: CaptionQueue
  compose: ComposeService
  librarySettings: LibrarySettings
  chat: ChatService
  /** Desktop file dialog (Electron); absent in serve mode and the CLI. */
  pickFile?: (opts: { title: string; extensions: string[] }) => Promise<string | null>
  /** Where serve-mode uploads of model files land. */
  uploadsDir: string
  dataDir: string
  version: string
  /** `app.diagnostics` (see diagnostics/diagnostics.ts). */
  diagnostics: Pick<DiagnosticsService, 'collect'>
}

export function createHandlers(d: HandlerDeps): Handlers {
  return {
    'app.info': () => ({ name: 'Folio', version: d.version, dataDir: d.dataDir, docSchema: DOC_SCHEMA_VERSION }),
    'app.diagnostics': () => d.diagnostics.collect(),

    'articles.list': ({ trashed }) => ({ articles: d.articles.list(trashed) }),
    'articles.get': ({ id }) => d.articles.get(id),
    'articles.create': (input, ctx) => d.articles.create(input, ctx.origin),
    'articles.rename': ({ id, title }, ctx) => d.articles.rename(id, title, ctx.origin),
    'articles.save': (input, ctx) => d.articles.save(input, ctx.origin),
    'articles.trash': ({ id }, ctx) => d.articles.trash(id, ctx.origin),
    'articles.restore': ({ id }, ctx) => d.articles.restore(id, ctx.origin),
    'articles.purge': ({ id }, ctx) => d.articles.purge(id, ctx.origin),
    'articles.export': ({ id, format, pageSize, images }, ctx) => d.exporter.export(id, format, { pageSize, images, signal: ctx.signal }),
    'articles.exportSave': async ({ id, format, pageSize, images }, ctx) => {
      if (!d.saveFile) throw new FolioError('INVALID_INPUT', 'Save dialogs exist only in the desktop app; in the browser, export downloads the file.')
      const out = await d.exporter.export(id, format, { pageSize, images, signal: ctx.signal })
      const data = out.data ?? new TextEncoder().encode(out.content ?? '')
      return { path: await d.saveFile({ defaultName: out.fileName, data }), warnings: out.warnings }
    },
    'articles.import': ({ files }, ctx) =>
      d.articleImporter.importFiles(files, { signal: ctx.signal, origin: ctx.origin, onProgress: (p) => ctx.progress(p) }),
    'articles.importPath': ({ path }, ctx) =>
      d.articleImporter.importPath(path, { signal: ctx.signal, origin: ctx.origin, onProgress: (p) => ctx.progress(p) }),

    'versions.list': ({ articleId }) => ({ versions: d.articles.listVersions(articleId) }),
    'versions.get': ({ id }) => d.articles.getVersion(id),
    'versions.create': ({ articleId, label }, ctx) => d.articles.createVersion(articleId, label, ctx.origin),
    'versions.restore': ({ id }, ctx) => d.articles.restoreVersion(id, ctx.origin),

    'images.import': async ({ files }, ctx) => {
      // The library's full pipeline: decode (truncation, pixel limit), EXIF, thumbnails, dedupe.
      const results = await d.importer.importBuffers(files, { signal: ctx.signal, onProgress: (p) => ctx.progress(p) })
      const out: ImportResult = { images: [], rejected: [] }
      for (const r of results) {
        if (r.state === 'rejected') out.rejected.push({ name: r.name, reason: r.reason })
        else out.images.push({ ...d.images.get(r.imageId), duplicate: r.state === 'duplicate', name: r.name })
      }
      return out
    },
    'images.get': ({ id }) => d.images.get(id),

    'library.importPaths': ({ paths }, ctx) =>
      d.importer.importPaths(paths, { signal: ctx.signal, onProgress: (p) => ctx.progress(p) }),
    'library.list': (input) => d.library.list(input),
    'library.get': ({ id }) => d.library.get(id),
    'library.trash': ({ id }) => d.library.trash(id),
    'library.restore': ({ id }) => d.library.restore(id),
    'library.update': (input) => {
      const item = d.library.update(input)
      // A hand-edited caption is searchable by meaning at once, not only after the caption queue's next run.
      if (input.caption !== undefined || input.description !== undefined || input.tags !== undefined) void d.search.indexEmbeddings().catch(() => undefined)
      return item
    },

    'library.search': async (input) => ({ results: await d.search.search(input) }),

    'albums.list': () => ({ albums: d.library.albums.list() }),
    'albums.create': ({ name }) => d.library.albums.create(name),
    'albums.rename': ({ id, name }) => d.library.albums.rename(id, name),
    'albums.delete': ({ id }) => d.library.albums.delete(id),
    'albums.addImages': ({ albumId, imageIds }) => d.library.albums.addImages(albumId, imageIds),
    'albums.removeImages': ({ albumId, imageIds }) => d.library.albums.removeImages(albumId, imageIds),

    'library.captions.status': () => d.captions.status(),
    'library.captions.pause': () => d.captions.pause(),
    'library.captions.resume': () => d.captions.resume(),
    'library.captions.retryFailed': () => d.captions.retryFailed(),
    'library.settings.get': () => d.librarySettings.get(),
    'library.settings.set': (patch) => d.librarySettings.set(patch),

    'models.list': () => ({ models: d.registry.list(), roles: d.registry.roles() }),
    'models.catalogue': async () => {
      const system = await systemMemory(() => d.inference.runtime())
      return { entries: catalogueEntries(d.downloads, d.registry.list(), system), system }
    },
    'models.add': async (input) => {
      const out = await d.registry.addLocal(input)
      await d.inference.invalidate()
      return out
    },
    'models.pickAndAdd': async ({ withMmproj, role }) => {
      if (!d.pickFile) {
        throw new FolioError('INVALID_INPUT', 'File dialogs exist only in the desktop app; in the browser, upload the GGUF file instead.')
      }
      const path = await d.pickFile({ title: 'Add a GGUF model', extensions: ['gguf'] })
      if (!path) return { model: null }
      const mmproj = withMmproj ? await d.pickFile({ title: 'Its vision projector (mmproj)', extensions: ['gguf'] }) : null
      const model = await d.registry.addLocal({ path, mmproj: mmproj ?? undefined, role })
      await d.inference.invalidate()
      return { model }
    },
    'models.addUploaded': async ({ model, mmproj, role }) => {
      const out = await d.registry.addLocal({
        path: join(d.uploadsDir, model),
        mmproj: mmproj ? join(d.uploadsDir, mmproj) : undefined,
        role,
      })
      await d.inference.invalidate()
      return out
    },
    'models.addRemote': (input) => d.registry.addRemote(input),
    'models.remove': async ({ id }) => {
      const out = d.registry.remove(id)
      await d.inference.invalidate()
      return out
    },
    'models.setRole': ({ id, role }) => d.registry.setRole(id, role),
    'models.download': async ({ catalogueId }, ctx) => ({
      models: await d.downloads.download(catalogueId, { signal: ctx.signal, onProgress: (p) => ctx.progress(p) }),
    }),
    'models.discardDownload': ({ catalogueId }) => d.downloads.discard(catalogueId),

    'compose.write': (input, ctx) => d.compose.write(input, { signal: ctx.signal, onToken: (token) => ctx.progress({ token }) }),
    'compose.spots': (input, ctx) => d.compose.spots(input, { signal: ctx.signal, onProgress: (p) => ctx.progress(p) }),
    'compose.caption': (input, ctx) => d.compose.caption(input, { signal: ctx.signal }),
    'compose.images': (input, ctx) =>
      d.compose.images(input, { signal: ctx.signal, onSpot: (spot, index) => ctx.progress({ done: index + 1, total: input.spots.length, spot: { ...spot, index } }) }),
    'compose.paragraph': (input, ctx) => d.compose.paragraph(input, { signal: ctx.signal, onToken: (token) => ctx.progress({ token }) }),
    'compose.run': (input, ctx) =>
      composeRun({ compose: d.compose, articles: d.articles }, input, { signal: ctx.signal, onProgress: (p) => ctx.progress(p), origin: ctx.origin }),

    'chat.list': ({ query, limit }) => ({ conversations: d.chat.list(query, limit) }),
    'chat.get': ({ id }) => d.chat.get(id),
    'chat.rename': ({ id, title }, ctx) => d.chat.rename(id, title, ctx.origin),
    'chat.delete': ({ id }, ctx) => d.chat.delete(id, ctx.origin),
    'chat.attach': ({ files }, ctx) => d.chat.attach(files, ctx.signal),
    'chat.image': ({ id }) => d.chat.thumbnail(id),
    'chat.toLibrary': ({ id }) => d.chat.toLibrary(id),
    'chat.send': (input, ctx) => d.chat.send(input, ctx),
    'chat.regenerate': (input, ctx) => d.chat.regenerate(input, ctx),
    'chat.edit': (input, ctx) => d.chat.edit(input, ctx),
    'chat.settings.get': () => d.chat.settings.get(),
    'chat.settings.set': (patch) => d.chat.setSettings(patch),

    'inference.status': () => d.inference.status(),
    'inference.llamaServer': () => d.inference.llamaServerInfo(),
    'inference.installLlamaServer': async ({ gpu }, ctx) =>
      d.inference.installLlamaServer(gpu, { signal: ctx.signal, onProgress: (p) => ctx.progress(p) }),
    'inference.generate': async (input, ctx) => {
      const messages = input.messages ?? [{ role: 'user' as const, content: input.prompt ?? '' }]
      return d.inference.generate(
        'writer',
        {
          messages,
          maxTokens: input.maxTokens,
          temperature: input.temperature,
          seed: input.seed,
          signal: ctx.signal,
          onToken: (token) => ctx.progress({ token }),
        },
        { modelId: input.model, purpose: 'generate' },
      )
    },
  }
}

export function readAppVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string }
    return pkg.version ?? '0.0.0'
  } catch {
    return '0.0.0'
  }
}
