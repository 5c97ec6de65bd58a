import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createServices } from '../../../src/main/app'
import { runCli } from '../../../src/main/transport/cli/main'
import type { Article, ArticleSummary } from '../../../src/shared/api'
import { PNG_3x2, tempDir } from '../images/image-fixtures'

const ROOT = join(import.meta.dirname, '..', '..', '..')

/** Runs the CLI in-process, capturing what it writes. */
async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = ''
  let err = ''
  const code = await runCli(argv, { out: { write: (s: string) => (out += s) }, err: { write: (s: string) => (err += s) } })
  return { code, out, err }
}

/** Runs the real command, as a user would. */
function npmFolio(args: string[], env: NodeJS.ProcessEnv = {}): { code: number | null; out: string; err: string } {
  const r = spawnSync('npm', ['run', '-s', 'folio', '--', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, FOLIO_DATA_DIR: '', ...env },
    timeout: 60_000,
  })
  if (r.error) throw r.error
  return { code: r.status, out: r.stdout, err: r.stderr }
}

describe('folio CLI', () => {
  const tmp = tempDir()
  const data = join(tmp.path, 'data')
  let withFigure: Article
  let plain: Article
  let imageId: string
  let sha256: string

  beforeAll(async () => {
    const s = createServices({ dataDir: data, articles: { now: () => Date.UTC(2025, 5, 1) } })
    try {
      const imported = await s.router.call('images.import', { files: [{ name: 'blue.png', data: PNG_3x2 }] })
      imageId = imported.images[0].id
      sha256 = imported.images[0].sha256
      withFigure = await s.router.call('articles.create', {
        title: 'Harbour walk',
        doc: {
          type: 'doc',
          content: [
            { type: 'paragraph', content: [{ type: 'text', text: 'Boats everywhere.' }] },
            { type: 'figure', attrs: { imageId, alt: 'Boats' }, content: [{ type: 'text', text: 'At dusk' }] },
          ],
        },
      })
      plain = await s.router.call('articles.create', { title: 'Plain note' })
    } finally {
      s.dispose()
    }
  })
  afterAll(() => tmp.cleanup())

  it('the real command prints exactly one JSON document for articles list --json', () => {
    const r = npmFolio(['articles', 'list', '--json', '--data', data])
    expect(r.err).toBe('')
    expect(r.code).toBe(0)
    expect(r.out.endsWith('}\n')).toBe(true)
    expect(r.out.trimEnd().split('\n')).toHaveLength(1)
    const parsed = JSON.parse(r.out) as { articles: ArticleSummary[] }
    expect(Object.keys(parsed)).toEqual(['articles'])
    expect(parsed.articles.map((a) => a.id).sort()).toEqual([withFigure.id, plain.id].sort())
    expect(parsed.articles.find((a) => a.id === withFigure.id)).toMatchObject({ title: 'Harbour walk', wordCount: 4 })
  })

  it('the real command honours FOLIO_DATA_DIR when --data is absent', () => {
    const r = npmFolio(['articles', 'list', '--json'], { FOLIO_DATA_DIR: data })
    expect(r.code).toBe(0)
    expect((JSON.parse(r.out) as { articles: unknown[] }).articles).toHaveLength(2)
  })

  it('the real command exits 1 with the message on stderr for an unknown id', () => {
    const r = npmFolio(['articles', 'show', 'art_000000000000', '--data', data])
    expect(r.code).toBe(1)
    expect(r.out).toBe('')
    expect(r.err).toBe('folio: No article art_000000000000.\n')
  })

  it('articles list prints a table, most recent first', async () => {
    const r = await cli('articles', 'list', '--data', data)
    expect(r.code).toBe(0)
    expect(r.err).toBe('')
    expect(r.out).toContain(`${withFigure.id}  2025-06-01 00:00       4 words  Harbour walk`)
    expect(r.out).toContain(`${plain.id}  2025-06-01 00:00       0 words  Plain note`)
  })

  it('accepts the global flags before the command', async () => {
    const r = await cli('--data', data, '--json', 'articles', 'list')
    expect(r.err).toBe('')
    expect(r.code).toBe(0)
    expect((JSON.parse(r.out) as { articles: unknown[] }).articles).toHaveLength(2)
  })

  it('articles show --json returns the stored article', async () => {
    const r = await cli('articles', 'show', withFigure.id, '--json', '--data', data)
    expect(r.code).toBe(0)
    const art = JSON.parse(r.out) as Article
    expect(art).toEqual(withFigure)
  })

  it('articles show prints Markdown', async () => {
    const r = await cli('articles', 'show', withFigure.id, '--data', data)
    expect(r.code).toBe(0)
    expect(r.out).toBe(`# Harbour walk\n\nBoats everywhere.\n\n![Boats](folio-image:${imageId} "At dusk")\n`)
  })

  it('articles export --format md --out writes the file and copies the image beside it', async () => {
    const file = join(tmp.path, 'out', 'a.md')
    const r = await cli('articles', 'export', withFigure.id, '--format', 'md', '--out', file, '--data', data)
    expect(r.err).toBe('')
    expect(r.code).toBe(0)
    expect(r.out).toBe(`Exported to ${file} (+1 image)\n`)
    const md = readFileSync(file, 'utf8')
    expect(md).toContain('![Boats](images/blue.png "At dusk")')
    const copied = join(tmp.path, 'out', 'images', 'blue.png')
    expect(new Uint8Array(readFileSync(copied))).toEqual(PNG_3x2)
    expect(existsSync(join(data, 'images', sha256.slice(0, 2), `${sha256}.png`))).toBe(true)
  })

  it('articles export --format html --images folder --out --json reports what it wrote', async () => {
    const file = join(tmp.path, 'html-out', 'page.html')
    const r = await cli('articles', 'export', withFigure.id, '--format', 'html', '--images', 'folder', '--out', file, '--json', '--data', data)
    expect(r.code).toBe(0)
    const copied = join(tmp.path, 'html-out', 'images', 'blue.png')
    expect(JSON.parse(r.out)).toEqual({ path: file, format: 'html', images: [copied], warnings: [] })
    expect(readFileSync(file, 'utf8')).toContain('<img src="images/blue.png" alt="Boats">')
    expect(new Uint8Array(readFileSync(copied))).toEqual(PNG_3x2)
  })

  it('articles export without --out prints the content', async () => {
    const r = await cli('articles', 'export', plain.id, '--format', 'md', '--data', data)
    expect(r.code).toBe(0)
    expect(r.out).toBe('# Plain note\n')
  })

  it('an unknown id exits 1 with the message on stderr and nothing on stdout', async () => {
    for (const argv of [
      ['articles', 'show', 'art_000000000000'],
      ['articles', 'export', 'art_000000000000', '--format', 'md'],
      ['versions', 'list', 'art_000000000000', '--json'],
    ]) {
      const r = await cli(...argv, '--data', data)
      expect(r.code, argv.join(' ')).toBe(1)
      expect(r.out).toBe('')
      expect(r.err).toBe('folio: No article art_000000000000.\n')
    }
  })

  it('invalid arguments exit 1 naming the problem', async () => {
    const badId = await cli('articles', 'show', 'nope', '--data', data)
    expect(badId).toMatchObject({ code: 1, out: '' })
    expect(badId.err).toContain('not an article id')

    const badFormat = await cli('articles', 'export', plain.id, '--format', 'rtf', '--data', data)
    expect(badFormat).toMatchObject({ code: 1, out: '' })
    expect(badFormat.err).toContain('format')

    const missing = await cli('articles', 'show', '--data', data)
    expect(missing).toMatchObject({ code: 1, out: '', err: 'folio: Missing article id.\n' })
  })

  it('an unknown command exits 1', async () => {
    const r = await cli('articles', 'frobnicate', '--data', data)
    expect(r.code).toBe(1)
    expect(r.out).toBe('')
    expect(r.err).toContain('unknown command "articles frobnicate"')
  })

  it('an unknown flag exits 1 with the usage', async () => {
    const r = await cli('articles', 'list', '--colour', '--data', data)
    expect(r.code).toBe(1)
    expect(r.out).toBe('')
    expect(r.err).toContain("Unknown option '--colour'")
    expect(r.err).toContain('Usage: npm run -s folio -- articles list')
  })

  it('help prints the commands and exits 0; no arguments exits 1', async () => {
    const help = await cli('help')
    expect(help.code).toBe(0)
    expect(help.out).toContain('articles export <id> --format md-zip|md|html|html-zip|docx|pdf [--out FILE] [--force]')
    expect(help.out).toContain('articles import <FILE>')
    expect((await cli()).code).toBe(1)
  })

  it('a corrupt database exits 1 saying it is not a SQLite database, and is left alone', async () => {
    const broken = join(tmp.path, 'broken')
    await cli('articles', 'list', '--data', broken) // creates the folder layout
    const db = join(broken, 'folio.db')
    writeFileSync(db, 'I am a shopping list, not a database.\n')
    const r = await cli('articles', 'list', '--json', '--data', broken)
    expect(r.code).toBe(1)
    expect(r.out).toBe('')
    expect(r.err).toContain('is not a SQLite database')
    expect(readFileSync(db, 'utf8')).toBe('I am a shopping list, not a database.\n')
  })

  it('an unusable data folder exits 1 with a clear message', async () => {
    const file = join(tmp.path, 'a-file')
    writeFileSync(file, 'x')
    const r = await cli('articles', 'list', '--data', join(file, 'data'))
    expect(r.code).toBe(1)
    expect(r.err).toContain(`${file} is a file, not a folder`)
  })

  it('create, trash and restore round-trip through the CLI', async () => {
    const data = join(tmp.path, 'round-trip')
    const created = await cli('articles', 'create', '--title', 'From the shell', '--data', data)
    expect(created.code).toBe(0)
    const id = created.out.trim()
    expect(id).toMatch(/^art_[0-9a-z]{12}$/)
    expect((await cli('articles', 'trash', id, '--data', data)).out).toBe(`Moved to trash: From the shell (${id})\n`)
    const trash = JSON.parse((await cli('articles', 'list', '--trash', '--json', '--data', data)).out) as { articles: ArticleSummary[] }
    expect(trash.articles.map((a) => a.id)).toEqual([id])
    expect((await cli('articles', 'restore', id, '--data', data)).code).toBe(0)
    const live = JSON.parse((await cli('articles', 'list', '--json', '--data', data)).out) as { articles: ArticleSummary[] }
    expect(live.articles.map((a) => a.id)).toEqual([id])
  })
})
