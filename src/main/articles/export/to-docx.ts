/**
 * TipTap JSON → DOCX with the `docx` package. Word's own styles carry the structure, so Word (and
 * Folio's DOCX import, through mammoth) reads it back: Title, Heading 1–6, Quote, list numbering,
 * Source Code / Verbatim Char for code, Hyperlink, and figures as an image paragraph followed by a
 * real Word caption ("Figure {SEQ Figure}: …" in the Caption style, as Insert Caption makes).
 */
import {
  AlignmentType,
  Document,
  ExternalHyperlink,
  HeadingLevel,
  ImageRun,
  LevelFormat,
  Packer,
  Paragraph,
  SimpleField,
  TextRun,
  type ILevelsOptions,
  type ParagraphChild,
} from 'docx'
import type { DocMark, DocNode } from '../../../shared/doc'
import { blockChildren, figureFallback, plainText, safeHref, textDirection } from './doc-model'
import { buildInline, type InlineBuilder } from './inline-marks'

export interface DocxImage {
  data: Uint8Array
  type: 'png' | 'jpg' | 'gif' | 'bmp'
  /** Pixels. */
  width: number
  height: number
  name: string
}

export interface DocxOptions {
  title: string
  /** A figure's image, ready for Word (PNG/JPEG/GIF/BMP), or null when it is missing. */
  image(imageId: string): DocxImage | null
}

/** The widest an image may be: A4 or Letter with Word's default 1-inch margins, at 96 px per inch. */
const MAX_IMAGE_PX = 600
const HEADINGS = [
  HeadingLevel.HEADING_1,
  HeadingLevel.HEADING_2,
  HeadingLevel.HEADING_3,
  HeadingLevel.HEADING_4,
  HeadingLevel.HEADING_5,
  HeadingLevel.HEADING_6,
] as const
/** Style names mammoth (and Word users) recognise. */
export const DOCX_STYLES = { quote: 'Quote', code: 'Source Code', inlineCode: 'Verbatim Char', caption: 'Caption' }
const BULLETS = ['•', '◦', '▪']
const NUMBER_FORMATS = [LevelFormat.DECIMAL, LevelFormat.LOWER_LETTER, LevelFormat.LOWER_ROMAN]

interface Ctx {
  opts: DocxOptions
  /** Shared by every nested copy of the context. */
  figures: { count: number }
  orderedLists: { reference: string; start: number }[]
  /** List nesting: the numbering reference and level of the innermost list, if any. */
  list: { reference: string; level: number } | null
  quote: boolean
}

export async function toDocx(doc: DocNode, opts: DocxOptions): Promise<Uint8Array> {
  const ctx: Ctx = { opts, figures: { count: 0 }, orderedLists: [], list: null, quote: false }
  const children: Paragraph[] = []
  if (opts.title) children.push(new Paragraph({ heading: HeadingLevel.TITLE, ...bidi(opts.title), children: [textRun(opts.title, {})] }))
  children.push(...blocks(doc.content ?? [], ctx))
  const document = new Document({
    title: opts.title || undefined,
    creator: 'Folio',
    styles: {
      paragraphStyles: [
        {
          id: 'Quote',
          name: DOCX_STYLES.quote,
          basedOn: 'Normal',
          next: 'Normal',
          quickFormat: true,
          run: { italics: true, color: '555F6B' },
          paragraph: { indent: { left: 720, right: 720 } },
        },
        {
          id: 'SourceCode',
          name: DOCX_STYLES.code,
          basedOn: 'Normal',
          quickFormat: true,
          run: { font: 'Consolas', size: 20 },
          paragraph: { spacing: { before: 0, after: 0 } },
        },
        {
          id: 'Caption',
          name: DOCX_STYLES.caption,
          basedOn: 'Normal',
          next: 'Normal',
          quickFormat: true,
          run: { italics: true, color: '555F6B', size: 18 },
          paragraph: { spacing: { after: 240 } },
        },
      ],
      characterStyles: [{ id: 'VerbatimChar', name: DOCX_STYLES.inlineCode, basedOn: 'DefaultParagraphFont', run: { font: 'Consolas' } }],
    },
    numbering: {
      config: [
        { reference: 'bullets', levels: levels((l) => ({ format: LevelFormat.BULLET, text: BULLETS[l % BULLETS.length] })) },
        ...ctx.orderedLists.map(({ reference, start }) => ({
          reference,
          levels: levels((l) => ({ format: NUMBER_FORMATS[l % NUMBER_FORMATS.length], text: `%${l + 1}.`, start })),
        })),
      ],
    },
    sections: [{ children }],
  })
  return new Uint8Array(await Packer.toBuffer(document))
}

