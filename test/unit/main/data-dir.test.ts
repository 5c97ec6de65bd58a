import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { dataLayout, resolveDataDir } from '../../../src/main/common/data-dir'

describe('resolveDataDir', () => {
  const home = '/home/ann'

  it('prefers --data over FOLIO_DATA_DIR and the platform default', () => {
    expect(resolveDataDir({ flag: '/data/flag', env: { FOLIO_DATA_DIR: '/data/env' }, platform: 'linux', home })).toBe('/data/flag')
  })

  it('resolves a relative --data against the working directory', () => {
    expect(resolveDataDir({ flag: 'my-folio', env: {}, home })).toBe(resolve(process.cwd(), 'my-folio'))
  })

  it('uses FOLIO_DATA_DIR when there is no flag', () => {
    expect(resolveDataDir({ env: { FOLIO_DATA_DIR: '/data/env' }, platform: 'darwin', home })).toBe('/data/env')
    expect(resolveDataDir({ flag: '', env: { FOLIO_DATA_DIR: 'rel/env' }, home })).toBe(resolve(process.cwd(), 'rel/env'))
  })

  it('ignores an empty FOLIO_DATA_DIR', () => {
    expect(resolveDataDir({ env: { FOLIO_DATA_DIR: '' }, platform: 'linux', home })).toBe('/home/ann/.config/Folio')
  })

  it('defaults to ~/.config/Folio on Linux, honouring XDG_CONFIG_HOME', () => {
    expect(resolveDataDir({ env: {}, platform: 'linux', home })).toBe('/home/ann/.config/Folio')
    expect(resolveDataDir({ env: { XDG_CONFIG_HOME: '/xdg' }, platform: 'linux', home })).toBe('/xdg/Folio')
    expect(resolveDataDir({ env: { XDG_CONFIG_HOME: '' }, platform: 'freebsd', home })).toBe('/home/ann/.config/Folio')
  })

  it('defaults to ~/Library/Application Support/Folio on macOS', () => {
    expect(resolveDataDir({ env: { XDG_CONFIG_HOME: '/ignored' }, platform: 'darwin', home: '/Users/ann' })).toBe(
      '/Users/ann/Library/Application Support/Folio',
    )
  })

  it('defaults to %APPDATA%\\Folio on Windows, or the roaming folder under home without APPDATA', () => {
    const appData = resolveDataDir({ env: { APPDATA: '/appdata/Roaming' }, platform: 'win32', home })
    expect(appData).toBe('/appdata/Roaming/Folio')
    expect(resolveDataDir({ env: {}, platform: 'win32', home })).toBe('/home/ann/AppData/Roaming/Folio')
  })
})

describe('dataLayout', () => {
  it('puts the database and folders inside the data folder', () => {
    expect(dataLayout('/d')).toEqual({
      root: '/d',
      db: '/d/folio.db',
      images: '/d/images',
      models: '/d/models',
      logs: '/d/logs',
    })
  })
})
