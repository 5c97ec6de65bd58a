/** Binds every contract method to its service. The compiler checks that none is missing. */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { FolioError } from '../shared/errors'
import { DOC_SCHEMA_VERSION } from '../shared/doc'
import type { ArticleService } from './articles/article-service'
import type { ExportService } from './articles/export/export-service'
import type { ImageService, ImportResult } from './images/image-service'
import type { InferenceService } from './inference/inference-service'
import type { LibrarySearch } from './library/search/library-search'
import type { LibraryImporter } from './library/import/library-importer'
import type { LibraryService } from './library/library-service'
import type { CaptionQueue } from './library/captions/caption-queue'
import type { LibrarySettings } from './library/library-settings'
import { catalogueEntries, systemMemory } from './models/catalogue-view'
import type { DownloadManager } from './models/download-manager'
import type { ModelRegistry } from './models/model-registry'
import type { Handlers } from './transport/router'

export interface HandlerDeps {
  articles: ArticleService
  exporter: ExportService
  images: ImageService
  importer: LibraryImporter
  library: LibraryService
  registry: ModelRegistry
  downloads: DownloadManager
  inference: InferenceService
  search: LibrarySearch
  captions: CaptionQueue
  librarySettings: LibrarySettings
  /** Desktop file dialog (Electron); absent in serve mode and the CLI. */
  pickFile?: (opts: { title: string; extensions: string[] }) => Promise<string | null>
  /** Where serve-mode uploads of model files land. */
  uploadsDir: string
  dataDir: string
  version: string
}

export function createHandlers(d: HandlerDeps): Handlers {
  return {
    'app.info': () => ({ name: 'Folio', version: d.version, dataDir: d.dataDir, docSchema: DOC_SCHEMA_VERSION }),

    'articles.list': ({ trashed }) => ({ articles: d.articles.list(trashed) }),
    'articles.get': ({ id }) => d.articles.get(id),
    'articles.create': (input, ctx) => d.articles.create(input, ctx.origin),
    'articles.rename': ({ id, title }, ctx) => d.articles.rename(id, title, ctx.origin),
    'articles.save': (input, ctx) => d.articles.save(input, ctx.origin),
    'articles.trash': ({ id }, ctx) => d.articles.trash(id, ctx.origin),
    'articles.restore': ({ id }, ctx) => d.articles.restore(id, ctx.origin),
    'articles.purge': ({ id }, ctx) => d.articles.purge(id, ctx.origin),
    'articles.export': ({ id, format }) => d.exporter.export(id, format),

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
    'library.update': (input) => d.library.update(input),

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
