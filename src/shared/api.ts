/**
 * The one API contract. The preload bridge, the IPC handlers, the serve-mode bridge, the CLI and
 * the renderer client are all derived from `methods` and `events` below; add a capability here first.
 */
import { z } from 'zod'
import { ArticleId, ImageId, OpId, VersionId } from './ids'
import { Doc } from './doc'

export const MAX_IMAGE_BYTES = 64 * 1024 * 1024
export const MAX_TITLE = 300

/** Binary payloads: Uint8Array over IPC (structured clone), `{ $bytes: base64 }` over JSON transports. */
export const Bytes = z
  .custom<Uint8Array>((v) => v instanceof Uint8Array, 'expected binary file data')
  .refine((b) => b.byteLength <= MAX_IMAGE_BYTES, `file is larger than ${MAX_IMAGE_BYTES / 1024 / 1024} MB`)

const Title = z
  .string()
  .max(MAX_TITLE, `title is longer than ${MAX_TITLE} characters`)
  .transform((s) => s.replace(/[\u0000-\u001f\u007f]/g, ' ').trim())

// ---- records ---------------------------------------------------------------------------------

export const ArticleSummary = z.object({
  id: ArticleId,
  title: z.string(),
  createdAt: z.number(),
  updatedAt: z.number(),
  trashedAt: z.number().nullable(),
  wordCount: z.number().int(),
  excerpt: z.string(),
  revision: z.number().int(),
})
export type ArticleSummary = z.infer<typeof ArticleSummary>

export const Article = ArticleSummary.extend({ doc: Doc, docSchema: z.number().int() })
export type Article = z.infer<typeof Article>

export const VersionKind = z.enum(['auto', 'manual', 'before-restore'])
export const Version = z.object({
  id: VersionId,
  articleId: ArticleId,
  createdAt: z.number(),
  kind: VersionKind,
  label: z.string().nullable(),
  title: z.string(),
  wordCount: z.number().int(),
})
export type Version = z.infer<typeof Version>

export const ImageInfo = z.object({
  id: ImageId,
  fileName: z.string(),
  mime: z.string(),
  width: z.number().int(),
  height: z.number().int(),
  bytes: z.number().int(),
  sha256: z.string(),
  createdAt: z.number(),
})
export type ImageInfo = z.infer<typeof ImageInfo>

export const ExportFormat = z.enum(['md', 'html'])
export type ExportFormat = z.infer<typeof ExportFormat>

// ---- methods ---------------------------------------------------------------------------------

interface CallDef<I extends z.ZodType, O extends z.ZodType> {
  kind: 'call'
  input: I
  output: O
  /** Changes stored data (the CLI and transports may treat these differently, e.g. no GET). */
  mutates: boolean
}
interface StreamDef<I extends z.ZodType, P extends z.ZodType, O extends z.ZodType> {
  kind: 'stream'
  input: I
  progress: P
  output: O
  mutates: boolean
}

const query = <I extends z.ZodType, O extends z.ZodType>(input: I, output: O): CallDef<I, O> => ({
  kind: 'call',
  input,
  output,
  mutates: false,
})
const mutation = <I extends z.ZodType, O extends z.ZodType>(input: I, output: O): CallDef<I, O> => ({
  kind: 'call',
  input,
  output,
  mutates: true,
})
const stream = <I extends z.ZodType, P extends z.ZodType, O extends z.ZodType>(
  input: I,
  progress: P,
  output: O,
): StreamDef<I, P, O> => ({ kind: 'stream', input, progress, output, mutates: true })

const ById = z.object({ id: ArticleId }).strict()
const Empty = z.object({}).strict()

