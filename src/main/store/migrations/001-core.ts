import type { Migration } from '../migrations'

export const m001: Migration = {
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
}