function levels(make: (level: number) => Partial<ILevelsOptions>): ILevelsOptions[] {
  return Array.from({ length: 9 }, (_, level) => ({
    level,
    alignment: AlignmentType.START,
    style: { paragraph: { indent: { left: 720 * (level + 1), hanging: 360 } } },
    ...make(level),
  }))
}

function bidi(text: string): { bidirectional?: boolean } {
  return textDirection(text) === 'rtl' ? { bidirectional: true } : {}
}

function blocks(nodes: DocNode[], ctx: Ctx): Paragraph[] {
  return blockChildren(nodes).flatMap((n) => block(n, ctx))
}

/** Paragraph properties from where it sits: in a quote (style) and in a list item (indent). */
function placement(ctx: Ctx): { style?: string; indent?: { left: number } } {
  return {
    ...(ctx.quote ? { style: 'Quote' } : {}),
    ...(ctx.list ? { indent: { left: 720 * (ctx.list.level + 1) } } : {}),
  }
}

function block(n: DocNode, ctx: Ctx): Paragraph[] {
  switch (n.type) {
    case 'paragraph':
      return [new Paragraph({ ...placement(ctx), ...bidi(plainText(n)), children: inline(n.content ?? []) })]
    case 'heading': {
      const level = Math.min(6, Math.max(1, Number(n.attrs?.level) || 1))
      return [new Paragraph({ heading: HEADINGS[level - 1], ...bidi(plainText(n)), children: inline(n.content ?? []) })]
    }
    case 'blockquote':
      return blocks(n.content ?? [], { ...ctx, quote: true })
    case 'bulletList':
    case 'orderedList':
      return list(n, ctx)
    case 'codeBlock':
      return plainText(n)
        .split('\n')
        .map((line) => new Paragraph({ style: 'SourceCode', children: [new TextRun({ text: line })] }))
    case 'horizontalRule':
      return [new Paragraph({ thematicBreak: true, children: [] })]
    case 'figure':
      return figure(n, ctx)
    default:
      return n.content ? blocks(n.content, ctx) : []
  }
}

function list(n: DocNode, ctx: Ctx): Paragraph[] {
  const level = ctx.list ? Math.min(8, ctx.list.level + 1) : 0
  let reference = 'bullets'
  if (n.type === 'orderedList') {
    // Each ordered list numbers from its own start, so it gets its own numbering definition.
    reference = `numbers-${ctx.orderedLists.length + 1}`
    ctx.orderedLists.push({ reference, start: Math.max(0, Number(n.attrs?.start) || 1) })
  }
  const out: Paragraph[] = []
  for (const item of n.content ?? []) {
    const inner: Ctx = { ...ctx, list: { reference, level } }
    blockChildren(item.content ?? []).forEach((child, i) => {
      if (i === 0 && child.type === 'paragraph') {
        // The item's first paragraph carries the bullet or number.
        out.push(
          new Paragraph({
            ...(ctx.quote ? { style: 'Quote' } : {}),
            numbering: { reference, level },
            ...bidi(plainText(child)),
            children: inline(child.content ?? []),
          }),
        )
      } else {
        out.push(...block(child, inner))
      }
    })
  }
  return out
}

