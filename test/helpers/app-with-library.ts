/**
 * Serve mode + chromium with the tiny chat model as the writer and a small library whose captions are
 * set by hand (so search finds them without a vision model), plus an API client on the same server.
 */
import { spawnSync } from 'node:child_process'
import { expect } from 'vitest'
import type { FolioClient } from '../../src/shared/client'
import { ensureFixtures } from '../fixtures/models'
import { openAppInBrowser } from './app-browser'
import { ROOT } from './serve-process'
import { makePng } from './tmp'
import { connectWs } from './ws-client'

export interface LibraryImage {
  name: string
  rgb: [number, number, number]
  caption: string
}

export async function openAppWithWriterAndLibrary(dataDir: string, library: readonly LibraryImage[], consoleErrors: string[]) {
  const { chat } = await ensureFixtures(['chat'])
  // Registered through the real CLI, as a user would.
  const added = spawnSync('npm', ['run', '-s', 'folio', '--', 'models', 'add', chat, '--role', 'writer', '--data', dataDir], { cwd: ROOT, encoding: 'utf8' })
  if (added.status !== 0) throw new Error(`models add failed:\n${added.stdout}\n${added.stderr}`)
  // One llama.cpp thread: chromium shares the 2 cores (see models.test.ts).
  const app = await openAppInBrowser(dataDir, { width: 1280, height: 900 }, consoleErrors, { FOLIO_THREADS: '1' })
  const api: { client: FolioClient; close(): void } = await connectWs(app.serve.baseUrl, {
    authorization: `Bearer ${app.serve.token}`,
    origin: app.serve.baseUrl.slice(0, -1),
  })
  const imported = await api.client.stream('images.import', {
    files: library.map((f, i) => ({ name: f.name, data: makePng(40 + i * 4, 30, f.rgb) })),
  })
  expect(imported.rejected).toEqual([])
  /** Library ids by file name. */
  const ids = new Map(imported.images.map((img) => [img.name, img.id]))
  for (const f of library) await api.client.call('library.update', { id: ids.get(f.name)!, caption: f.caption })
  return { ...app, api, ids }
}
