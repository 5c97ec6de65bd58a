/** `folio import …` — the CLI face of the image library importer. */
import type { Output } from '../../../shared/api'
import { FolioError } from '../../../shared/errors'
import type { CliCommand } from './commands'

type Report = Output<'library.importPaths'>

function progressLine(done: number, total: number, eta: number | null, file: string): string {
  const width = 30
  const frac = total > 0 ? Math.min(1, done / total) : 0
  const bar = '#'.repeat(Math.round(frac * width)).padEnd(width, '.')
  const name = file.length > 40 ? `…${file.slice(-39)}` : file
  return `[${bar}] ${done}/${total}${eta === null ? '' : ` ETA ${eta} s`}  ${name}`.padEnd(100)
}

function reportText(r: Report): string {
  const lines = [
    `Imported ${r.imported.length}, duplicates ${r.duplicates.length}, rejected ${r.rejected.length}.`,
    ...r.imported.map((i) => `  + ${i.id}  ${i.path}`),
    ...r.duplicates.map((d) => `  = ${d.id}  ${d.path} (already in the library)`),
    ...r.rejected.map((x) => `  ! ${x.path}: ${x.reason}`),
  ]
  return lines.join('\n')
}

export const LIBRARY_COMMANDS: CliCommand[] = [
  {
    path: ['import'],
    usage: 'import <paths...>',
    summary: 'Import image files and folders into the library (--json: {"imported", "duplicates", "rejected"})',
    async run(s, a) {
      if (!a.positionals.length) throw new FolioError('INVALID_INPUT', 'Give one or more files or folders to import.')
      const json = a.flags.json === true
      const err = a.io?.err
      const out: Report = await s.router.call(
        'library.importPaths',
        { paths: a.positionals },
        {
          signal: a.signal,
          onProgress: json
            ? undefined
            : (p) => {
                const q = p as { done: number; total: number; etaSeconds: number | null; file: string }
                err?.write(`\r${progressLine(q.done, q.total, q.etaSeconds, q.file)}`)
              },
        },
      )
      if (!json) err?.write('\n')
      const doc = { imported: out.imported, duplicates: out.duplicates, rejected: out.rejected }
      if (!out.imported.length && !out.duplicates.length) {
        // Nothing usable: the report still goes to stdout, and the exit status says so (1).
        a.io?.out.write(json ? `${JSON.stringify(doc)}\n` : `${reportText(out)}\n`)
        throw new FolioError(
          'INVALID_INPUT',
          out.rejected.length ? `Nothing was imported: ${out.rejected.length} file(s) rejected.` : 'No files found to import.',
        )
      }
      return { json: doc, text: reportText(out) }
    },
  },
]
