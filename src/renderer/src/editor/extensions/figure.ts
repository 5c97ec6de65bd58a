/**
 * A figure: one library image (referenced by id only, never a path or blob URL) with an editable
 * caption and alt text. Stored in the document as
 * `{ type: 'figure', attrs: { imageId, alt, width }, content: [caption inline nodes] }`.
 */
import { mergeAttributes, Node, type Editor } from '@tiptap/core'
import { ReactNodeViewRenderer, type ReactNodeViewProps } from '@tiptap/react'
import type { ComponentType } from 'react'
import { NodeSelection, TextSelection, type Selection } from '@tiptap/pm/state'

export const IMAGE_ID_RE = /^img_[0-9a-z]{12}$/

export function isImageId(v: unknown): v is string {
  return typeof v === 'string' && IMAGE_ID_RE.test(v)
}

/** The figure's `<img>` (typed loosely so this file also compiles without the DOM lib, in tests). */
interface ElementLike {
  querySelector(selector: string): { getAttribute(name: string): string | null } | null
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
    return [
      'figure',
      mergeAttributes(this.options.HTMLAttributes, HTMLAttributes, { 'data-type': 'figure' }),
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
