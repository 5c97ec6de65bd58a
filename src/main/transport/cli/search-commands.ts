/** `folio search "<query>" [--limit N] [--exclude ID,...] [--json]` — the library's hybrid search. */
import { FolioError } from '../../../shared/errors'
import type { CliCommand } from './commands'

export const SEARCH_COMMANDS: CliCommand[] = [
  {
    path: ['search'],
    usage: 'search "<query>" [--limit N] [--exclude ID,...]',
    summary: 'Search the image library (English or Chinese); best match first',
    flags: { limit: 'string', exclude: 'string' },
    async run(s, a) {
      const query = a.positionals.join(' ').trim()
      if (!query) throw new FolioError('INVALID_INPUT', 'Missing the search text, e.g. folio search "red bicycle".')
      let limit: number | undefined
      if (a.flags.limit !== undefined) {
        limit = Number(a.flags.limit)
        if (!Number.isInteger(limit) || limit < 1) throw new FolioError('INVALID_INPUT', '--limit must be a positive integer.')
      }
      const exclude =
        typeof a.flags.exclude === 'string'
          ? a.flags.exclude
              .split(',')
              .map((x) => x.trim())
              .filter(Boolean)
          : []
      const out = await s.router.call('library.search', { query, limit, exclude })
      const results = out.results.map((r) => ({ id: r.id, path: r.path, caption: r.caption, score: r.score }))
      const text = results.length
        ? results.map((r) => `${r.id}  ${r.score.toFixed(4)}  ${r.caption ?? '(no caption)'}  ${r.path}`).join('\n')
        : 'No matching images.'
      return { json: { results }, text }
    },
  },
]
