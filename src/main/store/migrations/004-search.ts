import type { Migration } from '../migrations'

/**
 * Library search. `images_fts` is an external-content FTS5 index over the searchable columns of
 * `images` (columns from migration 003), keyed by images.rowid and kept in sync by triggers; the
 * trigram tokenizer matches substrings, so Chinese (no spaces between words) is found without a
 * segmenter. Caption vectors live in sqlite-vec tables created lazily by VectorIndex once the
 * embedder's dimension is known; `image_embeddings` records which caption text each vector was
 * made from (a changed caption or a reused rowid is then re-embedded, never matched to a stale vector).
 */
export const m004: Migration = {
  version: 4,
  name: 'library search: FTS5 trigram index, embedding bookkeeping',
  up(db) {
    db.exec(`
      CREATE VIRTUAL TABLE images_fts USING fts5(
        file_name, caption, description, tags, exif_text,
        content = 'images', content_rowid = 'rowid', tokenize = 'trigram'
      );
      INSERT INTO images_fts (images_fts) VALUES ('rebuild');

      CREATE TRIGGER images_fts_ai AFTER INSERT ON images BEGIN
        INSERT INTO images_fts (rowid, file_name, caption, description, tags, exif_text)
        VALUES (new.rowid, new.file_name, new.caption, new.description, new.tags, new.exif_text);
      END;
      CREATE TRIGGER images_fts_ad AFTER DELETE ON images BEGIN
        INSERT INTO images_fts (images_fts, rowid, file_name, caption, description, tags, exif_text)
        VALUES ('delete', old.rowid, old.file_name, old.caption, old.description, old.tags, old.exif_text);
      END;
      CREATE TRIGGER images_fts_au AFTER UPDATE OF file_name, caption, description, tags, exif_text ON images BEGIN
        INSERT INTO images_fts (images_fts, rowid, file_name, caption, description, tags, exif_text)
        VALUES ('delete', old.rowid, old.file_name, old.caption, old.description, old.tags, old.exif_text);
        INSERT INTO images_fts (rowid, file_name, caption, description, tags, exif_text)
        VALUES (new.rowid, new.file_name, new.caption, new.description, new.tags, new.exif_text);
      END;

      CREATE TABLE image_embeddings (
        rowid     INTEGER PRIMARY KEY,
        image_id  TEXT NOT NULL,
        text      TEXT NOT NULL
      );
      CREATE TRIGGER images_embed_ad AFTER DELETE ON images BEGIN
        DELETE FROM image_embeddings WHERE rowid = old.rowid;
      END;
      CREATE INDEX IF NOT EXISTS images_search_by_taken ON images (taken_at);
    `)
  },
}
