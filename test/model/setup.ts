import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { findLlamaServer } from '../../src/main/inference/llama-server/binary'
import { ensureFixtures } from '../fixtures/models'

const ROOT = join(import.meta.dirname, '..', '..')

/**
 * Tests that need a model get the tiny fixtures, and vision tests a llama-server built from the
 * llama.cpp source node-llama-cpp ships — both made once when missing (the build is cached
 * outside the repository, keyed by llama.cpp version; ~6 minutes on 2 cores the first time).
 */
export default async function setup(): Promise<void> {
  await ensureFixtures()
  if (findLlamaServer({ ignorePath: true }).path === null) {
    process.stderr.write('Building llama-server for the vision tests (first run only)…\n')
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', 'build-llama-server.mjs')], {
      cwd: ROOT,
      stdio: ['ignore', 'inherit', 'inherit'],
    })
    if (r.status !== 0) throw new Error('Building llama-server failed (see above); run: npm run llama-server:build')
  }
}
