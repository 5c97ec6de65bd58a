import { spawnSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../../../src/main/transport/cli/main'
import { tempDir } from '../images/image-fixtures'
import { writeFixtures, type FixtureSet } from '../library/library-fixtures'

const ROOT = join(import.meta.dirname, '..', '..', '..')

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = ''
  let err = ''
  const code = await runCli(argv, { out: { write: (s: string) => (out += s) }, err: { write: (s: string) => (err += s) } })
  return { code, out, err }
}

describe('folio import', () => {
  const tmp = tempDir()
  const data = join(tmp.path, 'data')
  const src = join(tmp.path, 'photos')
  let fx: FixtureSet

  beforeAll(async () => {
    mkdirSync(src)
    fx = await writeFixtures(src)
  })
  afterAll(() => tmp.cleanup())

  it('--json prints exactly {imported, duplicates, rejected} and exits 0 when some files are rejected', async () => {
    const r = await cli('import', src, '--json', '--data', data)
    expect(r.code).toBe(0)
    const doc = JSON.parse(r.out) as Record<string, { id?: string; path: string; sha256?: string; reason?: string }[]>
    expect(Object.keys(doc)).toEqual(['imported', 'duplicates', 'rejected'])
    expect(doc.imported).toHaveLength(Object.keys(fx.good).length)
    for (const i of doc.imported) expect(Object.keys(i)).toEqual(['id', 'path', 'sha256'])
    expect(doc.rejected).toHaveLength(Object.keys(fx.bad).length)
    for (const x of doc.rejected) expect(Object.keys(x)).toEqual(['path', 'reason'])
    expect(r.err).toBe('')

    const again = await cli('import', fx.good.png, '--json', '--data', data)
    expect(again.code).toBe(0)
    expect(JSON.parse(again.out)).toEqual({
      imported: [],
      duplicates: [{ path: fx.good.png, id: doc.imported.find((i) => i.path === fx.good.png)?.id }],
      rejected: [],
    })
  })

  it('exits 1 when nothing could be imported, still printing the report', async () => {
    const r = await cli('import', fx.bad.text, fx.bad.empty, '--json', '--data', data)
    expect(r.code).toBe(1)
    expect(JSON.parse(r.out).rejected).toHaveLength(2)
    expect(r.err).toMatch(/Nothing was imported/)
    expect((await cli('import', '--data', data)).code).toBe(1)
  })

  it('runs as the real command with a progress bar on stderr', () => {
    const one = join(tmp.path, 'one')
    mkdirSync(one)
    writeFileSync(join(one, 'a.png'), Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR42mO4o6EBAAMQAS0Qc/Z2AAAAAElFTkSuQmCC', 'base64'))
    const r = spawnSync('npm', ['run', '-s', 'folio', '--', 'import', one, '--data', join(tmp.path, 'data2')], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, FOLIO_DATA_DIR: '' },
      timeout: 60_000,
    })
    expect(r.status).toBe(0)
    expect(r.stdout).toMatch(/Imported 1, duplicates 0, rejected 0/)
    expect(r.stderr).toMatch(/\[#+\] 1\/1/)
  })
})
