/** Binds every contract method to its service. The compiler checks that none is missing. */
import { readFileSync } from 'node:fs'
import { DOC_SCHEMA_VERSION } from '../shared/doc'
import type { ArticleService } from './articles/article-service'
import type { ExportService } from './articles/export/export-service'
import type { ImageService } from './images/image-service'
import type { Handlers } from './transport/router'

export interface HandlerDeps {
  articles: ArticleService
  exporter: ExportService
  images: ImageService
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

    'images.import': async ({ files }, ctx) =>
      d.images.importFiles(files, { signal: ctx.signal, onProgress: (p) => ctx.progress(p) }),
    'images.get': ({ id }) => d.images.get(id),
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
