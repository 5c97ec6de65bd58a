import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../../src/main/transport/cli/main'
import { ensureFixtures, fixturePath } from '../fixtures/models'
import { ROOT } from '../helpers/serve-process'
import { tmpDir } from '../helpers/tmp'

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = ''
  let err = ''
  const code = await runCli(args, { out: { write: (s: string) => (out += s) }, err: { write: (s: string) => (err += s) } })
  return { code, out, err }
}

describe('folio models / generate', () => {
  const dir = tmpDir('folio-cli-models-')
  const data = join(dir.path, 'data')
  beforeAll(async () => {
    await ensureFixtures()
  })
  afterAll(() => dir.cleanup())

  it('models add / list --json print the documented shape', async () => {
    const added = await cli(['models', 'add', fixturePath('chat'), '--mmproj', fixturePath('mmproj'), '--data', data, '--json'])
    expect(added.code).toBe(0)
    const m = JSON.parse(added.out)
    expect(Object.keys(m).sort()).toEqual(['architecture', 'id', 'mmproj', 'path', 'roles', 'sizeBytes'])
    const remote = await cli(['models', 'add-remote', 'http://127.0.0.1:9/v1', '--data', data, '--json'])
    expect(remote.code).toBe(0)
    const list = await cli(['models', 'list', '--data', data, '--json'])
    const doc = JSON.parse(list.out)
    expect(doc.models).toHaveLength(2)
    expect(doc.models[0]).toEqual({ id: m.id, path: fixturePath('chat'), mmproj: fixturePath('mmproj'), roles: ['writer', 'vision'], architecture: 'llama', sizeBytes: m.sizeBytes })
    expect(doc.models[1]).toEqual({ id: JSON.parse(remote.out).id, url: 'http://127.0.0.1:9/v1', mmproj: null, roles: [], architecture: null, sizeBytes: null })
  })

  it('models add of a file already added updates its role', async () => {
    await cli(['models', 'add', fixturePath('embed'), '--data', data])
    const again = await cli(['models', 'add', fixturePath('embed'), '--role', 'embedder', '--data', data, '--json'])
    expect(JSON.parse(again.out).roles).toEqual(['embedder'])
    const list = JSON.parse((await cli(['models', 'list', '--data', data, '--json'])).out)
    expect(list.models.filter((x: { path?: string }) => x.path === fixturePath('embed'))).toHaveLength(1)
  })

  it('set-role and remove; errors exit 1 with a message', async () => {
    const list = JSON.parse((await cli(['models', 'list', '--data', data, '--json'])).out)
    const remote = list.models.find((x: { url?: string }) => x.url)
    expect((await cli(['models', 'set-role', remote.id, 'writer', '--data', data])).code).toBe(0)
    expect(JSON.parse((await cli(['models', 'list', '--data', data, '--json'])).out).models.find((x: { id: string }) => x.id === remote.id).roles).toEqual(['writer'])
    const chat = list.models.find((x: { path?: string }) => x.path === fixturePath('chat'))
    expect((await cli(['models', 'set-role', chat.id, 'writer', '--data', data])).code).toBe(0)
    expect((await cli(['models', 'remove', remote.id, '--data', data])).code).toBe(0)
    const bad = await cli(['models', 'set-role', chat.id, 'painter', '--data', data])
    expect(bad.code).toBe(1)
    expect(bad.err).toMatch(/--role must be one of writer, vision, embedder|role/)
    const notGguf = await cli(['models', 'add', join(ROOT, 'package.json'), '--data', data])
    expect(notGguf.code).toBe(1)
    expect(notGguf.err).toMatch(/not a GGUF model file/)
    const unknownEnv = await cli(['models', 'add-remote', 'http://127.0.0.1:9', '--api-key-env', 'FOLIO_TEST_NOT_SET', '--data', data])
    expect(unknownEnv.code).toBe(1)
  })

  it('generate --json prints text and the documented stats, and is deterministic with --seed', async () => {
    const a = await cli(['generate', 'Tell me about bicycles.', '--max-tokens', '16', '--seed', '5', '--data', data, '--json'])
    expect(a.code).toBe(0)
    const doc = JSON.parse(a.out)
    expect(Object.keys(doc).sort()).toEqual(['stats', 'text'])
    expect(Object.keys(doc.stats).sort()).toEqual(
      ['backend', 'completionTokens', 'promptTokens', 'promptTokensPerSecond', 'stopReason', 'tokensPerSecond', 'ttftMs'].sort(),
    )
    expect(doc.stats.backend).toBe('cpu')
    expect(doc.stats.promptTokens).toBeGreaterThan(0)
    const b = await cli(['generate', 'Tell me about bicycles.', '--max-tokens', '16', '--seed', '5', '--data', data, '--json'])
    expect(JSON.parse(b.out).text).toBe(doc.text)
  })

  it('the real npm command streams text to stdout and stats to stderr', async () => {
    const { stdout, stderr } = await promisify(execFile)('npm', ['run', '-s', 'folio', '--', 'generate', 'Hi', '--max-tokens', '8', '--data', data], { cwd: ROOT })
    expect(stdout.length).toBeGreaterThan(1)
    expect(stderr).toMatch(/tok\/s, first token \d+ ms, cpu/)
  })

  it('generate without a writer model explains how to add one', async () => {
    const r = await cli(['generate', 'Hi', '--data', join(dir.path, 'empty')])
    expect(r.code).toBe(1)
    expect(r.err).toMatch(/No writer model is set/)
  })
})
