/**
 * The editor's composition flow, headless: write → suggestions → figures, stop, retry, re-spotting,
 * paragraph actions and "add an image here", against a scripted client that speaks the contract.
 */
import { Editor } from '@tiptap/core'
import { history, undoDepth } from '@tiptap/pm/history'
import { afterEach, describe, expect, it } from 'vitest'
import type { Input, Output, Progress, StreamName } from '../../../src/shared/api'
import type { FolioClient, StreamOptions } from '../../../src/shared/client'
import { Composer, TitleSplitter, type ComposeOptions } from '../../../src/renderer/src/compose/composer'
import { SpotRunner } from '../../../src/renderer/src/compose/spot-runner'
import { allSpots } from '../../../src/renderer/src/editor/extensions/compose-spot'
import { buildExtensions } from '../../../src/renderer/src/editor/extensions'
import type { FrameScheduler } from '../../../src/renderer/src/models/token-batcher'
import type { DocNode } from '../../../src/shared/doc'
import { FolioError } from '../../../src/shared/errors'

const A = 'img_aaaaaaaaaaaa'
const B = 'img_bbbbbbbbbbbb'
const C = 'img_cccccccccccc'
const D = 'img_dddddddddddd'
const STATS = { ms: 1, modelMs: 1, calls: 1, promptTokens: 1, completionTokens: 1, fallbacks: 0 }

type Handler<M extends StreamName> = (input: Input<M>, opts: StreamOptions<Progress<M>>) => Promise<Output<M>>
type Handlers = { [M in StreamName]?: Handler<M> }

/** A client that answers from `handlers` and records every request. */
function scriptedClient(handlers: Handlers) {
  const calls: { method: StreamName; input: unknown }[] = []
  const client: Pick<FolioClient, 'stream'> = {
    stream: (async (method: StreamName, input: unknown, opts: StreamOptions<unknown> = {}) => {
      calls.push({ method, input })
      const h = handlers[method] as ((i: unknown, o: StreamOptions<unknown>) => Promise<unknown>) | undefined
      if (!h) throw new FolioError('NO_MODEL', `no handler for ${method}`)
      return h(input, opts)
    }) as FolioClient['stream'],
  }
  return { client, calls }
}

/** Streams `text` token by token, then answers like compose.write / compose.paragraph. */
async function streamText(text: string, opts: StreamOptions<{ token: string }>) {
  for (const token of text.match(/.{1,4}/gs) ?? []) {
    if (opts.signal?.aborted) throw new FolioError('CANCELLED', 'The operation was cancelled.')
    opts.onProgress?.({ token })
    await tick()
  }
  return { text, stats: STATS, stopReason: 'eos' as const }
}

const tick = () => new Promise((r) => setTimeout(r, 0))
const frames: FrameScheduler = { request: (cb) => setTimeout(cb, 0), cancel: (h) => clearTimeout(h as ReturnType<typeof setTimeout>) }

let editors: Editor[] = []
let disposers: (() => void)[] = []
afterEach(() => {
  for (const d of disposers) d()
  for (const e of editors) e.destroy()
  editors = []
  disposers = []
})

function setup(content: DocNode[], handlers: Handlers) {
  const editor = new Editor({ extensions: buildExtensions({ resolveImageUrl: (id) => id }), content: { type: 'doc', content } })
  editor.view.updateState(editor.state.reconfigure({ plugins: [history()] }))
  editors.push(editor)
  const { client, calls } = scriptedClient(handlers)
  const messages = { noMatch: () => 'No matching image.', noText: () => 'No text.', stopped: () => 'Stopped.', describe: (e: unknown) => (e as Error).message }
  const spots = new SpotRunner({ client, editor: () => editor, messages })
  let title = ''
  const composer = new Composer({ client, editor: () => editor, spots, scheduler: frames, onTitle: (t) => (title = t), messages })
  disposers.push(() => composer.dispose(), () => spots.dispose())
  return { editor, composer, spots, calls, title: () => title }
}

/** Waits until the composer has left 'running'. */
async function settled(composer: Composer) {
  for (let i = 0; i < 500 && composer.getStatus().phase === 'running'; i++) await tick()
  return composer.getStatus()
}

