import { describe, expect, it } from 'vitest'
import { backoffDelay } from '../../../src/renderer/src/api/backoff'
import { displayTitle, sortByRecent, sortByTrashed } from '../../../src/renderer/src/articles/format'
import { flushAll, registerFlusher, trackPendingSave, waitForPendingSave } from '../../../src/renderer/src/articles/save-registry'
import { altFromFileName, batchFiles, looksLikeImage, screenFiles } from '../../../src/renderer/src/editor/images'
import { isAllowedLinkUrl, normalizeLinkUrl } from '../../../src/renderer/src/editor/link'
import { isMacPlatform, shortcutLabel } from '../../../src/renderer/src/editor/shortcuts'
import { MAX_IMAGE_BYTES } from '../../../src/shared/api'
import { deferred } from './fake-timers'

describe('article ordering', () => {
  const a = (id: string, updatedAt: number, title = id, trashedAt: number | null = null) => ({ id, updatedAt, title, trashedAt })

  it('lists the most recently edited first, ties stable', () => {
    const list = [a('art_1', 10), a('art_2', 30), a('art_3', 20), a('art_4', 30, 'A')]
    expect(sortByRecent(list).map((x) => x.id)).toEqual(['art_4', 'art_2', 'art_3', 'art_1'])
    expect(list.map((x) => x.id)).toEqual(['art_1', 'art_2', 'art_3', 'art_4']) // not mutated
  })

  it('lists the trash by trash time', () => {
    const list = [a('art_1', 50, 'x', 100), a('art_2', 10, 'y', 300), a('art_3', 90, 'z', 200)]
    expect(sortByTrashed(list).map((x) => x.id)).toEqual(['art_2', 'art_3', 'art_1'])
  })

  it('shows "Untitled" for blank titles', () => {
    expect(displayTitle('  ', 'Untitled')).toBe('Untitled')
    expect(displayTitle('Notes', 'Untitled')).toBe('Notes')
  })
})

describe('link policy', () => {
  it('allows only http(s) and mailto', () => {
    expect(isAllowedLinkUrl('https://example.com/a?b#c')).toBe(true)
    expect(isAllowedLinkUrl('http://localhost:3000')).toBe(true)
    expect(isAllowedLinkUrl('mailto:someone@example.com')).toBe(true)
    for (const bad of ['javascript:alert(1)', 'JavaScript:alert(1)', 'data:text/html,<b>x</b>', 'file:///etc/passwd', 'folio://image/x', 'vbscript:x', '/relative', '']) {
      expect(isAllowedLinkUrl(bad)).toBe(false)
    }
  })

  it('normalizes what people type', () => {
    expect(normalizeLinkUrl(' https://example.com ')).toBe('https://example.com')
    expect(normalizeLinkUrl('example.com/path')).toBe('https://example.com/path')
    expect(normalizeLinkUrl('www.example.org')).toBe('https://www.example.org')
    expect(normalizeLinkUrl('example.com:8080/x')).toBe('https://example.com:8080/x')
    expect(normalizeLinkUrl('localhost:5317')).toBe('https://localhost:5317')
    expect(normalizeLinkUrl('someone@example.com')).toBe('mailto:someone@example.com')
    expect(normalizeLinkUrl('mailto:someone@example.com')).toBe('mailto:someone@example.com')
    expect(normalizeLinkUrl('//cdn.example.com/x')).toBe('https://cdn.example.com/x')
  })

  it('refuses anything else', () => {
    for (const bad of ['javascript:alert(1)', ' javascript:alert(1)', 'data:text/html,x', 'file:///x', 'ftp://x.org', 'hello', 'two words.com', '', '   ', 'http://']) {
      expect(normalizeLinkUrl(bad)).toBeNull()
    }
  })
})

