import type { Migration } from '../migrations'

export const m002: Migration = {
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
}