const p = (text: string): DocNode => ({ type: 'paragraph', content: [{ type: 'text', text }] })
/** The document as one short string per top-level block. */
const blocks = (e: Editor) =>
  ((e.getJSON() as DocNode).content ?? []).map((n) =>
    n.type === 'paragraph' ? (n.content?.[0]?.text ?? '') : n.type === 'figure' ? `[figure ${n.attrs?.imageId}]` : n.type === 'composeSpot' ? `[spot ${n.attrs?.state}]` : n.type,
  )

const OPTIONS: ComposeOptions = { instruction: 'Bicycles', words: 100, tone: 'neutral', lang: 'auto', images: 2, imageSource: 'library', pick: [], select: true }
const ARTICLE = '# The Bicycle\nFirst paragraph.\nSecond paragraph.\nThird paragraph.'

/** compose.spots: images after sections 0 and 2, announced the way the service does. */
const spotsHandler: Handler<'compose.spots'> = async (input, opts) => {
  opts.onProgress?.({ stage: 'spotting', done: 1, total: 1, sections: [0, 2] })
  await tick()
  opts.onProgress?.({ stage: 'captioning', done: 1, total: 2, spot: { section: 0, caption: 'A penny-farthing' } })
  opts.onProgress?.({ stage: 'captioning', done: 2, total: 2, spot: { section: 2, caption: 'A racing bike' } })
  return { spots: [{ section: 0, caption: 'A penny-farthing' }, { section: 2, caption: 'A racing bike' }], spottingFallback: false, warnings: [], stats: { spot: STATS, caption: STATS } }
}
const imagesHandler: Handler<'compose.images'> = async (input, opts) => {
  const spots = input.spots.map((s, i) => ({ ...s, candidates: i === 0 ? [A, B] : [C, D], chosen: i === 0 ? A : C, fallback: false }))
  for (const [index, spot] of spots.entries()) {
    opts.onProgress?.({ done: index + 1, total: spots.length, spot: { ...spot, index } })
    await tick()
  }
  return { spots, selectionBy: 'captions', warnings: [], stats: { retrieve: STATS, select: STATS } }
}

