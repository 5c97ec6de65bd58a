/**
 * The editor's composition flow on its live document: write (streamed in, one undo step) → spots
 * and captions (suggestions appear after their sections) → images (suggestions become figures).
 * Also re-spotting with a new number of images, and the paragraph actions. One job at a time; every
 * stage can be stopped (what is written stays), reports its own error and can be retried.
 *
 * A plain class (no React): Editor.tsx subscribes to its status with useSyncExternalStore, tests
 * drive it headless with a fake client and frame scheduler.
 */
import type { Editor } from '@tiptap/core'
import { closeHistory } from '@tiptap/pm/history'
import type { Node as PMNode } from '@tiptap/pm/model'
import type { Transaction } from '@tiptap/pm/state'
import type { FolioClient } from '../../../shared/client'
import type { ComposedSpot, ComposeLang, ComposeTone, ImageCount, ImageSource, ParagraphAction } from '../../../shared/compose-api'
import { MAX_IMAGES } from '../../../shared/limits'
import { splitTitle } from '../../../shared/compose/sections'
import { countWords } from '../../../shared/doc-text'
import { allSpots, findSpot, newSpotId } from '../editor/extensions/compose-spot'
import { cleanCandidates } from '../editor/extensions/figure'
import type { FrameScheduler } from '../models/token-batcher'
import { docImages, isBlank, liveSections, paragraphAt, posAfterBlock, sectionAt, sectionBefore, type ParagraphTarget } from './doc-context'
import { CANDIDATES_K, type SpotRunner } from './spot-runner'
import { streamIntoEditor, type StreamHandle } from './stream-into-editor'

export type ComposeStage = 'writing' | 'spotting' | 'captioning' | 'selecting' | 'paragraph'

export interface ComposeStatus {
  phase: 'idle' | 'running' | 'done' | 'stopped' | 'error'
  stage: ComposeStage | null
  /** The paragraph action running (stage 'paragraph'). */
  action: ParagraphAction | null
  done: number
  total: number
  /** Words written so far (writing and paragraph actions). */
  words: number
  error: string | null
  warnings: string[]
  /** The text is there but has no images yet (writing was stopped): offer to add them. */
  canAddImages: boolean
}

export interface ImageOptions {
  images: ImageCount
  imageSource: ImageSource
  pick: string[]
  select: boolean
  lang: ComposeLang
}

export interface ComposeOptions extends ImageOptions {
  instruction: string
  source?: string
  words: number
  tone: ComposeTone
}

export interface ComposerDeps {
  client: Pick<FolioClient, 'stream'>
  editor(): Editor | null
  spots: SpotRunner
  scheduler: FrameScheduler
  /** The written article's title (from its leading `# heading`); the editor keeps a title the user typed. */
  onTitle(title: string): void
  messages: { noMatch(): string; noText(): string; stopped(): string; describe(error: unknown): string }
}

type Job =
  | { kind: 'compose'; opts: ComposeOptions; range: { from: number; to: number }; text?: StreamHandle; spotIds: string[] }
  | { kind: 'images'; opts: ImageOptions; spotIds: string[] }
  | { kind: 'paragraph'; action: ParagraphAction; input: ParagraphTarget & { instruction?: string }; range: { from: number; to: number }; text?: StreamHandle }

const IDLE: ComposeStatus = { phase: 'idle', stage: null, action: null, done: 0, total: 0, words: 0, error: null, warnings: [], canAddImages: false }

/** Actions that replace the paragraph (the others insert next to it). */
const REPLACES: ReadonlySet<ParagraphAction> = new Set(['rewrite', 'expand', 'shorten', 'translate'])

export class Composer {
  private status: ComposeStatus = IDLE
  private readonly listeners = new Set<() => void>()
  private job: Job | null = null
  private failedStage: ComposeStage | null = null
  private controller: AbortController | null = null
  private emitHandle: unknown = null
  private readonly claimed = new Set<string>()
  /** The text streaming now; its word count is taken when the status is emitted (once per frame), not per token. */
  private streaming: StreamHandle | null = null
  private disposed = false

