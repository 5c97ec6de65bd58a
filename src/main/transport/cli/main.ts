/** `npm run -s folio -- <command>`: exit 0 success, 1 user error (message on stderr), 2 internal error. */
import { parseArgs } from 'node:util'
import { FolioError, isFolioError, toWireError } from '../../../shared/errors'
import { createServices, type FolioServices } from '../../app'
import { resolveDataDir } from '../../common/data-dir'
import { findCommand, helpText, type ParsedArgs } from './commands'

const USER_ERRORS = new Set([
  'INVALID_INPUT',
  'INVALID_JSON',
  'NOT_FOUND',
  'CONFLICT',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA',
  'DB_CORRUPT',
  'DB_TOO_NEW',
  'DB_LOCKED',
  'READ_ONLY',
  'DISK_FULL',
  'CANCELLED',
])

export async function runCli(argv: string[], io = { out: process.stdout, err: process.stderr }): Promise<number> {
  const words = argv.filter((a) => !a.startsWith('-'))
  if (argv.length === 0 || argv[0] === 'help' || argv.includes('--help') || argv.includes('-h')) {
    io.out.write(`${helpText()}\n`)
    return argv.length === 0 ? 1 : 0
  }
  const found = findCommand(words)
  if (!found) {
    io.err.write(`folio: unknown command "${words.join(' ')}". Run "npm run -s folio -- help".\n`)
    return 1
  }
  const { cmd } = found
  let parsed: ParsedArgs
  try {
    const options: Record<string, { type: 'string' | 'boolean' }> = { data: { type: 'string' }, json: { type: 'boolean' } }
    for (const [k, t] of Object.entries(cmd.flags ?? {})) options[k] = { type: t }
    const r = parseArgs({ args: argv, options, allowPositionals: true, strict: true })
    parsed = { positionals: r.positionals.slice(cmd.path.length), flags: r.values as ParsedArgs['flags'] }
  } catch (e) {
    io.err.write(`folio: ${(e as Error).message}\nUsage: npm run -s folio -- ${cmd.usage}\n`)
    return 1
  }
  const json = parsed.flags.json === true
  let services: FolioServices | null = null
  try {
    services = createServices({ dataDir: resolveDataDir({ flag: parsed.flags.data as string | undefined }) })
    const { json: doc, text } = await cmd.run(services, parsed)
    io.out.write(json ? `${JSON.stringify(doc)}\n` : `${text}\n`)
    return 0
  } catch (e) {
    const w = isFolioError(e) ? e.toWire() : toWireError(e)
    const user = USER_ERRORS.has(w.code)
    io.err.write(`folio: ${w.message}\n`)
    if (!user && !(e instanceof FolioError) && process.env.FOLIO_DEBUG) io.err.write(`${(e as Error)?.stack}\n`)
    return user ? 1 : 2
  } finally {
    services?.dispose()
  }
}
