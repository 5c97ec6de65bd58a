/**
 * Import throughput: a folder of generated 12-megapixel JPEGs (4032×3024, ~4 MB each, with EXIF, like
 * a phone's photos) through the real importer (`library.importPaths`: hashing, dedupe, EXIF,
 * thumbnails and previews in the worker pool, atomic copies into the library, the persisted job).
 * Every file is distinct (its own JPEG comment segment), so none is skipped as a duplicate.
 * 100 images (20 with --quick; `npm run bench -- import N` for another count).
 */
import { mkdirSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import sharp from 'sharp'
import { createServices } from '../../src/main/app'
import { tmpDir } from '../helpers/tmp'
import type { BenchContext, SectionOutput } from './report'

const WIDTH = 4032
const HEIGHT = 3024
const BASES = 4

export interface ImportBenchResult {
  images: number
  megapixels: number
  totalMB: number
  seconds: number
  imagesPerSecond: number
  megabytesPerSecond: number
  workers: number
  imported: number
  rejected: number
}

/** A photo-like JPEG: smooth gradients with grain (compresses like a photo, unlike flat colour or pure noise). */
async function basePhoto(seed: number): Promise<Buffer> {
  const raw = Buffer.alloc(WIDTH * HEIGHT * 3)
  let x = seed * 2654435761 || 1
  for (let y = 0; y < HEIGHT; y++) {
    for (let i = 0; i < WIDTH; i++) {
      x ^= x << 13
      x ^= x >>> 17
      x ^= x << 5
      const n = (x >>> 0) % 24
      const o = (y * WIDTH + i) * 3
      raw[o] = ((i * 255) / WIDTH + n + seed * 40) & 255
      raw[o + 1] = ((y * 255) / HEIGHT + n) & 255
      raw[o + 2] = (((i + y) * 128) / WIDTH + n + seed * 17) & 255
    }
  }
  return sharp(raw, { raw: { width: WIDTH, height: HEIGHT, channels: 3 } })
    .jpeg({ quality: 88 })
    .withExif({ IFD0: { Make: 'Folio', Model: 'Bench camera', DateTime: '2024:05:01 10:00:00' } })
    .toBuffer()
}

/** The same picture with a distinct COM segment right after SOI: other bytes (another sha256), same pixels. */
function distinct(jpeg: Buffer, n: number): Buffer {
  const text = Buffer.from(`folio bench image ${n}`)
  const seg = Buffer.alloc(4)
  seg.writeUInt16BE(0xfffe, 0)
  seg.writeUInt16BE(text.length + 2, 2)
  return Buffer.concat([jpeg.subarray(0, 2), seg, text, jpeg.subarray(2)])
}

export async function benchImport(ctx: BenchContext): Promise<SectionOutput<ImportBenchResult>> {
  const count = ctx.args[0] ?? (ctx.quick ? 20 : 100)
  const dir = tmpDir('folio-bench-import-')
  const photos = join(dir.path, 'photos')
  mkdirSync(photos)
  try {
    const bases = await Promise.all(Array.from({ length: BASES }, (_, i) => basePhoto(i + 1)))
    let bytes = 0
    for (let n = 0; n < count; n++) {
      const file = join(photos, `IMG_${String(n).padStart(4, '0')}.jpg`)
      writeFileSync(file, distinct(bases[n % BASES], n))
      bytes += statSync(file).size
    }
    const s = createServices({ dataDir: join(dir.path, 'data'), library: { resumeImports: false } })
    try {
      const t0 = performance.now()
      const report = await s.router.call('library.importPaths', { paths: [photos] })
      const seconds = (performance.now() - t0) / 1000
      if (report.imported.length !== count) {
        throw new Error(`imported ${report.imported.length} of ${count}: ${report.rejected.map((r) => r.reason).slice(0, 3).join('; ')}`)
      }
      const result: ImportBenchResult = {
        images: count,
        megapixels: (WIDTH * HEIGHT) / 1e6,
        totalMB: bytes / 1024 ** 2,
        seconds,
        imagesPerSecond: count / seconds,
        megabytesPerSecond: bytes / 1024 ** 2 / seconds,
        workers: s.importer.workers,
        imported: report.imported.length,
        rejected: report.rejected.length,
      }
      console.log(
        `\nImport — ${count} JPEGs of ${WIDTH}×${HEIGHT} (${result.totalMB.toFixed(0)} MB) through library.importPaths, ${result.workers} decode worker(s): ` +
          `${seconds.toFixed(1)} s, ${result.imagesPerSecond.toFixed(2)} images/s, ${result.megabytesPerSecond.toFixed(1)} MB/s`,
      )
      return {
        result,
        metrics: [
          { name: `import, 12 MP JPEGs (${result.workers} worker${result.workers === 1 ? '' : 's'})`, value: result.imagesPerSecond, unit: 'images/s' },
          { name: 'import, per image', value: (seconds * 1000) / count, unit: 'ms' },
        ],
      }
    } finally {
      await s.dispose()
    }
  } finally {
    dir.cleanup()
  }
}
