/** `folio articles export` and `folio articles import`, run in-process as a user would type them. */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { unzipSync } from 'fflate'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createServices } from '../../../src/main/app'
import { runCli } from '../../../src/main/transport/cli/main'
import { PNG_3x2, tempDir } from '../images/image-fixtures'

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = ''
  let err = ''
  const code = await runCli(argv, { out: { write: (s: string) => (out += s) }, err: { write: (s: string) => (err += s) } })
  return { code, out, err }
}

describe('folio articles export / import', () => {
  const tmp = tempDir()
  const data = join(tmp.path, 'data')
  let id: string
  let imageId: string

  beforeAll(async () => {
    const s = createServices({ dataDir: data, library: { workers: 1 } })
    try {
      imageId = (await s.router.call('images.import', { files: [{ name: 'blue.png', data: PNG_3x2 }] })).images[0].id
      id = (
        await s.router.call('articles.create', {
          title: '港口 Harbour',
          doc: {
            type: 'doc',
            content: [
              { type: 'paragraph', content: [{ type: 'text', text: 'Boats everywhere. 到处是船。' }] },
              { type: 'figure', attrs: { imageId, alt: 'Boats' }, content: [{ type: 'text', text: 'At dusk' }] },
            ],
          },
        })
      ).id
    } finally {
      await s.dispose()
    }
  })
  afterAll(() => tmp.cleanup())

  it('exports a Markdown bundle, and never overwrites it without --force', async () => {
    const file = join(tmp.path, 'out', 'harbour.zip')
    const first = await cli('articles', 'export', id, '--format', 'md-zip', '--out', file, '--data', data)
    expect(first).toEqual({ code: 0, out: `Exported to ${file}\n`, err: '' })
    expect(Object.keys(unzipSync(readFileSync(file))).sort()).toEqual(['article.md', 'images/blue.png'])

    writeFileSync(file, 'precious')
    const again = await cli('articles', 'export', id, '--format', 'md-zip', '--out', file, '--data', data)
    expect(again).toEqual({ code: 1, out: '', err: `folio: ${file} already exists; add --force to overwrite.\n` })
    expect(readFileSync(file, 'utf8')).toBe('precious')

    const forced = await cli('articles', 'export', id, '--format', 'md-zip', '--out', file, '--force', '--data', data)
    expect(forced.code).toBe(0)
    expect(readFileSync(file, 'utf8')).not.toBe('precious')
  })

  it('does not overwrite a different image beside a Markdown export either', async () => {
    const dir = join(tmp.path, 'md-out')
    mkdirSync(join(dir, 'images'), { recursive: true })
    writeFileSync(join(dir, 'images', 'blue.png'), 'someone else’s picture')
    const r = await cli('articles', 'export', id, '--format', 'md', '--out', join(dir, 'a.md'), '--data', data)
    expect(r.code).toBe(1)
    expect(r.err).toBe(`folio: ${join(dir, 'images', 'blue.png')} already exists; add --force to overwrite.\n`)
    expect(existsSync(join(dir, 'a.md'))).toBe(false)
  })

  it('exports DOCX and a Letter-size PDF; binary formats need --out', async () => {
    const noOut = await cli('articles', 'export', id, '--format', 'docx', '--data', data)
    expect(noOut).toEqual({ code: 1, out: '', err: 'folio: --out FILE is needed for --format docx (it is not text to print).\n' })

    const docx = join(tmp.path, 'h.docx')
    expect((await cli('articles', 'export', id, '--format', 'docx', '--out', docx, '--data', data)).code).toBe(0)
    expect(readFileSync(docx).subarray(0, 2).toString()).toBe('PK')

    const pdf = join(tmp.path, 'h.pdf')
    const r = await cli('articles', 'export', id, '--format', 'pdf', '--page', 'letter', '--out', pdf, '--json', '--data', data)
    expect(r.code).toBe(0)
    expect(JSON.parse(r.out)).toEqual({ path: pdf, format: 'pdf', images: [], warnings: [] })
    expect(execFileSync('pdfinfo', [pdf], { encoding: 'utf8' })).toMatch(/Page size:\s+612 x 792 pts \(letter\)/)
    expect(execFileSync('pdftotext', [pdf, '-'], { encoding: 'utf8' })).toContain('到处是船。')

    const badPage = await cli('articles', 'export', id, '--format', 'pdf', '--page', 'a3', '--out', pdf, '--data', data)
    expect(badPage).toEqual({ code: 1, out: '', err: 'folio: --page must be a4 or letter, not "a3".\n' })
  })

  it('imports a file and prints exactly {"articleId", "images", "warnings"} with --json', async () => {
    const dir = join(tmp.path, 'in')
    mkdirSync(dir, { recursive: true })
    writeFileSync(join(dir, 'pic.png'), PNG_3x2)
    writeFileSync(join(dir, 'post.md'), '# Imported 导入\n\n![Pic](pic.png "Cap")\n\n![Gone](nope.png)\n')
    const r = await cli('articles', 'import', join(dir, 'post.md'), '--json', '--data', data)
    expect(r.code).toBe(0)
    expect(r.err).toBe('')
    const out = JSON.parse(r.out) as Record<string, unknown>
    expect(Object.keys(out)).toEqual(['articleId', 'images', 'warnings'])
    // The same picture as the one already in the library: deduplicated to its id.
    expect(out).toEqual({ articleId: expect.stringMatching(/^art_/), images: [imageId], warnings: ['Image not found: nope.png — its alt text and caption were kept as text'] })

    const text = await cli('articles', 'import', join(dir, 'post.md'), '--data', data)
    expect(text.code).toBe(0)
    expect(text.out).toMatch(/^Imported "Imported 导入" as art_[0-9a-z]{12} \(1 image\)\n$/)
    expect(text.err).toBe('folio: warning: Image not found: nope.png — its alt text and caption were kept as text\n')
  })

  it('explains a file it cannot import and exits 1', async () => {
    const bad = join(tmp.path, 'bad.docx')
    writeFileSync(bad, 'not a zip')
    expect(await cli('articles', 'import', bad, '--data', data)).toEqual({
      code: 1,
      out: '',
      err: 'folio: bad.docx is not a DOCX file: a DOCX file is a ZIP archive, and this one is not.\n',
    })
    const missing = await cli('articles', 'import', join(tmp.path, 'nope.md'), '--data', data)
    expect(missing).toMatchObject({ code: 1, out: '' })
    expect(missing.err).toMatch(/^folio: No such file: /)
  })
})
