/** `folio caption [--all|--pending] [--json]` — runs the captioning queue in the foreground. */
import { FolioError } from '../../../shared/errors'
import type { CliCommand } from './commands'

function bar(done: number, total: number, id: string): string {
  const width = 30
  const frac = total > 0 ? Math.min(1, done / total) : 1
  return `[${'#'.repeat(Math.round(frac * width)).padEnd(width, '.')}] ${done}/${total}  ${id}`.padEnd(80)
}

export const CAPTION_COMMANDS: CliCommand[] = [
  {
    path: ['caption'],
    usage: 'caption [--all|--pending]',
    summary:
      'Caption library images with the vision model until none is pending (--all: re-caption all but user-edited; ' +
      '--json: {"captioned": n, "failed": [{"id", "reason"}], "skipped": n})',
    flags: { all: 'boolean', pending: 'boolean' },
    async run(s, a) {
      if (a.flags.all === true && a.flags.pending === true) throw new FolioError('INVALID_INPUT', 'Give --all or --pending, not both.')
      const json = a.flags.json === true
      const err = a.io?.err
      let drew = false
      const report = await s.captions.runForeground({
        all: a.flags.all === true,
        signal: a.signal,
        onProgress: json
          ? undefined
          : ({ done, total, id }) => {
              drew = true
              err?.write(`\r${bar(done, total, id)}`)
            },
      })
      if (drew) err?.write('\n')
      const stopped = a.signal?.aborted ? ' Stopped; the rest stays pending.' : ''
      const text = [
        `Captioned ${report.captioned}, failed ${report.failed.length}, skipped (edited by you) ${report.skipped}.${stopped}`,
        ...report.failed.map((f) => `  ! ${f.id}: ${f.reason}`),
      ].join('\n')
      return { json: report, text }
    },
  },
]
