import { Editor } from '@tiptap/core'
import { afterEach, describe, expect, it } from 'vitest'
import { buildExtensions } from '../../../src/renderer/src/editor/extensions'
import { handleLibraryDrop, insertLibraryImages } from '../../../src/renderer/src/editor/library-drop'
import {
  clickSelect,
  encodeDraggedImages,
  FOLIO_IMAGE_MIME,
  gridWindow,
  libraryBatches,
  moveIndex,
  parseTags,
  readDraggedImages,
  tagChips,
  type SelectionState,
} from '../../../src/renderer/src/library/library-logic'
import { LibraryPages, PAGE_SIZE } from '../../../src/renderer/src/library/library-pages'
import type { LibraryItem } from '../../../src/shared/library-api'

const IMG = 'img_abcdefghjkmn'
const IMG2 = 'img_0123456789ab'

function fakeDt(data: Record<string, string>) {
  return { types: Object.keys(data), getData: (t: string) => data[t] ?? '' } as unknown as DataTransfer
}

describe('virtualized grid window', () => {
  it('renders only the rows in view (plus overscan) of 10k items', () => {
    const w = gridWindow({ count: 10_000, width: 1000, height: 600, scrollTop: 0, cell: 160 })
    expect(w.columns).toBe(6)
    expect(w.rows).toBe(1667)
    expect(w.totalHeight).toBe(1667 * 160)
    expect(w.start).toBe(0)
    expect(w.end).toBe(6 * 6) // 4 visible rows + 2 overscan
    const mid = gridWindow({ count: 10_000, width: 1000, height: 600, scrollTop: 160 * 1000, cell: 160 })
    expect(mid.start).toBe(998 * 6)
    expect(mid.end - mid.start).toBeLessThanOrEqual(9 * 6)
    const end = gridWindow({ count: 10_000, width: 1000, height: 600, scrollTop: 1667 * 160, cell: 160 })
    expect(end.end).toBe(10_000)
  })

  it('has at least one column and copes with an empty library', () => {
    expect(gridWindow({ count: 0, width: 50, height: 100, scrollTop: 0, cell: 160 })).toMatchObject({ columns: 1, start: 0, end: 0, totalHeight: 0 })
  })
})

describe('keyboard navigation', () => {
  it('moves by cell, row, page and to the ends, clamped', () => {
    expect(moveIndex('ArrowRight', 0, 10, 4)).toBe(1)
    expect(moveIndex('ArrowLeft', 0, 10, 4)).toBe(0)
    expect(moveIndex('ArrowDown', 1, 10, 4)).toBe(5)
    expect(moveIndex('ArrowDown', 8, 10, 4)).toBe(9)
    expect(moveIndex('ArrowUp', 5, 10, 4)).toBe(1)
    expect(moveIndex('Home', 5, 10, 4)).toBe(0)
    expect(moveIndex('End', 0, 10, 4)).toBe(9)
    expect(moveIndex('PageDown', 0, 100, 4, 3)).toBe(12)
    expect(moveIndex('a', 0, 10, 4)).toBeNull()
    expect(moveIndex('ArrowRight', 0, 0, 4)).toBeNull()
  })
})

describe('selection', () => {
  const ids = ['a', 'b', 'c', 'd', 'e']
  const idAt = (i: number) => ids[i]
  const none: SelectionState = { selected: new Set(), anchor: null }

  it('plain click selects one, Ctrl toggles, Shift selects a range from the anchor', () => {
    let s = clickSelect(none, 1, idAt, { toggle: false, range: false })
    expect([...s.selected]).toEqual(['b'])
    s = clickSelect(s, 3, idAt, { toggle: true, range: false })
    expect([...s.selected].sort()).toEqual(['b', 'd'])
    s = clickSelect(s, 3, idAt, { toggle: true, range: false })
    expect([...s.selected]).toEqual(['b'])
    s = clickSelect({ selected: new Set(['b']), anchor: 1 }, 4, idAt, { toggle: false, range: true })
    expect([...s.selected].sort()).toEqual(['b', 'c', 'd', 'e'])
    s = clickSelect({ selected: new Set(['e']), anchor: 2 }, 0, idAt, { toggle: true, range: true })
    expect([...s.selected].sort()).toEqual(['a', 'b', 'c', 'e'])
  })
})

