import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createServices, type FolioServices } from '../../../src/main/app'
import { CaptionRepo } from '../../../src/main/library/captions/caption-repo'
import { tempDir } from '../images/image-fixtures'

describe('library settings', () => {
  let tmp: ReturnType<typeof tempDir>
  let s: FolioServices
  const open = () => createServices({ dataDir: join(tmp.path, 'data'), library: { workers: 1 } })

  beforeEach(() => {
    tmp = tempDir()
    s = open()
  })
  afterEach(async () => {
    await s.dispose()
    tmp.cleanup()
  })

  it('starts from the defaults', async () => {
    expect(await s.router.call('library.settings.get', {})).toEqual({ copyOnImport: true, captionLanguage: 'en', captionMaxSize: 448 })
  })

  it('sets a partial update, which the importer and the caption queue read, and keeps it across restarts', async () => {
    const r = await s.router.call('library.settings.set', { copyOnImport: false, captionLanguage: 'both' })
    expect(r).toEqual({ copyOnImport: false, captionLanguage: 'both', captionMaxSize: 448 })
    expect(s.importer.copyOnImport()).toBe(false)
    expect(new CaptionRepo(s.db).language()).toBe('both')

    expect((await s.router.call('library.settings.set', { captionMaxSize: 768 })).captionMaxSize).toBe(768)
    expect(new CaptionRepo(s.db).maxSize()).toBe(768)

    await s.dispose()
    s = open()
    expect(await s.router.call('library.settings.get', {})).toEqual({ copyOnImport: false, captionLanguage: 'both', captionMaxSize: 768 })
    await s.router.call('library.settings.set', { copyOnImport: true })
    expect(s.importer.copyOnImport()).toBe(true)
  })

  it('rejects invalid input and changes nothing', async () => {
    for (const bad of [
      { captionMaxSize: 223 },
      { captionMaxSize: 1025 },
      { captionMaxSize: 500.5 },
      { captionMaxSize: '448' },
      { captionLanguage: 'fr' },
      { copyOnImport: 'no' },
      { unknown: 1 },
    ]) {
      await expect(s.router.call('library.settings.set', bad as never)).rejects.toMatchObject({ code: 'INVALID_INPUT' })
    }
    expect(await s.router.call('library.settings.get', {})).toEqual({ copyOnImport: true, captionLanguage: 'en', captionMaxSize: 448 })
    expect((await s.router.call('library.settings.set', { captionMaxSize: 224 })).captionMaxSize).toBe(224)
    expect((await s.router.call('library.settings.set', { captionMaxSize: 1024 })).captionMaxSize).toBe(1024)
  })
})