function figure(n: DocNode, ctx: Ctx): Paragraph[] {
  const img = ctx.opts.image(String(n.attrs?.imageId ?? ''))
  if (!img) {
    const fallback = figureFallback(n)
    return fallback.length ? [new Paragraph({ ...placement(ctx), children: inline(fallback) })] : []
  }
  const alt = String(n.attrs?.alt ?? '')
  const wanted = typeof n.attrs?.width === 'number' && n.attrs.width > 0 ? n.attrs.width : img.width
  const width = Math.max(1, Math.min(MAX_IMAGE_PX, wanted, img.width * 4))
  const height = Math.max(1, Math.round((img.height / Math.max(1, img.width)) * width))
  const picture = new Paragraph({
    alignment: AlignmentType.CENTER,
    keepNext: true,
    children: [
      new ImageRun({
        type: img.type,
        data: img.data,
        transformation: { width: Math.round(width), height },
        altText: { name: img.name, description: alt, title: alt },
      }),
    ],
  })
  ctx.figures.count += 1
  const caption = inline(n.content ?? [])
  return [
    picture,
    new Paragraph({
      style: 'Caption',
      alignment: AlignmentType.CENTER,
      ...bidi(plainText(n)),
      // "Figure 1: …": a SEQ field with its number already filled in, as Word's Insert Caption writes it.
      children: [
        new TextRun({ text: 'Figure ' }),
        new SimpleField('SEQ Figure \\* ARABIC', String(ctx.figures.count)),
        ...(caption.length ? [new TextRun({ text: ': ' }), ...caption] : []),
      ],
    }),
  ]
}

// ---- inline -----------------------------------------------------------------------------------

interface RunSpec {
  kind: 'run'
  text?: string
  lineBreak?: boolean
  code?: boolean
  bold?: boolean
  italics?: boolean
  strike?: boolean
  underline?: boolean
}
interface LinkSpec {
  kind: 'link'
  href: string
  children: RunSpec[]
}
type Spec = RunSpec | LinkSpec

const FORMAT: Record<string, keyof RunSpec> = { bold: 'bold', italic: 'italics', strike: 'strike', underline: 'underline' }

const docxBuilder: InlineBuilder<Spec> = {
  text: (text) => ({ kind: 'run', text }),
  code: (text) => ({ kind: 'run', text, code: true }),
  hardBreak: () => ({ kind: 'run', lineBreak: true }),
  wrap(mark: DocMark, children: Spec[]): Spec[] {
    if (mark.type === 'link') {
      const href = safeHref(String(mark.attrs?.href ?? ''))
      if (!href || href.startsWith('#')) return children
      return [{ kind: 'link', href, children: children.flatMap((c) => (c.kind === 'run' ? [c] : c.children)) }]
    }
    const key = FORMAT[mark.type]
    if (!key) return children
    const apply = (r: RunSpec): RunSpec => ({ ...r, [key]: true })
    return children.map((c) => (c.kind === 'run' ? apply(c) : { ...c, children: c.children.map(apply) }))
  },
}

function inline(nodes: DocNode[]): ParagraphChild[] {
  return buildInline(nodes, docxBuilder).map((s) =>
    s.kind === 'link' ? new ExternalHyperlink({ link: s.href, children: s.children.map((r) => run(r, true)) }) : run(s, false),
  )
}

function run(r: RunSpec, link: boolean): TextRun {
  if (r.lineBreak) return new TextRun({ break: 1 })
  return textRun(r.text ?? '', {
    bold: r.bold,
    italics: r.italics,
    strike: r.strike,
    underline: r.underline ? {} : undefined,
    style: r.code ? 'VerbatimChar' : link ? 'Hyperlink' : undefined,
  })
}

function textRun(text: string, props: ConstructorParameters<typeof TextRun>[0] & object): TextRun {
  return new TextRun({ ...props, text, ...(textDirection(text) === 'rtl' ? { rightToLeft: true } : {}) })
}
