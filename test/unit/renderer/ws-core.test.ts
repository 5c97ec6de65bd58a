import { describe, expect, it } from 'vitest'
import { WsTransport, type FetchLike, type SocketLike } from '../../../src/renderer/src/api/ws-core'
import { createClient } from '../../../src/shared/client'
import { decodeJson, encodeJson, type ServerFrame } from '../../../src/shared/wire'
import { FakeTimers, flushMicrotasks } from './fake-timers'

class FakeSocket implements SocketLike {
  sent: unknown[] = []
  closed = false
  onopen: SocketLike['onopen'] = null
  onmessage: SocketLike['onmessage'] = null
  onclose: SocketLike['onclose'] = null
  onerror: SocketLike['onerror'] = null
  constructor(readonly url: string) {}
  send(data: string) {
    this.sent.push(decodeJson(data))
  }
  close() {
    this.closed = true
  }
  // test helpers
  open() {
    this.onopen?.({})
  }
  receive(frame: ServerFrame) {
    this.onmessage?.({ data: encodeJson(frame) })
  }
  drop() {
    this.onclose?.({ code: 1006, reason: '' })
  }
}

function setup(extra: { fetch?: FetchLike } = {}) {
  const timers = new FakeTimers()
  const sockets: FakeSocket[] = []
  const t = new WsTransport({
    url: 'ws://localhost:1234/ws',
    createSocket: (url) => {
      const s = new FakeSocket(url)
      sockets.push(s)
      return s
    },
    imageUrl: (id) => `/api/image/${id}`,
    timers,
    random: () => 1, // no jitter: delays are the nominal backoff
    reconnectBaseMs: 500,
    reconnectMaxMs: 4000,
    fetch: extra.fetch,
  })
  return { t, timers, sockets, sock: () => sockets[sockets.length - 1] }
}