describe('Composer: write → suggestions → figures', () => {
  it('streams the article in, takes its title, puts suggestions after their sections and turns them into figures', async () => {
    const seenSpots: string[][] = []
    const { editor, composer, calls, title } = setup([{ type: 'paragraph' }], {
      'compose.write': (_i, o) => streamText(ARTICLE, o),
      'compose.spots': spotsHandler,
      'compose.images': async (input, opts) => {
        // By now the suggestions stand after sections 0 and 2, with their captions.
        seenSpots.push(blocks(editor))
        return imagesHandler(input, opts)
      },
    })
    expect(composer.compose(OPTIONS)).toBe(true)
    const status = await settled(composer)
    expect(status.phase).toBe('done')
    expect(title()).toBe('The Bicycle')
    expect(seenSpots[0]).toEqual(['First paragraph.', '[spot searching]', 'Second paragraph.', 'Third paragraph.', '[spot searching]'])
    expect(blocks(editor)).toEqual(['First paragraph.', `[figure ${A}]`, 'Second paragraph.', 'Third paragraph.', `[figure ${C}]`])
    const figure = editor.getJSON().content![1]
    expect(figure.attrs).toMatchObject({ imageId: A, alt: 'A penny-farthing', candidates: [A, B] })
    expect(figure.content).toEqual([{ type: 'text', text: 'A penny-farthing' }])

    const images = calls.find((c) => c.method === 'compose.images')!.input as Input<'compose.images'>
    expect(images.sections).toEqual(['First paragraph.', 'Second paragraph.', 'Third paragraph.'])
    expect(images.spots).toEqual([{ section: 0, caption: 'A penny-farthing' }, { section: 2, caption: 'A racing bike' }])
    expect(images.pick).toBeUndefined()

    // Two undo steps: the images, then the whole article.
    expect(undoDepth(editor.state)).toBe(2)
    editor.commands.undo()
    expect(blocks(editor)).toEqual(['First paragraph.', 'Second paragraph.', 'Third paragraph.'])
    editor.commands.undo()
    expect(blocks(editor)).toEqual([''])
  })

  it('writes after existing text and keeps it; "none" places no images', async () => {
    const { editor, composer, calls } = setup([p('Mine.'), { type: 'paragraph' }], { 'compose.write': (_i, o) => streamText('Written.', o) })
    composer.compose({ ...OPTIONS, imageSource: 'none' })
    expect((await settled(composer)).phase).toBe('done')
    expect(blocks(editor)).toEqual(['Mine.', 'Written.'])
    expect(calls.map((c) => c.method)).toEqual(['compose.write'])
  })

  it('Stop while writing keeps the text and offers to add the images', async () => {
    const { editor, composer } = setup([{ type: 'paragraph' }], {
      'compose.write': async (_i, o) => {
        o.onProgress?.({ token: 'Kept words.\nMore.\nAnd the last' })
        await new Promise((_, reject) => o.signal?.addEventListener('abort', () => reject(new FolioError('CANCELLED', 'cancelled'))))
        throw new Error('unreachable')
      },
      'compose.spots': spotsHandler,
      'compose.images': imagesHandler,
    })
    composer.compose(OPTIONS)
    await tick()
    await tick()
    composer.stop()
    const status = await settled(composer)
    expect(status.phase).toBe('stopped')
    expect(status.canAddImages).toBe(true)
    expect(blocks(editor)).toEqual(['Kept words.', 'More.', 'And the last'])
    expect(undoDepth(editor.state)).toBe(1)
    composer.addImages()
    expect((await settled(composer)).phase).toBe('done')
    expect(blocks(editor).filter((b) => b.startsWith('[figure'))).toHaveLength(2)
  })

  it('an error in the images stage is reported with a retry; the suggestions say so meanwhile; Retry finishes', async () => {
    let fail = true
    const { editor, composer } = setup([{ type: 'paragraph' }], {
      'compose.write': (_i, o) => streamText(ARTICLE, o),
      'compose.spots': spotsHandler,
      'compose.images': async (input, opts) => {
        if (fail) throw new FolioError('UNREACHABLE', 'The vision engine is not running.')
        return imagesHandler(input, opts)
      },
    })
    composer.compose(OPTIONS)
    const status = await settled(composer)
    expect(status).toMatchObject({ phase: 'error', stage: 'selecting', error: 'The vision engine is not running.' })
    const spots = allSpots(editor.state.doc).map((s) => s.node.attrs)
    expect(spots.map((a) => [a.state, a.error, a.caption])).toEqual([
      ['error', 'The vision engine is not running.', 'A penny-farthing'],
      ['error', 'The vision engine is not running.', 'A racing bike'],
    ])
    fail = false
    composer.retry()
    expect((await settled(composer)).phase).toBe('done')
    expect(blocks(editor)).toEqual(['First paragraph.', `[figure ${A}]`, 'Second paragraph.', 'Third paragraph.', `[figure ${C}]`])
  })

  it('a failed write keeps its text; Retry writes again in its place', async () => {
    let attempt = 0
    const { editor, composer } = setup([p('Mine.')], {
      'compose.write': async (_i, o) => {
        if (++attempt === 1) {
          o.onProgress?.({ token: 'Half an art' })
          await tick()
          throw new FolioError('TIMEOUT', 'The model took too long.')
        }
        return streamText('Whole article.', o)
      },
    })
    composer.compose({ ...OPTIONS, imageSource: 'none' })
    expect(await settled(composer)).toMatchObject({ phase: 'error', stage: 'writing', error: 'The model took too long.' })
    expect(blocks(editor)).toEqual(['Mine.', 'Half an art'])
    composer.retry()
    expect((await settled(composer)).phase).toBe('done')
    expect(blocks(editor)).toEqual(['Mine.', 'Whole article.'])
  })

  it('"only the images I pick": the picked images go to the service and set the automatic count', async () => {
    const { composer, calls } = setup([{ type: 'paragraph' }], {
      'compose.write': (_i, o) => streamText(ARTICLE, o),
      'compose.spots': spotsHandler,
      'compose.images': imagesHandler,
    })
    composer.compose({ ...OPTIONS, images: 'auto', imageSource: 'picked', pick: [A, B, C] })
    await settled(composer)
    expect((calls.find((c) => c.method === 'compose.spots')!.input as Input<'compose.spots'>).count).toBe(3)
    expect((calls.find((c) => c.method === 'compose.images')!.input as Input<'compose.images'>).pick).toEqual([A, B, C])
  })

  it('re-spotting removes the composed figures and suggestions, keeps a figure the user placed, and spots again', async () => {
    const composed = { type: 'figure', attrs: { imageId: A, alt: 'x', candidates: [A, B] }, content: [{ type: 'text', text: 'Old caption' }] }
    const own = { type: 'figure', attrs: { imageId: D, alt: 'mine', candidates: [] }, content: [{ type: 'text', text: 'My photo' }] }
    const spot = { type: 'composeSpot', attrs: { caption: 'Old', state: 'error', error: 'x' } }
    const { editor, composer, calls } = setup([p('First paragraph.'), composed, p('Second paragraph.'), own, p('Third paragraph.'), spot], {
      'compose.spots': spotsHandler,
      'compose.images': imagesHandler,
    })
    expect(composer.redoImages({ images: 2, imageSource: 'library', pick: [], select: false, lang: 'en' })).toBe(true)
    expect((await settled(composer)).phase).toBe('done')
    expect(blocks(editor)).toEqual(['First paragraph.', `[figure ${A}]`, 'Second paragraph.', `[figure ${D}]`, 'Third paragraph.', `[figure ${C}]`])
    const spotsInput = calls.find((c) => c.method === 'compose.spots')!.input as Input<'compose.spots'>
    expect(spotsInput.existingCaptions).toEqual(['My photo'])
    const imagesInput = calls.find((c) => c.method === 'compose.images')!.input as Input<'compose.images'>
    expect(imagesInput.exclude).toEqual([D])
    expect(imagesInput.select).toBe(false)
    expect(calls.some((c) => c.method === 'compose.write')).toBe(false)
  })
})

