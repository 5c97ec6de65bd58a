/**
 * Serve mode's "Add a GGUF file": the browser streams the file into models/uploads and gets back
 * an upload id (a file name, never a path) to register with models.addUploaded.
 */
import { createWriteStream, mkdirSync, renameSync, rmSync, statfsSync } from 'node:fs'
import type { IncomingMessage } from 'node:http'
import { join } from 'node:path'
import { FolioError } from '../../../shared/errors'
import { newId } from '../../../shared/ids'

const GGUF_MAGIC = Buffer.from('GGUF', 'latin1')
const DISK_MARGIN = 256 * 1024 * 1024

export async function receiveModelUpload(req: IncomingMessage, uploadsDir: string): Promise<{ id: string; bytes: number }> {
  mkdirSync(uploadsDir, { recursive: true })
  const declared = Number(req.headers['content-length'] ?? NaN)
  if (Number.isFinite(declared)) {
    const s = statfsSync(uploadsDir)
    const free = s.bavail * s.bsize
    if (declared + DISK_MARGIN > free) {
      throw new FolioError('DISK_FULL', `Not enough disk space for this model: it needs ${(declared / 1e9).toFixed(1)} GB, ${(free / 1e9).toFixed(1)} GB is free.`)
    }
  }
  const id = `${newId('op').replace(/^op_/, 'upl_')}.gguf`
  const part = join(uploadsDir, `${id}.part`)
  const out = createWriteStream(part)
  let bytes = 0
  let head = Buffer.alloc(0)
  try {
    for await (const chunk of req as AsyncIterable<Buffer>) {
      if (head.length < 4) {
        head = Buffer.concat([head, chunk]).subarray(0, 4)
        if (head.length === 4 && !head.equals(GGUF_MAGIC)) {
          throw new FolioError('MODEL_INVALID', 'This is not a GGUF model file.')
        }
      }
      bytes += chunk.length
      if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()))
    }
    await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())))
    if (bytes < 4) throw new FolioError('MODEL_INVALID', 'The uploaded file is empty or not a GGUF model file.')
    if (Number.isFinite(declared) && bytes !== declared) {
      throw new FolioError('IO_ERROR', `The upload stopped after ${bytes} of ${declared} bytes. Try again.`, { retryable: true })
    }
    renameSync(part, join(uploadsDir, id))
    return { id, bytes }
  } catch (e) {
    out.destroy()
    rmSync(part, { force: true })
    throw e
  }
}