describe('image files', () => {
  it('derives alt text from the file name', () => {
    expect(altFromFileName('draisine.png')).toBe('draisine')
    expect(altFromFileName('my.holiday.photo.JPG')).toBe('my.holiday.photo')
    expect(altFromFileName('C:\\pics\\cat.webp')).toBe('cat')
    expect(altFromFileName('.hidden')).toBe('.hidden')
    expect(altFromFileName('noext')).toBe('noext')
  })

  it('recognises images by type, or by extension when the type is unknown', () => {
    expect(looksLikeImage({ name: 'a.png', type: 'image/png' })).toBe(true)
    expect(looksLikeImage({ name: 'a.heic', type: '' })).toBe(true)
    expect(looksLikeImage({ name: 'a.pdf', type: 'application/pdf' })).toBe(false)
    expect(looksLikeImage({ name: 'notes.txt', type: '' })).toBe(false)
  })

  it('screens out non-images and files over the size limit before uploading', () => {
    const files = [
      { name: 'ok.png', type: 'image/png', size: 10 },
      { name: 'doc.pdf', type: 'application/pdf', size: 10 },
      { name: 'huge.jpg', type: 'image/jpeg', size: MAX_IMAGE_BYTES + 1 },
    ]
    const r = screenFiles(files)
    expect(r.accepted.map((f) => f.name)).toEqual(['ok.png'])
    expect(r.rejected).toEqual([
      { name: 'doc.pdf', reason: 'notImage' },
      { name: 'huge.jpg', reason: 'tooLarge' },
    ])
  })

  it('batches uploads by count and total size', () => {
    const f = (n: number, size: number) => Array.from({ length: n }, (_, i) => ({ name: `f${i}`, size }))
    expect(batchFiles(f(250, 1)).map((b) => b.length)).toEqual([100, 100, 50])
    expect(batchFiles(f(5, 30), 100, 64).map((b) => b.length)).toEqual([2, 2, 1])
    expect(batchFiles(f(2, 100), 100, 64).map((b) => b.length)).toEqual([1, 1]) // one oversized file still goes, alone
    expect(batchFiles([])).toEqual([])
  })
})

describe('backoff', () => {
  it('doubles up to the cap, with optional jitter', () => {
    const o = { baseMs: 500, maxMs: 4000 }
    expect([0, 1, 2, 3, 4, 50].map((n) => backoffDelay(n, o))).toEqual([500, 1000, 2000, 4000, 4000, 4000])
    expect(backoffDelay(2, { ...o, jitter: 0.5, random: () => 0 })).toBe(1000)
    expect(backoffDelay(2, { ...o, jitter: 0.5, random: () => 1 })).toBe(2000)
  })
})

describe('keyboard shortcut labels', () => {
  it('uses Ctrl on Windows/Linux and symbols on macOS', () => {
    expect(shortcutLabel('Mod-b', false)).toEqual({ display: 'Ctrl+B', aria: 'Control+B' })
    expect(shortcutLabel('Mod-Shift-z', false)).toEqual({ display: 'Ctrl+Shift+Z', aria: 'Control+Shift+Z' })
    expect(shortcutLabel('Mod-Alt-1', true)).toEqual({ display: '⌘⌥1', aria: 'Meta+Alt+1' })
    expect(isMacPlatform('MacIntel')).toBe(true)
    expect(isMacPlatform('Linux x86_64')).toBe(false)
  })
})

describe('save registry', () => {
  it('flushAll runs every open editor’s flush and reports whether all succeeded', async () => {
    const calls: string[] = []
    const off1 = registerFlusher(async () => (calls.push('a'), true))
    const off2 = registerFlusher(async () => (calls.push('b'), false))
    expect(await flushAll()).toBe(false)
    off2()
    expect(await flushAll()).toBe(true)
    off1()
    expect(calls).toEqual(['a', 'b', 'a'])
  })

  it('reopening an article waits for the save its closed editor left behind', async () => {
    const d = deferred<boolean>()
    trackPendingSave('art_x', d.promise)
    let done = false
    const wait = waitForPendingSave('art_x', 5000).then(() => (done = true))
    await Promise.resolve()
    expect(done).toBe(false)
    d.resolve(true)
    await wait
    expect(done).toBe(true)
    await waitForPendingSave('art_x') // gone once settled
  })

  it('does not wait forever for a save that keeps failing', async () => {
    trackPendingSave('art_y', new Promise(() => {}))
    const start = Date.now()
    await waitForPendingSave('art_y', 30)
    expect(Date.now() - start).toBeLessThan(1000)
  })
})
