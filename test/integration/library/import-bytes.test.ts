/** `images.import` (renderer bytes: drop, pick, paste) runs the library's full import pipeline. */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createServices, type FolioServices } from '../../../src/main/app'
import { tempDir } from '../images/image-fixtures'

describe('images.import through the library pipeline', () => {
  let tmp: ReturnType<typeof tempDir>
  let s: FolioServices

  beforeEach(() => {
    tmp = tempDir()
    s = createServices({ dataDir: join(tmp.path, 'data'), library: { workers: 1 } })
  })
  afterEach(async () => {
    await s.dispose()
    tmp.cleanup()
  })

  it('rejects truncated, fake and empty files with their reasons; imports the valid one with thumbnails; reports duplicates', async () => {
    const noisy = await sharp({ create: { width: 600, height: 400, channels: 3, background: '#000', noise: { type: 'gaussian', mean: 128, sigma: 50 } } })
      .jpeg()
      .toBuffer()
    const truncated = new Uint8Array(noisy.subarray(0, Math.floor(noisy.length / 2)))
    const png = new Uint8Array(await sharp({ create: { width: 64, height: 48, channels: 3, background: '#2050c0' } }).png().toBuffer())
    const progress: { done: number; total: number; fileName: string }[] = []

    const r = await s.router.call(
      'images.import',
      {
        files: [
          { name: 'cut.jpg', data: truncated },
          { name: 'notes.jpg', data: new TextEncoder().encode('this is a text file, not a picture\n') },
          { name: 'empty.png', data: new Uint8Array(0) },
          { name: 'plain.png', data: png },
        ],
      },
      { onProgress: (p) => progress.push(p as never) },
    )

    const reason = (name: string) => r.rejected.find((x) => x.name === name)?.reason ?? ''
    expect(reason('cut.jpg')).toMatch(/truncated/)
    expect(reason('notes.jpg')).toMatch(/not an image/)
    expect(reason('empty.png')).toMatch(/empty/)
    expect(r.rejected).toHaveLength(3)
    expect(progress.at(-1)).toMatchObject({ done: 4, total: 4 })

    expect(r.images).toHaveLength(1)
    const img = r.images[0]
    expect(img).toMatchObject({ name: 'plain.png', fileName: 'plain.png', mime: 'image/png', width: 64, height: 48, duplicate: false })
    expect((s.db.prepare('SELECT COUNT(*) AS n FROM images').get() as { n: number }).n).toBe(1)
    expect(existsSync(s.images.resolveFile(img.id).path)).toBe(true)
    const thumb = await sharp(s.images.resolveFile(img.id, 'thumb').path).metadata()
    expect(thumb.format).toBe('webp')
    expect(s.images.resolveFile(img.id, 'preview').variant).toBe('preview')
    const detail = await s.router.call('library.get', { id: img.id })
    expect(detail.stored).toBe(true)

    // Sending the same bytes again (and twice in one call) adds nothing.
    const again = await s.router.call('images.import', {
      files: [
        { name: 'again.png', data: png },
        { name: 'again2.png', data: png },
      ],
    })
    expect(again.rejected).toEqual([])
    expect(again.images.map((i) => [i.name, i.id, i.duplicate])).toEqual([
      ['again.png', img.id, true],
      ['again2.png', img.id, true],
    ])
    expect((s.db.prepare('SELECT COUNT(*) AS n FROM images').get() as { n: number }).n).toBe(1)
  })

  it('stores two identical new files in one call once', async () => {
    const png = new Uint8Array(await sharp({ create: { width: 10, height: 10, channels: 3, background: '#ff0000' } }).png().toBuffer())
    const r = await s.router.call('images.import', {
      files: [
        { name: 'a.png', data: png },
        { name: 'b.png', data: png },
      ],
    })
    expect(r.images).toHaveLength(2)
    expect(r.images[0].id).toBe(r.images[1].id)
    expect(r.images.filter((i) => i.duplicate)).toHaveLength(1)
    expect((s.db.prepare('SELECT COUNT(*) AS n FROM images').get() as { n: number }).n).toBe(1)
  })
})
