import type { Migration } from '../migrations'

/**
 * Image chat: conversations, their messages (images referenced by library or attachment id, with name
 * and size kept in the message so a deleted file still reads), and chat-only image attachments
 * (content-addressed under chat-images/, deduplicated by hash).
 */
export const m007: Migration = {
  version: 7,
  name: 'image chat: conversations, messages, attachments',
  up(db) {
    db.exec(`
      CREATE TABLE chat_conversations (
        id          TEXT PRIMARY KEY,
        title       TEXT NOT NULL,
        created_at  INTEGER NOT NULL,
        updated_at  INTEGER NOT NULL
      );
      CREATE INDEX chat_conversations_by_recent ON chat_conversations (updated_at DESC);

      CREATE TABLE chat_messages (
        id               TEXT PRIMARY KEY,
        conversation_id  TEXT NOT NULL REFERENCES chat_conversations (id) ON DELETE CASCADE,
        seq              INTEGER NOT NULL,
        role             TEXT NOT NULL CHECK (role IN ('user', 'assistant')),
        content          TEXT NOT NULL DEFAULT '',
        images           TEXT NOT NULL DEFAULT '[]',
        state            TEXT NOT NULL DEFAULT 'complete'
                         CHECK (state IN ('complete', 'streaming', 'cancelled', 'error', 'interrupted')),
        error            TEXT,
        stats            TEXT,
        trimmed          INTEGER NOT NULL DEFAULT 0,
        created_at       INTEGER NOT NULL,
        UNIQUE (conversation_id, seq)
      );

      CREATE TABLE chat_attachments (
        id          TEXT PRIMARY KEY,
        sha256      TEXT NOT NULL UNIQUE,
        file_name   TEXT NOT NULL,
        mime        TEXT NOT NULL,
        width       INTEGER NOT NULL,
        height      INTEGER NOT NULL,
        bytes       INTEGER NOT NULL,
        path        TEXT NOT NULL,
        thumb_path  TEXT NOT NULL,
        created_at  INTEGER NOT NULL
      );
    `)
  },
}