describe('Composer: paragraph actions', () => {
  const doc = () => [p('Before.'), p('Target paragraph.'), p('After.')]
  const cursorIn = (editor: Editor, index: number) => {
    let pos = 1
    for (let i = 0; i < index; i++) pos += editor.state.doc.child(i).nodeSize
    editor.commands.setTextSelection(pos + 2)
  }

  for (const [action, expected] of [
    ['rewrite', ['Before.', 'New text.', 'After.']],
    ['expand', ['Before.', 'New text.', 'After.']],
    ['shorten', ['Before.', 'New text.', 'After.']],
    ['translate', ['Before.', 'New text.', 'After.']],
    ['continue', ['Before.', 'Target paragraph.', 'New text.', 'After.']],
    ['insertAfter', ['Before.', 'Target paragraph.', 'New text.', 'After.']],
    ['insertBefore', ['Before.', 'New text.', 'Target paragraph.', 'After.']],
  ] as const) {
    it(`${action} streams in place and one undo restores the paragraph`, async () => {
      const { editor, composer, calls } = setup(doc(), { 'compose.paragraph': (_i, o) => streamText('New text.', o) })
      cursorIn(editor, 1)
      expect(composer.paragraph(action, '  more formal ')).toBe(true)
      expect((await settled(composer)).phase).toBe('done')
      expect(blocks(editor)).toEqual(expected)
      expect(calls[0].input).toMatchObject({ action, text: 'Target paragraph.', before: 'Before.', after: 'After.', instruction: 'more formal' })
      editor.commands.undo()
      expect(blocks(editor)).toEqual(['Before.', 'Target paragraph.', 'After.'])
    })
  }

  it('needs a paragraph with text at the cursor', () => {
    const { editor, composer } = setup([{ type: 'paragraph' }], {})
    editor.commands.setTextSelection(1)
    expect(composer.paragraph('rewrite')).toBe(false)
  })
})

