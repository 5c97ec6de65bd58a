import type { Database } from 'better-sqlite3'

export interface Migration {
  version: number
  name: string
  up(db: Database): void
}

/** Append only. Each migration runs in its own transaction and bumps `PRAGMA user_version`. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'articles, versions, images, settings',
    up(db) {
      db.exec(`
        CREATE TABLE articles (
          id          TEXT PRIMARY KEY,
          title       TEXT NOT NULL DEFAULT '',
          doc         TEXT NOT NULL,
          doc_schema  INTEGER NOT NULL,
          revision    INTEGER NOT NULL DEFAULT 0,
          word_count  INTEGER NOT NULL DEFAULT 0,
          excerpt     TEXT NOT NULL DEFAULT '',
          created_at  INTEGER NOT NULL,
          updated_at  INTEGER NOT NULL,
          trashed_at  INTEGER
        );
        CREATE INDEX articles_by_recent ON articles (trashed_at, updated_at DESC);

        CREATE TABLE article_versions (
          id          TEXT PRIMARY KEY,
          article_id  TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
          created_at  INTEGER NOT NULL,
          kind        TEXT NOT NULL CHECK (kind IN ('auto', 'manual', 'before-restore')),
          label       TEXT,
          title       TEXT NOT NULL,
          doc         TEXT NOT NULL,
          doc_schema  INTEGER NOT NULL,
          word_count  INTEGER NOT NULL
        );
        CREATE INDEX article_versions_by_article ON article_versions (article_id, created_at DESC);

        CREATE TABLE images (
          id          TEXT PRIMARY KEY,
          sha256      TEXT NOT NULL UNIQUE,
          file_name   TEXT NOT NULL,
          mime        TEXT NOT NULL,
          width       INTEGER NOT NULL,
          height      INTEGER NOT NULL,
          bytes       INTEGER NOT NULL,
          path        TEXT NOT NULL,
          created_at  INTEGER NOT NULL
        );

        CREATE TABLE settings (
          key   TEXT PRIMARY KEY,
          value TEXT NOT NULL
        );
      `)
    },
  },
  {
    version: 2,
    name: 'models, roles, generation stats',
    up(db) {
      db.exec(`
        CREATE TABLE models (
          id               TEXT PRIMARY KEY,
          kind             TEXT NOT NULL CHECK (kind IN ('local', 'remote')),
          name             TEXT NOT NULL,
          path             TEXT UNIQUE,
          mmproj           TEXT,
          url              TEXT,
          remote_model     TEXT,
          api_key_env      TEXT,
          api_key_ref      TEXT,
          vision           INTEGER NOT NULL DEFAULT 0,
          architecture     TEXT,
          parameter_count  REAL,
          quantization     TEXT,
          context_length   INTEGER,
          embedding_length INTEGER,
          has_chat_template INTEGER NOT NULL DEFAULT 0,
          size_bytes       INTEGER,
          catalogue_id     TEXT,
          created_at       INTEGER NOT NULL,
          CHECK ((kind = 'local' AND path IS NOT NULL) OR (kind = 'remote' AND url IS NOT NULL))
        );

        CREATE TABLE model_roles (
          role     TEXT PRIMARY KEY CHECK (role IN ('writer', 'vision', 'embedder')),
          model_id TEXT NOT NULL REFERENCES models (id) ON DELETE CASCADE
        );

        CREATE TABLE generations (
          id          INTEGER PRIMARY KEY,
          created_at  INTEGER NOT NULL,
          model_id    TEXT,
          purpose     TEXT NOT NULL,
          stats       TEXT NOT NULL
        );
        CREATE INDEX generations_by_time ON generations (created_at DESC);
      `)
    },
  },
]

export const LATEST_SCHEMA = MIGRATIONS[MIGRATIONS.length - 1].version
