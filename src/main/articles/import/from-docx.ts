/**
 * DOCX → HTML with mammoth (which reads Word's styles, lists, links, images and alt text), then the
 * HTML importer. The style map names the styles Folio's DOCX export writes (and Word's usual ones):
 * Title, Quote, Source Code, Verbatim Char, Caption. Linked (external) files are never read.
 */
import mammoth from 'mammoth'
import { FolioError } from '../../../shared/errors'
import { CAPTION_CLASS } from './from-html'
import type { Warnings } from './doc-builder'

const STYLE_MAP = [
  "p[style-name='Title'] => h1:fresh",
  "p[style-name='Subtitle'] => h2:fresh",
  "p[style-name='Quote'] => blockquote > p:fresh",
  "p[style-name='Intense Quote'] => blockquote > p:fresh",
  "p[style-name='Source Code'] => pre:separator('\\n')",
  "p[style-name='Code'] => pre:separator('\\n')",
  "r[style-name='Verbatim Char'] => code",
  `p[style-name='Caption'] => p.${CAPTION_CLASS}:fresh`,
  `p[style-name='caption'] => p.${CAPTION_CLASS}:fresh`,
  'u => u',
  'strike => s',
]

/** Mammoth's notes that say nothing useful to a user (fields it skips; Folio writes the figure number itself). */
const NOISE = /w:fldSimple|unrecognised paragraph style|unrecognised run style/i

export async function docxToHtml(name: string, data: Uint8Array, warn: Warnings): Promise<string> {
  if (data.length < 4 || data[0] !== 0x50 || data[1] !== 0x4b || data[2] !== 0x03 || data[3] !== 0x04) {
    throw new FolioError('UNSUPPORTED_MEDIA', `${name} is not a DOCX file: a DOCX file is a ZIP archive, and this one is not.`)
  }
  let result: { value: string; messages: { type: string; message: string }[] }
  try {
    result = await mammoth.convertToHtml(
      { buffer: Buffer.from(data.buffer, data.byteOffset, data.byteLength) },
      { styleMap: STYLE_MAP, externalFileAccess: false, includeDefaultStyleMap: true },
    )
  } catch (e) {
    throw new FolioError('INVALID_INPUT', `${name} could not be read as a Word document: ${(e as Error).message}`)
  }
  for (const m of result.messages) if (!NOISE.test(m.message)) warn.add(`Word document: ${m.message}`)
  return result.value
}
