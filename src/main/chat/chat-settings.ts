/** Chat settings (`chat.settings.get|set`), JSON values in the settings table under `chat.*`. */
import type { Database } from 'better-sqlite3'
import { ChatSettings, DEFAULT_CHAT_IMAGE_SIZE, type ChatSettingsPatch } from '../../shared/chat-api'

const DEFAULTS: ChatSettings = {
  imageStorage: 'library',
  maxImageSize: DEFAULT_CHAT_IMAGE_SIZE,
  contextTokens: null,
  maxTokens: 1024,
}

const KEY = (name: keyof ChatSettings) => `chat.${name}`

export class ChatSettingsStore {
  constructor(private readonly db: Database) {}

  get(): ChatSettings {
    const out: Record<string, unknown> = { ...DEFAULTS }
    const rows = this.db.prepare(`SELECT key, value FROM settings WHERE key LIKE 'chat.%'`).all() as { key: string; value: string }[]
    for (const r of rows) {
      const name = r.key.slice('chat.'.length)
      if (!(name in DEFAULTS)) continue
      try {
        out[name] = JSON.parse(r.value)
      } catch {
        // A damaged value falls back to its default below.
      }
    }
    // Each value on its own: one bad stored value must not reset the others.
    const settings = { ...DEFAULTS }
    for (const name of Object.keys(DEFAULTS) as (keyof ChatSettings)[]) {
      const field = ChatSettings.shape[name].safeParse(out[name])
      if (field.success) (settings as Record<string, unknown>)[name] = field.data
    }
    return settings
  }

  set(patch: ChatSettingsPatch): ChatSettings {
    const put = this.db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value')
    this.db.transaction(() => {
      for (const [name, value] of Object.entries(patch)) {
        if (value !== undefined) put.run(KEY(name as keyof ChatSettings), JSON.stringify(value))
      }
    })()
    return this.get()
  }
}
