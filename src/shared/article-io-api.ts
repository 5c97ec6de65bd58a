/** Records of the article export and import methods (`articles.export*`, `articles.import*` in api.ts). */
import { z } from 'zod'
import { MAX_IMPORT_FILE_BYTES } from './limits'
import { ArticleId, ImageId } from './ids'

/** md-zip: article.md + images/; html: one self-contained file (or images/ beside it); html-zip: article.html + images/. */
export const ExportFormat = z.enum(['md-zip', 'md', 'html', 'html-zip', 'docx', 'pdf'])
export type ExportFormat = z.infer<typeof ExportFormat>
export const PageSize = z.enum(['a4', 'letter'])
export type PageSize = z.infer<typeof PageSize>

export const ExportInput = z
  .object({
    id: ArticleId,
    format: ExportFormat,
    /** PDF paper size. */
    pageSize: PageSize.default('a4'),
    /** HTML: images inside the file (data: URIs) or as files in images/ beside it. */
    images: z.enum(['embed', 'folder']).default('embed'),
  })
  .strict()

/** Output bytes (a zip, a DOCX, a PDF); Uint8Array over IPC, `{ $bytes }` over JSON transports. */
const FileData = z.custom<Uint8Array>((v) => v instanceof Uint8Array, 'expected binary file data')

export const ExportResult = z.object({
  /** Suggested file name, sanitized (Chinese, emoji and right-to-left titles are kept). */
  fileName: z.string(),
  mime: z.string(),
  /** The document, for the text formats (md, html). */
  content: z.string().nullable(),
  /** The file, for the binary formats (md-zip, html-zip, docx, pdf). */
  data: FileData.nullable(),
  /** Image files the content links to by relative path (md; html with images in a folder). */
  images: z.array(z.object({ imageId: ImageId, path: z.string() })),
  /** What could not be carried over (e.g. a figure whose image is no longer in the library). */
  warnings: z.array(z.string()),
})
export type ExportResult = z.infer<typeof ExportResult>

export { MAX_IMPORT_FILE_BYTES }

export const ArticleImportInput = z
  .object({
    /**
     * One Markdown, HTML or DOCX file with the images it refers to (matched by relative path, else
     * by file name), or one .zip holding them.
     */
    files: z
      .array(
        z
          .object({
            name: z.string().min(1).max(1000),
            data: z
              .custom<Uint8Array>((v) => v instanceof Uint8Array, 'expected binary file data')
              .refine((b) => b.byteLength <= MAX_IMPORT_FILE_BYTES, `file is larger than ${MAX_IMPORT_FILE_BYTES / 1024 / 1024} MB`),
          })
          .strict(),
      )
      .min(1)
      .max(500),
  })
  .strict()

export const ArticleImportPathInput = z.object({ path: z.string().min(1).max(4096) }).strict()

export const ArticleImportProgress = z.object({
  stage: z.enum(['reading', 'images', 'saving']),
  done: z.number().int(),
  total: z.number().int(),
  fileName: z.string(),
})
export type ArticleImportProgress = z.infer<typeof ArticleImportProgress>

/** `folio articles import --json` prints exactly this. */
export const ArticleImportResult = z.object({
  articleId: ArticleId,
  /** Library images the article uses (imported now, or already there and deduplicated). */
  images: z.array(ImageId),
  warnings: z.array(z.string()),
})
export type ArticleImportResult = z.infer<typeof ArticleImportResult>

export const ExportSaveResult = z.object({
  /** Where the file was saved; null when the save dialog was cancelled. */
  path: z.string().nullable(),
  warnings: z.array(z.string()),
})
