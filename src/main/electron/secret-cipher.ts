import type { Cipher } from '../common/secrets'

/** The slice of Electron's safeStorage used here (injected, so this file is testable under Node). */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean
  encryptString(plain: string): Buffer
  decryptString(encrypted: Buffer): string
}

/**
 * API keys encrypted with the OS keychain (Keychain, DPAPI, libsecret). Where no keychain is
 * available, returns null and keys fall back to the owner-only file, as in serve mode.
 */
export function safeStorageCipher(safeStorage: SafeStorageLike): Cipher | null {
  if (!safeStorage.isEncryptionAvailable()) return null
  return {
    encrypt: (plain) => `enc:${safeStorage.encryptString(plain).toString('base64')}`,
    decrypt: (stored) =>
      stored.startsWith('enc:') ? safeStorage.decryptString(Buffer.from(stored.slice(4), 'base64')) : stored,
  }
}
