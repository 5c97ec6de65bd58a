import { describe, expect, it } from 'vitest'
import { Autosave, type SaveRequest } from '../../../src/renderer/src/articles/autosave'
import { FolioError } from '../../../src/shared/errors'
import { deferred, FakeTimers, flushMicrotasks, type Deferred } from './fake-timers'

/** A save function whose calls the test settles by hand. */
function harness(opts: { delayMs?: number } = {}) {
  const timers = new FakeTimers()
  const calls: { req: SaveRequest; d: Deferred<void>; content: string }[] = []
  let content = ''
  const autosave = new Autosave({
    timers,
    delayMs: opts.delayMs ?? 800,
    retryBaseMs: 1000,
    retryMaxMs: 8000,
    save(req) {
      const d = deferred()
      calls.push({ req, d, content })
      return d.promise
    },
  })
  const edit = (text: string) => {
    content = text
    autosave.markDirty()
  }
  return { timers, calls, autosave, edit, last: () => calls[calls.length - 1] }
}

describe('Autosave', () => {
  it('starts clean and debounces a burst of edits into one save', async () => {
    const h = harness()
    expect(h.autosave.getState().status).toBe('saved')
    h.edit('a')
    await h.timers.advance(500)
    h.edit('ab')
    await h.timers.advance(500)
    h.edit('abc')
    expect(h.autosave.getState().status).toBe('dirty')
    expect(h.calls).toHaveLength(0)
    await h.timers.advance(799)
    expect(h.calls).toHaveLength(0)
    await h.timers.advance(1)
    expect(h.calls).toHaveLength(1)
    expect(h.last().content).toBe('abc')
    expect(h.last().req.keepalive).toBe(false)
    expect(h.autosave.getState().status).toBe('saving')
    h.last().d.resolve()
    await flushMicrotasks()
    expect(h.autosave.getState().status).toBe('saved')
    expect(h.autosave.isDirty).toBe(false)
    expect(h.timers.count).toBe(0)
  })

  it('saves at least every 5 s while the edits never pause', async () => {
    const h = harness()
    const typeFor = async (ms: number, from: number) => {
      for (let t = 0; t < ms; t += 200) {
        h.edit(`text ${from + t}`)
        await h.timers.advance(200)
      }
    }
    await typeFor(4800, 0)
    expect(h.calls).toHaveLength(0)
    await typeFor(400, 4800)
    // Five seconds after the first unsaved edit, with the debounce still waiting for a pause.
    expect(h.calls).toHaveLength(1)
    expect(h.calls[0].content).toBe('text 4800')
    h.calls[0].d.resolve()
    await flushMicrotasks()
    // The next one counts from the first edit after that save started.
    await typeFor(4600, 5200)
    expect(h.calls).toHaveLength(1)
    await typeFor(400, 9800)
    expect(h.calls).toHaveLength(2)
    h.calls[1].d.resolve()
    await flushMicrotasks()
    // Then a pause: the usual debounce saves the rest, and no timer is left behind.
    await h.timers.advance(800)
    expect(h.calls).toHaveLength(3)
    expect(h.calls[2].content).toBe('text 10000')
    h.calls[2].d.resolve()
    await flushMicrotasks()
    expect(h.autosave.getState().status).toBe('saved')
    expect(h.timers.count).toBe(0)
  })

  it('keeps edits made during a save dirty and saves them afterwards', async () => {
    const h = harness()
    h.edit('one')
    await h.timers.advance(800)
    expect(h.calls).toHaveLength(1)
    h.edit('one two')
    h.calls[0].d.resolve()
    await flushMicrotasks()
    // The first save covered only "one": still dirty, not "saved".
    expect(h.autosave.getState().status).toBe('dirty')
    expect(h.autosave.isDirty).toBe(true)
    await h.timers.advance(800)
    expect(h.calls).toHaveLength(2)
    expect(h.calls[1].content).toBe('one two')
    h.calls[1].d.resolve()
    await flushMicrotasks()
    expect(h.autosave.getState().status).toBe('saved')
  })

  it('runs one save at a time even when the debounce fires during a slow save', async () => {
    const h = harness()
    h.edit('a')
    await h.timers.advance(800)
    h.edit('ab')
    await h.timers.advance(5000) // the debounce fires while the first save is still running
    expect(h.calls).toHaveLength(1)
    h.calls[0].d.resolve()
    await flushMicrotasks()
    expect(h.calls).toHaveLength(2)
    expect(h.calls[1].content).toBe('ab')
  })

  it('flush saves immediately and resolves once stored', async () => {
    const h = harness()
    expect(await h.autosave.flush()).toBe(true) // nothing to save
    expect(h.calls).toHaveLength(0)
    h.edit('x')
    const done = h.autosave.flush()
    expect(h.calls).toHaveLength(1)
    let settled = false
    void done.then(() => (settled = true))
    await flushMicrotasks()
    expect(settled).toBe(false)
    h.calls[0].d.resolve()
    expect(await done).toBe(true)
    expect(h.timers.count).toBe(0) // the debounce timer was cancelled
  })

  it('flush during an in-flight save waits for it, then saves the newer content', async () => {
    const h = harness()
    h.edit('v1')
    await h.timers.advance(800)
    h.edit('v2')
    const done = h.autosave.flush()
    expect(h.calls).toHaveLength(1)
    h.calls[0].d.resolve()
    await flushMicrotasks()
    expect(h.calls).toHaveLength(2)
    expect(h.calls[1].content).toBe('v2')
    h.calls[1].d.resolve()
    expect(await done).toBe(true)
    expect(h.autosave.getState().status).toBe('saved')
  })

  it('flush resolves for content that an in-flight save already covers', async () => {
    const h = harness()
    h.edit('v1')
    await h.timers.advance(800)
    const done = h.autosave.flush()
    h.calls[0].d.resolve()
    expect(await done).toBe(true)
    expect(h.calls).toHaveLength(1)
  })

  it('keeps the content on failure, shows the error and retries with backoff', async () => {
    const h = harness()
    h.edit('precious')
    await h.timers.advance(800)
    const err = new FolioError('IO_ERROR', 'disk went away')
    h.calls[0].d.reject(err)
    await flushMicrotasks()
    expect(h.autosave.getState()).toEqual({ status: 'error', error: err })
    expect(h.autosave.isDirty).toBe(true)
    expect(h.timers.delays()).toEqual([1000])

    await h.timers.advance(1000)
    expect(h.calls).toHaveLength(2)
    expect(h.calls[1].content).toBe('precious')
    expect(h.autosave.getState().status).toBe('saving')
    h.calls[1].d.reject(err)
    await flushMicrotasks()
    expect(h.timers.delays()).toEqual([2000])
    await h.timers.advance(2000)
    h.calls[2].d.reject(err)
    await flushMicrotasks()
    expect(h.timers.delays()).toEqual([4000])
    await h.timers.advance(4000)
    h.calls[3].d.reject(err)
    await flushMicrotasks()
    expect(h.timers.delays()).toEqual([8000]) // capped
    await h.timers.advance(8000)
    h.calls[4].d.reject(err)
    await flushMicrotasks()
    expect(h.timers.delays()).toEqual([8000])

    await h.timers.advance(8000)
    h.calls[5].d.resolve()
    await flushMicrotasks()
    expect(h.autosave.getState()).toEqual({ status: 'saved', error: null })
    expect(h.autosave.failedAttempts).toBe(0)
    expect(h.timers.count).toBe(0)
  })

  it('retries non-retryable errors too while the editor is open', async () => {
    const h = harness()
    h.edit('a')
    await h.timers.advance(800)
    h.calls[0].d.reject(new FolioError('INVALID_INPUT', 'bad'))
    await flushMicrotasks()
    expect(h.timers.count).toBe(1)
  })

  it('flush reports failure with false and still schedules a retry', async () => {
    const h = harness()
    h.edit('a')
    const done = h.autosave.flush()
    h.calls[0].d.reject(new Error('offline'))
    expect(await done).toBe(false)
    expect(h.autosave.getState().status).toBe('error')
    expect(h.timers.count).toBe(1)
  })

  it('retryNow tries again at once', async () => {
    const h = harness()
    h.edit('a')
    await h.timers.advance(800)
    h.calls[0].d.reject(new Error('x'))
    await flushMicrotasks()
    h.autosave.retryNow()
    expect(h.calls).toHaveLength(2)
    expect(h.timers.count).toBe(0) // the backoff timer was replaced by the attempt
    h.calls[1].d.resolve()
    await flushMicrotasks()
    expect(h.autosave.getState().status).toBe('saved')
  })

  it('an edit while in error keeps showing the error until a save succeeds', async () => {
    const h = harness()
    h.edit('a')
    await h.timers.advance(800)
    h.calls[0].d.reject(new Error('x'))
    await flushMicrotasks()
    h.edit('ab')
    expect(h.autosave.getState().status).toBe('error')
    await h.timers.advance(800) // the debounce fires before the 1 s backoff
    expect(h.calls).toHaveLength(2)
    expect(h.calls[1].content).toBe('ab')
    h.calls[1].d.resolve()
    await flushMicrotasks()
    expect(h.autosave.getState().status).toBe('saved')
    expect(h.timers.count).toBe(0)
  })

  it('a synchronous throw from save counts as a failed attempt', async () => {
    const timers = new FakeTimers()
    const a = new Autosave({
      timers,
      save() {
        throw new Error('boom')
      },
    })
    a.markDirty()
    expect(await a.flush()).toBe(false)
    expect(a.getState().status).toBe('error')
  })

  it('keepalive flush does not wait for a normal save that may die with the page', async () => {
    const h = harness()
    h.edit('draft')
    await h.timers.advance(800)
    expect(h.calls).toHaveLength(1)
    h.edit('draft plus')
    void h.autosave.flush({ keepalive: true })
    expect(h.calls).toHaveLength(2)
    expect(h.calls[1].req.keepalive).toBe(true)
    expect(h.calls[1].content).toBe('draft plus')
    h.calls[1].d.resolve()
    await flushMicrotasks()
    expect(h.autosave.isDirty).toBe(false)
    h.calls[0].d.resolve()
    await flushMicrotasks()
    expect(h.autosave.getState().status).toBe('saved')
    expect(h.calls).toHaveLength(2)
  })

  it('keepalive flush with nothing in flight uses one keep-alive save', async () => {
    const h = harness()
    h.edit('x')
    void h.autosave.flush({ keepalive: true })
    expect(h.calls).toHaveLength(1)
    expect(h.calls[0].req.keepalive).toBe(true)
    // A second pagehide-style flush while that one runs adds nothing.
    void h.autosave.flush({ keepalive: true })
    expect(h.calls).toHaveLength(1)
  })

  it('after close, only transient failures keep retrying', async () => {
    const h = harness()
    h.edit('a')
    void h.autosave.close()
    h.calls[0].d.reject(new FolioError('NOT_FOUND', 'gone'))
    await flushMicrotasks()
    expect(h.timers.count).toBe(0)

    const h2 = harness()
    h2.edit('a')
    void h2.autosave.close()
    h2.calls[0].d.reject(new FolioError('DB_LOCKED', 'busy'))
    await flushMicrotasks()
    expect(h2.timers.count).toBe(1)
    await h2.timers.advance(1000)
    expect(h2.calls).toHaveLength(2)
    expect(h2.calls[1].content).toBe('a')
  })

  it('close on a clean editor resolves at once', async () => {
    const h = harness()
    expect(await h.autosave.close()).toBe(true)
    expect(h.calls).toHaveLength(0)
  })

  it('markSaved drops pending work (content replaced from the server)', async () => {
    const h = harness()
    h.edit('old')
    h.autosave.markSaved()
    expect(h.autosave.getState().status).toBe('saved')
    await h.timers.advance(5000)
    expect(h.calls).toHaveLength(0)
  })

  it('notifies subscribers only when the visible state changes', async () => {
    const h = harness()
    const seen: string[] = []
    h.autosave.subscribe(() => seen.push(h.autosave.getState().status))
    h.edit('a')
    h.edit('ab')
    h.edit('abc')
    await h.timers.advance(800)
    h.calls[0].d.resolve()
    await flushMicrotasks()
    expect(seen).toEqual(['dirty', 'saving', 'saved'])
    const before = h.autosave.getState()
    expect(h.autosave.getState()).toBe(before) // stable snapshot for useSyncExternalStore
  })
})
