/** Real image files for the library tests, made with sharp (and a hand-built 16-bit TIFF). */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import sharp from 'sharp'

const solid = (width: number, height: number, background = '#c04020') => sharp({ create: { width, height, channels: 3, background } })

/** An uncompressed little-endian RGB TIFF with 16 bits per sample (sharp only writes 8-bit TIFF). */
export function tiff16(width: number, height: number): Buffer {
  const entries = 9
  const ifdOffset = 8
  const ifdSize = 2 + entries * 12 + 4
  const bpsOffset = ifdOffset + ifdSize
  const dataOffset = bpsOffset + 6
  const dataLen = width * height * 3 * 2
  const b = Buffer.alloc(dataOffset + dataLen)
  b.write('II', 0, 'ascii')
  b.writeUInt16LE(42, 2)
  b.writeUInt32LE(ifdOffset, 4)
  b.writeUInt16LE(entries, ifdOffset)
  const tags: [number, number, number, number][] = [
    [256, 3, 1, width],
    [257, 3, 1, height],
    [258, 3, 3, bpsOffset],
    [259, 3, 1, 1],
    [262, 3, 1, 2],
    [273, 4, 1, dataOffset],
    [277, 3, 1, 3],
    [278, 3, 1, height],
    [279, 4, 1, dataLen],
  ]
  tags.forEach(([tag, type, count, value], i) => {
    const o = ifdOffset + 2 + i * 12
    b.writeUInt16LE(tag, o)
    b.writeUInt16LE(type, o + 2)
    b.writeUInt32LE(count, o + 4)
    if (type === 3 && count === 1) b.writeUInt16LE(value, o + 8)
    else b.writeUInt32LE(value, o + 8)
  })
  for (let i = 0; i < 3; i++) b.writeUInt16LE(16, bpsOffset + i * 2)
  for (let p = 0; p < width * height * 3; p++) b.writeUInt16LE((p * 257) % 65536, dataOffset + p * 2)
  return b
}

export interface FixtureSet {
  good: Record<string, string>
  bad: Record<string, string>
}

/** Writes the test set into `dir`; returns the paths by role. */
export async function writeFixtures(dir: string): Promise<FixtureSet> {
  const w = (name: string, data: Uint8Array | string) => {
    const p = join(dir, name)
    writeFileSync(p, data)
    return p
  }
  const rotated = await solid(400, 200)
    .jpeg()
    .withMetadata({
      orientation: 6,
      exif: {
        IFD0: { Make: 'Canon', Model: 'Canon EOS 5D' },
        IFD2: { DateTimeOriginal: '2021:03:04 05:06:07' },
        IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '48/1 51/1 30/1', GPSLongitudeRef: 'E', GPSLongitude: '2/1 17/1 40/1' },
      },
    })
    .toBuffer()
  const noisy = await sharp({ create: { width: 600, height: 400, channels: 3, background: '#000', noise: { type: 'gaussian', mean: 128, sigma: 50 } } })
    .jpeg()
    .toBuffer()
  const png = await solid(64, 48, '#2050c0').png().toBuffer()
  const bomb = Buffer.from(png)
  bomb.writeUInt32BE(100_000, 16)
  bomb.writeUInt32BE(100_000, 20)
  const good = {
    rotatedJpeg: w('rotated.jpg', rotated),
    png: w('plain.png', png),
    webp: w('photo.webp', await solid(300, 300, '#30a030').webp().toBuffer()),
    gif: w('anim.gif', await solid(80, 60, '#ffff00').gif().toBuffer()),
    avif: w('pic.avif', await solid(120, 90, '#0000ff').avif().toBuffer()),
    tiff16: w('deep.tif', tiff16(40, 30)),
    noisyJpeg: w('noisy.jpg', noisy),
  }
  const bad = {
    truncated: w('truncated.jpg', noisy.subarray(0, Math.floor(noisy.length / 2))),
    text: w('notes.jpg', 'this is a text file, not a picture\n'),
    empty: w('empty.png', new Uint8Array(0)),
    bomb: w('bomb.png', bomb),
    heic: w('phone.heic', Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from('ftypheic\0\0\0\0mif1heic'), Buffer.alloc(64)])),
  }
  return { good, bad }
}
