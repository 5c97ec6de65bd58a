/** A small ZIP reader (stored and deflate entries) for release archives; no dependency needed. */
import { inflateRawSync } from 'node:zlib'

export interface ZipEntry {
  name: string
  /** Unix permission bits when the archive recorded them. */
  mode: number | null
  data(): Buffer
}

export function readZip(buf: Buffer): ZipEntry[] {
  // End of central directory: last 22+ bytes, signature 0x06054b50 (searched backwards past a comment).
  let eocd = -1
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i
      break
    }
  }
  if (eocd < 0) throw new Error('not a ZIP archive (no end-of-directory record)')
  const count = buf.readUInt16LE(eocd + 10)
  let p = buf.readUInt32LE(eocd + 16)
  const entries: ZipEntry[] = []
  for (let n = 0; n < count; n++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) throw new Error('damaged ZIP central directory')
    const method = buf.readUInt16LE(p + 10)
    const compSize = buf.readUInt32LE(p + 20)
    const size = buf.readUInt32LE(p + 24)
    const nameLen = buf.readUInt16LE(p + 28)
    const extraLen = buf.readUInt16LE(p + 30)
    const commentLen = buf.readUInt16LE(p + 32)
    const madeBy = buf.readUInt16LE(p + 4) >> 8
    const external = buf.readUInt32LE(p + 38)
    const local = buf.readUInt32LE(p + 42)
    const name = buf.toString('utf8', p + 46, p + 46 + nameLen)
    p += 46 + nameLen + extraLen + commentLen
    const mode = madeBy === 3 ? (external >>> 16) & 0o7777 : null
    entries.push({
      name,
      mode,
      data() {
        if (buf.readUInt32LE(local) !== 0x04034b50) throw new Error(`damaged ZIP entry ${name}`)
        const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28)
        const raw = buf.subarray(start, start + compSize)
        const out = method === 0 ? Buffer.from(raw) : method === 8 ? inflateRawSync(raw) : null
        if (!out) throw new Error(`unsupported ZIP compression method ${method} for ${name}`)
        if (out.length !== size) throw new Error(`ZIP entry ${name} has the wrong size`)
        return out
      },
    })
  }
  return entries
}
