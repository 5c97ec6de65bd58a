import type { Migration } from '../migrations'

/** The captioning queue: why an image's caption failed (shown by the UI; cleared on retry). */
export const m005: Migration = {
  version: 5,
  name: 'captioning queue: caption errors',
  up(db) {
    db.exec(`
      ALTER TABLE images ADD COLUMN caption_error TEXT;
      CREATE INDEX images_by_caption_state ON images (caption_state, created_at DESC);
    `)
  },
}
