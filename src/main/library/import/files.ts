/** Small file helpers for the importer: bounded reads and atomic (temporary file + rename) writes. */
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { MAX_FILE_BYTES, RejectError, fileReason } from './reasons'

let counter = 0

export async function atomicWrite(abs: string, data: Uint8Array): Promise<void> {
  await mkdir(dirname(abs), { recursive: true })
  const tmp = `${abs}.${process.pid}.${++counter}.tmp`
  try {
    await writeFile(tmp, data)
    await rename(tmp, abs)
  } catch (e) {
    await rm(tmp, { force: true })
    throw e
  }
}

/** Reads an import candidate; every failure becomes a RejectError with a reason. */
export async function readCandidate(path: string): Promise<Buffer> {
  try {
    const st = await stat(path)
    if (!st.isFile()) throw new RejectError('not a file')
    if (st.size === 0) throw new RejectError('the file is empty')
    if (st.size > MAX_FILE_BYTES) throw new RejectError(`the file is larger than ${MAX_FILE_BYTES / 1024 / 1024} MB`)
    return await readFile(path)
  } catch (e) {
    if (e instanceof RejectError) throw e
    throw new RejectError(fileReason(e))
  }
}

/** Content-addressed locations: the original relative to the images folder, thumbnail and preview relative to the thumbs folder. */
export function derivedPaths(sha256: string, ext: string): { original: string; thumb: string; preview: string } {
  const dir = sha256.slice(0, 2)
  return {
    original: join(dir, `${sha256}.${ext}`),
    thumb: join('256', dir, `${sha256}.webp`),
    preview: join('1024', dir, `${sha256}.webp`),
  }
}
