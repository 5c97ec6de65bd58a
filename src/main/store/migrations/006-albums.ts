import type { Migration } from '../migrations'

/** Albums: named, user-made sets of library images (an image may be in several; deleting an album keeps its images). */
export const m006: Migration = {
  version: 6,
  name: 'library albums',
  up(db) {
    db.exec(`
      CREATE TABLE albums (
        id          TEXT PRIMARY KEY,
        name        TEXT NOT NULL UNIQUE COLLATE NOCASE,
        created_at  INTEGER NOT NULL
      );
      CREATE TABLE album_images (
        album_id  TEXT NOT NULL REFERENCES albums (id) ON DELETE CASCADE,
        image_id  TEXT NOT NULL REFERENCES images (id) ON DELETE CASCADE,
        added_at  INTEGER NOT NULL,
        PRIMARY KEY (album_id, image_id)
      ) WITHOUT ROWID;
      CREATE INDEX album_images_by_image ON album_images (image_id);
    `)
  },
}
