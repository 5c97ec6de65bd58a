/** Records of image chat (`chat.*` in api.ts): conversations, messages with images, and chat settings. */
import { z } from 'zod'
import { CHAT_IMAGE_SIZE_MAX, CHAT_IMAGE_SIZE_MIN, MAX_CHAT_IMAGES, MAX_CHAT_TEXT } from './limits'
import { GenerationStats } from './generation-api'
import { ImageId } from './ids'

export const ConversationId = z.string().regex(/^cnv_[0-9a-z]{12}$/, 'not a conversation id (cnv_…)')
export const MessageId = z.string().regex(/^msg_[0-9a-z]{12}$/, 'not a message id (msg_…)')
/** An image kept only for chat (the "attachments" storage setting), outside the library. */
export const AttachmentId = z.string().regex(/^att_[0-9a-z]{12}$/, 'not a chat attachment id (att_…)')
/** A chat image is a library image (img_…) or a chat attachment (att_…). */
export const ChatImageId = z.union([ImageId, AttachmentId], { error: 'not an image id (img_… or att_…)' })

export { CHAT_IMAGE_SIZE_MAX, CHAT_IMAGE_SIZE_MIN, MAX_CHAT_IMAGES, MAX_CHAT_TEXT }
export const DEFAULT_CHAT_IMAGE_SIZE = 448

/** An image as shown with a message (name and size kept with the message, so it still reads if the file goes). */
export const ChatImage = z.object({
  id: ChatImageId,
  name: z.string(),
  mime: z.string(),
  width: z.number().int(),
  height: z.number().int(),
})
export type ChatImage = z.infer<typeof ChatImage>

/**
 * complete | streaming (being written now) | cancelled (stopped; the text so far is kept) |
 * error (see `error`; any text written before is kept) | interrupted (Folio stopped while it was written).
 */
export const ChatMessageState = z.enum(['complete', 'streaming', 'cancelled', 'error', 'interrupted'])
export type ChatMessageState = z.infer<typeof ChatMessageState>

/** A message's generation stats (the thread count is not shown in the chat). */
export const ChatMessageStats = GenerationStats.omit({ threads: true })
export type ChatMessageStats = z.infer<typeof ChatMessageStats>

export const ChatMessage = z.object({
  id: MessageId,
  conversationId: ConversationId,
  role: z.enum(['user', 'assistant']),
  content: z.string(),
  images: z.array(ChatImage),
  state: ChatMessageState,
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  stats: ChatMessageStats.nullable(),
  /** Answers: how many earlier messages were left out because the conversation did not fit the model's context. */
  trimmed: z.number().int(),
  createdAt: z.number(),
})
export type ChatMessage = z.infer<typeof ChatMessage>

export const ConversationSummary = z.object({
  id: ConversationId,
  title: z.string(),
  createdAt: z.number(),
  updatedAt: z.number(),
  messageCount: z.number().int(),
  /** The start of the last message, for the list. */
  preview: z.string(),
})
export type ConversationSummary = z.infer<typeof ConversationSummary>

export const Conversation = ConversationSummary.extend({ messages: z.array(ChatMessage) })
export type Conversation = z.infer<typeof Conversation>

export const ConversationTitle = z
  .string()
  .max(1000)
  .transform((s) => s.replace(/[\u0000-\u001f\u007f]/g, ' ').trim())
  .pipe(z.string().min(1, 'a conversation needs a title').max(200, 'a title is at most 200 characters'))

const Sampling = {
  /** Answer length limit (default: the chat setting). */
  maxTokens: z.number().int().min(1).max(8192).optional(),
  temperature: z.number().min(0).max(2).optional(),
  seed: z.number().int().min(0).max(2 ** 31 - 1).optional(),
}

const MessageBody = {
  text: z.string().max(MAX_CHAT_TEXT, `a message is at most ${MAX_CHAT_TEXT} characters`).default(''),
  images: z.array(ChatImageId).max(MAX_CHAT_IMAGES, `at most ${MAX_CHAT_IMAGES} images per message`).default([]),
}
const hasContent = (v: { text: string; images: string[] }) => v.text.trim() !== '' || v.images.length > 0

export const SendInput = z
  .object({ conversationId: ConversationId.optional(), ...MessageBody, ...Sampling })
  .strict()
  .refine(hasContent, 'write a question or add an image')
export type SendInput = z.infer<typeof SendInput>

/** Replaces a question (and drops every message after it), then answers it again. */
export const EditInput = z
  .object({ messageId: MessageId, ...MessageBody, ...Sampling })
  .strict()
  .refine(hasContent, 'write a question or add an image')
export type EditInput = z.infer<typeof EditInput>

/** Writes the last answer of a conversation again (also the way to retry a failed answer). */
export const RegenerateInput = z.object({ messageId: MessageId, ...Sampling }).strict()
export type RegenerateInput = z.infer<typeof RegenerateInput>

export const ChatProgress = z.discriminatedUnion('type', [
  /** The question is saved; the answer (id `assistantMessageId`) starts. */
  z.object({
    type: z.literal('start'),
    conversationId: ConversationId,
    userMessage: ChatMessage,
    assistantMessageId: MessageId,
  }),
  z.object({ type: z.literal('token'), token: z.string() }),
])
export type ChatProgress = z.infer<typeof ChatProgress>

export const ChatResult = z.object({ conversationId: ConversationId, userMessage: ChatMessage, message: ChatMessage })
export type ChatResult = z.infer<typeof ChatResult>

export const ChatSettings = z.object({
  /** 'library': chat images join the image library (stored once, deduplicated); 'attachments': kept only for chat. */
  imageStorage: z.enum(['library', 'attachments']),
  /** Longest side, in pixels, of images sent to the model (the originals are kept). */
  maxImageSize: z.number().int().min(CHAT_IMAGE_SIZE_MIN).max(CHAT_IMAGE_SIZE_MAX),
  /** Context size to fit the conversation into; null = the model's (4096 for the managed llama-server). */
  contextTokens: z.number().int().min(256).max(1_048_576).nullable(),
  /** Longest answer, in tokens. */
  maxTokens: z.number().int().min(16).max(8192),
})
export type ChatSettings = z.infer<typeof ChatSettings>
export const ChatSettingsPatch = ChatSettings.partial().strict()
export type ChatSettingsPatch = z.infer<typeof ChatSettingsPatch>
