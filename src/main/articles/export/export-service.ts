import type { ExportFormat } from '../../../shared/api'
import type { DocNode } from '../../../shared/doc'
import type { ArticleService } from '../article-service'
import type { ImageService } from '../../images/image-service'
import { toHtml } from './to-html'
import { toMarkdown } from './to-markdown'

const EXT: Record<string, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'image/avif': 'avif',
}

export class ExportService {
  constructor(
    private readonly articles: ArticleService,
    private readonly images: ImageService,
  ) {}

  export(id: string, format: ExportFormat): { fileName: string; content: string; images: { imageId: string; path: string }[] } {
    const article = this.articles.get(id)
    const used = new Map<string, string>()
    const ctx = {
      imagePath: (imageId: string) => {
        let p = used.get(imageId)
        if (!p) {
          let ext = 'bin'
          try {
            ext = EXT[this.images.get(imageId).mime] ?? 'bin'
          } catch {
            // A figure whose image was deleted still exports its caption; the link stays dangling.
          }
          p = `images/${imageId}.${ext}`
          used.set(imageId, p)
        }
        return p
      },
    }
    const doc = article.doc as DocNode
    const content = format === 'md' ? toMarkdown(doc, ctx, article.title) : toHtml(doc, ctx, article.title)
    const images = [...used].filter(([, p]) => !p.endsWith('.bin')).map(([imageId, path]) => ({ imageId, path }))
    return { fileName: `${fileStem(article.title)}.${format}`, content, images }
  }
}

export function fileStem(title: string): string {
  const s = title
    .normalize('NFKC')
    .replace(/[\\/:*?"<>|\u0000-\u001f]/g, '')
    .replace(/\s+/g, '-')
    .slice(0, 80)
    .replace(/^[.-]+|[.-]+$/g, '')
  return s || 'untitled'
}