describe('WsTransport', () => {
  it('connects to the given URL, learns its client id from hello and reports open', () => {
    const { t, sock } = setup()
    expect(sock().url).toBe('ws://localhost:1234/ws')
    expect(t.getConnection().state).toBe('connecting')
    sock().open()
    sock().receive({ t: 'hello', clientId: 'cl_1' })
    expect(t.clientId).toBe('cl_1')
    expect(t.getConnection()).toEqual({ state: 'open', error: null })
  })

  it('queues calls until the socket opens, then sends them in order', async () => {
    const { t, sock } = setup()
    const a = t.invoke('articles.list', { trashed: false })
    const b = t.invoke('app.info', {})
    expect(sock().sent).toEqual([])
    sock().open()
    expect(sock().sent).toEqual([
      { t: 'call', id: 'c1', method: 'articles.list', input: { trashed: false } },
      { t: 'call', id: 'c2', method: 'app.info', input: {} },
    ])
    sock().receive({ t: 'result', id: 'c2', ok: true, output: { name: 'Folio' } })
    sock().receive({ t: 'result', id: 'c1', ok: false, error: { code: 'INTERNAL', message: 'x', retryable: false } })
    expect(await b).toEqual({ ok: true, output: { name: 'Folio' } })
    expect(await a).toEqual({ ok: false, error: { code: 'INTERNAL', message: 'x', retryable: false } })
  })

  it('carries binary data as { $bytes } and decodes it on the way back', async () => {
    const { t, sock } = setup()
    sock().open()
    const p = t.invoke('images.import', { files: [{ name: 'a.png', data: new Uint8Array([1, 2, 3]) }] }, 'op1')
    const sent = sock().sent[0] as { id: string; input: { files: { data: Uint8Array }[] } }
    expect(sent.id).toBe('op1')
    expect(sent.input.files[0].data).toEqual(new Uint8Array([1, 2, 3]))
    sock().receive({ t: 'result', id: 'op1', ok: true, output: { images: [], rejected: [] } })
    expect((await p).ok).toBe(true)
  })

  it('routes progress to the op id and events to listeners', () => {
    const { t, sock } = setup()
    const progress: unknown[] = []
    const events: unknown[] = []
    t.onProgress((id, data) => progress.push([id, data]))
    const off = t.onEvent((name, payload) => events.push([name, payload]))
    sock().open()
    sock().receive({ t: 'progress', id: 'op9', data: { done: 1, total: 2, fileName: 'a' } })
    sock().receive({ t: 'event', name: 'articles.changed', payload: { id: 'art_x', reason: 'saved' } })
    off()
    sock().receive({ t: 'event', name: 'articles.changed', payload: { id: 'art_y', reason: 'saved' } })
    expect(progress).toEqual([['op9', { done: 1, total: 2, fileName: 'a' }]])
    expect(events).toEqual([['articles.changed', { id: 'art_x', reason: 'saved' }]])
  })

  it('fails in-flight calls with a retryable error on disconnect and keeps queued ones', async () => {
    const { t, sock, timers, sockets } = setup()
    sock().open()
    const inflight = t.invoke('articles.save', { id: 'art_1' })
    sock().drop()
    expect(t.getConnection().state).toBe('reconnecting')
    const res = await inflight
    expect(res.ok).toBe(false)
    if (!res.ok) {
      expect(res.error.retryable).toBe(true)
      expect(res.error.code).toBe('IO_ERROR')
    }
    // A call made while disconnected waits for the next connection.
    const queued = t.invoke('articles.list', {})
    expect(timers.delays()).toEqual([500])
    await timers.advance(500)
    expect(sockets).toHaveLength(2)
    sock().open()
    expect(t.getConnection().state).toBe('open')
    expect(sock().sent).toEqual([{ t: 'call', id: 'c2', method: 'articles.list', input: {} }])
    sock().receive({ t: 'result', id: 'c2', ok: true, output: { articles: [] } })
    expect(await queued).toEqual({ ok: true, output: { articles: [] } })
  })

  it('backs off exponentially while the server stays away, and resets after a success', async () => {
    const { t, sock, timers, sockets } = setup()
    sock().drop() // never opened
    expect(timers.delays()).toEqual([500])
    await timers.advance(500)
    sock().drop()
    expect(timers.delays()).toEqual([1000])
    await timers.advance(1000)
    sock().drop()
    expect(timers.delays()).toEqual([2000])
    await timers.advance(2000)
    sock().drop()
    expect(timers.delays()).toEqual([4000])
    await timers.advance(4000)
    sock().drop()
    expect(timers.delays()).toEqual([4000]) // capped
    await timers.advance(4000)
    sock().open()
    sock().drop()
    expect(timers.delays()).toEqual([500])
    expect(sockets.length).toBe(6)
    t.stop()
    expect(timers.count).toBe(0)
  })

  it('reconnectNow skips the wait', () => {
    const { t, sock, sockets, timers } = setup()
    sock().drop()
    t.reconnectNow()
    expect(sockets).toHaveLength(2)
    expect(timers.count).toBe(0)
  })

  it('cancel removes a queued call or tells the server about a sent one', async () => {
    const { t, sock } = setup()
    const queued = t.invoke('images.import', {}, 'opA')
    t.cancel('opA')
    const r = await queued
    expect(r.ok === false && r.error.code).toBe('CANCELLED')
    sock().open()
    expect(sock().sent).toEqual([])
    void t.invoke('images.import', {}, 'opB')
    t.cancel('opB')
    expect(sock().sent[1]).toEqual({ t: 'cancel', id: 'opB' })
  })

  it('shows server error frames on the connection info', () => {
    const { t, sock } = setup()
    sock().open()
    sock().receive({ t: 'error', error: { code: 'UNAUTHORIZED', message: 'Sign in again', retryable: false } })
    expect(t.getConnection().error?.code).toBe('UNAUTHORIZED')
  })

  it('works under createClient: typed calls, events and image URLs', async () => {
    const { t, sock } = setup()
    const client = createClient(t)
    expect(client.transport).toBe('ws')
    expect(client.imageUrl('img_aaaaaaaaaaaa')).toBe('/api/image/img_aaaaaaaaaaaa')
    const p = client.call('articles.list', { trashed: true })
    sock().open()
    const frame = sock().sent[0] as { id: string }
    sock().receive({ t: 'result', id: frame.id, ok: false, error: { code: 'NOT_FOUND', message: 'nope', retryable: false } })
    await expect(p).rejects.toMatchObject({ code: 'NOT_FOUND', message: 'nope' })
  })

  it('flush posts a keep-alive request and parses the CallResult', async () => {
    const requests: { url: string; init: Parameters<FetchLike>[1] }[] = []
    const { t } = setup({
      fetch: async (url, init) => {
        requests.push({ url, init })
        return { status: 200, text: async () => JSON.stringify({ ok: true, output: { revision: 3 } }) }
      },
    })
    const res = await t.flush('articles.save', { id: 'art_1', doc: { type: 'doc' } })
    expect(res).toEqual({ ok: true, output: { revision: 3 } })
    expect(requests[0].url).toBe('/api/rpc/articles.save')
    expect(requests[0].init).toMatchObject({
      method: 'POST',
      keepalive: true,
      headers: { 'content-type': 'application/json' },
    })
    expect(JSON.parse(requests[0].init.body)).toEqual({ id: 'art_1', doc: { type: 'doc' } })
  })

  it('flush turns HTTP failures into errors and oversized bodies into socket calls', async () => {
    const { t, sock } = setup({
      fetch: async () => ({ status: 401, text: async () => 'Unauthorized' }),
    })
    const res = await t.flush('articles.save', { id: 'art_1' })
    expect(res.ok === false && res.error.code).toBe('UNAUTHORIZED')

    sock().open()
    const big = t.flush('articles.save', { id: 'art_1', text: 'x'.repeat(70_000) })
    await flushMicrotasks()
    const frame = sock().sent[0] as { t: string; id: string; method: string }
    expect(frame.t).toBe('call')
    expect(frame.method).toBe('articles.save')
    sock().receive({ t: 'result', id: frame.id, ok: true, output: 1 })
    expect(await big).toEqual({ ok: true, output: 1 })
  })

  it('flush reports network failures as retryable', async () => {
    const { t } = setup({
      fetch: async () => {
        throw new TypeError('Failed to fetch')
      },
    })
    const res = await t.flush('articles.save', {})
    expect(res.ok === false && res.error).toMatchObject({ code: 'IO_ERROR', retryable: true })
  })
})