describe('"Add an image here" and the spot runner', () => {
  it('puts a suggestion after the paragraph, has the model caption it, then turns it into a figure', async () => {
    const { editor, composer, calls, spots } = setup([p('One.'), p('Two.')], {
      'compose.caption': async () => ({ caption: 'A quiet street', fallback: false, stats: STATS }),
      'compose.images': async (input) => ({
        spots: [{ ...input.spots[0], candidates: [B, C], chosen: B, fallback: false }],
        selectionBy: 'none',
        warnings: [],
        stats: { retrieve: STATS, select: STATS },
      }),
    })
    editor.commands.setTextSelection(2)
    expect(composer.addImageHere()).toBe(true)
    // Straight after the suggestion, right after the paragraph, the model writes its caption.
    expect(blocks(editor)).toEqual(['One.', '[spot captioning]', 'Two.'])
    for (let i = 0; i < 50 && allSpots(editor.state.doc).length > 0; i++) await tick()
    expect(blocks(editor)).toEqual(['One.', `[figure ${B}]`, 'Two.'])
    expect(editor.getJSON().content![1].attrs).toMatchObject({ imageId: B, alt: 'A quiet street', candidates: [B, C] })
    expect(calls.map((c) => c.method)).toEqual(['compose.caption', 'compose.images'])
    expect(calls[0].input).toMatchObject({ sections: ['One.', 'Two.'], section: 0 })
    expect(calls[1].input).toMatchObject({ spots: [{ section: 0, caption: 'A quiet street' }] })
    expect(spots.isActive(null)).toBe(false)
    // One undo removes the figure the suggestion became.
    editor.commands.undo()
    expect(blocks(editor)).toEqual(['One.', 'Two.'])
  })

  it('with a caption given, it searches for that caption without asking the model for one', async () => {
    const { editor, composer, calls } = setup([p('One.'), p('Two.')], {
      'compose.images': async (input) => ({
        spots: [{ ...input.spots[0], candidates: [D], chosen: D, fallback: false }],
        selectionBy: 'none',
        warnings: [],
        stats: { retrieve: STATS, select: STATS },
      }),
    })
    editor.commands.setTextSelection(7)
    composer.addImageHere('  A lighthouse ')
    for (let i = 0; i < 50 && allSpots(editor.state.doc).length > 0; i++) await tick()
    expect(blocks(editor)).toEqual(['One.', 'Two.', `[figure ${D}]`])
    expect(calls.map((c) => c.method)).toEqual(['compose.images'])
    expect(calls[0].input).toMatchObject({ spots: [{ section: 1, caption: 'A lighthouse' }] })
  })

  it('no candidate: the suggestion says so; Retry runs it again', async () => {
    let chosen: string | null = null
    const { editor, composer, spots } = setup([p('One.')], {
      'compose.caption': async () => ({ caption: 'Cap', fallback: false, stats: STATS }),
      'compose.images': async (input) => ({
        spots: [{ ...input.spots[0], candidates: chosen ? [chosen] : [], chosen, fallback: false }],
        selectionBy: 'none',
        warnings: [],
        stats: { retrieve: STATS, select: STATS },
      }),
    })
    editor.commands.setTextSelection(2)
    composer.addImageHere()
    for (let i = 0; i < 50 && allSpots(editor.state.doc)[0]?.node.attrs.state !== 'error'; i++) await tick()
    expect(allSpots(editor.state.doc)[0].node.attrs).toMatchObject({ state: 'error', error: 'No matching image.', caption: 'Cap' })
    chosen = A
    spots.retry(allSpots(editor.state.doc)[0].pos)
    for (let i = 0; i < 50 && allSpots(editor.state.doc).length > 0; i++) await tick()
    expect(blocks(editor)).toEqual(['One.', `[figure ${A}]`])
  })

  it('picks up a suggestion saved without an id (by `folio compose`) when the article opens', async () => {
    const { editor, spots } = setup([p('One.'), { type: 'composeSpot', attrs: { caption: 'Saved caption', state: 'pending', error: null } }], {
      'compose.images': async (input) => ({
        spots: [{ ...input.spots[0], candidates: [C], chosen: C, fallback: false }],
        selectionBy: 'none',
        warnings: [],
        stats: { retrieve: STATS, select: STATS },
      }),
    })
    spots.kick()
    for (let i = 0; i < 50 && allSpots(editor.state.doc).length > 0; i++) await tick()
    expect(blocks(editor)).toEqual(['One.', `[figure ${C}]`])
  })
})

describe('TitleSplitter', () => {
  it('takes a leading # line as the title and passes the rest on', () => {
    const out: string[] = []
    let title = ''
    const s = new TitleSplitter((t) => (title = t), (x) => out.push(x))
    for (const t of ['\n# My', ' Title', '\nBody', ' text']) s.push(t)
    s.end()
    expect(title).toBe('My Title')
    expect(out.join('')).toBe('Body text')
  })

  it('passes text without a title through once the first line is complete', () => {
    const out: string[] = []
    const s = new TitleSplitter(() => {}, (x) => out.push(x))
    s.push('Plain')
    expect(out).toEqual([])
    s.push(' start\nnext')
    expect(out.join('')).toBe('Plain start\nnext')
  })
})
