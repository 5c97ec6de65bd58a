import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs'

/** Where API keys live: never in the database, never sent back to a renderer. */
export interface SecretStore {
  get(key: string): string | null
  set(key: string, value: string): void
  delete(key: string): void
}

export interface Cipher {
  encrypt(plain: string): string
  decrypt(stored: string): string
}

/**
 * A JSON file readable only by its owner (0600). Electron passes a cipher backed by safeStorage
 * (the OS keychain); serve mode and the CLI store the file's values as they are.
 */
export class FileSecretStore implements SecretStore {
  constructor(
    private readonly path: string,
    private readonly cipher: Cipher | null = null,
  ) {}

  get(key: string): string | null {
    const v = this.read()[key]
    if (v === undefined) return null
    return this.cipher ? this.cipher.decrypt(v) : v
  }

  set(key: string, value: string): void {
    const all = this.read()
    all[key] = this.cipher ? this.cipher.encrypt(value) : value
    this.write(all)
  }

  delete(key: string): void {
    const all = this.read()
    if (!(key in all)) return
    delete all[key]
    this.write(all)
  }

  private read(): Record<string, string> {
    if (!existsSync(this.path)) return {}
    try {
      return JSON.parse(readFileSync(this.path, 'utf8')) as Record<string, string>
    } catch {
      return {}
    }
  }

  private write(all: Record<string, string>): void {
    const tmp = `${this.path}.${process.pid}.tmp`
    writeFileSync(tmp, JSON.stringify(all, null, 2), { mode: 0o600 })
    chmodSync(tmp, 0o600)
    renameSync(tmp, this.path)
  }
}
