import { chmodSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { Logger, redactPatterns } from '../../../src/main/common/logger'
import { tmpDir } from '../../helpers/tmp'

describe('Logger', () => {
  const dirs: { cleanup(): void }[] = []
  const dir = () => {
    const d = tmpDir('folio-log-')
    dirs.push(d)
    return d.path
  }
  afterEach(() => dirs.splice(0).forEach((d) => d.cleanup()))

  it('writes one JSON line per entry with level, time and fields; below the level nothing', () => {
    const log = new Logger({ dir: dir(), level: 'info', now: () => Date.UTC(2030, 0, 2) })
    log.debug('not written')
    log.info('start', { version: '1.2.3' })
    log.error('boom', { error: new Error('bad thing') })
    const lines = readFileSync(log.path, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l))
    expect(lines).toHaveLength(2)
    expect(lines[0]).toMatchObject({ t: '2030-01-02T00:00:00.000Z', level: 'info', msg: 'start', version: '1.2.3', pid: process.pid })
    expect(lines[1].error).toMatchObject({ name: 'Error', message: 'bad thing' })
    expect(lines[1].error.stack).toContain('logger.test.ts')
    log.close()
  })

  it('rotates by size, keeps the given number of files, and tails across them', () => {
    const d = dir()
    const log = new Logger({ dir: d, maxBytes: 2000, files: 3 })
    for (let i = 0; i < 200; i++) log.info(`entry ${i}`, { pad: 'x'.repeat(40) })
    log.close()
    const path = join(d, 'folio.log')
    expect(existsSync(path)).toBe(true)
    expect(existsSync(`${path}.1`)).toBe(true)
    expect(existsSync(`${path}.2`)).toBe(true)
    expect(existsSync(`${path}.3`)).toBe(false)
    for (const p of [path, `${path}.1`, `${path}.2`]) expect(statSync(p).size).toBeLessThanOrEqual(2000)
    // The newest entry is last in the current file; the oldest ones are gone.
    expect(readFileSync(path, 'utf8').trimEnd().split('\n').pop()).toContain('"entry 199"')
    expect(readFileSync(`${path}.2`, 'utf8')).not.toContain('"entry 0"')
    // Lines are whole JSON documents after rotation.
    for (const p of [path, `${path}.1`, `${path}.2`]) for (const l of readFileSync(p, 'utf8').trimEnd().split('\n')) JSON.parse(l)
    const tail = log.tail(30)
    expect(tail).toHaveLength(30)
    expect(JSON.parse(tail[29]).msg).toBe('entry 199')
    expect(JSON.parse(tail[0]).msg).toBe('entry 170')
  })

  it('never writes a registered secret, secret-named fields, bearer tokens or URL passwords', () => {
    const d = dir()
    const log = new Logger({ dir: d })
    const key = 'sk-live-0123456789abcdefXYZ'
    log.addSecrets(() => [key])
    log.error('request failed', {
      message: `401 from server with key ${key}`,
      apiKey: 'another-key-value',
      headers: { authorization: 'Bearer abcdefghijklmnop' },
      url: 'https://user:hunter2secret@example.com/v1?x=1',
      note: 'Authorization: Bearer zzzzzzzzzzzz',
    })
    // A secret learned after it was logged is still hidden in the tail.
    log.info(`late ${'late-secret-value'}`)
    log.addSecrets(() => ['late-secret-value'])
    log.close()
    const file = readFileSync(join(d, 'folio.log'), 'utf8')
    expect(file).not.toContain(key)
    expect(file).not.toContain('another-key-value')
    expect(file).not.toContain('abcdefghijklmnop')
    expect(file).not.toContain('hunter2secret')
    expect(file).not.toContain('zzzzzzzzzzzz')
    expect(file).toContain('[redacted]')
    expect(file).toContain('request failed')
    expect(log.tail().join('\n')).not.toContain('late-secret-value')
  })

  it('keeps ordinary words that look like secret names', () => {
    expect(redactPatterns('maxTokens: 512, completionTokens: 1024, tokens/s 40')).toBe('maxTokens: 512, completionTokens: 1024, tokens/s 40')
    expect(redactPatterns('token=abcdef123456&x=1')).toBe('token=[redacted]&x=1')
    expect(redactPatterns('{"apiKey":"abcdefgh"}')).toBe('{"apiKey":"[redacted]"}')
  })

  it('does not throw when the logs folder cannot be written', () => {
    const d = join(dir(), 'ro')
    mkdirSync(d)
    chmodSync(d, 0o500)
    const log = new Logger({ dir: join(d, 'missing', 'deeper') })
    expect(() => log.error('lost', { x: 1 })).not.toThrow()
    expect(log.tail()).toEqual([])
  })
})