describe('drag data and batches', () => {
  it('round-trips dragged images and rejects bad data', () => {
    const dt = fakeDt({ [FOLIO_IMAGE_MIME]: encodeDraggedImages([{ id: IMG, alt: 'a bike' }, { id: IMG2, alt: '' }]) })
    expect(readDraggedImages(dt)).toEqual([{ id: IMG, alt: 'a bike' }, { id: IMG2, alt: '' }])
    expect(readDraggedImages(fakeDt({ [FOLIO_IMAGE_MIME]: IMG }))).toEqual([{ id: IMG, alt: '' }])
    expect(readDraggedImages(fakeDt({ [FOLIO_IMAGE_MIME]: '[{"id":"../etc"}]' }))).toEqual([])
    expect(readDraggedImages(fakeDt({ [FOLIO_IMAGE_MIME]: '{not json' }))).toEqual([])
    expect(readDraggedImages(fakeDt({ 'text/plain': IMG }))).toEqual([])
    expect(readDraggedImages(null)).toEqual([])
  })

  it('batches imports by ≤ 20 files and ~50 MB', () => {
    const small = Array.from({ length: 45 }, (_, i) => ({ name: `${i}.png`, size: 1000 }))
    expect(libraryBatches(small).map((b) => b.length)).toEqual([20, 20, 5])
    const big = Array.from({ length: 4 }, (_, i) => ({ name: `${i}.jpg`, size: 30 * 1024 * 1024 }))
    expect(libraryBatches(big).map((b) => b.length)).toEqual([1, 1, 1, 1])
  })

  it('offers tag chips by frequency, active ones first; parses tag fields', () => {
    expect(tagChips([{ tags: ['sea', 'bike'] }, { tags: ['sea'] }, { tags: ['cat'] }], ['zebra'])).toEqual(['zebra', 'sea', 'bike', 'cat'])
    expect(parseTags(' sea, bike，猫 ,, sea ')).toEqual(['sea', 'bike', '猫'])
  })
})

describe('dropping library images into the editor', () => {
  let editors: Editor[] = []
  afterEach(() => {
    for (const e of editors) e.destroy()
    editors = []
  })
  const make = () => {
    const e = new Editor({
      extensions: buildExtensions({ resolveImageUrl: (id) => `/api/image/${id}` }),
      content: { type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'First' }] }, { type: 'paragraph', content: [{ type: 'text', text: 'Second' }] }] },
    })
    editors.push(e)
    return e
  }

  it('inserts one figure per dragged image at the drop position', () => {
    const editor = make()
    let prevented = false
    const event = { dataTransfer: fakeDt({ [FOLIO_IMAGE_MIME]: encodeDraggedImages([{ id: IMG, alt: 'a red bicycle' }, { id: IMG2, alt: '' }]) }), preventDefault: () => (prevented = true) }
    // Position 7: the end of the first paragraph.
    expect(handleLibraryDrop(editor, event, () => 7)).toBe(true)
    expect(prevented).toBe(true)
    const types = (editor.getJSON().content ?? []).map((n) => (n.type === 'figure' ? `figure:${n.attrs?.imageId as string}:${n.attrs?.alt as string}` : n.type))
    expect(types).toEqual(['paragraph', `figure:${IMG}:a red bicycle`, `figure:${IMG2}:`, 'paragraph'])
  })

  it('leaves other drops (files, text) to the default handling', () => {
    const editor = make()
    const event = { dataTransfer: fakeDt({ Files: '', 'text/plain': 'hello' }), preventDefault: () => {} }
    expect(handleLibraryDrop(editor, event, () => 1)).toBe(false)
    expect(insertLibraryImages(editor, [], 1)).toBe(false)
    expect(editor.getJSON().content).toHaveLength(2)
  })
})

describe('library pages', () => {
  const item = (i: number): LibraryItem => ({
    id: `img_${String(i).padStart(12, '0')}`,
    fileName: `${i}.png`,
    mime: 'image/png',
    width: 1,
    height: 1,
    bytes: 1,
    sha256: String(i),
    createdAt: i,
    takenAt: null,
    camera: null,
    lat: null,
    lon: null,
    caption: null,
    tags: [],
    captionState: 'pending',
    captionSource: null,
    hasThumb: true,
    stored: true,
    trashedAt: null,
  })

  it('fetches only the pages a range needs, once', async () => {
    const calls: number[] = []
    const pages = new LibraryPages(async ({ offset, limit }) => {
      calls.push(offset)
      return { items: Array.from({ length: Math.min(limit, 10_000 - offset) }, (_, k) => item(offset + k)), total: 10_000 }
    })
    pages.ensure(0, 50)
    pages.ensure(0, 50)
    await new Promise((r) => setTimeout(r, 0))
    expect(calls).toEqual([0])
    expect(pages.total).toBe(10_000)
    pages.ensure(PAGE_SIZE * 20 + 5, PAGE_SIZE * 21 + 5)
    await new Promise((r) => setTimeout(r, 0))
    expect(calls).toEqual([0, PAGE_SIZE * 20, PAGE_SIZE * 21])
    expect(pages.at(PAGE_SIZE * 20 + 7)?.fileName).toBe(`${PAGE_SIZE * 20 + 7}.png`)
    expect(pages.at(PAGE_SIZE * 5)).toBeUndefined()
    pages.patch({ ...item(3), caption: 'edited' })
    expect(pages.at(3)?.caption).toBe('edited')
    pages.reset()
    expect(pages.at(3)).toBeUndefined()
    expect(pages.total).toBe(10_000)
  })
})
