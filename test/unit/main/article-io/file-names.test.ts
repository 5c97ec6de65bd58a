import { describe, expect, it } from 'vitest'
import { BundleNames, fileStem } from '../../../../src/main/articles/export/file-names'

describe('export file names', () => {
  it('keep Chinese, right-to-left text and emoji, and drop what file systems and links cannot take', () => {
    expect(fileStem('自行车的历史 🚲')).toBe('自行车的历史-🚲')
    expect(fileStem('שלום עולם')).toBe('שלום-עולם')
    expect(fileStem('a/b\\c:d*e?f"g<h>i|j#k%l')).toBe('abcdefghijkl')
    expect(fileStem('../../etc/passwd')).toBe('etcpasswd')
    expect(fileStem('  ...hidden.  ')).toBe('hidden')
  })

  it('remove control and bidi-override characters that could disguise an extension', () => {
    expect(fileStem('invoice\u202Efdp.exe')).toBe('invoicefdp.exe')
    expect(fileStem('line\nbreak\ttab')).toBe('linebreaktab')
  })

  it('avoid names Windows reserves and fall back when nothing is left', () => {
    expect(fileStem('CON')).toBe('_CON')
    expect(fileStem('lpt1')).toBe('_lpt1')
    expect(fileStem('')).toBe('untitled')
    expect(fileStem('***')).toBe('untitled')
  })

  it('cut long titles at 80 characters without splitting an emoji', () => {
    const stem = fileStem('👍🏽'.repeat(100))
    expect(Array.from(new Intl.Segmenter('und', { granularity: 'grapheme' }).segment(stem))).toHaveLength(80)
    expect(stem.endsWith('👍🏽')).toBe(true)
  })

  it('give each image of a bundle its own name, case-insensitively', () => {
    const n = new BundleNames()
    expect(n.pathFor('img_a', 'Photo.PNG', 'image/png')).toBe('images/Photo.png')
    expect(n.pathFor('img_b', 'photo.png', 'image/png')).toBe('images/photo-2.png')
    expect(n.pathFor('img_a', 'Photo.PNG', 'image/png')).toBe('images/Photo.png')
    expect(n.pathFor('img_c', '照片?.jpeg', 'image/jpeg')).toBe('images/照片.jpg')
    expect(n.pathFor('img_d', '', 'image/webp')).toBe('images/img_d.webp')
  })
})
