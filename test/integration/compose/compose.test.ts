/**
 * Composition through the real services, a real SQLite library and Folio's remote-engine client
 * talking to a scripted OpenAI-compatible server: spots are unique, in range and the requested
 * count whatever the model answers; captions never empty; chosen images come from the library,
 * never repeat and never come from the excluded set; every unusable answer has its fallback;
 * cancelling at each stage leaves a consistent saved article; `folio compose --json` prints exactly
 * {articleId, sections, spots, stats}.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createServices, type FolioServices } from '../../../src/main/app'
import { runCli } from '../../../src/main/transport/cli/main'
import type { DocNode } from '../../../src/shared/doc'
import { FolioError } from '../../../src/shared/errors'
import { startScriptedModel, type ScriptedAnswer, type ScriptedModel, type ScriptedRequest } from '../../helpers/scripted-model'
import { makePng, tmpDir } from '../../helpers/tmp'

const ARTICLE = [
  '# The bicycle, a short history',
  'In 1817 Karl Drais rode a wooden running machine through Mannheim.',
  'The velocipede of the 1860s added pedals to the front wheel.',
  '## The high wheeler',
  'Penny-farthings made riders sit high above a huge front wheel.',
  'The safety bicycle of 1885 brought a chain drive and equal wheels.',
  'Pneumatic tyres from John Dunlop made the ride smooth.',
  'Women rode bicycles to new freedom in the 1890s.',
  'Today city bike lanes carry millions of commuters.',
  'Racing bicycles are built from carbon fibre.',
].join('\n\n')

const LIBRARY = [
  'a wooden running machine from 1817',
  'a velocipede with pedals on the front wheel',
  'a penny-farthing high wheeler',
  'a safety bicycle with a chain drive',
  'a pneumatic tyre being inflated',
  'women riding bicycles in long dresses',
  'commuters in a city bike lane',
  'a carbon racing bicycle',
  'a red bicycle on a street',
  'a bicycle parked by a river',
]

type Script = (r: ScriptedRequest) => ScriptedAnswer
let script: Script
const defaultScript: Script = (r) => {
  const props = (r.schema?.properties ?? {}) as Record<string, unknown>
  // Spotting: duplicates and out-of-range numbers that the service must clean up.
  if ('sections' in props) return JSON.stringify({ sections: [2, 2, 99, 5] })
  if ('caption' in props) {
    const n = Number(/section (\d+)/.exec(r.prompt)?.[1] ?? 1)
    return JSON.stringify({ caption: `${LIBRARY[(n - 1) % LIBRARY.length]}` })
  }
  if ('choice' in props) return JSON.stringify({ choice: 'B' })
  return ARTICLE
}

const tmp = tmpDir('folio-compose-')
let s: FolioServices
let model: ScriptedModel
const ids: string[] = []

beforeAll(async () => {
  model = await startScriptedModel((r) => script(r))
  s = createServices({ dataDir: join(tmp.path, 'data'), library: { resumeImports: false } })
  s.models.addRemote({ url: model.url, name: 'scripted', role: 'writer' })
  const results = await s.importer.importBuffers(LIBRARY.map((_, i) => ({ name: `pic${i}.png`, data: makePng(8 + i, 8, [20 * i, 100, 200 - 10 * i]) })))
  for (const [i, r] of results.entries()) {
    if (r.state === 'rejected') throw new Error(r.reason)
    ids.push(r.imageId)
    s.library.update({ id: r.imageId, caption: LIBRARY[i] })
  }
})
afterAll(async () => {
  await s.dispose()
  await model.close()
  tmp.cleanup()
})
beforeEach(() => {
  script = defaultScript
  model.requests.length = 0
})

const figures = (doc: { content?: DocNode[] }) => (doc.content ?? []).filter((n) => n.type === 'figure')
const text = (n: DocNode): string => n.text ?? (n.content ?? []).map(text).join('')

describe('compose.run', () => {
  it('writes, spots exactly N unique sections, captions them and places distinct library images after them', async () => {
    const stages: string[] = []
    const out = await s.router.call('compose.run', { instruction: 'The history of the bicycle', images: 3, words: 200 }, {
      onProgress: (p) => {
        const st = (p as { stage: string }).stage
        if (stages[stages.length - 1] !== st) stages.push(st)
      },
    })
    expect(stages).toEqual(['writing', 'spotting', 'captioning', 'selecting', 'saving'])
    expect(out.sections).toHaveLength(8)
    expect(out.sections[0]).toBe('In 1817 Karl Drais rode a wooden running machine through Mannheim.')
    // [2, 2, 99, 5] → 1 and 4 (0-based), topped up to 3 with an evenly spaced free section.
    const sections = out.spots.map((sp) => sp.section)
    expect(sections).toHaveLength(3)
    expect(new Set(sections).size).toBe(3)
    expect(sections).toContain(1)
    expect(sections).toContain(4)
    expect(sections.every((x) => x >= 0 && x < 8)).toBe(true)
    expect(sections).toEqual([...sections].sort((a, b) => a - b))
    for (const sp of out.spots) {
      expect(sp.caption.length).toBeGreaterThan(0)
      expect(sp.candidates.every((c) => ids.includes(c))).toBe(true)
      // The model said "B": honoured wherever there was a choice.
      expect(sp.chosen).toBe(sp.candidates[1] ?? sp.candidates[0] ?? null)
    }
    const chosen = out.spots.map((sp) => sp.chosen).filter((c) => c !== null)
    expect(chosen.length).toBeGreaterThanOrEqual(2)
    expect(new Set(chosen).size).toBe(chosen.length)

    const article = s.articles.get(out.articleId)
    expect(article.title).toBe('The bicycle, a short history')
    const figs = figures(article.doc)
    const placed = out.spots.filter((sp) => sp.chosen !== null)
    expect(figs.map((f) => f.attrs?.imageId)).toEqual(chosen)
    expect(figs.map((f) => f.attrs?.candidates)).toEqual(placed.map((sp) => sp.candidates))
    expect(figs.map(text)).toEqual(placed.map((sp) => sp.caption))
    // Each figure follows its section's paragraph; a spot without a picture stays a suggestion that says so.
    const blocks = article.doc.content ?? []
    for (const [i, f] of figs.entries()) {
      const before = blocks[blocks.indexOf(f) - 1]
      expect(text(before)).toContain(out.sections[placed[i].section].split('\n').pop())
    }
    const unfilled = blocks.filter((b) => b.type === 'composeSpot')
    expect(unfilled).toHaveLength(out.spots.length - placed.length)
    expect(unfilled.every((b) => b.attrs?.state === 'error')).toBe(true)
    expect(out.stats.write.calls).toBe(1)
    expect(out.stats.caption.calls).toBe(3)
    expect(out.stats.overheadShare).toBeGreaterThanOrEqual(0)
    expect(out.stats.overheadShare).toBeLessThanOrEqual(1)
  })

  it('falls back when every answer is unusable: evenly spaced spots, first-sentence captions, top candidates', async () => {
    script = (r) => (r.schema ? 'this is not JSON' : ARTICLE)
    const out = await s.router.call('compose.run', { instruction: 'The history of the bicycle', images: 2, words: 200 })
    expect(out.spots.map((sp) => sp.section)).toEqual([2, 5])
    expect(out.spots[0].caption).toBe(out.sections[2].split('\n').pop())
    expect(out.spots.every((sp) => sp.chosen === sp.candidates[0])).toBe(true)
    expect(out.stats.spot.fallbacks).toBe(1)
    expect(out.stats.caption.fallbacks).toBe(2)
    // A selection is asked for (and falls back) only where there is a choice.
    expect(out.stats.select.fallbacks, JSON.stringify(out.spots)).toBe(out.spots.filter((sp) => sp.candidates.length > 1).length)
    // Each unusable answer was retried once.
    expect(out.stats.caption.calls).toBe(4)
  })

  it('uses only the picked images, without searching, and each at most once', async () => {
    const pick = [ids[7], ids[8], ids[9]]
    const out = await s.router.call('compose.run', { instruction: 'Bicycles', images: 'auto', imageSource: 'picked', pick, words: 200 })
    expect(out.spots).toHaveLength(3)
    for (const sp of out.spots) expect(sp.candidates.every((c) => pick.includes(c))).toBe(true)
    expect(new Set(out.spots.map((sp) => sp.chosen)).size).toBe(3)
    // Later spots offer only what is left.
    expect(out.spots.map((sp) => sp.candidates.length)).toEqual([3, 2, 1])
  })

  it('composes in Chinese: Chinese prompts at every stage, Chinese sections and captions', async () => {
    const zhArticle = '# 自行车简史\n\n1817年，德莱斯骑着木制跑步机穿过曼海姆。\n\n1885年的安全自行车有了链条传动。\n\n今天，城市自行车道每天承载数百万通勤者。'
    script = (r) => {
      const props = (r.schema?.properties ?? {}) as Record<string, unknown>
      if ('sections' in props) return JSON.stringify({ sections: [2] })
      if ('caption' in props) return JSON.stringify({ caption: '一辆有链条传动的安全自行车' })
      if ('choice' in props) return JSON.stringify({ choice: 'A' })
      return zhArticle
    }
    const out = await s.router.call('compose.run', { instruction: '写一篇关于自行车历史的文章', images: 1, words: 300 })
    expect(s.articles.get(out.articleId).title).toBe('自行车简史')
    expect(out.sections).toEqual(['1817年，德莱斯骑着木制跑步机穿过曼海姆。', '1885年的安全自行车有了链条传动。', '今天，城市自行车道每天承载数百万通勤者。'])
    expect(out.spots).toMatchObject([{ section: 1, caption: '一辆有链条传动的安全自行车' }])
    const prompts = model.requests.map((r) => r.prompt)
    expect(prompts[0]).toContain('请用中文写一篇约 300 字的文章')
    expect(prompts[1]).toContain('恰好选出 1 个段落')
    expect(prompts[2]).toContain('为第 2 段后面的图片')
  })

  it('with images: none writes the article only', async () => {
    const out = await s.router.call('compose.run', { instruction: 'Bicycles', imageSource: 'none', words: 100 })
    expect(out.spots).toEqual([])
    expect(figures(s.articles.get(out.articleId).doc)).toEqual([])
  })

  it.each(['writing', 'captioning', 'selecting'])('cancelled while %s, the saved article holds everything done so far', async (stage) => {
    const ctl = new AbortController()
    script = (r) => (r.schema ? defaultScript(r) : { text: ARTICLE, tokensPerSecond: 400 })
    let articleId = ''
    let tokens = 0
    const err = await s.router
      .call('compose.run', { instruction: 'Bicycles', images: 3, words: 200 }, {
        signal: ctl.signal,
        onProgress: (raw) => {
          const p = raw as { stage: string; done: number; articleId: string; token?: string }
          articleId = p.articleId
          if (p.token) tokens++
          if (p.stage === stage && (stage !== 'writing' || tokens >= 20) && (stage !== 'selecting' || p.done >= 1)) ctl.abort()
        },
      })
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(FolioError)
    expect((err as FolioError).code).toBe('CANCELLED')
    expect((err as FolioError).message).toContain(articleId)
    const doc = s.articles.get(articleId).doc
    const body = (doc.content ?? []).map(text).join('\n')
    if (stage === 'writing') {
      expect(body.length).toBeGreaterThan(20)
      expect(ARTICLE).toContain(body.split('\n')[0])
      expect(figures(doc)).toEqual([])
    } else {
      expect(body).toContain('Racing bicycles are built from carbon fibre.')
    }
    if (stage === 'selecting') {
      // The spots chosen before the stop are figures, the rest still suggestions with their captions.
      const figs = figures(doc)
      const spots = (doc.content ?? []).filter((n) => n.type === 'composeSpot')
      expect(figs.length).toBeGreaterThanOrEqual(1)
      expect(figs.length + spots.length).toBe(3)
      expect(spots.every((n) => typeof n.attrs?.caption === 'string' && n.attrs.caption !== '')).toBe(true)
    }
  })
})

describe('compose stages', () => {
  const sections = ARTICLE.split('\n\n').filter((p) => !p.startsWith('#'))

  it('auto spotting keeps what the model chose (unique, in range)', async () => {
    const out = await s.router.call('compose.spots', { sections, count: 'auto' })
    expect(out.spots.map((sp) => sp.section)).toEqual([1, 4])
    expect(out.spottingFallback).toBe(false)
  })

  it('asks for more images than sections: one per section, with a warning', async () => {
    script = (r) => ('sections' in ((r.schema?.properties ?? {}) as object) ? JSON.stringify({ sections: [1, 2] }) : defaultScript(r))
    const out = await s.router.call('compose.spots', { sections: sections.slice(0, 3), count: 5 })
    expect(out.spots.map((sp) => sp.section)).toEqual([0, 1, 2])
    expect(out.warnings.join(' ')).toMatch(/3 sections/)
    // The schema told the model the bounds: numbers 1..3, exactly 3 of them.
    const schema = model.requests[0].schema as { properties: { sections: { items: { enum: number[] }; minItems: number; maxItems: number } } }
    expect(schema.properties.sections.items.enum).toEqual([1, 2, 3])
    expect(schema.properties.sections.minItems).toBe(3)
    expect(schema.properties.sections.maxItems).toBe(3)
  })

  it('captions see the article up to one section past the spot and the earlier captions', async () => {
    await s.router.call('compose.spots', { sections, count: 2, existingCaptions: ['an old photo'] })
    const captionReqs = model.requests.filter((r) => 'caption' in ((r.schema?.properties ?? {}) as object))
    expect(captionReqs).toHaveLength(2)
    // Spot at section 2 (1-based): sections 1–3 shown, not 4.
    expect(captionReqs[0].prompt).toContain('<Seg 3>')
    expect(captionReqs[0].prompt).not.toContain('<Seg 4>')
    expect(captionReqs[0].prompt).toContain('an old photo')
    expect(captionReqs[1].prompt).toContain(LIBRARY[1])
  })

  it('never offers excluded images and never repeats a choice', async () => {
    const exclude = [ids[1], ids[4]]
    const out = await s.router.call('compose.images', {
      sections,
      spots: [
        { section: 1, caption: 'a velocipede with pedals on the front wheel' },
        { section: 4, caption: 'a pneumatic tyre being inflated' },
        { section: 6, caption: 'a bicycle' },
      ],
      exclude,
    })
    const all = out.spots.flatMap((sp) => sp.candidates)
    expect(all.some((c) => exclude.includes(c))).toBe(false)
    const chosen = out.spots.map((sp) => sp.chosen).filter(Boolean)
    expect(new Set(chosen).size).toBe(chosen.length)
    expect(out.selectionBy).toBe('captions')
    // The selection prompt labels the candidates A, B, … with their library captions.
    const sel = model.requests.find((r) => 'choice' in ((r.schema?.properties ?? {}) as object))!
    expect(sel.prompt).toMatch(/A: .+\nB: /)
  })

  it('with selection off, takes the top result without asking the model', async () => {
    const out = await s.router.call('compose.images', { sections, spots: [{ section: 0, caption: 'a wooden running machine from 1817' }], select: false })
    expect(out.spots[0].chosen).toBe(out.spots[0].candidates[0])
    expect(out.spots[0].chosen).toBe(ids[0])
    expect(out.spots[0].fallback).toBe(true)
    expect(model.requests).toHaveLength(0)
  })

  it('a caption that matches nothing gives no candidates and says so', async () => {
    const out = await s.router.call('compose.images', { sections, spots: [{ section: 0, caption: 'zzqx' }] })
    expect(out.spots[0]).toMatchObject({ candidates: [], chosen: null })
    expect(out.warnings[0]).toContain('zzqx')
  })

  it('paragraph actions stream text and speak the paragraph\'s language', async () => {
    script = () => ({ text: 'Bicycles changed how cities move.', tokensPerSecond: 1000 })
    const tokens: string[] = []
    const out = await s.router.call('compose.paragraph', { action: 'translate', text: '自行车改变了城市的交通方式。' }, {
      onProgress: (p) => tokens.push((p as { token: string }).token),
    })
    expect(out.text).toBe('Bicycles changed how cities move.')
    expect(tokens.length).toBeGreaterThan(1)
    expect(model.requests[0].prompt).toContain('翻译成英文')
    await s.router.call('compose.paragraph', { action: 'shorten', text: 'A long English paragraph about wheels.', instruction: 'keep the year' })
    expect(model.requests[1].prompt).toContain('Shorten the paragraph')
    expect(model.requests[1].prompt).toContain('keep the year')
  })

  it('asks once more when the model answers with nothing at all', async () => {
    let n = 0
    script = () => (n++ === 0 ? '' : 'A second try.')
    const out = await s.router.call('compose.paragraph', { action: 'insertAfter', text: 'Bicycles.' })
    expect(out.text).toBe('A second try.')
    expect(out.stats).toMatchObject({ calls: 2, fallbacks: 1 })
  })

  it('rejects a caption request past the end of the article', async () => {
    await expect(s.router.call('compose.caption', { sections: ['one'], section: 3 })).rejects.toMatchObject({ code: 'INVALID_INPUT' })
  })
})

describe('folio compose', () => {
  it('--json prints exactly {articleId, sections, spots, stats}; --out writes Markdown with the images', async () => {
    const out: string[] = []
    const errs: string[] = []
    const file = join(tmp.path, 'out', 'bike.md')
    const code = await runCli(
      ['compose', 'The history of the bicycle', '--images', '2', '--lang', 'en', '--out', file, '--json', '--data', join(tmp.path, 'data')],
      { out: { write: (x: string) => out.push(x) }, err: { write: (x: string) => errs.push(x) } },
    )
    expect(code, errs.join('')).toBe(0)
    const json = JSON.parse(out.join('')) as Record<string, unknown>
    expect(Object.keys(json).sort()).toEqual(['articleId', 'sections', 'spots', 'stats'])
    const spots = json.spots as { section: number; caption: string; candidates: string[]; chosen: string | null }[]
    expect(spots).toHaveLength(2)
    expect(Object.keys(spots[0]).sort()).toEqual(['candidates', 'caption', 'chosen', 'section'])
    expect(Object.keys(json.stats as object)).toEqual(expect.arrayContaining(['write', 'spot', 'caption', 'retrieve', 'select']))
    const md = readFileSync(file, 'utf8')
    expect(md).toContain('# The bicycle, a short history')
    expect(md).toMatch(/!\[[^\]]*\]\(images\//)
    expect(existsSync(join(tmp.path, 'out', 'images'))).toBe(true)
  })

  it('rejects a bad --images value with a clear message', async () => {
    const err: string[] = []
    const code = await runCli(['compose', 'x', '--images', '40', '--data', join(tmp.path, 'data')], { out: { write: () => undefined }, err: { write: (x: string) => err.push(x) } })
    expect(code).not.toBe(0)
    expect(err.join('')).toContain('--images must be "auto" or a number from 1 to 15')
  })
})
