/**
 * A figure: one library image (referenced by id only, never a path or blob URL) with an editable
 * caption and alt text, plus the candidates it was chosen from (the gallery to swap with). Stored
 * in the document as
 * `{ type: 'figure', attrs: { imageId, alt, width, candidates }, content: [caption inline nodes] }`.
 */
import { mergeAttributes, Node, type Editor } from '@tiptap/core'
import { ReactNodeViewRenderer, type ReactNodeViewProps } from '@tiptap/react'
import type { ComponentType } from 'react'
import { closeHistory } from '@tiptap/pm/history'
import type { Node as PMNode } from '@tiptap/pm/model'
import { NodeSelection, TextSelection, type Selection, type Transaction } from '@tiptap/pm/state'

export const IMAGE_ID_RE = /^img_[0-9a-z]{12}$/

export function isImageId(v: unknown): v is string {
  return typeof v === 'string' && IMAGE_ID_RE.test(v)
}

/** Most candidates a figure keeps (compose asks for up to 8; a few swaps add the images swapped out). */
export const MAX_CANDIDATES = 16

/** Candidate ids from anything (pasted HTML, old documents): valid library ids only, unique, capped. */
export function cleanCandidates(value: unknown): string[] {
  const list = Array.isArray(value) ? value : typeof value === 'string' ? value.split(/[\s,]+/) : []
  return [...new Set(list.filter(isImageId))].slice(0, MAX_CANDIDATES)
}

/** The figure's `<img>` (typed loosely so this file also compiles without the DOM lib, in tests). */
interface ElementLike {
  querySelector(selector: string): { getAttribute(name: string): string | null } | null
  getAttribute?(name: string): string | null
}
const imgOf = (el: unknown) => (el as ElementLike).querySelector('img')

export interface FigureOptions {
  /** URL that displays a library image (the client's `imageUrl`). */
  resolveImageUrl: (imageId: string) => string
  /** React node view (image, caption, alt text, remove); without one, renderHTML is used. */
  view: ComponentType<ReactNodeViewProps> | null
  HTMLAttributes: Record<string, unknown>
}

declare module '@tiptap/core' {
  interface Commands<ReturnType> {
    figure: {
      /** Inserts a figure for a library image at the selection. */
      folioInsertFigure: (attrs: { imageId: string; alt?: string; caption?: string }) => ReturnType
      /** Sets the alt text of the selected figure (or the figure around the cursor). */
      folioSetFigureAlt: (alt: string) => ReturnType
      /**
       * The figure at `pos` (else the selected figure, or the one around the cursor) shows another
       * image; the image it showed stays among its candidates. `alt` replaces the alt text when given.
       */
      folioSwapFigureImage: (imageId: string, opts?: { pos?: number; alt?: string }) => ReturnType
      /**
       * Replaces the candidates of the figure at `pos` (else at the selection), and its image when
       * `imageId` is given (a new search's choice), in one step.
       */
      folioSetFigureCandidates: (args: { pos?: number; imageId?: string; alt?: string; candidates: readonly string[] }) => ReturnType
    }
  }
}

