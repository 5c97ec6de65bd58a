import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createServices, type FolioServices } from '../../../src/main/app'
import { tempDir } from '../images/image-fixtures'
import { writeFixtures, type FixtureSet } from './library-fixtures'

describe('library import', () => {
  let tmp: ReturnType<typeof tempDir>
  let src: string
  let fx: FixtureSet
  let s: FolioServices
  const open = () => createServices({ dataDir: join(tmp.path, 'data'), library: { workers: 1 } })
  const row = (id: string) => s.db.prepare('SELECT * FROM images WHERE id = ?').get(id) as Record<string, unknown>
  const count = (sql: string) => (s.db.prepare(sql).get() as { n: number }).n

  beforeEach(async () => {
    tmp = tempDir()
    src = join(tmp.path, 'src')
    mkdirSync(join(src, 'zz', 'deeper'), { recursive: true })
    fx = await writeFixtures(src)
    s = open()
  })
  afterEach(async () => {
    await s.dispose()
    tmp.cleanup()
  })

  it('imports a folder recursively: every good format, each bad file rejected with its reason', async () => {
    writeFileSync(join(src, 'zz', 'deeper', 'copy-of-plain.png'), readFileSync(fx.good.png))
    const progress: { done: number; total: number }[] = []
    const r = await s.router.call('library.importPaths', { paths: [src, join(tmp.path, 'no-such-folder')] }, { onProgress: (p) => progress.push(p as never) })

    expect(r.imported.map((i) => i.path).sort()).toEqual(Object.values(fx.good).sort())
    expect(r.duplicates).toHaveLength(1)
    expect(r.duplicates[0].id).toBe(r.imported.find((i) => i.path === fx.good.png)?.id)
    const reason = (p: string) => r.rejected.find((x) => x.path === p)?.reason ?? ''
    expect(reason(fx.bad.truncated)).toMatch(/truncated/)
    expect(reason(fx.bad.text)).toMatch(/not an image/)
    expect(reason(fx.bad.empty)).toMatch(/empty/)
    expect(reason(fx.bad.bomb)).toMatch(/too large/)
    expect(reason(fx.bad.heic)).toMatch(/HEIC/)
    expect(reason(join(tmp.path, 'no-such-folder'))).toMatch(/no such file/)
    expect(r.rejected).toHaveLength(6)
    expect(progress.at(-1)).toMatchObject({ done: 14, total: 14 })

    // Database consistent: exactly the imported rows, with thumbnails and previews on disk.
    expect(count('SELECT COUNT(*) AS n FROM images')).toBe(7)
    for (const i of r.imported) {
      const rec = row(i.id)
      expect(rec.sha256).toBe(i.sha256)
      expect(existsSync(s.images.resolveFile(i.id).path)).toBe(true)
      expect(existsSync(s.images.resolveFile(i.id, 'thumb').path)).toBe(true)
      const meta = await sharp(s.images.resolveFile(i.id, 'preview').path).metadata()
      expect(meta.format).toBe('webp')
    }
    const mimes = r.imported.map((i) => row(i.id).mime).sort()
    expect(mimes).toEqual(['image/avif', 'image/gif', 'image/jpeg', 'image/jpeg', 'image/png', 'image/tiff', 'image/webp'])
  })

  it('applies EXIF orientation to thumbnails and stores date, camera and GPS', async () => {
    const r = await s.router.call('library.importPaths', { paths: [fx.good.rotatedJpeg, fx.good.tiff16] })
    const id = r.imported[0].id
    const thumb = await sharp(s.images.resolveFile(id, 'thumb').path).metadata()
    expect([thumb.width, thumb.height]).toEqual([128, 256])
    const preview = await sharp(s.images.resolveFile(id, 'preview').path).metadata()
    expect([preview.width, preview.height]).toEqual([200, 400])
    // The thumbnail is really rotated: the red source is uniform, so check the stored dimensions too.
    const d = await s.router.call('library.get', { id })
    expect([d.width, d.height]).toEqual([200, 400])
    expect(d.takenAt).toBe(Date.UTC(2021, 2, 4, 5, 6, 7) + new Date(2021, 2, 4).getTimezoneOffset() * 60_000)
    expect(d.camera).toBe('Canon EOS 5D')
    expect(d.lat).toBeCloseTo(48.8583, 3)
    expect(d.lon).toBeCloseTo(2.2944, 3)
    expect(d.exifText).toContain('Canon')
    expect(d.sourcePath).toBe(fx.good.rotatedJpeg)
    expect(d.stored).toBe(true)
    const t16 = await sharp(s.images.resolveFile(r.imported[1].id, 'thumb').path).metadata()
    expect([t16.width, t16.height]).toEqual([40, 30])
  })

  it('dedupes by content: re-importing adds nothing and reports the existing id', async () => {
    const first = await s.router.call('library.importPaths', { paths: [fx.good.png, fx.good.webp] })
    const files = count('SELECT COUNT(*) AS n FROM images')
    const again = await s.router.call('library.importPaths', { paths: [fx.good.webp, fx.good.png] })
    expect(again.imported).toEqual([])
    expect(again.duplicates).toEqual([
      { path: fx.good.webp, id: first.imported[1].id },
      { path: fx.good.png, id: first.imported[0].id },
    ])
    expect(count('SELECT COUNT(*) AS n FROM images')).toBe(files)
  })

  it('references files in place when library.copyOnImport is false', async () => {
    s.db.prepare("INSERT INTO settings (key, value) VALUES ('library.copyOnImport', 'false')").run()
    const r = await s.router.call('library.importPaths', { paths: [fx.good.png] })
    const f = s.images.resolveFile(r.imported[0].id)
    expect(f.path).toBe(fx.good.png)
    expect(row(r.imported[0].id).stored).toBe(0)
    expect(existsSync(join(s.layout.images, r.imported[0].sha256.slice(0, 2), `${r.imported[0].sha256}.png`))).toBe(false)
  })

  it('resumes an import interrupted by a crash on the next start', async () => {
    const paths = [fx.good.png, fx.good.webp, fx.good.gif, fx.good.avif]
    // The state a crash leaves: a running job, one file finished, the rest pending.
    const done = await s.router.call('library.importPaths', { paths: [fx.good.png] })
    s.db.prepare("INSERT INTO import_jobs (id, created_at, state, total, done, copy) VALUES ('imp_crashed00001', 1, 'running', 4, 1, 1)").run()
    paths.forEach((p, i) =>
      s.db
        .prepare('INSERT INTO import_items (job_id, idx, path, state, image_id) VALUES (?, ?, ?, ?, ?)')
        .run('imp_crashed00001', i, p, i === 0 ? 'done' : 'pending', i === 0 ? done.imported[0].id : null),
    )
    await s.dispose()
    s = open()
    const deadline = Date.now() + 20_000
    while (Date.now() < deadline) {
      const job = s.db.prepare("SELECT state FROM import_jobs WHERE id = 'imp_crashed00001'").get() as { state: string }
      if (job.state === 'done') break
      await new Promise((r) => setTimeout(r, 50))
    }
    const items = s.db.prepare("SELECT state FROM import_items WHERE job_id = 'imp_crashed00001' ORDER BY idx").all()
    expect(items).toEqual([{ state: 'done' }, { state: 'done' }, { state: 'done' }, { state: 'done' }])
    expect(count('SELECT COUNT(*) AS n FROM images')).toBe(4)
    expect(count("SELECT done AS n FROM import_jobs WHERE id = 'imp_crashed00001'")).toBe(4)
  })

  it('leaves files pending when services stop mid-import, and finishes them after restart', async () => {
    const many = join(tmp.path, 'many')
    mkdirSync(many)
    for (let i = 0; i < 12; i++) writeFileSync(join(many, `img${i}.png`), await sharp({ create: { width: 300, height: 200, channels: 3, background: { r: i * 20, g: 10, b: 10 } } }).png().toBuffer())
    let seen = 0
    const running = s.router.call('library.importPaths', { paths: [many] }, { onProgress: () => void seen++ })
    while (seen < 2) await new Promise((r) => setTimeout(r, 5))
    await s.dispose()
    await expect(running).rejects.toMatchObject({ code: 'CANCELLED' })
    s = open()
    const deadline = Date.now() + 20_000
    while (count("SELECT COUNT(*) AS n FROM import_jobs WHERE state = 'running'") > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50))
    }
    expect(count('SELECT COUNT(*) AS n FROM images')).toBe(12)
    expect(count("SELECT COUNT(*) AS n FROM import_items WHERE state = 'done'")).toBe(12)
  })

  it('cancels with an AbortSignal: the job is marked cancelled and not resumed', async () => {
    const ac = new AbortController()
    const running = s.router.call('library.importPaths', { paths: [src] }, { signal: ac.signal, onProgress: () => ac.abort() })
    await expect(running).rejects.toMatchObject({ code: 'CANCELLED' })
    expect(count("SELECT COUNT(*) AS n FROM import_jobs WHERE state = 'cancelled'")).toBe(1)
    expect(count("SELECT COUNT(*) AS n FROM import_items WHERE state = 'pending'")).toBeGreaterThan(0)
  })

  it('rejects a file that disappears mid-import and one that cannot be read', async () => {
    // Listed by the folder walk, gone by the time it is read: a link whose file was deleted.
    const dir = join(tmp.path, 'vanishing')
    mkdirSync(dir)
    symlinkSync(join(dir, 'deleted.png'), join(dir, 'gone.png'))
    const r = await s.router.call('library.importPaths', { paths: [dir] })
    expect(r.rejected).toEqual([{ path: join(dir, 'gone.png'), reason: 'the file disappeared before it could be imported' }])
    const unreadable = join(src, 'locked.png')
    writeFileSync(unreadable, 'x', { mode: 0o000 })
    if (process.getuid?.() !== 0) {
      const r2 = await s.router.call('library.importPaths', { paths: [unreadable] })
      expect(r2.rejected[0].reason).toMatch(/permission denied/)
    }
  })

  it('lists newest first, trashes with a warning about articles that use the image, and restores', async () => {
    const r = await s.router.call('library.importPaths', { paths: [fx.good.png, fx.good.webp] })
    const [a, b] = r.imported
    const list = await s.router.call('library.list', { limit: 10 })
    expect(list.total).toBe(2)
    expect(list.items.map((i) => i.id).sort()).toEqual([a.id, b.id].sort())
    expect(list.items[0].createdAt).toBeGreaterThanOrEqual(list.items[1].createdAt)
    expect(list.items.every((i) => i.hasThumb && i.tags.length === 0 && i.captionState === 'pending')).toBe(true)
    const art = await s.router.call('articles.create', {
      title: 'Uses a figure',
      doc: { type: 'doc', content: [{ type: 'figure', attrs: { imageId: a.id, alt: '' }, content: [{ type: 'text', text: 'Cap' }] }] },
    })
    // An article where the image is only a figure's swap candidate does not "use" it.
    await s.router.call('articles.create', {
      title: 'Only a candidate',
      doc: { type: 'doc', content: [{ type: 'figure', attrs: { imageId: b.id, alt: '', candidates: [b.id, a.id] } }] },
    })
    const trashed = await s.router.call('library.trash', { id: a.id })
    expect(trashed.trashedAt).not.toBeNull()
    expect(trashed.usedIn).toEqual([art.id])
    expect((await s.router.call('library.list', {})).items.map((i) => i.id)).toEqual([b.id])
    expect((await s.router.call('library.list', { trashed: true })).items.map((i) => i.id)).toEqual([a.id])
    await s.router.call('library.restore', { id: a.id })
    expect((await s.router.call('library.list', {})).total).toBe(2)
  })

  it('refuses library.importPaths from an untrusted caller (a renderer)', async () => {
    const res = await s.router.dispatch('library.importPaths', { paths: [src] })
    expect(res.ok).toBe(false)
    if (!res.ok) expect(res.error.code).toBe('FORBIDDEN')
  })

  it('gives figures imported through images.import a thumbnail too', async () => {
    const data = new Uint8Array(readFileSync(fx.good.rotatedJpeg))
    const out = await s.router.call('images.import', { files: [{ name: 'r.jpg', data }] }, { trusted: false })
    const id = out.images[0].id
    const thumb = await sharp(s.images.resolveFile(id, 'thumb').path).metadata()
    expect([thumb.width, thumb.height]).toEqual([128, 256])
    expect((await s.router.call('library.get', { id })).camera).toBe('Canon EOS 5D')
  })
})
