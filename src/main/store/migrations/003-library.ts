import type { Migration } from '../migrations'

/**
 * Image library: where an image came from, EXIF, thumbnails, trash, caption fields (filled by the
 * captioning queue; search indexes them) and the import job tables that let an interrupted import resume.
 */
export const m003: Migration = {
  version: 3,
  name: 'image library: import metadata, thumbnails, captions, import jobs',
  up(db) {
    db.exec(`
      ALTER TABLE images ADD COLUMN source_path TEXT;
      ALTER TABLE images ADD COLUMN stored INTEGER NOT NULL DEFAULT 1;
      ALTER TABLE images ADD COLUMN taken_at INTEGER;
      ALTER TABLE images ADD COLUMN camera TEXT;
      ALTER TABLE images ADD COLUMN lat REAL;
      ALTER TABLE images ADD COLUMN lon REAL;
      ALTER TABLE images ADD COLUMN exif_text TEXT;
      ALTER TABLE images ADD COLUMN thumb_path TEXT;
      ALTER TABLE images ADD COLUMN preview_path TEXT;
      ALTER TABLE images ADD COLUMN orientation_applied INTEGER;
      ALTER TABLE images ADD COLUMN trashed_at INTEGER;
      ALTER TABLE images ADD COLUMN caption TEXT;
      ALTER TABLE images ADD COLUMN description TEXT;
      ALTER TABLE images ADD COLUMN tags TEXT;
      ALTER TABLE images ADD COLUMN caption_source TEXT CHECK (caption_source IN ('model', 'user'));
      ALTER TABLE images ADD COLUMN caption_state TEXT NOT NULL DEFAULT 'pending';
      CREATE INDEX images_by_recent ON images (trashed_at, created_at DESC);

      CREATE TABLE import_jobs (
        id          TEXT PRIMARY KEY,
        created_at  INTEGER NOT NULL,
        state       TEXT NOT NULL CHECK (state IN ('running', 'done', 'cancelled')),
        total       INTEGER NOT NULL,
        done        INTEGER NOT NULL DEFAULT 0,
        copy        INTEGER NOT NULL DEFAULT 1
      );
      CREATE TABLE import_items (
        job_id    TEXT NOT NULL REFERENCES import_jobs (id) ON DELETE CASCADE,
        idx       INTEGER NOT NULL,
        path      TEXT NOT NULL,
        state     TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done', 'duplicate', 'rejected')),
        image_id  TEXT,
        reason    TEXT,
        PRIMARY KEY (job_id, idx)
      );
    `)
  },
}
