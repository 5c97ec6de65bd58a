/**
 * The one API contract. The preload bridge, the IPC handlers, the serve-mode bridge, the CLI and
 * the renderer client are all derived from `methods` and `events` below; add a capability here first.
 */
import { z } from 'zod'
import { ArticleId, ImageId, OpId, VersionId } from './ids'
import { Doc } from './doc'
import { GenerationStats } from './generation-api'
import { ImageInfo, ImportPathsInput, ImportProgress, ImportReport, LibraryDetail, LibraryItem, LibraryListInput, TrashResult } from './library-api'
import { CaptionStatus } from './captions-api'
import { Album, AlbumId, AlbumImagesInput, AlbumName } from './albums-api'
import { LibrarySettings, LibrarySettingsPatch } from './library-settings-api'
import {
  ArticleImportInput,
  ArticleImportPathInput,
  ArticleImportProgress,
  ArticleImportResult,
  ExportInput,
  ExportResult,
  ExportSaveResult,
} from './article-io-api'
import {
  CaptionInput,
  ImagesInput,
  ImagesOutput,
  ImagesProgress,
  ParagraphInput,
  RunInput,
  RunOutput,
  RunProgress,
  SpotsInput,
  SpotsOutput,
  SpotsProgress,
  StageStats,
  TextOutput,
  WriteInput,
} from './compose-api'
import {
  AttachmentId,
  ChatImage,
  ChatProgress,
  ChatResult,
  ChatSettings,
  ChatSettingsPatch,
  Conversation,
  ConversationId,
  ConversationSummary,
  ConversationTitle,
  EditInput,
  MAX_CHAT_IMAGES,
  RegenerateInput,
  SendInput,
} from './chat-api'
import { Diagnostics } from './diagnostics-api'

import { MAX_IMAGE_BYTES, MAX_TITLE } from './limits'

export { MAX_IMAGE_BYTES, MAX_TITLE }

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

export { ImageInfo } from './library-api'

export const ModelRole = z.enum(['writer', 'vision', 'embedder'])
export type ModelRole = z.infer<typeof ModelRole>
export const ModelId = z.string().regex(/^mdl_[0-9a-z]{12}$/, 'not a model id (mdl_…)')

export const ModelInfo = z.object({
  id: ModelId,
  kind: z.enum(['local', 'remote']),
  name: z.string(),
  /** Local GGUF file (null for remote endpoints). */
  path: z.string().nullable(),
  mmproj: z.string().nullable(),
  /** Remote OpenAI-compatible base URL (null for local files). */
  url: z.string().nullable(),
  remoteModel: z.string().nullable(),
  hasApiKey: z.boolean(),
  roles: z.array(ModelRole),
  architecture: z.string().nullable(),
  parameterCount: z.number().nullable(),
  quantization: z.string().nullable(),
  contextLength: z.number().int().nullable(),
  embeddingLength: z.number().int().nullable(),
  hasChatTemplate: z.boolean(),
  sizeBytes: z.number().nullable(),
  catalogueId: z.string().nullable(),
  createdAt: z.number(),
})
export type ModelInfo = z.infer<typeof ModelInfo>

/** A file uploaded into the models folder in serve mode (a file name, never a path). */
export const UploadId = z.string().regex(/^upl_[0-9a-z]{12}\.gguf$/, 'not an upload id')

export const DownloadState = z.object({
  status: z.enum(['none', 'partial', 'downloading', 'complete']),
  downloadedBytes: z.number(),
  totalBytes: z.number(),
})

export const CatalogueEntry = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  license: z.string(),
  languages: z.array(z.string()),
  roles: z.array(ModelRole),
  sizeBytes: z.number(),
  /** Approximate memory needed to run it (weights + a 4k context). */
  memoryBytes: z.number(),
  fits: z.object({ fits: z.boolean(), message: z.string() }),
  download: DownloadState,
  installedModelId: ModelId.nullable(),
})
export type CatalogueEntry = z.infer<typeof CatalogueEntry>

export const DownloadProgress = z.object({
  file: z.string(),
  downloadedBytes: z.number(),
  totalBytes: z.number(),
  bytesPerSecond: z.number(),
  etaSeconds: z.number().nullable(),
})
export type DownloadProgress = z.infer<typeof DownloadProgress>

export { GenerationStats } from './generation-api'

const ChatMessageIn = z
  .object({ role: z.enum(['system', 'user', 'assistant']), content: z.string().max(400_000) })
  .strict()

export { ExportFormat } from './article-io-api'

// ---- methods ---------------------------------------------------------------------------------

