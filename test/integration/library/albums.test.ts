/**
 * Albums on a real SQLite file, through the router (validation included): create/rename/unique,
 * delete keeps the images, add/remove and counts, the cascade when an image row goes, and the album
 * filter of `library.list` and `library.search`.
 */
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createServices, type FolioServices } from '../../../src/main/app'
import { tmpDir } from '../../helpers/tmp'

const IDS = ['img_alb000000001', 'img_alb000000002', 'img_alb000000003', 'img_alb000000004']
const CAPTIONS = ['a red bicycle by the sea', 'a red kite over the beach', 'two cats on a sofa', 'a red door in the old town']

describe('albums', () => {
  const tmp = tmpDir('folio-albums-')
  let s: FolioServices

  beforeAll(() => {
    s = createServices({ dataDir: join(tmp.path, 'data'), library: { resumeImports: false } })
    const ins = s.db.prepare(
      `INSERT INTO images (id, sha256, file_name, mime, width, height, bytes, path, created_at, caption, tags)
       VALUES (?, ?, ?, 'image/jpeg', 640, 480, 1000, ?, ?, ?, '[]')`,
    )
    IDS.forEach((id, n) => ins.run(id, id.padEnd(64, '0'), `${n}.jpg`, `originals/${id}.jpg`, 1_700_000_000_000 + n, CAPTIONS[n]))
  })
  afterAll(async () => {
    await s.dispose()
    tmp.cleanup()
  })

  const list = async () => (await s.router.call('albums.list', {})).albums
  const code = async (p: Promise<unknown>) => p.then(() => 'ok', (e: { code?: string; message?: string }) => `${e.code}: ${e.message}`)

  it('creates, validates and renames albums; names are unique ignoring case', async () => {
    const trip = await s.router.call('albums.create', { name: '  Trip  ' })
    expect(trip).toEqual({ id: expect.stringMatching(/^alb_[0-9a-z]{12}$/), name: 'Trip', count: 0, coverImageId: null })
    expect(await code(s.router.call('albums.create', { name: 'trip' }))).toBe('CONFLICT: An album named “Trip” already exists.')
    expect(await code(s.router.call('albums.create', { name: '   ' }))).toMatch(/^INVALID_INPUT: .*needs a name/)
    expect(await code(s.router.call('albums.create', { name: 'x'.repeat(101) }))).toMatch(/^INVALID_INPUT: .*at most 100/)
    expect((await s.router.call('albums.create', { name: 'x'.repeat(100) })).name).toHaveLength(100)

    const cats = await s.router.call('albums.create', { name: 'Cats' })
    expect(await code(s.router.call('albums.rename', { id: cats.id, name: 'TRIP' }))).toMatch(/^CONFLICT/)
    expect((await s.router.call('albums.rename', { id: trip.id, name: 'trip' })).name).toBe('trip')
    expect((await s.router.call('albums.rename', { id: trip.id, name: 'Seaside' })).name).toBe('Seaside')
    expect(await code(s.router.call('albums.rename', { id: 'alb_000000000000', name: 'Nope' }))).toMatch(/^NOT_FOUND/)
    expect((await list()).map((a) => a.name)).toEqual(['Cats', 'Seaside', 'x'.repeat(100)])
  })

  it('adds and removes images, with counts and a cover', async () => {
    const seaside = (await list()).find((a) => a.name === 'Seaside')!
    const a = await s.router.call('albums.addImages', { albumId: seaside.id, imageIds: [IDS[0], IDS[1], IDS[3], IDS[0]] })
    expect(a.count).toBe(3)
    expect(a.coverImageId).toBe(IDS[3])
    // Adding again changes nothing.
    expect((await s.router.call('albums.addImages', { albumId: seaside.id, imageIds: [IDS[1]] })).count).toBe(3)
    expect(await code(s.router.call('albums.addImages', { albumId: seaside.id, imageIds: ['img_zzzzzzzzzzzz'] }))).toMatch(/^NOT_FOUND/)
    expect(await code(s.router.call('albums.addImages', { albumId: seaside.id, imageIds: [] }))).toMatch(/^INVALID_INPUT/)
    expect(await code(s.router.call('albums.addImages', { albumId: seaside.id, imageIds: Array(1001).fill(IDS[0]) }))).toMatch(/^INVALID_INPUT/)

    const r = await s.router.call('albums.removeImages', { albumId: seaside.id, imageIds: [IDS[3]] })
    expect(r).toMatchObject({ count: 2, coverImageId: IDS[1] })
    // A trashed image is not counted (and comes back with a restore).
    await s.router.call('library.trash', { id: IDS[1] })
    expect((await list()).find((x) => x.id === seaside.id)).toMatchObject({ count: 1, coverImageId: IDS[0] })
    await s.router.call('library.restore', { id: IDS[1] })
    expect((await list()).find((x) => x.id === seaside.id)!.count).toBe(2)
  })

  it('filters library.list and library.search by album', async () => {
    const seaside = (await list()).find((a) => a.name === 'Seaside')!
    const page = await s.router.call('library.list', { album: seaside.id })
    expect(page.total).toBe(2)
    expect(page.items.map((i) => i.id).sort()).toEqual([IDS[0], IDS[1]])
    expect((await s.router.call('library.list', {})).total).toBe(4)
    expect(await code(s.router.call('library.list', { album: 'alb_000000000000' }))).toMatch(/^NOT_FOUND/)

    const red = await s.router.call('library.search', { query: 'red', filters: { album: seaside.id } })
    expect(red.results.map((r) => r.id).sort()).toEqual([IDS[0], IDS[1]])
    const all = await s.router.call('library.search', { query: 'red' })
    expect(all.results.map((r) => r.id)).toContain(IDS[3])
    const browse = await s.router.call('library.search', { query: '', filters: { album: seaside.id } })
    expect(browse.results.map((r) => r.id).sort()).toEqual([IDS[0], IDS[1]])
  })

  it('deletes an album but keeps its images; an image row deleted leaves every album', async () => {
    const cats = (await list()).find((a) => a.name === 'Cats')!
    await s.router.call('albums.addImages', { albumId: cats.id, imageIds: [IDS[2], IDS[3]] })
    const seaside = (await list()).find((a) => a.name === 'Seaside')!
    await s.router.call('albums.addImages', { albumId: seaside.id, imageIds: [IDS[2]] })

    s.db.prepare('DELETE FROM images WHERE id = ?').run(IDS[2])
    expect((await list()).find((a) => a.id === cats.id)!.count).toBe(1)
    expect((await list()).find((a) => a.id === seaside.id)!.count).toBe(2)

    expect(await s.router.call('albums.delete', { id: cats.id })).toEqual({ id: cats.id })
    expect((await list()).map((a) => a.id)).not.toContain(cats.id)
    expect((s.db.prepare('SELECT COUNT(*) AS n FROM album_images WHERE album_id = ?').get(cats.id) as { n: number }).n).toBe(0)
    expect((await s.router.call('library.list', {})).total).toBe(3)
    expect((await s.router.call('library.get', { id: IDS[3] })).id).toBe(IDS[3])
    expect(await code(s.router.call('albums.delete', { id: cats.id }))).toMatch(/^NOT_FOUND/)
  })
})
