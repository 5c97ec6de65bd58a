import { describe, expect, it } from 'vitest'
import { countWords, docText, type DocNode } from '../../../src/shared/doc'

describe('countWords', () => {
  it('counts English words separated by any whitespace', () => {
    expect(countWords('The quick brown fox')).toBe(4)
    expect(countWords('  spaced\tout\n\nwords  ')).toBe(3)
    expect(countWords("don't stop, well-known e-mail.")).toBe(4)
  })

  it('does not count punctuation, symbols or emoji alone as words', () => {
    expect(countWords('')).toBe(0)
    expect(countWords('   ')).toBe(0)
    expect(countWords('— … !!! 🙂 -')).toBe(0)
  })

  it('counts numbers and accented words', () => {
    expect(countWords('Café crème 2024 über 3.14')).toBe(5)
  })

  it('counts each Chinese character as a word, ignoring CJK punctuation', () => {
    expect(countWords('你好世界')).toBe(4)
    expect(countWords('我们去海边，然后游泳。')).toBe(9)
  })

  it('counts Japanese kana and kanji per character', () => {
    expect(countWords('ひらがなカタカナ漢字')).toBe(10)
  })

  it('counts mixed text: CJK characters plus Latin words, even without spaces between them', () => {
    expect(countWords('我爱Rust和TypeScript')).toBe(3 + 2)
    expect(countWords('Hello 世界 and 朋友 friends')).toBe(3 + 4)
  })
})

describe('docText', () => {
  const t = (text: string): DocNode => ({ type: 'text', text })
  it('joins blocks with newlines and inline text directly', () => {
    const doc: DocNode = {
      type: 'doc',
      content: [
        { type: 'heading', content: [t('Title')] },
        { type: 'paragraph', content: [t('one '), t('two')] },
        { type: 'bulletList', content: [{ type: 'listItem', content: [{ type: 'paragraph', content: [t('item')] }] }] },
      ],
    }
    expect(docText(doc)).toBe('Title\none two\nitem')
  })

  it('treats a hard break as a separator between words', () => {
    const p: DocNode = { type: 'paragraph', content: [t('one'), { type: 'hardBreak' }, t('two')] }
    expect(docText(p)).toBe('one\ntwo')
    expect(countWords(docText(p))).toBe(2)
  })
})
