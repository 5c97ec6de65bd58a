/** SQL for conversations and their messages (tables from migration 007). */
import type { Database } from 'better-sqlite3'
import type { ChatImage, ChatMessage, ChatMessageState, ChatMessageStats, ConversationSummary } from '../../shared/chat-api'
import { FolioError } from '../../shared/errors'
import { newId } from '../../shared/ids'

interface ConversationRow {
  id: string
  title: string
  created_at: number
  updated_at: number
  message_count: number
  preview: string | null
}

interface MessageRow {
  id: string
  conversation_id: string
  seq: number
  role: 'user' | 'assistant'
  content: string
  images: string
  state: ChatMessageState
  error: string | null
  stats: string | null
  trimmed: number
  created_at: number
}

const PREVIEW_CHARS = 120

const SUMMARY_SELECT = `
  SELECT c.id, c.title, c.created_at, c.updated_at,
         (SELECT COUNT(*) FROM chat_messages m WHERE m.conversation_id = c.id) AS message_count,
         (SELECT substr(m.content, 1, ${PREVIEW_CHARS}) FROM chat_messages m WHERE m.conversation_id = c.id ORDER BY m.seq DESC LIMIT 1) AS preview
  FROM chat_conversations c`

export class ChatRepo {
  constructor(
    private readonly db: Database,
    private readonly now: () => number = Date.now,
  ) {}

  /** Most recently active first; `query` matches titles and message text (case-insensitive for ASCII). */
  list(query: string, limit: number): ConversationSummary[] {
    const q = query.trim()
    if (!q) {
      const rows = this.db.prepare(`${SUMMARY_SELECT} ORDER BY c.updated_at DESC LIMIT ?`).all(limit) as ConversationRow[]
      return rows.map(toSummary)
    }
    const like = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
    const rows = this.db
      .prepare(
        `${SUMMARY_SELECT}
         WHERE c.title LIKE @like ESCAPE '\\'
            OR EXISTS (SELECT 1 FROM chat_messages m WHERE m.conversation_id = c.id AND m.content LIKE @like ESCAPE '\\')
         ORDER BY c.updated_at DESC LIMIT @limit`,
      )
      .all({ like, limit }) as ConversationRow[]
    return rows.map(toSummary)
  }

  summary(id: string): ConversationSummary {
    const row = this.db.prepare(`${SUMMARY_SELECT} WHERE c.id = ?`).get(id) as ConversationRow | undefined
    if (!row) throw new FolioError('NOT_FOUND', `No conversation ${id}.`)
    return toSummary(row)
  }

  exists(id: string): boolean {
    return this.db.prepare('SELECT 1 FROM chat_conversations WHERE id = ?').get(id) !== undefined
  }

  create(title: string): string {
    const id = newId('cnv')
    const t = this.now()
    this.db.prepare('INSERT INTO chat_conversations (id, title, created_at, updated_at) VALUES (?, ?, ?, ?)').run(id, title, t, t)
    return id
  }

  rename(id: string, title: string): void {
    const r = this.db.prepare('UPDATE chat_conversations SET title = ? WHERE id = ?').run(title, id)
    if (r.changes === 0) throw new FolioError('NOT_FOUND', `No conversation ${id}.`)
  }

  /** Deletes the conversation; returns the image ids its messages referred to. */
  delete(id: string): string[] {
    const images = this.imageIdsOf(id)
    const r = this.db.prepare('DELETE FROM chat_conversations WHERE id = ?').run(id)
    if (r.changes === 0) throw new FolioError('NOT_FOUND', `No conversation ${id}.`)
    return images
  }

  messages(conversationId: string): ChatMessage[] {
    const rows = this.db
      .prepare('SELECT * FROM chat_messages WHERE conversation_id = ? ORDER BY seq')
      .all(conversationId) as MessageRow[]
    return rows.map(toMessage)
  }

  message(id: string): ChatMessage {
    const row = this.db.prepare('SELECT * FROM chat_messages WHERE id = ?').get(id) as MessageRow | undefined
    if (!row) throw new FolioError('NOT_FOUND', `No message ${id}.`)
    return toMessage(row)
  }

