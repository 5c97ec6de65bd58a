import { createHash } from 'node:crypto'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createServices, type FolioServices } from '../../../src/main/app'
import { FolioError } from '../../../src/shared/errors'
import {
  GIF_1x1,
  JPEG_4x3,
  PNG_1x1,
  PNG_3x2,
  pngDeclaring,
  tempDir,
  WEBP_LOSSLESS_1x1,
  WEBP_LOSSY_1x1,
} from './image-fixtures'

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort()
}

describe('images.import', () => {
  let tmp: ReturnType<typeof tempDir>
  let s: FolioServices
  const rowCount = () => (s.db.prepare('SELECT COUNT(*) AS n FROM images').get() as { n: number }).n
  const imagesDir = () => s.layout.images

  beforeEach(() => {
    tmp = tempDir()
    s = createServices({ dataDir: tmp.path })
  })
  afterEach(() => {
    s.dispose()
    tmp.cleanup()
  })

  it('stores PNG, JPEG, GIF and WebP files with their type, size and bytes', async () => {
    const files = [
      { name: 'red.png', data: PNG_1x1, mime: 'image/png', ext: 'png', w: 1, h: 1 },
      { name: 'blue.png', data: PNG_3x2, mime: 'image/png', ext: 'png', w: 3, h: 2 },
      { name: 'grey.jpg', data: JPEG_4x3, mime: 'image/jpeg', ext: 'jpg', w: 4, h: 3 },
      { name: 'dot.gif', data: GIF_1x1, mime: 'image/gif', ext: 'gif', w: 1, h: 1 },
      { name: 'lossless.webp', data: WEBP_LOSSLESS_1x1, mime: 'image/webp', ext: 'webp', w: 1, h: 1 },
      { name: 'lossy.webp', data: WEBP_LOSSY_1x1, mime: 'image/webp', ext: 'webp', w: 1, h: 1 },
    ]
    const out = await s.router.call('images.import', { files: files.map(({ name, data }) => ({ name, data })) })
    expect(out.rejected).toEqual([])
    expect(out.images).toHaveLength(files.length)

    for (const [i, f] of files.entries()) {
      const img = out.images[i]
      const sha256 = createHash('sha256').update(f.data).digest('hex')
      expect(img).toMatchObject({
        name: f.name,
        fileName: f.name,
        mime: f.mime,
        width: f.w,
        height: f.h,
        bytes: f.data.byteLength,
        sha256,
        duplicate: false,
      })
      expect(img.id).toMatch(/^img_[0-9a-z]{12}$/)
      // Content-addressed: images/<first two hex digits>/<sha256>.<ext>, the exact bytes.
      const { path, mime } = s.images.resolveFile(img.id)
      expect(path).toBe(join(imagesDir(), sha256.slice(0, 2), `${sha256}.${f.ext}`))
      expect(mime).toBe(f.mime)
      expect(new Uint8Array(readFileSync(path))).toEqual(f.data)
      expect(await s.router.call('images.get', { id: img.id })).toEqual({
        id: img.id,
        fileName: f.name,
        mime: f.mime,
        width: f.w,
        height: f.h,
        bytes: f.data.byteLength,
        sha256,
        createdAt: img.createdAt,
      })
    }
    expect(rowCount()).toBe(files.length)
    expect(filesUnder(imagesDir())).toHaveLength(files.length)
    expect(filesUnder(imagesDir()).some((f) => f.endsWith('.tmp'))).toBe(false)
  })

  it('re-importing the same bytes returns the existing image as a duplicate and adds nothing', async () => {
    const first = await s.router.call('images.import', { files: [{ name: 'a.png', data: PNG_3x2 }] })
    const again = await s.router.call('images.import', {
      files: [
        { name: 'copy of a.png', data: Uint8Array.from(PNG_3x2) },
        { name: 'a again.png', data: PNG_3x2 },
      ],
    })
    expect(again.images.map((i) => [i.id, i.duplicate, i.name, i.fileName])).toEqual([
      [first.images[0].id, true, 'copy of a.png', 'a.png'],
      [first.images[0].id, true, 'a again.png', 'a.png'],
    ])
    expect(rowCount()).toBe(1)
    expect(filesUnder(imagesDir())).toHaveLength(1)
  })

  it('rejects non-images, empty, truncated and oversized files, importing the valid ones of the batch', async () => {
    const truncatedJpeg = JPEG_4x3.subarray(0, 20 + 69) // SOI, APP0 and the quantisation table: no frame header
    const files = [
      { name: 'notes.jpg', data: new TextEncoder().encode('Dear diary, today I bought a camera.\n') },
      { name: 'ok.png', data: PNG_1x1 },
      { name: 'empty.png', data: new Uint8Array(0) },
      { name: 'cut.jpg', data: truncatedJpeg },
      { name: 'bomb.png', data: pngDeclaring(20000, 20000) },
      { name: 'ok.gif', data: GIF_1x1 },
    ]
    const out = await s.router.call('images.import', { files })
    expect(out.images.map((i) => i.name)).toEqual(['ok.png', 'ok.gif'])
    expect(out.rejected).toEqual([
      { name: 'notes.jpg', reason: 'not an image (unrecognised file content)' },
      { name: 'empty.png', reason: 'the file is empty' },
      { name: 'cut.jpg', reason: expect.stringContaining('the image is truncated') },
      { name: 'bomb.png', reason: expect.stringContaining('too large (over 100 megapixels') },
    ])
    expect(rowCount()).toBe(2)
    expect(filesUnder(imagesDir())).toHaveLength(2)
  })

  it('reports progress after each file, rejected ones included', async () => {
    const progress: unknown[] = []
    await s.router.call(
      'images.import',
      {
        files: [
          { name: 'one.png', data: PNG_1x1 },
          { name: 'bad.txt', data: new TextEncoder().encode('nope') },
          { name: 'three.gif', data: GIF_1x1 },
        ],
      },
      { onProgress: (p) => progress.push(p) },
    )
    expect(progress).toEqual([
      { done: 1, total: 3, fileName: 'one.png' },
      { done: 2, total: 3, fileName: 'bad.txt' },
      { done: 3, total: 3, fileName: 'three.gif' },
    ])
  })

  it('an aborted signal cancels the import with CANCELLED and stores nothing', async () => {
    const ac = new AbortController()
    ac.abort()
    const err = await s.router
      .call('images.import', { files: [{ name: 'x.png', data: PNG_1x1 }] }, { signal: ac.signal })
      .then(
        () => null,
        (e: unknown) => e,
      )
    expect(err).toBeInstanceOf(FolioError)
    expect((err as FolioError).code).toBe('CANCELLED')
    expect((err as FolioError).retryable).toBe(true)
    expect(rowCount()).toBe(0)
    expect(filesUnder(imagesDir())).toEqual([])
  })

  it('cancelling part-way keeps the files already imported and stops before the rest', async () => {
    const ac = new AbortController()
    const seen: string[] = []
    const err = await s.router
      .call(
        'images.import',
        { files: [{ name: 'a.png', data: PNG_1x1 }, { name: 'b.png', data: PNG_3x2 }, { name: 'c.gif', data: GIF_1x1 }] },
        {
          signal: ac.signal,
          onProgress: (p) => {
            seen.push((p as { fileName: string }).fileName)
            if (seen.length === 1) ac.abort()
          },
        },
      )
      .catch((e: unknown) => e)
    expect((err as FolioError).code).toBe('CANCELLED')
    expect(seen).toEqual(['a.png'])
    expect(rowCount()).toBe(1)
  })

  it('refuses an empty batch and a nameless file with INVALID_INPUT', async () => {
    await expect(s.router.call('images.import', { files: [] })).rejects.toMatchObject({ code: 'INVALID_INPUT' })
    await expect(s.router.call('images.import', { files: [{ name: '', data: PNG_1x1 }] })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('files.0.name'),
    })
    await expect(s.router.call('images.import', { files: [{ name: 'x', data: 'not bytes' }] })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    })
  })

  it('stores a safe file name for names with path separators', async () => {
    const out = await s.router.call('images.import', { files: [{ name: '../../etc/passwd.png', data: PNG_1x1 }] })
    expect(out.images[0].fileName).toBe('.._.._etc_passwd.png')
    expect(out.images[0].name).toBe('../../etc/passwd.png')
    expect(statSync(s.images.resolveFile(out.images[0].id).path).isFile()).toBe(true)
  })

  it('images.get of an unknown id is NOT_FOUND', async () => {
    await expect(s.router.call('images.get', { id: 'img_000000000000' })).rejects.toMatchObject({ code: 'NOT_FOUND' })
  })
})