interface CallDef<I extends z.ZodType, O extends z.ZodType> {
  kind: 'call'
  input: I
  output: O
  /** Changes stored data (the CLI and transports may treat these differently, e.g. no GET). */
  mutates: boolean
  /** Takes file-system paths: only in-process callers (the CLI) may call it, never a renderer. */
  trusted?: boolean
}
interface StreamDef<I extends z.ZodType, P extends z.ZodType, O extends z.ZodType> {
  kind: 'stream'
  input: I
  progress: P
  output: O
  mutates: boolean
  trusted?: boolean
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
const trustedOnly = <D extends { trusted?: boolean }>(def: D): D => ({ ...def, trusted: true })

const ById = z.object({ id: ArticleId }).strict()
const Empty = z.object({}).strict()

export const methods = {
  'app.info': query(
    Empty,
    z.object({ name: z.string(), version: z.string(), dataDir: z.string(), docSchema: z.number().int() }),
  ),
  /** Versions, machine, backend, models, library counts, settings and recent log lines — never secrets. */
  'app.diagnostics': query(Empty, Diagnostics),

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
  /** Markdown (alone or zipped with images/), HTML (self-contained, or with images/), DOCX or PDF. */
  'articles.export': query(ExportInput, ExportResult),
  /** Desktop app: exports, then asks where to save it (the system save dialog confirms overwriting). */
  'articles.exportSave': mutation(ExportInput, ExportSaveResult),
  /** A Markdown, HTML or DOCX file (+ the images it refers to, or one .zip) as a new article; its images enter the library. */
  'articles.import': stream(ArticleImportInput, ArticleImportProgress, ArticleImportResult),
  /** The same from a file path; local images are read relative to it (CLI only). */
  'articles.importPath': trustedOnly(stream(ArticleImportPathInput, ArticleImportProgress, ArticleImportResult)),

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

  // ---- library (import) ----
  /** Imports files and folders (recursive) by path into the library (CLI only: renderers never send paths). */
  'library.importPaths': trustedOnly(stream(ImportPathsInput, ImportProgress, ImportReport)),
  /** Library images, newest imports first. */
  'library.list': query(LibraryListInput, z.object({ items: z.array(LibraryItem), total: z.number().int() })),
  'library.get': query(z.object({ id: ImageId }).strict(), LibraryDetail),
  /** Moves an image to the trash; `usedIn` lists articles that still use it (the UI warns). */
  'library.trash': mutation(z.object({ id: ImageId }).strict(), TrashResult),
  'library.restore': mutation(z.object({ id: ImageId }).strict(), TrashResult),
  /** Hand edits to caption/description/tags; marks them the user's (caption_source 'user') so the model never overwrites them. */
  'library.update': mutation(
    z
      .object({
        id: ImageId,
        caption: z.string().max(2000).optional(),
        description: z.string().max(20_000).optional(),
        tags: z.array(z.string().min(1).max(100)).max(100).optional(),
      })
      .strict(),
    LibraryItem,
  ),

  // ---- library (captions) ----
  /** The captioning queue: counts, the image in progress, paused (kept across restarts), why it is idle (e.g. NO_MODEL). */
  'library.captions.status': query(Empty, CaptionStatus),
  /** Pauses captioning (cancels the request in flight); stays paused across restarts. */
  'library.captions.pause': mutation(Empty, CaptionStatus),
  'library.captions.resume': mutation(Empty, CaptionStatus),
  /** Puts images whose caption failed back in the queue. */
  'library.captions.retryFailed': mutation(Empty, CaptionStatus),

  // ---- library (settings) ----
  /** Copy on import vs reference in place, caption language, caption image size (settings table). */
  'library.settings.get': query(Empty, LibrarySettings),
  /** Changes the given settings; a new caption language applies to images captioned from now on. */
  'library.settings.set': mutation(LibrarySettingsPatch, LibrarySettings),

  // ---- library (search) ----
  /**
   * Hybrid search (FTS5 bm25 + caption-embedding KNN, reciprocal rank fusion). `exclude`: images to
   * skip (e.g. already in the article); an empty query lists the newest images matching the filters.
   */
  'library.search': query(
    z
      .object({
        query: z.string().max(2000),
        limit: z.number().int().min(1).max(200).default(20),
        exclude: z.array(ImageId).max(10_000).default([]),
        filters: z
          .object({
            /** taken_at range, ms since the epoch, inclusive. */
            from: z.number().optional(),
            to: z.number().optional(),
            /** Images carrying every one of these tags. */
            tags: z.array(z.string().min(1).max(100)).max(20).optional(),
            /** Only images in this album. */
            album: AlbumId.optional(),
          })
          .strict()
          .default({}),
      })
      .strict(),
    z.object({
      results: z.array(
        z.object({
          id: ImageId,
          path: z.string(),
          caption: z.string().nullable(),
          score: z.number(),
          scores: z.object({
            fts: z.number().optional(),
            substring: z.number().optional(),
            vector: z.number().optional(),
            rrf: z.number(),
          }),
        }),
      ),
    }),
  ),

  // ---- library (albums) ----
  /** Albums by name, with how many images (not in the trash) each holds and a cover image. */
  'albums.list': query(Empty, z.object({ albums: z.array(Album) })),
  /** A name already used (ignoring case) is a CONFLICT. */
  'albums.create': mutation(z.object({ name: AlbumName }).strict(), Album),
  'albums.rename': mutation(z.object({ id: AlbumId, name: AlbumName }).strict(), Album),
  /** Deletes the album only: its images stay in the library. */
  'albums.delete': mutation(z.object({ id: AlbumId }).strict(), z.object({ id: AlbumId })),
  'albums.addImages': mutation(AlbumImagesInput, Album),
  'albums.removeImages': mutation(AlbumImagesInput, Album),

  'models.list': query(
    Empty,
    z.object({ models: z.array(ModelInfo), roles: z.record(ModelRole, ModelId.nullable()) }),
  ),
  'models.catalogue': query(
    Empty,
    z.object({
      entries: z.array(CatalogueEntry),
      system: z.object({ ramBytes: z.number(), freeRamBytes: z.number(), vramBytes: z.number(), backend: z.string(), cores: z.number() }),
    }),
  ),
  /** Registers a GGUF file by path (CLI only: a renderer never sends file paths). */
  'models.add': trustedOnly(
    mutation(
      z
        .object({ path: z.string().min(1).max(4096), mmproj: z.string().min(1).max(4096).optional(), role: ModelRole.optional() })
        .strict(),
      ModelInfo,
    ),
  ),
  /** Desktop app: opens the system file dialog for a GGUF (and optionally its mmproj) and adds it. */
  'models.pickAndAdd': mutation(
    z.object({ withMmproj: z.boolean().default(false), role: ModelRole.optional() }).strict(),
    z.object({ model: ModelInfo.nullable() }),
  ),
  /** Serve mode: adds files uploaded to /api/models/upload, named by the ids that upload returned. */
  'models.addUploaded': mutation(
    z
      .object({
        model: UploadId,
        mmproj: UploadId.optional(),
        role: ModelRole.optional(),
      })
      .strict(),
    ModelInfo,
  ),
  'models.addRemote': mutation(
    z
      .object({
        url: z.string().url().max(2000).refine((u) => /^https?:\/\//i.test(u), 'the URL must start with http:// or https://'),
        /** Name of an environment variable holding the API key (CLI). */
        apiKeyEnv: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/).max(100).optional(),
        /** The API key itself (UI); stored encrypted or in a 0600 file, never in the database. */
        apiKey: z.string().max(500).optional(),
        model: z.string().max(200).optional(),
        name: z.string().max(200).optional(),
        vision: z.boolean().optional(),
        role: ModelRole.optional(),
      })
      .strict(),
    ModelInfo,
  ),
  'models.remove': mutation(z.object({ id: ModelId }).strict(), z.object({ id: ModelId })),
  'models.setRole': mutation(z.object({ id: ModelId, role: ModelRole }).strict(), ModelInfo),
  /** Downloads a catalogue model (resumes a partial download); cancelling pauses and keeps the partial file. */
  'models.download': stream(
    z.object({ catalogueId: z.string().min(1).max(100) }).strict(),
    DownloadProgress,
    z.object({ models: z.array(ModelInfo) }),
  ),
  'models.discardDownload': mutation(z.object({ catalogueId: z.string().min(1).max(100) }).strict(), z.object({ deletedBytes: z.number() })),

  'inference.status': query(
    Empty,
    z.object({
      backend: z.string(),
      backendMessage: z.string(),
      threads: z.number().int(),
      writer: z.string().nullable(),
      vision: z.string().nullable(),
      embedder: z.string().nullable(),
      lastStats: GenerationStats.nullable(),
    }),
  ),
  /** Where the vision engine (llama-server) comes from, or what to do when there is none. */
  'inference.llamaServer': query(
    Empty,
    z.object({ path: z.string().nullable(), source: z.string().nullable(), message: z.string().nullable() }),
  ),
  /** Downloads llama.cpp's official release build of llama-server for this platform and GPU. */
  'inference.installLlamaServer': stream(
    z.object({ gpu: z.enum(['cpu', 'cuda', 'vulkan']).default('cpu') }).strict(),
    DownloadProgress,
    z.object({ path: z.string(), asset: z.string() }),
  ),
  'inference.generate': stream(
    z
      .object({
        prompt: z.string().max(400_000).optional(),
        messages: z.array(ChatMessageIn).max(200).optional(),
        model: ModelId.optional(),
        maxTokens: z.number().int().min(1).max(32_768).default(512),
        temperature: z.number().min(0).max(2).optional(),
        seed: z.number().int().min(0).max(2 ** 31 - 1).optional(),
      })
      .strict()
      .refine((v) => (v.prompt === undefined) !== (v.messages === undefined), 'give either prompt or messages'),
    z.object({ token: z.string() }),
    z.object({ text: z.string(), stats: GenerationStats }),
  ),

  // ---- composition (MISSION.md §1): the editor runs the stages on its live document; `compose.run` does all of them into a new saved article ----
  /** Stage 1: the article, streamed token by token (cancel keeps the text written so far in the output). */
  'compose.write': stream(WriteInput, z.object({ token: z.string() }), TextOutput),
  /** Stage 2: which sections get an image (auto or exactly N, unique, in range) and a caption for each. */
  'compose.spots': stream(SpotsInput, SpotsProgress, SpotsOutput),
  /** One caption for one section ("add an image here"). */
  'compose.caption': stream(CaptionInput, z.object({}), z.object({ caption: z.string(), fallback: z.boolean(), stats: StageStats })),
  /** Stage 3: library candidates per caption and the model's choice among them (never an excluded or repeated image). */
  'compose.images': stream(ImagesInput, ImagesProgress, ImagesOutput),
  /** Paragraph actions: rewrite, expand, shorten, continue, insert before/after, translate — streamed. */
  'compose.paragraph': stream(ParagraphInput, z.object({ token: z.string() }), TextOutput),
  /** The whole composition into a new article, saved after every stage (the CLI's `folio compose`). */
  'compose.run': stream(RunInput, RunProgress, RunOutput),

  // ---- image chat ----
  /** Conversations, most recent first; `query` searches titles and messages. */
  'chat.list': query(
    z.object({ query: z.string().max(200).default(''), limit: z.number().int().min(1).max(500).default(200) }).strict(),
    z.object({ conversations: z.array(ConversationSummary) }),
  ),
  'chat.get': query(z.object({ id: ConversationId }).strict(), Conversation),
  'chat.rename': mutation(z.object({ id: ConversationId, title: ConversationTitle }).strict(), ConversationSummary),
  /** Deletes the conversation and its messages (library images stay in the library). */
  'chat.delete': mutation(z.object({ id: ConversationId }).strict(), z.object({ id: ConversationId })),
  /**
   * Checks and stores images for a message (dropped, pasted or picked): into the library or as chat
   * attachments (the `imageStorage` setting), deduplicated by hash; files that are not usable images are
   * rejected with a reason.
   */
  'chat.attach': mutation(
    z.object({ files: z.array(z.object({ name: z.string().min(1).max(255), data: Bytes }).strict()).min(1).max(MAX_CHAT_IMAGES) }).strict(),
    z.object({ images: z.array(ChatImage), rejected: z.array(z.object({ name: z.string(), reason: z.string() })) }),
  ),
  /** A chat attachment's thumbnail (≤ 256 px JPEG); library images use the image URL. */
  'chat.image': query(z.object({ id: AttachmentId }).strict(), z.object({ mime: z.string(), data: Bytes })),
  /** Adds a chat attachment to the library (to place it in an article); returns its library id. */
  'chat.toLibrary': mutation(z.object({ id: AttachmentId }).strict(), z.object({ imageId: ImageId })),
  /** Asks a question (with images) in a conversation (a new one without `conversationId`); the answer streams. Stop = cancel. */
  'chat.send': stream(SendInput, ChatProgress, ChatResult),
  /** Writes the last answer again (or retries a failed one). */
  'chat.regenerate': stream(RegenerateInput, ChatProgress, ChatResult),
  /** Changes a question, drops the messages after it and answers again. */
  'chat.edit': stream(EditInput, ChatProgress, ChatResult),
  'chat.settings.get': query(Empty, ChatSettings),
  'chat.settings.set': mutation(ChatSettingsPatch, ChatSettings),
} as const

export const events = {
  'articles.changed': z.object({
    id: ArticleId,
    reason: z.enum(['created', 'saved', 'renamed', 'trashed', 'restored', 'purged', 'versions']),
    revision: z.number().int().optional(),
    /** Which client caused it, so that client can ignore its own echo. */
    origin: z.string().optional(),
  }),
  'models.changed': z.object({ reason: z.enum(['added', 'removed', 'roles', 'download']) }),
  'inference.stats': z.object({ stats: GenerationStats }),
  /** The captioning queue's progress (same shape as library.captions.status). */
  'library.captions': CaptionStatus,
  /** A model is being read into memory (progress 0…1; 1 = ready). */
  'inference.loading': z.object({ model: z.string(), progress: z.number().min(0).max(1) }),
  /** A conversation was created, changed (a message or answer), renamed or deleted. */
  'chat.changed': z.object({
    id: ConversationId,
    reason: z.enum(['created', 'updated', 'renamed', 'deleted']),
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
