import { execFileSync } from 'node:child_process'
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createServices } from '../../../src/main/app'
import { tmpDir } from '../../helpers/tmp'

/** Incompressible pixels, so every file really takes its size on disk. */
async function noisePng(seed: number): Promise<Buffer> {
  const raw = Buffer.alloc(400 * 400 * 3)
  let x = seed * 2654435761
  for (let i = 0; i < raw.length; i++) {
    x = (x * 1103515245 + 12345) >>> 0
    raw[i] = x >>> 24
  }
  return sharp(raw, { raw: { width: 400, height: 400, channels: 3 } }).png({ compressionLevel: 0 }).toBuffer()
}

// Mounting a small filesystem needs root (CI and the build machines run as root).
describe.skipIf(process.getuid?.() !== 0)('a disk that fills up during an import', () => {
  const dir = tmpDir('folio-diskfull-')
  const mnt = join(dir.path, 'small-disk')

  beforeAll(() => {
    mkdirSync(mnt)
    // A real 6 MB filesystem (root can mount tmpfs; CI runs as root).
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=6m', 'tmpfs', mnt])
  })
  afterAll(() => {
    execFileSync('umount', [mnt])
    dir.cleanup()
  })

  it('rejects the files that no longer fit with a reason, keeps the rest, and leaves the database consistent', async () => {
    const src = join(dir.path, 'photos')
    mkdirSync(src)
    for (let i = 0; i < 16; i++) writeFileSync(join(src, `noise-${i}.png`), await noisePng(i + 1))
    const s = createServices({ dataDir: join(mnt, 'data') })
    const out = await s.router.call('library.importPaths', { paths: [src] })
    expect(out.imported.length).toBeGreaterThan(0)
    expect(out.rejected.length).toBeGreaterThan(0)
    for (const r of out.rejected) expect(r.reason).toMatch(/disk is full|no space/i)
    expect(s.db.pragma('integrity_check', { simple: true })).toBe('ok')
    const listed = await s.router.call('library.list', {})
    expect(listed.total).toBe(out.imported.length)
    await s.dispose()
    // Nothing half-written stays behind under a final name: the library reopens cleanly.
    const again = createServices({ dataDir: join(mnt, 'data') })
    expect((await again.router.call('library.list', {})).total).toBe(out.imported.length)
    await again.dispose()
    rmSync(src, { recursive: true, force: true })
  })
})