export const methods = {
  'app.info': query(
    Empty,
    z.object({ name: z.string(), version: z.string(), dataDir: z.string(), docSchema: z.number().int() }),
  ),

  'articles.list': query(
    z.object({ trashed: z.boolean().default(false) }).strict(),
    z.object({ articles: z.array(ArticleSummary) }),
  ),
  'articles.get': query(ById, Article),
  'articles.create': mutation(z.object({ title: Title.optional(), doc: Doc.optional() }).strict(), Article),
  'articles.rename': mutation(z.object({ id: ArticleId, title: Title }).strict(), ArticleSummary),
  'articles.save': mutation(
    z
      .object({
        id: ArticleId,
        doc: Doc,
        title: Title.optional(),
        /** The revision the client started from; a mismatch keeps the other copy as a version. */
        baseRevision: z.number().int().nonnegative().optional(),
      })
      .strict(),
    z.object({ revision: z.number().int(), updatedAt: z.number(), wordCount: z.number().int(), conflict: z.boolean() }),
  ),
  'articles.trash': mutation(ById, ArticleSummary),
  'articles.restore': mutation(ById, ArticleSummary),
  'articles.purge': mutation(ById, z.object({ id: ArticleId })),
  'articles.export': query(
    z.object({ id: ArticleId, format: ExportFormat }).strict(),
    z.object({
      fileName: z.string(),
      content: z.string(),
      /** Images the content refers to, by the relative path used in `content`. */
      images: z.array(z.object({ imageId: ImageId, path: z.string() })),
    }),
  ),

  'versions.list': query(
    z.object({ articleId: ArticleId }).strict(),
    z.object({ versions: z.array(Version) }),
  ),
  'versions.get': query(z.object({ id: VersionId }).strict(), Version.extend({ doc: Doc })),
  'versions.create': mutation(
    z.object({ articleId: ArticleId, label: z.string().max(200).optional() }).strict(),
    Version,
  ),
  'versions.restore': mutation(z.object({ id: VersionId }).strict(), Article),

  'images.import': stream(
    z
      .object({
        files: z
          .array(z.object({ name: z.string().min(1).max(255), data: Bytes }).strict())
          .min(1)
          .max(100),
      })
      .strict(),
    z.object({ done: z.number().int(), total: z.number().int(), fileName: z.string() }),
    z.object({
      images: z.array(ImageInfo.extend({ duplicate: z.boolean(), name: z.string() })),
      rejected: z.array(z.object({ name: z.string(), reason: z.string() })),
    }),
  ),
  'images.get': query(z.object({ id: ImageId }).strict(), ImageInfo),
} as const

export const events = {
  'articles.changed': z.object({
    id: ArticleId,
    reason: z.enum(['created', 'saved', 'renamed', 'trashed', 'restored', 'purged', 'versions']),
    revision: z.number().int().optional(),
    /** Which client caused it, so that client can ignore its own echo. */
    origin: z.string().optional(),
  }),
} as const

export type Methods = typeof methods
export type MethodName = keyof Methods
export type CallName = { [M in MethodName]: Methods[M]['kind'] extends 'call' ? M : never }[MethodName]
export type StreamName = { [M in MethodName]: Methods[M]['kind'] extends 'stream' ? M : never }[MethodName]
/** What a caller passes (before defaults and transforms). */
export type Input<M extends MethodName> = z.input<Methods[M]['input']>
/** What a handler receives (after validation). */
export type ParsedInput<M extends MethodName> = z.output<Methods[M]['input']>
export type Output<M extends MethodName> = z.output<Methods[M]['output']>
export type Progress<M extends StreamName> = Methods[M] extends StreamDef<z.ZodType, infer P, z.ZodType>
  ? z.output<P>
  : never

export type EventName = keyof typeof events
export type EventPayload<E extends EventName> = z.output<(typeof events)[E]>

export const methodNames = Object.keys(methods) as MethodName[]
export const eventNames = Object.keys(events) as EventName[]

export function isMethodName(s: unknown): s is MethodName {
  return typeof s === 'string' && Object.prototype.hasOwnProperty.call(methods, s)
}

export { OpId }
