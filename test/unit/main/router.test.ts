import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createServices, type FolioServices } from '../../../src/main/app'
import { Router, type Handlers } from '../../../src/main/transport/router'
import { FolioError } from '../../../src/shared/errors'
import { PNG_1x1, GIF_1x1, tempDir } from '../../integration/images/image-fixtures'

describe('Router', () => {
  const tmp = tempDir()
  let s: FolioServices
  let handlers: Handlers
  /** The real handlers, with one replaced. */
  const routerWith = (override: Partial<Handlers>) => new Router({ ...handlers, ...override } as Handlers)

  beforeAll(() => {
    s = createServices({ dataDir: tmp.path })
    handlers = s.handlers
  })
  afterAll(() => {
    s.dispose()
    tmp.cleanup()
  })

  it('answers an unknown method with UNKNOWN_METHOD', async () => {
    for (const m of ['articles.delete', '', 'constructor', '__proto__', 'toString', 42, null]) {
      const r = await s.router.dispatch(m, {})
      expect(r.ok).toBe(false)
      if (!r.ok) expect(r.error.code).toBe('UNKNOWN_METHOD')
    }
  })

  it('answers invalid input with INVALID_INPUT naming the field, without calling the handler', async () => {
    let called = false
    const router = routerWith({
      'articles.get': () => {
        called = true
        throw new Error('should not run')
      },
    })
    const r = await router.dispatch('articles.get', { id: 42 })
    expect(r).toEqual({
      ok: false,
      error: { code: 'INVALID_INPUT', message: expect.stringMatching(/^Invalid input for articles.get: id: /), retryable: false },
    })
    expect(called).toBe(false)
  })

  it('treats missing input as an empty object', async () => {
    const r = await s.router.dispatch('articles.list', undefined)
    expect(r).toEqual({ ok: true, output: { articles: [] } })
    const info = await s.router.dispatch('app.info', null)
    expect(info.ok && info.output).toMatchObject({ name: 'Folio', dataDir: tmp.path })
  })

  it('keeps the code of a FolioError thrown by a handler', async () => {
    const r = await s.router.dispatch('articles.get', { id: 'art_000000000000' })
    expect(r).toEqual({ ok: false, error: { code: 'NOT_FOUND', message: 'No article art_000000000000.', retryable: false } })
    const conflict = routerWith({
      'articles.trash': () => {
        throw new FolioError('DB_LOCKED', 'busy')
      },
    })
    const locked = await conflict.dispatch('articles.trash', { id: 'art_000000000000' })
    expect(locked).toEqual({ ok: false, error: { code: 'DB_LOCKED', message: 'busy', retryable: true } })
  })

  it('maps a full disk (ENOSPC) to a retryable DISK_FULL', async () => {
    const router = routerWith({
      'articles.create': () => {
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' })
      },
    })
    const r = await router.dispatch('articles.create', {})
    expect(r.ok).toBe(false)
    if (!r.ok) {
      expect(r.error.code).toBe('DISK_FULL')
      expect(r.error.retryable).toBe(true)
      expect(r.error.message).toContain('no space left')
    }
    await expect(router.call('articles.create', {})).rejects.toMatchObject({ code: 'DISK_FULL' })
  })

  it('maps an unexpected exception to INTERNAL and a handler result that breaks the contract to INTERNAL', async () => {
    const boom = await routerWith({
      'articles.list': () => {
        throw new TypeError('x is undefined')
      },
    }).dispatch('articles.list', {})
    expect(boom).toEqual({ ok: false, error: { code: 'INTERNAL', message: 'x is undefined', retryable: false } })

    const drift = await routerWith({
      'articles.list': () => ({ articles: [{ id: 'nope' }] }) as never,
    }).dispatch('articles.list', {})
    expect(drift.ok).toBe(false)
    if (!drift.ok) expect(drift.error.message).toMatch(/^articles.list produced an invalid result/)
  })

  it('forwards progress from a streaming handler and returns its result', async () => {
    const progress: unknown[] = []
    const r = await s.router.dispatch(
      'images.import',
      { files: [{ name: 'a.png', data: PNG_1x1 }, { name: 'b.gif', data: GIF_1x1 }] },
      { onProgress: (p) => progress.push(p) },
    )
    expect(progress).toEqual([
      { done: 1, total: 2, fileName: 'a.png' },
      { done: 2, total: 2, fileName: 'b.gif' },
    ])
    expect(r.ok && (r.output as { images: unknown[] }).images).toHaveLength(2)
  })

  it('passes the caller origin and abort signal to the handler', async () => {
    const seen: unknown[] = []
    const router = routerWith({
      'articles.list': (_input, ctx) => {
        seen.push(ctx.origin, ctx.signal.aborted)
        return { articles: [] }
      },
    })
    const ac = new AbortController()
    ac.abort()
    await router.dispatch('articles.list', {}, { origin: 'tab-7', signal: ac.signal })
    expect(seen).toEqual(['tab-7', true])
  })

  it('never rejects, even for a document deep enough to overflow a recursive validator', async () => {
    let node: unknown = { type: 'text', text: 'x' }
    for (let i = 0; i < 100_000; i++) node = { type: 'blockquote', content: [node] }
    const r = await s.router.dispatch('articles.create', { doc: { type: 'doc', content: [node] } })
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.error.code).toBe('INVALID_INPUT')
  })
})
