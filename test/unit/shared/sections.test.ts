/** The article as numbered sections, and the writer's text as document blocks (shared by editor and service). */
import { describe, expect, it } from 'vitest'
import { docSections, isListLine, splitTitle, textToBlocks } from '../../../src/shared/compose/sections'
import type { DocNode } from '../../../src/shared/doc'

const p = (text: string): DocNode => ({ type: 'paragraph', content: [{ type: 'text', text }] })
const h = (text: string): DocNode => ({ type: 'heading', attrs: { level: 2 }, content: [{ type: 'text', text }] })
const fig: DocNode = { type: 'figure', attrs: { imageId: 'img_aaaaaaaaaaaa' } }
const doc = (...content: DocNode[]): DocNode => ({ type: 'doc', content })

describe('docSections', () => {
  it('numbers text blocks from 0, joins a heading to the block after it, skips figures and empty blocks', () => {
    const s = docSections(doc(h('Wheels'), p('One.'), fig, { type: 'paragraph' }, p('Two.')))
    expect(s).toEqual([
      { index: 0, text: 'Wheels\nOne.', first: 0, last: 1 },
      { index: 1, text: 'Two.', first: 4, last: 4 },
    ])
  })

  it('puts the image for trailing headings after the last heading, not after a figure that follows', () => {
    const s = docSections(doc(p('Body.'), h('Coda'), fig))
    expect(s[1]).toEqual({ index: 1, text: 'Coda', first: 1, last: 1 })
  })

  it('groups more than `max` sections evenly, keeping block ranges contiguous', () => {
    const s = docSections(doc(...Array.from({ length: 10 }, (_, i) => p(`P${i}.`))), 4)
    expect(s.map((x) => [x.first, x.last])).toEqual([
      [0, 1],
      [2, 4],
      [5, 6],
      [7, 9],
    ])
    expect(s[0].text).toBe('P0.\n\nP1.')
  })
})

describe('splitTitle', () => {
  it('takes a leading # heading as the title and removes it from the body', () => {
    expect(splitTitle('# The **Bicycle**\nFirst paragraph.')).toEqual({ title: 'The Bicycle', body: 'First paragraph.' })
    expect(splitTitle('No heading.\n# Later')).toEqual({ title: null, body: 'No heading.\n# Later' })
  })
})

describe('textToBlocks', () => {
  it('turns each non-empty line into a block, with headings, lists, quotes and inline marks', () => {
    expect(textToBlocks('## Part\nSome **bold** and *it*.\n- a\n- b\n\n1. one\n> said')).toEqual([
      { type: 'heading', attrs: { level: 2 }, content: [{ type: 'text', text: 'Part' }] },
      {
        type: 'paragraph',
        content: [
          { type: 'text', text: 'Some ' },
          { type: 'text', text: 'bold', marks: [{ type: 'bold' }] },
          { type: 'text', text: ' and ' },
          { type: 'text', text: 'it', marks: [{ type: 'italic' }] },
          { type: 'text', text: '.' },
        ],
      },
      {
        type: 'bulletList',
        content: [
          { type: 'listItem', content: [p('a')] },
          { type: 'listItem', content: [p('b')] },
        ],
      },
      { type: 'orderedList', content: [{ type: 'listItem', content: [p('one')] }] },
      { type: 'blockquote', content: [p('said')] },
    ])
  })

  it('makes a thematic break of ---, *** and * * * instead of a paragraph of dashes or a list item', () => {
    expect(textToBlocks('Before.\n---\n* * *\nAfter.')).toEqual([p('Before.'), { type: 'horizontalRule' }, { type: 'horizontalRule' }, p('After.')])
    expect(textToBlocks('- item')[0].type).toBe('bulletList')
  })

  it('drops control characters a model can emit', () => {
    expect(textToBlocks('a\u0000b\u0007c')).toEqual([p('abc')])
  })

  it('splits at a line that is not a list item without changing the blocks (what streaming relies on)', () => {
    const text = '# T\nIntro.\n- a\n- b\nMiddle.\n1. x\n\nEnd.'
    const lines = text.split('\n')
    for (let i = 1; i < lines.length; i++) {
      const head = lines.slice(0, i).join('\n') + '\n'
      if (isListLine(lines[i - 1])) continue
      expect([...textToBlocks(head), ...textToBlocks(lines.slice(i).join('\n'))]).toEqual(textToBlocks(text))
    }
  })

  it('isListLine knows list items from rules and text', () => {
    expect(isListLine('- a')).toBe(true)
    expect(isListLine('  12. b')).toBe(true)
    expect(isListLine('---')).toBe(false)
    expect(isListLine('-dash')).toBe(false)
    expect(isListLine('Text')).toBe(false)
  })
})
