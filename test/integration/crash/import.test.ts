/**
 * SIGKILL in the middle of `folio import <folder>` (the real CLI process): the persisted job resumes
 * at the next start (serve mode, in the background) and completes with every image exactly once —
 * one row, one original file, one thumbnail — and importing the folder again finds only duplicates.
 */
import { createHash } from 'node:crypto'
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServe } from '../../helpers/serve-process'
import { makePng, tmpDir } from '../../helpers/tmp'
import { connectWs } from '../../helpers/ws-client'
import { CLI_ENTRY, inspectCopy, integrityCheck, openClosed, spawnFolio } from './crash-helpers'

const COUNT = 200

/** Every file under `dir`, relative, recursively. */
function filesIn(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
}

describe('crash during a CLI import', () => {
  const dir = tmpDir('folio-crash-import-')
  const src = join(dir.path, 'photos')
  const data = join(dir.path, 'data')
  const db = join(data, 'folio.db')
  const shas = new Set<string>()
  afterAll(() => dir.cleanup())

  beforeAll(() => {
    mkdirSync(src)
    // Distinct colours: distinct files; 400×300 keeps each decode and thumbnail a few milliseconds.
    for (let i = 0; i < COUNT; i++) {
      const png = makePng(400, 300, [i % 256, (i * 7) % 256, 40 + (i % 3)])
      writeFileSync(join(src, `p${String(i).padStart(3, '0')}.png`), png)
      shas.add(createHash('sha256').update(png).digest('hex'))
    }
    expect(shas.size).toBe(COUNT)
  })

  it('resumes after SIGKILL and completes with every image exactly once', async () => {
    const cli = spawnFolio(CLI_ENTRY, ['import', src, '--data', data])
    const progress = () => Math.max(0, ...[...cli.stderr().matchAll(new RegExp(`(\\d+)/${COUNT}`, 'g'))].map((m) => Number(m[1])))
    await expect.poll(progress, { timeout: 30_000, interval: 5 }).toBeGreaterThanOrEqual(COUNT / 4)
    await cli.kill9()

    const crashed = inspectCopy(db, (d) => ({
      check: integrityCheck(d),
      jobs: d.prepare('SELECT state, total, done FROM import_jobs').all() as { state: string; total: number; done: number }[],
      items: d.prepare('SELECT state, count(*) AS n FROM import_items GROUP BY state').all() as { state: string; n: number }[],
      images: (d.prepare('SELECT count(*) AS n FROM images').get() as { n: number }).n,
    }))
    expect(crashed.check).toBe('ok')
    expect(crashed.jobs).toEqual([{ state: 'running', total: COUNT, done: expect.any(Number) }])
    const doneAtKill = crashed.items.find((r) => r.state === 'done')?.n ?? 0
    expect(doneAtKill).toBeGreaterThanOrEqual(COUNT / 4)
    expect(doneAtKill).toBeLessThan(COUNT) // killed midway, not after the end
    // An image row and its item's outcome commit together: none without the other.
    expect(crashed.images).toBe(doneAtKill)
    expect(crashed.jobs[0].done).toBe(doneAtKill)

    // The next start (serve mode) finishes the job in the background.
    const s = await startServe(['--port', '0', '--data', data])
    const c = await connectWs(s.baseUrl, { authorization: `Bearer ${s.token}`, origin: s.baseUrl.slice(0, -1) })
    await expect.poll(async () => (await c.client.call('library.list', { limit: 1 })).total, { timeout: 30_000, interval: 200 }).toBe(COUNT)
    await expect
      .poll(() => inspectCopy(db, (d) => d.prepare("SELECT count(*) AS n FROM import_jobs WHERE state = 'running'").get()), { timeout: 10_000 })
      .toEqual({ n: 0 })
    c.close()
    expect(await s.stop('SIGTERM')).toBe(0)

    const after = openClosed(db, (d) => ({
      check: integrityCheck(d),
      jobs: d.prepare('SELECT state, total, done FROM import_jobs').all(),
      items: d.prepare('SELECT state, image_id FROM import_items').all() as { state: string; image_id: string }[],
      images: d.prepare('SELECT id, sha256, path, thumb_path FROM images').all() as { id: string; sha256: string; path: string; thumb_path: string }[],
    }))
    expect(after.check).toBe('ok')
    expect(after.jobs).toEqual([{ state: 'done', total: COUNT, done: COUNT }])
    expect(after.items.every((i) => i.state === 'done')).toBe(true)
    expect(new Set(after.items.map((i) => i.image_id)).size).toBe(COUNT)
    expect(new Set(after.images.map((i) => i.sha256))).toEqual(shas)
    expect(after.images).toHaveLength(COUNT)

    // One original and one thumbnail per image on disk, each original with exactly its bytes: a
    // file the killed process was writing never appears half-written under its final name.
    expect(filesIn(join(data, 'images')).filter((f) => f.endsWith('.png'))).toHaveLength(COUNT)
    for (const img of after.images) {
      const bytes = readFileSync(join(data, 'images', img.path))
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(img.sha256)
    }
    expect(filesIn(join(data, 'thumbs', '256')).filter((f) => f.endsWith('.webp'))).toHaveLength(COUNT)

    // Importing the folder again adds nothing.
    const again = spawnFolio(CLI_ENTRY, ['import', src, '--data', data, '--json'])
    expect(await again.exited).toBe(0)
    const report = JSON.parse(again.stdout()) as { imported: unknown[]; duplicates: { id: string }[]; rejected: unknown[] }
    expect(report.imported).toEqual([])
    expect(report.rejected).toEqual([])
    expect(new Set(report.duplicates.map((d) => d.id))).toEqual(new Set(after.images.map((i) => i.id)))
  }, 90_000)
})
