/**
 * An image suggestion: the place where a composition (or "add an image here") will put a figure,
 * shown with its caption and progress until a picture is chosen. Stored in the document as
 * `{ type: 'composeSpot', attrs: { caption, state, error, spotId } }`; exports skip it.
 *
 * States: 'pending' (waiting for its turn), 'captioning' (the model writes the caption),
 * 'searching' (library search and selection), 'error' (with `error`: retry or remove).
 */
import { Node } from '@tiptap/core'
import type { Node as PMNode } from '@tiptap/pm/model'
import type { Transaction } from '@tiptap/pm/state'
import { ReactNodeViewRenderer, type ReactNodeViewProps } from '@tiptap/react'
import type { ComponentType } from 'react'
import { cleanCandidates, isImageId, MAX_CANDIDATES } from './figure'

export type SpotState = 'pending' | 'captioning' | 'searching' | 'error'
const STATES: readonly SpotState[] = ['pending', 'captioning', 'searching', 'error']
export const isSpotState = (v: unknown): v is SpotState => STATES.includes(v as SpotState)

export interface SpotAttrs {
  caption: string
  state: SpotState
  error: string | null
  /** Which suggestion a running job works on (unique per insert; not part of copied HTML). */
  spotId: string | null
}

export interface ComposeSpotOptions {
  /** React node view (caption, spinner, error with retry and remove); without one, renderHTML is used. */
  view: ComponentType<ReactNodeViewProps> | null
}

let spotCounter = 0
/** A new id for a suggestion (unique in this window; ids only have to tell running jobs apart). */
export function newSpotId(): string {
  return `spot_${Date.now().toString(36)}_${(spotCounter++).toString(36)}`
}

declare module '@tiptap/core' {
  interface Commands<ReturnType> {
    composeSpot: {
      /**
       * Inserts a suggestion after top-level block `afterBlock`, or at block position `pos`
       * (one undo step). With a caption it goes straight to the search; without, the model writes one.
       */
      folioInsertComposeSpot: (args: { afterBlock?: number; pos?: number; caption?: string; state?: SpotState; spotId?: string }) => ReturnType
      /** Updates a suggestion's caption, state or error (progress, not an undo step). */
      folioUpdateComposeSpot: (spotId: string, attrs: Partial<Omit<SpotAttrs, 'spotId'>>) => ReturnType
      /**
       * Replaces a suggestion with its figure: the chosen image, the caption as alt text and figure
       * caption, and the candidates to swap from. Not an undo step of its own: undoing the
       * suggestion's insertion removes the figure.
       */
      folioResolveComposeSpot: (spotId: string, figure: { imageId: string; caption: string; candidates: readonly string[] }) => ReturnType
      /** Removes a suggestion (an undo step). */
      folioRemoveComposeSpot: (spotId: string) => ReturnType
    }
  }
}

/** The suggestion with `spotId` in `doc`, or null. */
export function findSpot(doc: PMNode, spotId: string): { pos: number; node: PMNode } | null {
  let found: { pos: number; node: PMNode } | null = null
  doc.descendants((node, pos) => {
    if (found) return false
    if (node.type.name === 'composeSpot' && node.attrs.spotId === spotId) found = { pos, node }
    return !node.isTextblock
  })
  return found
}

/** Every suggestion in `doc`, in document order. */
export function allSpots(doc: PMNode): { pos: number; node: PMNode }[] {
  const out: { pos: number; node: PMNode }[] = []
  doc.descendants((node, pos) => {
    if (node.type.name === 'composeSpot') out.push({ pos, node })
    return !node.isTextblock
  })
  return out
}

/** Position after top-level block `index` (clamped to the document). */
function afterTopBlock(doc: PMNode, index: number): number {
  let pos = 0
  const last = Math.min(index, doc.childCount - 1)
  for (let i = 0; i <= last; i++) pos += doc.child(i).nodeSize
  return pos
}

const progress = (tr: Transaction) => tr.setMeta('addToHistory', false)

export const ComposeSpot = Node.create<ComposeSpotOptions>({
  name: 'composeSpot',
  group: 'block',
  atom: true,
  selectable: true,
  draggable: false,

  addOptions() {
    return { view: null }
  },

  addAttributes() {
    return {
      caption: {
        default: '',
        rendered: false,
        parseHTML: (el) => (el.getAttribute('data-caption') ?? '').slice(0, 2000),
      },
      state: {
        default: 'pending',
        rendered: false,
        // A pasted suggestion looks for its picture again, unless it had failed.
        parseHTML: (el) => (el.getAttribute('data-state') === 'error' ? 'error' : 'pending'),
      },
      error: {
        default: null,
        rendered: false,
        parseHTML: (el) => el.getAttribute('data-error'),
      },
      spotId: { default: null, rendered: false, parseHTML: () => newSpotId() },
    }
  },

  parseHTML() {
    return [{ tag: 'div[data-type="compose-spot"]' }]
  },

  renderHTML({ node }) {
    const caption = String(node.attrs.caption ?? '')
    const attrs: Record<string, string> = { 'data-type': 'compose-spot', class: 'compose-spot', 'data-state': String(node.attrs.state) }
    if (caption) attrs['data-caption'] = caption
    if (node.attrs.error) attrs['data-error'] = String(node.attrs.error)
    return ['div', attrs, caption]
  },

  addCommands() {
    return {
      folioInsertComposeSpot:
        ({ afterBlock, pos, caption, state, spotId }) =>
        ({ tr, state: editorState, dispatch }) => {
          const at = pos ?? (afterBlock !== undefined ? afterTopBlock(tr.doc, afterBlock) : null)
          if (at === null || at < 0 || at > tr.doc.content.size) return false
          const node = editorState.schema.nodes[this.name].create({
            caption: caption?.trim() ?? '',
            state: state ?? 'pending',
            error: null,
            spotId: spotId ?? newSpotId(),
          })
          if (!dispatch) return true
          try {
            tr.insert(at, node)
          } catch {
            return false
          }
          return true
        },
      folioUpdateComposeSpot:
        (spotId, attrs) =>
        ({ tr, dispatch }) => {
          const found = findSpot(tr.doc, spotId)
          if (!found) return false
          if (attrs.state !== undefined && !isSpotState(attrs.state)) return false
          if (dispatch) progress(tr).setNodeMarkup(found.pos, undefined, { ...found.node.attrs, ...attrs })
          return true
        },
      folioResolveComposeSpot:
        (spotId, { imageId, caption, candidates }) =>
        ({ tr, state, dispatch }) => {
          const found = findSpot(tr.doc, spotId)
          const figure = state.schema.nodes.figure
          if (!found || !figure || !isImageId(imageId)) return false
          const text = caption.trim()
          let list = cleanCandidates(candidates)
          if (!list.includes(imageId)) list = [imageId, ...list].slice(0, MAX_CANDIDATES)
          const node = figure.create({ imageId, alt: text, candidates: list }, text ? state.schema.text(text) : null)
          if (dispatch) progress(tr).replaceWith(found.pos, found.pos + found.node.nodeSize, node)
          return true
        },
      folioRemoveComposeSpot:
        (spotId) =>
        ({ tr, dispatch }) => {
          const found = findSpot(tr.doc, spotId)
          if (!found) return false
          if (dispatch) tr.delete(found.pos, found.pos + found.node.nodeSize)
          return true
        },
    }
  },

  addNodeView() {
    const view = this.options.view
    return view ? ReactNodeViewRenderer(view) : null
  },
})
