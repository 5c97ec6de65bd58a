import { createReadStream, statSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface FileServer {
  url: string
  requests: { path: string; range: string | undefined }[]
  /** Cut every response after this many bytes (simulates a dropped connection); null = never. */
  cutAfter: number | null
  /** Send this many bytes, then nothing more while keeping the connection open (a download in progress); null = never. */
  stallAfter: number | null
  close(): Promise<void>
}

/** A real HTTP server with Range support, standing in for a model host on loopback. */
export async function serveFiles(files: Record<string, string>): Promise<FileServer> {
  const state: FileServer = { url: '', requests: [], cutAfter: null, stallAfter: null, close: async () => undefined }
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname
    state.requests.push({ path, range: req.headers.range })
    const file = files[path]
    if (!file) {
      res.writeHead(404).end('not found')
      return
    }
    const size = statSync(file).size
    let start = 0
    let end = size - 1
    const m = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '')
    if (m) {
      start = Number(m[1])
      end = m[2] ? Number(m[2]) : size - 1
      res.writeHead(206, {
        'Content-Range': `bytes ${start}-${end}/${size}`,
        'Content-Length': end - start + 1,
        'Accept-Ranges': 'bytes',
        'Content-Type': 'application/octet-stream',
      })
    } else {
      res.writeHead(200, { 'Content-Length': size, 'Accept-Ranges': 'bytes', 'Content-Type': 'application/octet-stream' })
    }
    if (req.method === 'HEAD') {
      res.end()
      return
    }
    const cut = state.cutAfter ?? state.stallAfter
    const stream = createReadStream(file, { start, end: cut === null ? end : Math.min(end, start + cut - 1) })
    stream.pipe(res, { end: cut === null })
    if (state.cutAfter === null && state.stallAfter !== null) return
    if (cut !== null) stream.on('end', () => res.destroy())
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  state.close = () =>
    new Promise<void>((r) => {
      server.closeAllConnections()
      server.close(() => r())
    })
  return state
}
