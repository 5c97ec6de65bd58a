/** `folio compose …` — the whole interleaved composition from the command line (a public interface: keep flags and JSON stable). */
import { readFileSync } from 'node:fs'
import { extname } from 'node:path'
import type { Input, Output, Progress } from '../../../shared/api'
import { FolioError } from '../../../shared/errors'
import type { CliCommand } from './commands'
import { int } from './args'

function images(v: unknown): 'auto' | number {
  if (v === undefined || v === 'auto') return 'auto'
  const n = Number(v)
  if (!Number.isInteger(n) || n < 1 || n > 15) throw new FolioError('INVALID_INPUT', '--images must be "auto" or a number from 1 to 15.')
  return n
}

function lang(v: unknown): 'auto' | 'en' | 'zh' {
  if (v === undefined) return 'auto'
  if (v === 'auto' || v === 'en' || v === 'zh') return v
  throw new FolioError('INVALID_INPUT', '--lang must be auto, en or zh.')
}

/** The export format for `--out`, from the file's extension. */
export function formatForOut(file: string): string {
  const ext = extname(file).toLowerCase()
  const byExt: Record<string, string> = { '.md': 'md', '.markdown': 'md', '.html': 'html', '.htm': 'html', '.zip': 'md-zip', '.docx': 'docx', '.pdf': 'pdf' }
  const f = byExt[ext]
  if (!f) throw new FolioError('INVALID_INPUT', `--out must end in .md or .html (got "${ext || file}").`)
  return f
}

const STAGE_NAMES: Record<string, string> = {
  writing: 'Writing',
  spotting: 'Finding places for images',
  captioning: 'Writing captions',
  selecting: 'Choosing images',
  saving: 'Saving',
}

export const COMPOSE_COMMANDS: CliCommand[] = [
  {
    path: ['compose'],
    usage: 'compose "<instruction>" [--images auto|N] [--lang auto|en|zh] [--use-images ID,...] [--no-select] [--out FILE.md|.html]',
    summary: 'Write an illustrated article from your library (--json: {articleId, sections, spots, stats})',
    flags: {
      images: 'string',
      lang: 'string',
      'use-images': 'string',
      'no-select': 'boolean',
      out: 'string',
      force: 'boolean',
      words: 'string',
      tone: 'string',
      source: 'string',
      seed: 'string',
    },
    async run(s, a) {
      const json = a.flags.json === true
      const instruction = a.positionals.join(' ').trim()
      if (!instruction) throw new FolioError('INVALID_INPUT', 'Missing the instruction, e.g. folio compose "An article about the history of the bicycle".')
      const out = typeof a.flags.out === 'string' ? a.flags.out : undefined
      const format = out ? formatForOut(out) : undefined
      const pick = typeof a.flags['use-images'] === 'string' ? a.flags['use-images'].split(',').map((x) => x.trim()).filter(Boolean) : []
      let source: string | undefined
      if (typeof a.flags.source === 'string') {
        try {
          source = readFileSync(a.flags.source, 'utf8')
        } catch (e) {
          throw new FolioError('NOT_FOUND', `Cannot read --source ${a.flags.source}: ${(e as Error).message}`)
        }
      }
      const input: Input<'compose.run'> = {
        instruction,
        source,
        lang: lang(a.flags.lang),
        images: images(a.flags.images),
        imageSource: pick.length ? 'picked' : 'library',
        pick,
        select: a.flags['no-select'] !== true,
        words: int(a.flags.words, '--words'),
        tone: a.flags.tone as Input<'compose.run'>['tone'],
        seed: int(a.flags.seed, '--seed'),
      }
      let stage = ''
      const result: Output<'compose.run'> = await s.router.call('compose.run', input, {
        signal: a.signal,
        onProgress: (raw) => {
          const p = raw as Progress<'compose.run'>
          if (json) return
          if (p.stage === 'writing' && p.token !== undefined) {
            a.io?.out.write(p.token)
            return
          }
          if (p.stage !== stage) {
            if (stage === 'writing') a.io?.out.write('\n')
            stage = p.stage
            a.io?.err.write(`${STAGE_NAMES[p.stage] ?? p.stage}…\n`)
          }
        },
      })
      if (out && format) {
        const { findCommand } = await import('./commands')
        const exporter = findCommand(['articles', 'export'])!.cmd
        const written = await exporter.run(s, { positionals: [result.articleId], flags: { format, out, force: a.flags.force }, signal: a.signal, io: a.io })
        a.io?.err.write(`${written.text ?? ''}\n`)
      }
      const lines = [
        `Article ${result.articleId}: ${result.sections.length} sections, ${result.spots.length} images`,
        ...result.spots.map((sp) => `  after section ${sp.section + 1}: ${sp.chosen ?? '(no matching image)'}  ${sp.caption}`),
        `Time ${(result.stats.totalMs / 1000).toFixed(1)} s, ${(result.stats.overheadShare * 100).toFixed(1)} % outside the model`,
      ]
      return { json: result, text: lines.join('\n') }
    },
  },
]
