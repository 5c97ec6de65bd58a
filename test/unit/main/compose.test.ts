/** Composition's pure parts: spot normalization, caption cleaning, choice parsing, language, prompts in both languages, figure placement. */
import { describe, expect, it } from 'vitest'
import { cleanCaption, fallbackCaption } from '../../../src/main/compose/captioning'
import { withSpots } from '../../../src/main/compose/compose-run'
import { estimateTokens, tokenBudget } from '../../../src/main/compose/compose-service'
import { otherLang, resolveLang } from '../../../src/main/compose/lang'
import { captionPrompt, paragraphPrompt, selectPrompt, spotPrompt, writePrompt } from '../../../src/main/compose/prompts'
import { choiceIndex, selectSchema } from '../../../src/main/compose/selection'
import { evenlySpaced, normalizeSpots, spotSchema } from '../../../src/main/compose/spotting'
import { docSections, textToBlocks } from '../../../src/shared/compose/sections'

describe('spotting', () => {
  it('bounds the schema by the section count and the wanted count', () => {
    const s = spotSchema(5, 3) as { properties: { sections: { items: { enum: number[] }; minItems: number; maxItems: number } } }
    expect(s.properties.sections.items.enum).toEqual([1, 2, 3, 4, 5])
    expect([s.properties.sections.minItems, s.properties.sections.maxItems]).toEqual([3, 3])
    const auto = spotSchema(40, 'auto') as typeof s
    expect([auto.properties.sections.minItems, auto.properties.sections.maxItems]).toEqual([1, 15])
  })

  it('turns 1-based answers into sorted, unique, in-range sections', () => {
    expect(normalizeSpots([5, 2, 2, 0, 99, 2.5], 8, 'auto')).toEqual({ sections: [1, 4], filled: 0 })
  })

  it('tops a fixed count up with evenly spaced free sections', () => {
    expect(normalizeSpots([3, 3], 9, 3)).toEqual({ sections: expect.any(Array), filled: 2 })
    const { sections } = normalizeSpots([3, 3], 9, 3)
    expect(sections).toHaveLength(3)
    expect(sections).toContain(2)
    expect(new Set(sections).size).toBe(3)
  })

  it('never asks for more spots than sections', () => {
    expect(normalizeSpots([], 2, 5).sections).toEqual([0, 1])
  })

  it('with no usable answer, auto spreads one image per three sections', () => {
    expect(normalizeSpots(null, 9, 'auto').sections).toEqual([4, 2, 6].sort())
    expect(normalizeSpots(null, 1, 'auto').sections).toEqual([0])
  })

  it('evenly spaced sections avoid the taken ones', () => {
    expect(evenlySpaced(10, 3)).toEqual([2, 5, 7])
    const more = evenlySpaced(10, 3, new Set([5]))
    expect(more).toHaveLength(2)
    expect(more).not.toContain(5)
  })
})

describe('captions and choices', () => {
  it('cleans captions and rejects empty ones', () => {
    expect(cleanCaption('  "A red\nbicycle"  ')).toBe('A red bicycle')
    expect(cleanCaption(' \u0001 ')).toBeNull()
  })

  it('falls back to the section\'s first sentence', () => {
    expect(fallbackCaption('The safety bicycle arrived in 1885. It had a chain.')).toBe('The safety bicycle arrived in 1885.')
    expect(fallbackCaption('自行车在一八八五年出现了链条传动。后来又有了充气轮胎。')).toBe('自行车在一八八五年出现了链条传动。')
  })

  it('reads the chosen letter', () => {
    expect(choiceIndex('b', 4)).toBe(1)
    expect(choiceIndex('E', 4)).toBeNull()
    expect((selectSchema(3) as { properties: { choice: { enum: string[] } } }).properties.choice.enum).toEqual(['A', 'B', 'C'])
  })
})

describe('language', () => {
  it('detects Chinese and English, and translates to the other', () => {
    expect(resolveLang('auto', '写一篇关于自行车历史的文章')).toBe('zh')
    expect(resolveLang('auto', 'Write about the history of the bicycle')).toBe('en')
    expect(resolveLang('auto', 'Write an article about the Forbidden City (故宫)')).toBe('en')
    expect(resolveLang('auto', '用英文写一篇关于 bicycle 的文章')).toBe('zh')
    expect(resolveLang('en', '写一篇文章')).toBe('en')
    expect(otherLang('自行车')).toBe('en')
    expect(otherLang('bicycle')).toBe('zh')
  })

  it('budgets tokens by length and script', () => {
    expect(tokenBudget(600, 'en')).toBeGreaterThan(tokenBudget(600, 'zh'))
    expect(estimateTokens('自行车')).toBe(3)
  })
})

