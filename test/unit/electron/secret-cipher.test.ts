import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { FileSecretStore } from '../../../src/main/common/secrets'
import { safeStorageCipher } from '../../../src/main/electron/secret-cipher'

// A stand-in for Electron's safeStorage: reversible, and visibly not plain text.
const fakeSafeStorage = (available: boolean) => ({
  isEncryptionAvailable: () => available,
  encryptString: (s: string) => Buffer.from([...Buffer.from(s)].map((b) => b ^ 0x5a)),
  decryptString: (b: Buffer) => Buffer.from([...b].map((x) => x ^ 0x5a)).toString(),
})

describe('API keys in the desktop app', () => {
  it('are stored encrypted with the OS keychain and read back', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'folio-sec-')), 'secrets.json')
    const store = new FileSecretStore(path, safeStorageCipher(fakeSafeStorage(true)))
    store.set('k', 'sk-very-secret')
    expect(readFileSync(path, 'utf8')).not.toContain('sk-very-secret')
    expect(store.get('k')).toBe('sk-very-secret')
  })

  it('fall back to the owner-only file when no keychain is available', () => {
    expect(safeStorageCipher(fakeSafeStorage(false))).toBeNull()
  })
})
