/**
 * The library's settings (`library.settings.get|set`), stored as JSON values in the settings table
 * under the keys the importer and the caption queue read themselves.
 */
import type { Database } from 'better-sqlite3'
import type { LibrarySettings as Settings, LibrarySettingsPatch } from '../../shared/library-settings-api'
import { CAPTION_MAX_SIZE_MAX, CAPTION_MAX_SIZE_MIN } from '../../shared/library-settings-api'
import { CaptionRepo, LANGUAGE_KEY, MAX_SIZE_KEY } from './captions/caption-repo'
import { COPY_SETTING, type LibraryImporter } from './import/library-importer'

export class LibrarySettings {
  private readonly captions: CaptionRepo

  constructor(
    private readonly db: Database,
    private readonly importer: Pick<LibraryImporter, 'copyOnImport'>,
  ) {
    this.captions = new CaptionRepo(db)
  }

  get(): Settings {
    const size = this.captions.maxSize()
    return {
      copyOnImport: this.importer.copyOnImport(),
      captionLanguage: this.captions.language(),
      // The queue accepts a wider range than the UI offers; report what the UI can show.
      captionMaxSize: Math.min(CAPTION_MAX_SIZE_MAX, Math.max(CAPTION_MAX_SIZE_MIN, size)),
    }
  }

  set(patch: LibrarySettingsPatch): Settings {
    const put = this.db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value')
    this.db.transaction(() => {
      if (patch.copyOnImport !== undefined) put.run(COPY_SETTING, JSON.stringify(patch.copyOnImport))
      if (patch.captionLanguage !== undefined) put.run(LANGUAGE_KEY, JSON.stringify(patch.captionLanguage))
      if (patch.captionMaxSize !== undefined) put.run(MAX_SIZE_KEY, JSON.stringify(patch.captionMaxSize))
    })()
    return this.get()
  }
}
