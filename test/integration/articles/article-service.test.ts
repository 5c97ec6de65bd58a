import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createServices, type FolioServices } from '../../../src/main/app'
import type { ArticleServiceOptions } from '../../../src/main/articles/article-service'
import type { EventPayload } from '../../../src/shared/api'
import type { Doc, DocNode } from '../../../src/shared/doc'
import { FolioError } from '../../../src/shared/errors'
import { tempDir as tmpDir } from '../images/image-fixtures'

const MINUTE = 60_000
const DAY = 24 * 3600_000
const T0 = Date.UTC(2025, 0, 1)

const text = (t: string, marks?: DocNode['marks']): DocNode => (marks ? { type: 'text', text: t, marks } : { type: 'text', text: t })
const para = (t: string): DocNode => ({ type: 'paragraph', content: [text(t)] })
const doc = (...content: DocNode[]): Doc => ({ type: 'doc', content })

/** A document using the node types the editor produces. */
const RICH: Doc = doc(
  { type: 'heading', attrs: { level: 1 }, content: [text('Travel notes')] },
  { type: 'heading', attrs: { level: 2 }, content: [text('Day one')] },
  {
    type: 'paragraph',
    content: [
      text('We walked to '),
      text('the harbour', [{ type: 'link', attrs: { href: 'https://example.com/harbour', target: '_blank' } }]),
      text(' and it was '),
      text('windy', [{ type: 'bold' }, { type: 'italic' }]),
      text('.'),
    ],
  },
  {
    type: 'bulletList',
    content: [
      { type: 'listItem', content: [para('bread')] },
      {
        type: 'listItem',
        content: [para('fruit'), { type: 'bulletList', content: [{ type: 'listItem', content: [para('figs')] }] }],
      },
    ],
  },
  { type: 'orderedList', attrs: { start: 3 }, content: [{ type: 'listItem', content: [para('third')] }] },
  { type: 'blockquote', content: [para('The sea does not care.')] },
  {
    type: 'figure',
    attrs: { imageId: 'img_0123456789ab', alt: 'Boats at dusk' },
    content: [text('caption')],
  },
)

interface Clock {
  now: () => number
  t: number
}