export const Figure = Node.create<FigureOptions>({
  name: 'figure',
  group: 'block',
  content: 'inline*',
  draggable: true,
  isolating: true,
  selectable: true,

  addOptions() {
    return {
      resolveImageUrl: (id: string) => `folio://image/${encodeURIComponent(id)}`,
      view: null,
      HTMLAttributes: {},
    }
  },

  addAttributes() {
    return {
      imageId: {
        default: null,
        rendered: false,
        parseHTML: (el) => {
          const id = imgOf(el)?.getAttribute('data-image-id')
          return isImageId(id) ? id : null
        },
      },
      alt: {
        default: '',
        rendered: false,
        parseHTML: (el) => imgOf(el)?.getAttribute('alt') ?? '',
      },
      width: {
        default: null,
        rendered: false,
        parseHTML: (el) => {
          const w = Number(imgOf(el)?.getAttribute('width'))
          return Number.isFinite(w) && w > 0 ? Math.round(w) : null
        },
      },
      // Library ids only; on the <figure> as data-candidates="img_… img_…" so copy/paste keeps them.
      candidates: {
        default: [],
        rendered: false,
        parseHTML: (el) => cleanCandidates((el as ElementLike).getAttribute?.('data-candidates') ?? ''),
      },
    }
  },

  parseHTML() {
    return [
      {
        tag: 'figure[data-type="figure"]',
        contentElement: 'figcaption',
        // Only figures that point at a library image; anything else is not ours.
        getAttrs: (el) => (isImageId(imgOf(el)?.getAttribute('data-image-id')) ? null : false),
      },
    ]
  },

  renderHTML({ node, HTMLAttributes }) {
    const imageId = String(node.attrs.imageId ?? '')
    const img: Record<string, string | number> = {
      src: isImageId(imageId) ? this.options.resolveImageUrl(imageId) : '',
      alt: String(node.attrs.alt ?? ''),
      'data-image-id': imageId,
    }
    if (typeof node.attrs.width === 'number') img.width = node.attrs.width
    const candidates = cleanCandidates(node.attrs.candidates)
    return [
      'figure',
      mergeAttributes(
        this.options.HTMLAttributes,
        HTMLAttributes,
        { 'data-type': 'figure' },
        candidates.length ? { 'data-candidates': candidates.join(' ') } : {},
      ),
      ['img', img],
      ['figcaption', 0],
    ]
  },

  addCommands() {
    return {
      folioInsertFigure:
        ({ imageId, alt, caption }) =>
        ({ tr, state, dispatch }) => {
          if (!isImageId(imageId)) return false
          const node = state.schema.nodes[this.name].create(
            { imageId, alt: alt ?? '' },
            caption ? state.schema.text(caption) : null,
          )
          const [from, to] = insertionRange(tr.selection, this.name)
          if (!dispatch) return true
          const stepsBefore = tr.steps.length
          try {
            tr.replaceWith(from, to, node)
          } catch {
            return false
          }
          // Leave the cursor at the end of the new caption: typing writes the caption, and a
          // following insert goes after this figure.
          const start = tr.mapping.slice(stepsBefore).map(from, -1)
          const inserted = tr.doc.nodeAt(start)
          if (inserted?.type.name === this.name) {
            tr.setSelection(TextSelection.create(tr.doc, start + 1 + inserted.content.size))
          }
          tr.scrollIntoView()
          return true
        },
      folioSetFigureAlt:
        (alt) =>
        ({ commands }) =>
          commands.updateAttributes(this.name, { alt }),
      folioSwapFigureImage:
        (imageId, opts = {}) =>
        ({ tr, dispatch }) => {
          const found = findFigure(tr, this.name, opts.pos)
          if (!found || !isImageId(imageId)) return false
          const previous = found.node.attrs.imageId as unknown
          if (previous === imageId) return false
          // The gallery keeps its order (no jumping under the pointer); an image not listed yet joins at the front.
          let candidates = cleanCandidates(found.node.attrs.candidates)
          for (const id of [imageId, previous]) {
            if (isImageId(id) && !candidates.includes(id)) candidates = [id, ...candidates].slice(0, MAX_CANDIDATES)
          }
          if (!dispatch) return true
          const attrs: Record<string, unknown> = { ...found.node.attrs, imageId, candidates }
          if (opts.alt !== undefined) attrs.alt = opts.alt
          // Its own undo step, even right after typing in the caption.
          closeHistory(tr).setNodeMarkup(found.pos, undefined, attrs)
          return true
        },
      folioSetFigureCandidates:
        ({ pos, imageId, alt, candidates }) =>
        ({ tr, dispatch }) => {
          const found = findFigure(tr, this.name, pos)
          if (!found || (imageId !== undefined && !isImageId(imageId))) return false
          const image = imageId ?? (found.node.attrs.imageId as unknown)
          let list = cleanCandidates(candidates)
          if (isImageId(image) && !list.includes(image)) list = [image, ...list].slice(0, MAX_CANDIDATES)
          if (!dispatch) return true
          const attrs: Record<string, unknown> = { ...found.node.attrs, candidates: list }
          if (imageId !== undefined) attrs.imageId = imageId
          if (alt !== undefined) attrs.alt = alt
          // Its own undo step, even right after typing in the caption.
          closeHistory(tr).setNodeMarkup(found.pos, undefined, attrs)
          return true
        },
    }
  },

  addKeyboardShortcuts() {
    return {
      // Enter in a caption leaves the figure for a new paragraph instead of splitting the figure.
      Enter: ({ editor }) => exitFigureCaption(editor, this.name),
    }
  },

  addNodeView() {
    const view = this.options.view
    return view ? ReactNodeViewRenderer(view) : null
  },
})

/**
 * The figure a command acts on: the one starting at `pos` when given, else the selected figure,
 * else the figure whose caption holds the cursor.
 */
export function findFigure(tr: Transaction, figureName = 'figure', pos?: number): { pos: number; node: PMNode } | null {
  if (pos !== undefined) {
    if (!Number.isInteger(pos) || pos < 0 || pos >= tr.doc.content.size) return null
    const node = tr.doc.nodeAt(pos)
    return node?.type.name === figureName ? { pos, node } : null
  }
  const { selection } = tr
  if (selection instanceof NodeSelection && selection.node.type.name === figureName) return { pos: selection.from, node: selection.node }
  const { $from } = selection
  for (let d = $from.depth; d > 0; d--) {
    const node = $from.node(d)
    if (node.type.name === figureName) return { pos: $from.before(d), node }
  }
  return null
}

/**
 * Where a figure goes for a selection: figures are blocks, so never inside a paragraph. An empty
 * paragraph is replaced; at the start of a block it goes before it; otherwise after it.
 */
export function insertionRange(selection: Selection, figureName = 'figure'): [number, number] {
  if (selection instanceof NodeSelection) return [selection.to, selection.to]
  const { $from } = selection
  const parent = $from.parent
  if (!parent.isTextblock || $from.depth === 0) return [$from.pos, $from.pos]
  if (parent.type.name !== figureName) {
    if (parent.content.size === 0) return [$from.before(), $from.after()]
    if ($from.parentOffset === 0) return [$from.before(), $from.before()]
  }
  return [$from.after(), $from.after()]
}

/** Enter in a caption: continue in a new paragraph after the figure instead of splitting it. */
export function exitFigureCaption(editor: Editor, figureName = 'figure'): boolean {
  const { selection } = editor.state
  const { $from } = selection
  if ($from.parent.type.name !== figureName || !selection.empty) return false
  const after = $from.after()
  return editor
    .chain()
    .command(({ tr, state }) => {
      const paragraph = state.schema.nodes.paragraph
      if (!paragraph) return false
      tr.insert(after, paragraph.create())
      tr.setSelection(TextSelection.create(tr.doc, after + 1))
      return true
    })
    .scrollIntoView()
    .run()
}