  constructor(private readonly deps: ComposerDeps) {}

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }
  getStatus = (): ComposeStatus => this.status

  get running(): boolean {
    return this.status.phase === 'running'
  }

  /** Writes an article from `opts` into the editor (replacing a blank document, else after the text), then illustrates it. */
  compose(opts: ComposeOptions): boolean {
    const editor = this.deps.editor()
    if (!editor || this.running) return false
    const { doc } = editor.state
    let range: { from: number; to: number }
    if (isBlank(doc)) range = { from: 0, to: doc.content.size }
    else {
      // After the text; an empty last paragraph (where the cursor waits) is written over.
      const last = doc.lastChild
      const to = doc.content.size
      range = { from: last && last.type.name === 'paragraph' && last.content.size === 0 ? to - last.nodeSize : to, to }
    }
    this.start({ kind: 'compose', opts, range, spotIds: [] }, 'writing')
    return true
  }

  /**
   * Places the images again without touching the text: removes the suggestions and the figures a
   * composition made (those with candidates), then spots, captions and chooses anew.
   */
  redoImages(opts: ImageOptions): boolean {
    const editor = this.deps.editor()
    if (!editor || this.running) return false
    if (liveSections(editor.state.doc).length === 0) return false
    const tr = editor.state.tr
    const ranges: [number, number][] = []
    editor.state.doc.descendants((node, pos) => {
      const composed = node.type.name === 'composeSpot' || (node.type.name === 'figure' && cleanCandidates(node.attrs.candidates).length > 0)
      if (composed) ranges.push([pos, pos + node.nodeSize])
      return !composed && !node.isTextblock
    })
    for (const [from, to] of ranges.reverse()) tr.delete(from, to)
    if (tr.docChanged) editor.view.dispatch(closeHistory(tr))
    this.start({ kind: 'images', opts, spotIds: [] }, 'spotting')
    return true
  }

  /** Runs a paragraph action on the paragraph at the cursor; false when there is none. */
  paragraph(action: ParagraphAction, instruction?: string): boolean {
    const editor = this.deps.editor()
    if (!editor || this.running) return false
    const target = paragraphAt(editor.state)
    if (!target) return false
    const at = REPLACES.has(action) ? { from: target.from, to: target.to } : action === 'insertBefore' ? { from: target.from, to: target.from } : { from: target.to, to: target.to }
    this.start({ kind: 'paragraph', action, input: { ...target, instruction: instruction?.trim() || undefined }, range: at }, 'paragraph')
    return true
  }

  /**
   * "Add an image here": a suggestion after the section at the cursor. `caption` says what the
   * picture should show; without one the model writes it.
   */
  addImageHere(caption?: string): boolean {
    const editor = this.deps.editor()
    if (!editor) return false
    const { doc, selection } = editor.state
    const section = sectionAt(liveSections(doc), selection.$from.depth > 0 ? selection.$from.index(0) : doc.resolve(selection.from).index(0))
    if (!section) return false
    const ok = editor
      .chain()
      .folioInsertComposeSpot({ afterBlock: section.last, state: 'pending', caption: caption?.trim().slice(0, 2000) })
      .command(close)
      .run()
    if (ok) this.deps.spots.kick()
    return ok
  }

  /** After writing was stopped: add the images to what was written. */
  addImages(): void {
    const job = this.job
    if (job?.kind === 'compose' && !this.running) this.start({ kind: 'images', opts: job.opts, spotIds: [] }, 'spotting')
  }

  stop(): void {
    this.controller?.abort()
  }

  retry(): void {
    if (this.status.phase !== 'error' || !this.job || !this.failedStage) return
    void this.run(this.job, this.failedStage)
  }

  dismiss(): void {
    if (this.running) return
    this.set(IDLE, true)
  }

  dispose(): void {
    this.disposed = true
    this.controller?.abort()
    if (this.job && 'text' in this.job) this.job.text?.dispose()
    if (this.emitHandle !== null) this.deps.scheduler.cancel(this.emitHandle)
    this.listeners.clear()
  }

  // ---- running ----

  private start(job: Job, first: ComposeStage) {
    if (this.job && 'text' in this.job) this.job.text?.dispose()
    this.job = job
    this.set({ ...IDLE, phase: 'running', stage: first }, true)
    void this.run(job, first)
  }

  private async run(job: Job, from: ComposeStage): Promise<void> {
    const order: ComposeStage[] = job.kind === 'paragraph' ? ['paragraph'] : job.kind === 'images' ? ['spotting', 'selecting'] : ['writing', 'spotting', 'selecting']
    this.failedStage = null
    for (const stage of order.slice(Math.max(0, order.indexOf(from)))) {
      const controller = new AbortController()
      this.controller = controller
      this.set({ phase: 'running', stage, done: 0, total: 0, error: null, canAddImages: false }, true)
      let more: boolean
      try {
        more = await this.stage(job, stage, controller.signal)
      } catch (e) {
        if (this.disposed) return
        if (controller.signal.aborted) return this.stopped(job, stage)
        this.releaseSpots(job, this.deps.messages.describe(e))
        this.failedStage = stage
        this.set({ phase: 'error', error: this.deps.messages.describe(e) }, true)
        return
      }
      if (this.disposed) return
      if (controller.signal.aborted) return this.stopped(job, stage)
      if (!more) break
    }
    this.controller = null
    this.set({ phase: 'done' }, true)
  }

  private stopped(job: Job, stage: ComposeStage) {
    this.controller = null
    this.releaseSpots(job, this.deps.messages.stopped())
    this.set({ phase: 'stopped', canAddImages: job.kind === 'compose' && stage === 'writing' && job.opts.imageSource !== 'none' }, true)
  }

  private stage(job: Job, stage: ComposeStage, signal: AbortSignal): Promise<boolean> {
    if (stage === 'writing' && job.kind === 'compose') return this.write(job, signal)
    if (stage === 'paragraph' && job.kind === 'paragraph') return this.rewrite(job, signal)
    if (stage === 'spotting' && job.kind !== 'paragraph') return this.spot(job, signal)
    if (stage === 'selecting' && job.kind !== 'paragraph') return this.select(job, signal)
    return Promise.resolve(false)
  }

  /** Stage 1: the article streams in; its `# title` line becomes the title. */
  private async write(job: Extract<Job, { kind: 'compose' }>, signal: AbortSignal): Promise<boolean> {
    const editor = this.editor()
    // A retry writes over what the failed attempt left.
    const range = job.text ? job.text.range : job.range
    job.text?.dispose()
    const text = streamIntoEditor(editor, { ...range, scheduler: this.deps.scheduler })
    job.text = text
    const title = new TitleSplitter(
      (t) => this.deps.onTitle(t),
      (s) => text.push(s),
    )
    const { instruction, source, lang, words, tone } = job.opts
    this.streaming = text
    try {
      await this.deps.client.stream(
        'compose.write',
        { instruction, ...(source?.trim() ? { source } : {}), lang, words, tone },
        {
          signal,
          onProgress: ({ token }) => {
            title.push(token)
            this.set({})
          },
        },
      )
    } finally {
      title.end()
      text.finish()
      this.streaming = null
      this.set({ words: countWords(text.text) })
    }
    return job.opts.imageSource !== 'none'
  }

  /** A paragraph action, streamed in place. */
  private async rewrite(job: Extract<Job, { kind: 'paragraph' }>, signal: AbortSignal): Promise<boolean> {
    const editor = this.editor()
    const range = job.text ? job.text.range : job.range
    job.text?.dispose()
    const text = streamIntoEditor(editor, { ...range, scheduler: this.deps.scheduler })
    job.text = text
    this.set({ action: job.action })
    const { input } = job
    this.streaming = text
    try {
      await this.deps.client.stream(
        'compose.paragraph',
        { action: job.action, text: input.text, before: input.before, after: input.after, lang: 'auto', ...(input.instruction ? { instruction: input.instruction } : {}) },
        {
          signal,
          onProgress: ({ token }) => {
            text.push(token)
            this.set({})
          },
        },
      )
    } finally {
      text.finish()
      this.streaming = null
      this.set({ words: countWords(text.text) })
    }
    return false
  }

  /** Stage 2: where the images go and their captions; suggestions appear as soon as spots are known. */
  private async spot(job: Extract<Job, { kind: 'compose' | 'images' }>, signal: AbortSignal): Promise<boolean> {
    const editor = this.editor()
    const { opts } = job
    if (opts.imageSource === 'none') return false
    // A retry starts over: the suggestions of the failed attempt go.
    this.removeSpots(job.spotIds)
    job.spotIds = []
    const { doc } = editor.state
    const sections = liveSections(doc)
    if (sections.length === 0) return false
    const images = docImages(doc, sections)
    const count: ImageCount = opts.imageSource === 'picked' && opts.images === 'auto' ? Math.max(1, Math.min(MAX_IMAGES, opts.pick.length)) : opts.images
    // Where each section ends, followed through edits made while the model works.
    const ends = trackPositions(
      editor,
      sections.map((s) => posAfterBlock(doc, s.last)),
    )
    const bySection = new Map<number, string>()
    const place = (indices: readonly number[]) => {
      const fresh = [...new Set(indices)].filter((i) => i >= 0 && i < sections.length && !bySection.has(i)).sort((a, b) => b - a)
      if (fresh.length === 0) return
      let chain = editor.chain()
      for (const i of fresh) {
        const spotId = newSpotId()
        bySection.set(i, spotId)
        chain = chain.folioInsertComposeSpot({ pos: ends.get(i), state: 'captioning', spotId })
      }
      const ids = fresh.map((i) => bySection.get(i)!)
      this.claim(ids)
      job.spotIds.push(...ids)
      chain.command(close).run()
    }
    const caption = (section: number, text: string) => {
      const id = bySection.get(section)
      if (id) editor.commands.folioUpdateComposeSpot(id, { caption: text, state: 'searching' })
    }
    try {
      const out = await this.deps.client.stream(
        'compose.spots',
        { sections: sections.map((s) => s.text), count, lang: opts.lang, existingCaptions: images.captions },
        {
          signal,
          onProgress: (p) => {
            this.set({ stage: p.stage, done: p.done, total: p.total })
            if (p.sections) place(p.sections)
            if (p.spot) {
              place([p.spot.section])
              caption(p.spot.section, p.spot.caption)
            }
          },
        },
      )
      place(out.spots.map((s) => s.section))
      for (const s of out.spots) caption(s.section, s.caption)
      // Suggestions announced while spotting but not in the final answer.
      const kept = new Set(out.spots.map((s) => s.section))
      const dropped = [...bySection].filter(([section]) => !kept.has(section)).map(([, id]) => id)
      this.removeSpots(dropped)
      job.spotIds = job.spotIds.filter((id) => !dropped.includes(id))
      this.warn(out.warnings)
      return out.spots.length > 0
    } finally {
      ends.dispose()
    }
  }

  /** Stage 3: candidates and the model's choice for each suggestion; each becomes a figure as it is chosen. */
  private async select(job: Extract<Job, { kind: 'compose' | 'images' }>, signal: AbortSignal): Promise<boolean> {
    const editor = this.editor()
    const { opts } = job
    const { doc } = editor.state
    // This run's suggestions with a caption, except those a per-suggestion Retry is working on.
    const spots = job.spotIds
      .filter((id) => this.claimed.has(id) || !this.deps.spots.isActive(id))
      .map((id) => findSpot(doc, id))
      .filter((s): s is { pos: number; node: PMNode } => s !== null && String(s.node.attrs.caption ?? '').trim() !== '')
      .sort((a, b) => a.pos - b.pos)
    if (spots.length === 0) return false
    const sections = liveSections(doc)
    const list = spots.map((s) => ({
      id: s.node.attrs.spotId as string,
      section: sectionBefore(sections, doc.resolve(s.pos).index(0))?.index ?? 0,
      caption: String(s.node.attrs.caption).trim(),
    }))
    const images = docImages(doc, sections)
    this.claim(list.map((s) => s.id))
    for (const s of list) editor.commands.folioUpdateComposeSpot(s.id, { state: 'searching', error: null })
    this.set({ stage: 'selecting', done: 0, total: list.length })
    const settled = new Set<number>()
    const settle = (index: number, spot: ComposedSpot) => {
      const s = list[index]
      if (!s || settled.has(index)) return
      settled.add(index)
      if (spot.chosen) editor.commands.folioResolveComposeSpot(s.id, { imageId: spot.chosen, caption: spot.caption || s.caption, candidates: spot.candidates })
      else editor.commands.folioUpdateComposeSpot(s.id, { state: 'error', error: this.deps.messages.noMatch() })
      this.release([s.id])
    }
    const out = await this.deps.client.stream(
      'compose.images',
      {
        sections: sections.map((s) => s.text),
        spots: list.map(({ section, caption }) => ({ section, caption })),
        exclude: images.used,
        ...(opts.imageSource === 'picked' ? { pick: opts.pick } : {}),
        select: opts.select,
        k: CANDIDATES_K,
        earlier: images.figures,
        lang: opts.lang,
      },
      {
        signal,
        onProgress: (p) => {
          this.set({ done: p.done, total: p.total })
          settle(p.spot.index, p.spot)
        },
      },
    )
    out.spots.forEach((s, i) => settle(i, s))
    this.set({ done: list.length, total: list.length })
    this.warn(out.warnings)
    return true
  }

  // ---- helpers ----

  private editor(): Editor {
    const editor = this.deps.editor()
    if (!editor) throw new Error('The editor is closed.')
    return editor
  }

  /** Suggestions of this job that no stage will finish now show `message`, with their own Retry. */
  private releaseSpots(job: Job, message: string) {
    if (job.kind === 'paragraph') return
    const editor = this.deps.editor()
    const open = job.spotIds.filter((id) => editor && findSpot(editor.state.doc, id) && this.claimed.has(id))
    for (const id of open) editor?.commands.folioUpdateComposeSpot(id, { state: 'error', error: message })
    this.release(open)
  }

  private removeSpots(ids: readonly string[]) {
    const editor = this.deps.editor()
    if (!editor || ids.length === 0) return
    const tr = editor.state.tr.setMeta('addToHistory', false)
    const doomed = allSpots(editor.state.doc).filter(({ node }) => ids.includes(node.attrs.spotId as string))
    for (const { pos, node } of doomed.reverse()) tr.delete(pos, pos + node.nodeSize)
    if (tr.docChanged) editor.view.dispatch(tr)
    this.release(ids)
  }

  /** Suggestions this composer works on (the spot runner leaves them alone meanwhile). */
  private claim(ids: readonly string[]) {
    for (const id of ids) this.claimed.add(id)
    this.deps.spots.claim(ids)
  }

  private release(ids: readonly string[]) {
    const mine = ids.filter((id) => this.claimed.delete(id))
    this.deps.spots.release(mine)
  }

  private warn(warnings: readonly string[]) {
    if (warnings.length) this.set({ warnings: [...this.status.warnings, ...warnings] })
  }

  /** Updates the status; listeners hear of it at most once per frame (`now` for phase changes). */
  private set(patch: Partial<ComposeStatus>, now = false) {
    if (this.disposed) return
    this.status = { ...this.status, ...patch }
    if (now) {
      if (this.emitHandle !== null) this.deps.scheduler.cancel(this.emitHandle)
      this.emitHandle = null
      this.emit()
    } else if (this.emitHandle === null) {
      this.emitHandle = this.deps.scheduler.request(() => {
        this.emitHandle = null
        this.emit()
      })
    }
  }

  private emit() {
    if (this.streaming) this.status = { ...this.status, words: countWords(this.streaming.text) }
    for (const l of [...this.listeners]) l()
  }
}

