/**
 * Turns image suggestions into figures one at a time: a suggestion without a caption gets one
 * (`compose.caption`), then `compose.images` finds and chooses its picture, and the suggestion
 * becomes a figure with the candidates kept for swapping. Picks up every 'pending' suggestion ("add
 * an image here", a retry, one saved by `folio compose` before it finished). Suggestions a running
 * composition handles are claimed by it and left alone.
 */
import type { Editor } from '@tiptap/core'
import type { Node as PMNode } from '@tiptap/pm/model'
import type { FolioClient } from '../../../shared/client'
import { allSpots, findSpot, newSpotId, type SpotAttrs } from '../editor/extensions/compose-spot'
import { docImages, liveSections, sectionBefore } from './doc-context'

/** Candidates per suggestion (the original's gallery of 4). */
export const CANDIDATES_K = 4

export interface SpotRunnerDeps {
  client: Pick<FolioClient, 'stream'>
  editor(): Editor | null
  /** Texts in the interface language. */
  messages: { noMatch(): string; noText(): string; describe(error: unknown): string }
}

export class SpotRunner {
  private readonly active = new Set<string>()
  private readonly listeners = new Set<() => void>()
  private readonly controller = new AbortController()
  private version = 0
  private looping = false

  constructor(private readonly deps: SpotRunnerDeps) {}

  /** For useSyncExternalStore: changes whenever the set of suggestions being worked on changes. */
  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }
  getVersion = (): number => this.version

  /** Whether someone (this runner or a composition) is working on the suggestion now. */
  isActive(spotId: string | null): boolean {
    return spotId !== null && this.active.has(spotId)
  }

  claim(ids: readonly string[]): void {
    for (const id of ids) this.active.add(id)
    this.changed()
  }

  release(ids: readonly string[]): void {
    for (const id of ids) this.active.delete(id)
    this.changed()
    this.kick()
  }

  /** Works through the pending suggestions, unless already doing so. */
  kick(): void {
    if (this.looping || this.controller.signal.aborted) return
    this.looping = true
    void this.loop().finally(() => {
      this.looping = false
    })
  }

  /** Queues the suggestion at `pos` again (after an error or an interruption). */
  retry(pos: number): void {
    const editor = this.deps.editor()
    const node = editor?.state.doc.nodeAt(pos)
    if (!editor || node?.type.name !== 'composeSpot' || this.isActive(node.attrs.spotId as string | null)) return
    const attrs: SpotAttrs = { ...(node.attrs as SpotAttrs), state: 'pending', error: null, spotId: (node.attrs.spotId as string | null) ?? newSpotId() }
    editor.view.dispatch(editor.state.tr.setNodeMarkup(pos, undefined, attrs).setMeta('addToHistory', false))
    this.kick()
  }

  /** Stops the work in flight (the editor is going away). */
  dispose(): void {
    this.controller.abort()
    this.listeners.clear()
  }

  private changed() {
    this.version++
    for (const l of [...this.listeners]) l()
  }

  private async loop(): Promise<void> {
    for (;;) {
      const editor = this.deps.editor()
      if (!editor || this.controller.signal.aborted) return
      const next = allSpots(editor.state.doc).find(({ node }) => node.attrs.state === 'pending' && !this.isActive(node.attrs.spotId as string | null))
      if (!next) return
      let id = next.node.attrs.spotId as string | null
      if (!id) {
        // Saved by another writer (the CLI's `folio compose`) without an id: give it one.
        id = newSpotId()
        editor.view.dispatch(editor.state.tr.setNodeMarkup(next.pos, undefined, { ...next.node.attrs, spotId: id }).setMeta('addToHistory', false))
      }
      await this.process(editor, id)
    }
  }

  private async process(editor: Editor, id: string): Promise<void> {
    const signal = this.controller.signal
    const update = (attrs: Partial<Omit<SpotAttrs, 'spotId'>>) => editor.commands.folioUpdateComposeSpot(id, attrs)
    this.claim([id])
    try {
      const where = (doc: PMNode) => {
        const spot = findSpot(doc, id)
        if (!spot) return null
        const sections = liveSections(doc)
        const section = sectionBefore(sections, doc.resolve(spot.pos).index(0))
        return section ? { spot, sections, section } : { spot, sections, section: null }
      }
      let at = where(editor.state.doc)
      if (!at) return
      if (!at.section) {
        update({ state: 'error', error: this.deps.messages.noText() })
        return
      }
      let caption = String(at.spot.node.attrs.caption ?? '').trim()
      if (!caption) {
        update({ state: 'captioning', error: null })
        const earlier = docImages(editor.state.doc.cut(0, at.spot.pos), at.sections).captions
        const out = await this.deps.client.stream(
          'compose.caption',
          { sections: at.sections.map((s) => s.text), section: at.section.index, earlierCaptions: earlier, lang: 'auto' },
          { signal },
        )
        caption = out.caption.trim()
        update({ caption, state: 'searching' })
      } else update({ state: 'searching', error: null })

      // The text may have changed while the caption was written: place the spot again.
      at = where(editor.state.doc)
      if (!at?.section) return
      const images = docImages(editor.state.doc, at.sections)
      const section = at.section.index
      const out = await this.deps.client.stream(
        'compose.images',
        {
          sections: at.sections.map((s) => s.text),
          spots: [{ section, caption }],
          exclude: images.used,
          select: true,
          k: CANDIDATES_K,
          earlier: images.figures.filter((f) => f.section <= section),
          lang: 'auto',
        },
        { signal },
      )
      const chosen = out.spots[0]
      if (chosen?.chosen) editor.commands.folioResolveComposeSpot(id, { imageId: chosen.chosen, caption, candidates: chosen.candidates })
      else update({ state: 'error', error: this.deps.messages.noMatch() })
    } catch (e) {
      if (!signal.aborted) update({ state: 'error', error: this.deps.messages.describe(e) })
    } finally {
      this.release([id])
    }
  }
}
