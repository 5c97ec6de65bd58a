import { spawnSync } from 'node:child_process'
import { readFileSync, statSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { findLlamaServer } from '../../src/main/inference/llama-server/binary'
import { assetPatterns, installReleaseLlamaServer } from '../../src/main/inference/llama-server/release-download'
import { tmpDir } from '../helpers/tmp'
import { makeZip } from '../helpers/zip'
import { serveFiles, type FileServer } from '../helpers/file-server'

describe('official llama.cpp release build', () => {
  const dir = tmpDir('folio-release-')
  let files: FileServer
  let api: Server
  let apiUrl: string

  beforeAll(async () => {
    // The release archive holds the real llama-server built for these tests, as llama.cpp packs it.
    const built = findLlamaServer({ ignorePath: true })
    if (!built.path) throw new Error(built.message)
    const zip = join(dir.path, 'llama-v9-bin-ubuntu-x64.zip')
    writeFileSync(zip, makeZip([{ name: 'build/bin/llama-server', data: readFileSync(built.path), mode: 0o755 }, { name: 'build/bin/LICENSE', data: Buffer.from('MIT') }]))
    files = await serveFiles({ '/llama-v9-bin-ubuntu-x64.zip': zip })
    api = createServer((req, res) => {
      if (req.url?.endsWith('/v9')) {
        res.writeHead(200, { 'content-type': 'application/json' })
        res.end(
          JSON.stringify({
            assets: [
              { name: 'llama-v9-bin-macos-arm64.zip', browser_download_url: `${files.url}/nope`, size: 1 },
              { name: 'llama-v9-bin-ubuntu-x64.zip', browser_download_url: `${files.url}/llama-v9-bin-ubuntu-x64.zip`, size: statSync(zip).size },
            ],
          }),
        )
      } else res.writeHead(404).end('{}')
    })
    await new Promise<void>((r) => api.listen(0, '127.0.0.1', () => r()))
    apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}/releases/tags/`
  })
  afterAll(async () => {
    await files.close()
    await new Promise<void>((r) => api.close(() => r()))
    dir.cleanup()
  })

  it('picks the right archive for each platform and GPU', () => {
    const name = (p: string, a: string, g: 'cpu' | 'cuda' | 'vulkan') => assetPatterns(p, a, g).map((r) => r.source)
    expect(name('linux', 'x64', 'cpu')[0]).toContain('ubuntu-x64')
    expect(name('linux', 'x64', 'cuda')[0]).toContain('ubuntu-vulkan-x64')
    expect(name('win32', 'x64', 'cuda')[0]).toContain('win-cuda')
    expect(name('darwin', 'arm64', 'cpu')[0]).toContain('macos-arm64')
  })

  it('downloads, unpacks and verifies llama-server into the cache, where Folio then finds it', async () => {
    const cacheRoot = join(dir.path, 'cache')
    const progress: number[] = []
    const out = await installReleaseLlamaServer({
      tag: 'v9',
      cacheRoot,
      apiUrl,
      platform: 'linux',
      arch: 'x64',
      onProgress: (p) => progress.push(p.downloadedBytes),
    })
    expect(out.asset).toBe('llama-v9-bin-ubuntu-x64.zip')
    expect(progress.length).toBeGreaterThan(0)
    expect(spawnSync(out.path, ['--version'], { encoding: 'utf8' }).status).toBe(0)
    const found = findLlamaServer({ cacheRoot, tag: 'v9', ignorePath: true })
    expect(found).toMatchObject({ path: out.path, source: 'cache' })
  })

  it('explains when there is no release or no build for this platform', async () => {
    const cacheRoot = join(dir.path, 'cache2')
    await expect(installReleaseLlamaServer({ tag: 'v0', cacheRoot, apiUrl })).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringMatching(/no published release/) })
    await expect(installReleaseLlamaServer({ tag: 'v9', cacheRoot, apiUrl, platform: 'win32', arch: 'x64' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringMatching(/no release build for win32-x64.*llama-server:build/),
    })
  })
})