describe('prompts in both languages', () => {
  const sections = ['第一段。', '第二段。', '第三段。']
  it('writing asks for a titled article of the given length', () => {
    expect(writePrompt({ instruction: 'bikes', words: 800, tone: 'formal', lang: 'en' })[1].content).toMatch(/about 800 words.*formal/s)
    const zh = writePrompt({ instruction: '自行车', source: '提纲', words: 800, tone: 'lively', lang: 'zh' })[1].content
    expect(zh).toContain('约 800 字')
    expect(zh).toContain('生动')
    expect(zh).toContain('提纲')
  })

  it('spotting numbers the sections and states the count', () => {
    const en = spotPrompt({ sections, count: 2, lang: 'en' })[1].content
    expect(en).toContain('<Seg 1> 第一段。\n<Seg 2> 第二段。')
    expect(en).toContain('exactly 2')
    expect(spotPrompt({ sections, count: 'auto', lang: 'zh' })[1].content).toContain('由你决定')
    expect(spotPrompt({ sections, count: 2, lang: 'zh' })[1].content).toContain('恰好选出 2 个')
  })

  it('captioning shows one section past the spot and the earlier captions', () => {
    const zh = captionPrompt({ sections: ['a', 'b', 'c', 'd'], section: 1, earlier: ['一辆红色自行车'], lang: 'zh' })[1].content
    expect(zh).toContain('<Seg 3> c')
    expect(zh).not.toContain('<Seg 4>')
    expect(zh).toContain('一辆红色自行车')
    expect(zh).toContain('第 2 段')
  })

  it('selection interleaves earlier choices and labels the candidates', () => {
    const p = selectPrompt({
      sections: ['a', 'b'],
      section: 1,
      caption: 'a bike',
      earlier: [{ section: 0, caption: 'a wheel' }],
      candidates: [
        { label: 'A', caption: 'red bike' },
        { label: 'B', caption: 'blue bike' },
      ],
      withImages: false,
      lang: 'en',
    })[1].content
    expect(p).toContain('<Seg 1> a\n[picture: a wheel]\n<Seg 2> b')
    expect(p).toContain('A: red bike\nB: blue bike')
    expect(selectPrompt({ sections: ['a'], section: 0, caption: 'x', earlier: [], candidates: [{ label: 'A', caption: 'y' }], withImages: true, lang: 'zh' })[1].content).toContain('候选图片')
  })

  it('paragraph actions name the action, target language and instruction', () => {
    const p = paragraphPrompt({ action: 'translate', text: 'Hello', before: '', after: '', instruction: 'keep names', lang: 'en', target: 'zh' })[1].content
    expect(p).toContain('into Chinese')
    expect(p).toContain('keep names')
    expect(paragraphPrompt({ action: 'expand', text: '你好', before: '上文', after: '', lang: 'zh', target: 'en' })[1].content).toMatch(/上文[\s\S]*扩写/)
  })
})

describe('withSpots', () => {
  it('puts figures (with candidates) or pending suggestions after their section\'s last block', () => {
    const doc = { type: 'doc' as const, content: textToBlocks('## Intro\nOne.\nTwo.\nThree.') }
    const sections = docSections(doc)
    expect(sections.map((s) => [s.first, s.last])).toEqual([[0, 1], [2, 2], [3, 3]])
    const out = withSpots(
      doc,
      sections,
      [
        { section: 0, caption: 'cap one', candidates: ['img_000000000001', 'img_000000000002'], chosen: 'img_000000000002', fallback: false },
        { section: 2, caption: 'cap three', candidates: [], chosen: null, fallback: false },
      ],
      new Set([0]),
    )
    expect(out.content?.map((n) => n.type)).toEqual(['heading', 'paragraph', 'figure', 'paragraph', 'paragraph', 'composeSpot'])
    expect(out.content?.[2]).toMatchObject({ attrs: { imageId: 'img_000000000002', candidates: ['img_000000000001', 'img_000000000002'] }, content: [{ text: 'cap one' }] })
    expect(out.content?.[5]).toMatchObject({ attrs: { caption: 'cap three', state: 'pending' } })
  })
})
