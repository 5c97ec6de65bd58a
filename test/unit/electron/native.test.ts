import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { FolioError } from '../../../src/shared/errors'
import {
  WRONG_ABI_MESSAGE,
  describeNativeLoadError,
  electronNativeBinding,
  electronNativeBindingPath,
  isNativeAbiMismatch,
} from '../../../src/main/electron/native'

describe('electronNativeBinding', () => {
  it('points at out/native/electron-<abi>/better_sqlite3.node', () => {
    expect(electronNativeBindingPath('/app', '140')).toBe(join('/app', 'out', 'native', 'electron-140', 'better_sqlite3.node'))
    expect(electronNativeBindingPath('/app')).toBe(
      join('/app', 'out', 'native', `electron-${process.versions.modules}`, 'better_sqlite3.node'),
    )
  })

  it('returns the path only when the file exists', () => {
    const root = mkdtempSync(join(tmpdir(), 'folio-'))
    try {
      expect(electronNativeBinding(root, '140')).toBeUndefined()
      mkdirSync(join(root, 'out', 'native', 'electron-140'), { recursive: true })
      writeFileSync(join(root, 'out', 'native', 'electron-140', 'better_sqlite3.node'), '')
      expect(electronNativeBinding(root, '140')).toBe(join(root, 'out', 'native', 'electron-140', 'better_sqlite3.node'))
      expect(electronNativeBinding(root, '141')).toBeUndefined()
    } finally {
      rmSync(root, { recursive: true, force: true })
    }
  })
})

describe('describeNativeLoadError', () => {
  const abiError = new Error(
    "The module '/x/better_sqlite3.node' was compiled against a different Node.js version using NODE_MODULE_VERSION 115. This version of Node.js requires NODE_MODULE_VERSION 140.",
  )

  it('explains a Node build loaded into Electron', () => {
    const wrapped = new FolioError('INTERNAL', `Could not open the database /d/folio.db: ${abiError.message}`, { cause: abiError })
    expect(isNativeAbiMismatch(wrapped)).toBe(true)
    const out = describeNativeLoadError(wrapped, undefined) as FolioError
    expect(out).toBeInstanceOf(FolioError)
    expect(out.message).toContain(WRONG_ABI_MESSAGE)
    expect(out.message).toContain('NODE_MODULE_VERSION')
  })

  it('names the Electron build when that one failed to load', () => {
    const out = describeNativeLoadError(abiError, '/app/out/native/electron-140/better_sqlite3.node') as FolioError
    expect(out.message).toContain('/app/out/native/electron-140/better_sqlite3.node')
    expect(out.message).toContain('npm start')
  })

  it('passes other errors through unchanged', () => {
    const corrupt = new FolioError('DB_CORRUPT', 'The database is damaged.')
    expect(describeNativeLoadError(corrupt, undefined)).toBe(corrupt)
    expect(isNativeAbiMismatch(new Error('disk full'))).toBe(false)
  })
})