describe('articles through the router', () => {
  let tmp: ReturnType<typeof tmpDir>
  let clock: Clock
  let s: FolioServices
  let events: EventPayload<'articles.changed'>[]

  const start = (opts: Partial<ArticleServiceOptions> = {}) => {
    s = createServices({ dataDir: tmp.path, articles: { now: clock.now, ...opts } })
    events = []
    s.events.subscribe((name, payload) => {
      if (name === 'articles.changed') events.push(payload as EventPayload<'articles.changed'>)
    })
    return s
  }
  const call = <M extends Parameters<FolioServices['router']['call']>[0]>(m: M, input: unknown) => s.router.call(m, input)
  const failure = async (p: Promise<unknown>): Promise<FolioError> => {
    try {
      await p
    } catch (e) {
      expect(e).toBeInstanceOf(FolioError)
      return e as FolioError
    }
    throw new Error('expected the call to fail')
  }
  const create = async (title: string, d: Doc = doc(para(title))) => call('articles.create', { title, doc: d })

  beforeEach(() => {
    tmp = tmpDir()
    clock = { t: T0, now: () => clock.t }
    start()
  })
  afterEach(() => {
    s.dispose()
    tmp.cleanup()
  })

  it('create then get round-trips a rich document exactly', async () => {
    const created = await call('articles.create', { title: 'Harbour', doc: RICH })
    expect(created.id).toMatch(/^art_[0-9a-z]{12}$/)
    expect(created.revision).toBe(1)
    expect(created.createdAt).toBe(T0)
    const got = await call('articles.get', { id: created.id })
    expect(got.doc).toEqual(RICH)
    expect(got.title).toBe('Harbour')
    expect(got.trashedAt).toBeNull()
    // "Travel notes" 2 + "Day one" 2 + sentence 9 + bread/fruit/figs 3 + "third" 1 + quote 5 + caption 1
    expect(got.wordCount).toBe(23)
    expect(got.excerpt.startsWith('Travel notes Day one We walked to the harbour')).toBe(true)
  })

  it('creates an empty untitled article when given nothing', async () => {
    const a = await call('articles.create', {})
    expect(a.title).toBe('')
    expect(a.wordCount).toBe(0)
    expect(a.doc).toEqual({ type: 'doc', content: [{ type: 'paragraph' }] })
  })

  it('cleans control characters from titles and trims them', async () => {
    const a = await call('articles.create', { title: '  Line\none\u0007 ' })
    expect(a.title).toBe('Line one')
  })

  it('lists the most recently edited first', async () => {
    const a = await create('A')
    clock.t += MINUTE
    const b = await create('B')
    clock.t += MINUTE
    const c = await create('C')
    expect((await call('articles.list', {})).articles.map((x) => x.title)).toEqual(['C', 'B', 'A'])

    clock.t += MINUTE
    await call('articles.save', { id: a.id, doc: doc(para('A edited')) })
    clock.t += MINUTE
    await call('articles.rename', { id: b.id, title: 'B renamed' })
    const list = (await call('articles.list', {})).articles
    expect(list.map((x) => x.title)).toEqual(['B renamed', 'A', 'C'])
    expect(list.map((x) => x.id)).toEqual([b.id, a.id, c.id])
    expect(list[1].excerpt).toBe('A edited')
    expect(list[1].updatedAt).toBe(T0 + 3 * MINUTE)
  })

  it('save bumps the revision and recounts words, counting each CJK character', async () => {
    const a = await create('Words')
    clock.t += MINUTE
    const r1 = await call('articles.save', { id: a.id, doc: doc(para('one two three')), baseRevision: 1 })
    expect(r1).toEqual({ revision: 2, updatedAt: T0 + MINUTE, wordCount: 3, conflict: false })

    const r2 = await call('articles.save', { id: a.id, doc: doc(para('我们去海边'), para('and swim today')), baseRevision: 2 })
    expect(r2.revision).toBe(3)
    expect(r2.wordCount).toBe(5 + 3)
    const got = await call('articles.get', { id: a.id })
    expect(got.wordCount).toBe(8)
    expect(got.revision).toBe(3)
    expect(got.doc).toEqual(doc(para('我们去海边'), para('and swim today')))
  })

  it('counts words either side of a line break separately', async () => {
    const a = await create('Break')
    const r = await call('articles.save', {
      id: a.id,
      doc: doc({ type: 'paragraph', content: [text('hello'), { type: 'hardBreak' }, text('world')] }),
    })
    expect(r.wordCount).toBe(2)
    expect((await call('articles.get', { id: a.id })).excerpt).toBe('hello world')
  })

  it('saving identical content does not bump the revision or emit an event', async () => {
    const a = await create('Same')
    const r1 = await call('articles.save', { id: a.id, doc: doc(para('text')) })
    events.length = 0
    clock.t += MINUTE
    const r2 = await call('articles.save', { id: a.id, doc: doc(para('text')), baseRevision: r1.revision })
    expect(r2).toEqual({ ...r1, conflict: false })
    expect((await call('articles.get', { id: a.id })).updatedAt).toBe(r1.updatedAt)
    expect(events).toEqual([])
  })

  it('a stale baseRevision reports a conflict and keeps the overwritten text as a version', async () => {
    const a = await create('Shared', doc(para('original')))
    // Window 1 saves on top of revision 1.
    await call('articles.save', { id: a.id, doc: doc(para('from window one')), baseRevision: 1 })
    clock.t += 1000
    // Window 2 still thinks it is at revision 1.
    const r = await call('articles.save', { id: a.id, doc: doc(para('from window two')), baseRevision: 1 })
    expect(r.conflict).toBe(true)
    expect(r.revision).toBe(3)
    expect((await call('articles.get', { id: a.id })).doc).toEqual(doc(para('from window two')))

    const versions = (await call('versions.list', { articleId: a.id })).versions
    const kept = versions.find((v) => v.kind === 'manual')
    expect(kept).toBeDefined()
    expect(kept?.label).toMatch(/another window/)
    const full = await call('versions.get', { id: kept!.id })
    expect(full.doc).toEqual(doc(para('from window one')))
  })

  it('takes automatic versions at most once per interval and prunes them to the maximum', async () => {
    s.dispose()
    start({ autoVersionIntervalMs: 10 * MINUTE, maxAutoVersions: 3 })
    const a = await create('Draft', doc(para('v0')))
    const autos = async () =>
      (await call('versions.list', { articleId: a.id })).versions.filter((v) => v.kind === 'auto')
    const bodies = async () =>
      Promise.all((await autos()).map(async (v) => (await call('versions.get', { id: v.id })).doc))

    await call('articles.save', { id: a.id, doc: doc(para('v1')) }) // first save: snapshot of v0
    expect(await bodies()).toEqual([doc(para('v0'))])
    for (let i = 2; i <= 5; i++) {
      clock.t += MINUTE
      await call('articles.save', { id: a.id, doc: doc(para(`v${i}`)) })
    }
    expect(await autos()).toHaveLength(1) // 4 more saves within 10 minutes: no new snapshot

    clock.t = T0 + 10 * MINUTE
    await call('articles.save', { id: a.id, doc: doc(para('v6')) }) // due again: snapshot of v5
    expect(await bodies()).toEqual([doc(para('v5')), doc(para('v0'))])

    for (let i = 7; i <= 9; i++) {
      clock.t += 10 * MINUTE
      await call('articles.save', { id: a.id, doc: doc(para(`v${i}`)) })
    }
    // Snapshots of v0, v5, v6, v7, v8 were taken; only the newest 3 remain, newest first.
    expect(await bodies()).toEqual([doc(para('v8')), doc(para('v7')), doc(para('v6'))])
    const list = await autos()
    expect(list.map((v) => v.createdAt)).toEqual([T0 + 40 * MINUTE, T0 + 30 * MINUTE, T0 + 20 * MINUTE])
  })

  it('does not take automatic versions of an empty article', async () => {
    const a = await call('articles.create', {})
    await call('articles.save', { id: a.id, doc: doc(para('first words')) })
    expect((await call('versions.list', { articleId: a.id })).versions).toEqual([])
  })

  it('creates a labelled manual version and leaves other versions alone', async () => {
    const a = await create('Essay', doc(para('draft one')))
    clock.t += MINUTE
    const v = await call('versions.create', { articleId: a.id, label: '  Sent to editor  ' })
    expect(v).toMatchObject({ articleId: a.id, kind: 'manual', label: 'Sent to editor', title: 'Essay', wordCount: 2, createdAt: T0 + MINUTE })
    const unlabelled = await call('versions.create', { articleId: a.id })
    expect(unlabelled.label).toBeNull()
    const list = (await call('versions.list', { articleId: a.id })).versions
    expect(list.map((x) => x.id)).toEqual([unlabelled.id, v.id])
    expect((await call('versions.get', { id: v.id })).doc).toEqual(doc(para('draft one')))
    expect(events.filter((e) => e.reason === 'versions')).toHaveLength(2)
  })

  it('restoring a version brings back its text and keeps what it replaced', async () => {
    const a = await create('Poem', doc(para('roses are red')))
    const v = await call('versions.create', { articleId: a.id, label: 'first' })
    clock.t += MINUTE
    await call('articles.save', { id: a.id, title: 'Poem II', doc: doc(para('violets are blue')) })
    clock.t += MINUTE

    const restored = await call('versions.restore', { id: v.id })
    expect(restored.doc).toEqual(doc(para('roses are red')))
    expect(restored.title).toBe('Poem')
    expect(restored.revision).toBe(3)
    expect(restored.wordCount).toBe(3)
    expect(restored.updatedAt).toBe(T0 + 2 * MINUTE)

    const before = (await call('versions.list', { articleId: a.id })).versions.find((x) => x.kind === 'before-restore')
    expect(before).toMatchObject({ title: 'Poem II', createdAt: T0 + 2 * MINUTE })
    expect((await call('versions.get', { id: before!.id })).doc).toEqual(doc(para('violets are blue')))
    expect(events.at(-1)).toMatchObject({ id: a.id, reason: 'saved', revision: 3 })
  })

  it('trash hides an article, restore brings it back', async () => {
    const a = await create('Keep')
    const b = await create('Bin')
    clock.t += MINUTE
    const trashed = await call('articles.trash', { id: b.id })
    expect(trashed.trashedAt).toBe(T0 + MINUTE)
    expect((await call('articles.list', {})).articles.map((x) => x.id)).toEqual([a.id])
    expect((await call('articles.list', { trashed: true })).articles.map((x) => x.id)).toEqual([b.id])

    const restored = await call('articles.restore', { id: b.id })
    expect(restored.trashedAt).toBeNull()
    expect((await call('articles.list', {})).articles.map((x) => x.id).sort()).toEqual([a.id, b.id].sort())
    expect((await call('articles.list', { trashed: true })).articles).toEqual([])
  })

  it('saving to a trashed article is refused with CONFLICT and changes nothing', async () => {
    const a = await create('Gone', doc(para('kept')))
    await call('articles.trash', { id: a.id })
    const err = await failure(call('articles.save', { id: a.id, doc: doc(para('lost')) }))
    expect(err.code).toBe('CONFLICT')
    expect(err.message).toMatch(/trash/)
    expect((await call('articles.get', { id: a.id })).doc).toEqual(doc(para('kept')))
  })

  it('purge refuses an article that is not in the trash', async () => {
    const a = await create('Precious')
    const err = await failure(call('articles.purge', { id: a.id }))
    expect(err.code).toBe('CONFLICT')
    expect((await call('articles.get', { id: a.id })).title).toBe('Precious')
  })

  it('purge deletes a trashed article together with its versions', async () => {
    const a = await create('Old', doc(para('words here')))
    await call('versions.create', { articleId: a.id, label: 'one' })
    await call('articles.save', { id: a.id, doc: doc(para('more words')) })
    const versionCount = () =>
      (s.db.prepare('SELECT COUNT(*) AS n FROM article_versions WHERE article_id = ?').get(a.id) as { n: number }).n
    expect(versionCount()).toBe(2)

    await call('articles.trash', { id: a.id })
    expect(await call('articles.purge', { id: a.id })).toEqual({ id: a.id })
    expect((await failure(call('articles.get', { id: a.id }))).code).toBe('NOT_FOUND')
    expect(versionCount()).toBe(0)
    expect((await call('articles.list', { trashed: true })).articles).toEqual([])
  })

  it('empties trash older than the retention period at start-up, with its versions', async () => {
    s.dispose()
    start({ trashRetentionMs: 30 * DAY })
    const old = await create('Old', doc(para('old text')))
    await call('versions.create', { articleId: old.id })
    await call('articles.trash', { id: old.id })
    clock.t += 20 * DAY
    const recent = await create('Recent')
    await call('articles.trash', { id: recent.id })
    const live = await create('Live')
    s.dispose()

    clock.t = T0 + 31 * DAY // `old` has been in the trash 31 days, `recent` 11
    start({ trashRetentionMs: 30 * DAY })
    expect((await call('articles.list', { trashed: true })).articles.map((x) => x.id)).toEqual([recent.id])
    expect((await call('articles.list', {})).articles.map((x) => x.id)).toEqual([live.id])
    expect((await failure(call('articles.get', { id: old.id }))).code).toBe('NOT_FOUND')
    expect((s.db.prepare('SELECT COUNT(*) AS n FROM article_versions').get() as { n: number }).n).toBe(0)
  })

  it('unknown ids are NOT_FOUND', async () => {
    const missing = 'art_000000000000'
    for (const [method, input] of [
      ['articles.get', { id: missing }],
      ['articles.save', { id: missing, doc: doc(para('x')) }],
      ['articles.rename', { id: missing, title: 'x' }],
      ['articles.trash', { id: missing }],
      ['articles.restore', { id: missing }],
      ['articles.purge', { id: missing }],
      ['articles.export', { id: missing, format: 'md' }],
      ['versions.list', { articleId: missing }],
      ['versions.create', { articleId: missing }],
      ['versions.get', { id: 'ver_000000000000' }],
      ['versions.restore', { id: 'ver_000000000000' }],
    ] as const) {
      const err = await failure(call(method, input))
      expect(err.code, method).toBe('NOT_FOUND')
      expect(err.message, method).toMatch(/_000000000000/)
    }
  })

  it('invalid input is INVALID_INPUT naming the field', async () => {
    const a = await create('Valid')
    const cases: [Parameters<typeof call>[0], unknown, RegExp][] = [
      ['articles.get', { id: 'article-1' }, /id: not an article id/],
      ['articles.get', { id: a.id.toUpperCase() }, /id: not an article id/],
      ['articles.create', { title: 'x'.repeat(301) }, /title: title is longer than 300 characters/],
      ['articles.rename', { id: a.id, title: 'y'.repeat(301) }, /title: title is longer than 300/],
      ['articles.save', { id: a.id, doc: doc(para('x')), colour: 'red' }, /Unrecognized key.*colour/],
      ['articles.create', { title: 'x', extra: true }, /Unrecognized key.*extra/],
      ['articles.save', { id: a.id, doc: { type: 'paragraph' } }, /doc\.type/],
      ['articles.save', { id: a.id, doc: doc(para('x')), baseRevision: -1 }, /baseRevision/],
      ['articles.list', { trashed: 'yes' }, /trashed/],
      ['articles.export', { id: a.id, format: 'rtf' }, /format/],
      ['versions.create', { articleId: a.id, label: 'l'.repeat(201) }, /label/],
    ]
    for (const [method, input, message] of cases) {
      const err = await failure(call(method, input))
      expect(err.code, `${method} ${JSON.stringify(input).slice(0, 60)}`).toBe('INVALID_INPUT')
      expect(err.message).toMatch(message)
      expect(err.message).toContain(method)
    }
    expect((await call('articles.get', { id: a.id })).revision).toBe(1)
  })

  it('refuses a document nested deeper than 64 levels, however deep, without crashing', async () => {
    const a = await create('Deep')
    const nested = (levels: number): Doc => {
      let node: DocNode = text('bottom')
      for (let i = 0; i < levels - 1; i++) node = { type: 'blockquote', content: [node] }
      return doc(node)
    }
    // 64 levels (63 quotes around a text node) is the most allowed.
    expect((await call('articles.save', { id: a.id, doc: nested(64) })).revision).toBe(2)
    for (const levels of [65, 5000, 50_000]) {
      const err = await failure(call('articles.save', { id: a.id, doc: nested(levels) }))
      expect(err.code).toBe('INVALID_INPUT')
      expect(err.message).toMatch(/doc\.content\.0: document nested deeper than 64 levels/)
    }
    expect((await call('articles.get', { id: a.id })).revision).toBe(2)
  })

  it('emits articles.changed with the right reasons and the caller origin', async () => {
    const a = await s.router.call('articles.create', { title: 'E' }, { origin: 'window-1' })
    await s.router.call('articles.save', { id: a.id, doc: doc(para('one')) }, { origin: 'window-2' })
    await call('articles.rename', { id: a.id, title: 'E2' })
    const v = await call('versions.create', { articleId: a.id })
    await call('versions.restore', { id: v.id })
    await call('articles.trash', { id: a.id })
    await call('articles.restore', { id: a.id })
    await call('articles.trash', { id: a.id })
    await call('articles.purge', { id: a.id })
    expect(events.map((e) => e.reason)).toEqual([
      'created',
      'saved',
      'renamed',
      'versions',
      'saved',
      'trashed',
      'restored',
      'trashed',
      'purged',
    ])
    expect(events.every((e) => e.id === a.id)).toBe(true)
    expect(events[0]).toEqual({ id: a.id, reason: 'created', revision: 1, origin: 'window-1' })
    expect(events[1]).toEqual({ id: a.id, reason: 'saved', revision: 2, origin: 'window-2' })
    expect(events[2]).toMatchObject({ reason: 'renamed', revision: 3 })
  })

  it('does not emit events for calls that fail', async () => {
    const a = await create('Quiet')
    events.length = 0
    await failure(call('articles.purge', { id: a.id }))
    await failure(call('articles.save', { id: a.id, doc: { type: 'nope' } }))
    expect(events).toEqual([])
  })

  it('keeps everything after dispose and a fresh createServices on the same folder', async () => {
    const a = await create('Durable', RICH)
    await call('articles.save', { id: a.id, doc: doc(para('second draft')), title: 'Durable 2' })
    const v = await call('versions.create', { articleId: a.id, label: 'milestone' })
    const b = await create('Binned')
    await call('articles.trash', { id: b.id })
    s.dispose()
    s.dispose() // safe to call twice

    start()
    const got = await call('articles.get', { id: a.id })
    expect(got).toMatchObject({ title: 'Durable 2', revision: 2, wordCount: 2 })
    expect(got.doc).toEqual(doc(para('second draft')))
    const versions = (await call('versions.list', { articleId: a.id })).versions
    expect(versions.map((x) => x.label)).toContain('milestone')
    expect((await call('versions.get', { id: v.id })).doc).toEqual(doc(para('second draft')))
    expect((await call('articles.list', { trashed: true })).articles.map((x) => x.id)).toEqual([b.id])
  })
})