  /** Appends a message; the conversation becomes the most recent. */
  append(
    conversationId: string,
    m: { role: 'user' | 'assistant'; content: string; images?: ChatImage[]; state?: ChatMessageState; trimmed?: number },
  ): ChatMessage {
    const id = newId('msg')
    const t = this.now()
    this.db.transaction(() => {
      const { seq } = this.db
        .prepare('SELECT COALESCE(MAX(seq), 0) + 1 AS seq FROM chat_messages WHERE conversation_id = ?')
        .get(conversationId) as { seq: number }
      this.db
        .prepare(
          `INSERT INTO chat_messages (id, conversation_id, seq, role, content, images, state, trimmed, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(id, conversationId, seq, m.role, m.content, JSON.stringify(m.images ?? []), m.state ?? 'complete', m.trimmed ?? 0, t)
      this.touch(conversationId, t)
    })()
    return this.message(id)
  }

  /** Text written so far (kept while an answer streams, so a crash loses at most the last moments). */
  saveProgress(id: string, content: string): void {
    this.db.prepare(`UPDATE chat_messages SET content = ? WHERE id = ? AND state = 'streaming'`).run(content, id)
  }

  finish(
    id: string,
    f: { content: string; state: ChatMessageState; stats?: ChatMessageStats | null; error?: { code: string; message: string } | null },
  ): ChatMessage {
    this.db
      .prepare('UPDATE chat_messages SET content = ?, state = ?, stats = ?, error = ? WHERE id = ?')
      .run(f.content, f.state, f.stats ? JSON.stringify(f.stats) : null, f.error ? JSON.stringify(f.error) : null, id)
    const m = this.message(id)
    this.touch(m.conversationId, this.now())
    return m
  }

  /** Reuses an answer's row for a new attempt (regenerate). */
  restart(id: string, trimmed: number): void {
    this.db
      .prepare(`UPDATE chat_messages SET content = '', state = 'streaming', stats = NULL, error = NULL, trimmed = ? WHERE id = ?`)
      .run(trimmed, id)
  }

  updateQuestion(id: string, content: string, images: ChatImage[]): void {
    this.db.prepare('UPDATE chat_messages SET content = ?, images = ? WHERE id = ?').run(content, JSON.stringify(images), id)
  }

  /** Deletes the messages after `seq`; returns the image ids they referred to. */
  deleteAfter(conversationId: string, seq: number): string[] {
    const rows = this.db
      .prepare('SELECT images FROM chat_messages WHERE conversation_id = ? AND seq > ?')
      .all(conversationId, seq) as { images: string }[]
    this.db.prepare('DELETE FROM chat_messages WHERE conversation_id = ? AND seq > ?').run(conversationId, seq)
    return rows.flatMap((r) => parseImages(r.images).map((i) => i.id))
  }

  seqOf(id: string): number {
    const row = this.db.prepare('SELECT seq FROM chat_messages WHERE id = ?').get(id) as { seq: number } | undefined
    if (!row) throw new FolioError('NOT_FOUND', `No message ${id}.`)
    return row.seq
  }

  /** Whether any message still refers to this image. */
  imageInUse(imageId: string): boolean {
    return (
      this.db
        .prepare(`SELECT 1 FROM chat_messages m, json_each(m.images) j WHERE json_extract(j.value, '$.id') = ? LIMIT 1`)
        .get(imageId) !== undefined
    )
  }

  /** Answers a crash or quit left half-written become 'interrupted' (their text so far is kept). */
  recoverStreaming(): number {
    return this.db.prepare(`UPDATE chat_messages SET state = 'interrupted' WHERE state = 'streaming'`).run().changes
  }

  private imageIdsOf(conversationId: string): string[] {
    const rows = this.db.prepare('SELECT images FROM chat_messages WHERE conversation_id = ?').all(conversationId) as { images: string }[]
    return rows.flatMap((r) => parseImages(r.images).map((i) => i.id))
  }

  private touch(conversationId: string, t: number): void {
    this.db.prepare('UPDATE chat_conversations SET updated_at = MAX(updated_at, ?) WHERE id = ?').run(t, conversationId)
  }
}

function parseImages(s: string): ChatImage[] {
  try {
    const v = JSON.parse(s) as unknown
    return Array.isArray(v) ? (v as ChatImage[]) : []
  } catch {
    return []
  }
}

function parseJson<T>(s: string | null): T | null {
  if (s === null) return null
  try {
    return JSON.parse(s) as T
  } catch {
    return null
  }
}

function toSummary(r: ConversationRow): ConversationSummary {
  return {
    id: r.id,
    title: r.title,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    messageCount: r.message_count,
    preview: (r.preview ?? '').replace(/\s+/g, ' ').trim(),
  }
}

function toMessage(r: MessageRow): ChatMessage {
  return {
    id: r.id,
    conversationId: r.conversation_id,
    role: r.role,
    content: r.content,
    images: parseImages(r.images),
    state: r.state,
    error: parseJson(r.error),
    stats: parseJson(r.stats),
    trimmed: r.trimmed,
    createdAt: r.created_at,
  }
}