/** Each insertion of suggestions is an undo step of its own. */
const close = ({ tr }: { tr: Transaction }) => {
  closeHistory(tr)
  return true
}

/** Document positions kept current through every transaction until disposed. */
export function trackPositions(editor: Editor, positions: readonly number[]): { get(i: number): number; dispose(): void } {
  const live = [...positions]
  const onTransaction = ({ transaction, appendedTransactions }: { transaction: Transaction; appendedTransactions: Transaction[] }) => {
    for (const tr of [transaction, ...appendedTransactions]) {
      if (tr.docChanged) for (let i = 0; i < live.length; i++) live[i] = tr.mapping.map(live[i], -1)
    }
  }
  editor.on('transaction', onTransaction)
  return { get: (i) => live[i], dispose: () => editor.off('transaction', onTransaction) }
}

/**
 * Holds back the start of the writer's text until its first line is complete, so a leading
 * `# Title` becomes the article's title instead of a heading in the body.
 */
export class TitleSplitter {
  private buffer: string | null = ''

  constructor(
    private readonly onTitle: (title: string) => void,
    private readonly onText: (text: string) => void,
  ) {}

  push(token: string): void {
    if (this.buffer === null) return this.onText(token)
    this.buffer += token
    // Leading blank lines do not count as the first line.
    const body = this.buffer.replace(/^\s+/, '')
    if (body.includes('\n') || body.length > 400) this.end()
  }

  end(): void {
    if (this.buffer === null) return
    const { title, body } = splitTitle(this.buffer)
    this.buffer = null
    if (title) this.onTitle(title)
    if (body) this.onText(body)
  }
}
