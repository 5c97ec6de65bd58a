/** `npm run -s folio -- <command>`: exit 0 success, 1 user error (message on stderr), 2 internal error. */
import { parseArgs } from 'node:util'
import { FolioError, isFolioError, toWireError } from '../../../shared/errors'
import { createServices, type FolioServices } from '../../app'
import { resolveDataDir } from '../../common/data-dir'
import { COMMANDS, findCommand, helpText, type ParsedArgs } from './commands'

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
  'MODEL_INVALID',
  'MODEL_TOO_LARGE',
  'NO_MODEL',
  'NO_VISION',
  'UNREACHABLE',
  'TIMEOUT',
  'UNAUTHORIZED',
])

/** Where the CLI writes; process.stdout/stderr by default, string buffers in tests. */
export interface CliIO {
  out: { write(s: string): unknown }
  err: { write(s: string): unknown }
}

type FlagOption = { type: 'string' | 'boolean'; multiple?: boolean }
const GLOBAL_FLAGS: Record<string, FlagOption> = { data: { type: 'string' }, json: { type: 'boolean' } }
/** A command's flag kind as a parseArgs option ('strings' repeats: `--image A --image B`). */
const flagOption = (t: 'string' | 'boolean' | 'strings'): FlagOption => (t === 'strings' ? { type: 'string', multiple: true } : { type: t })

/** Every flag any command knows, so that a flag's value is not mistaken for a command word. */
function allFlags(): Record<string, FlagOption> {
  const options = { ...GLOBAL_FLAGS }
  for (const c of COMMANDS) for (const [k, t] of Object.entries(c.flags ?? {})) options[k] = flagOption(t)
  return options
}

/** Command words: positionals, so `--data DIR articles list` finds `articles list`, not `DIR articles list`. */
function commandWords(argv: string[]): string[] {
  try {
    return parseArgs({ args: argv, options: allFlags(), allowPositionals: true, strict: false }).positionals
  } catch {
    return argv.filter((a) => !a.startsWith('-'))
  }
}

export async function runCli(argv: string[], io: CliIO = { out: process.stdout, err: process.stderr }): Promise<number> {
  const words = commandWords(argv)
  if (argv.length === 0 || words[0] === 'help' || argv.includes('--help') || argv.includes('-h')) {
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
    const options: Record<string, FlagOption> = { ...GLOBAL_FLAGS }
    for (const [k, t] of Object.entries(cmd.flags ?? {})) options[k] = flagOption(t)
    const r = parseArgs({ args: argv, options, allowPositionals: true, strict: true })
    parsed = { positionals: r.positionals.slice(cmd.path.length), flags: r.values as ParsedArgs['flags'], io }
  } catch (e) {
    io.err.write(`folio: ${(e as Error).message}\nUsage: npm run -s folio -- ${cmd.usage}\n`)
    return 1
  }
  const json = parsed.flags.json === true
  let services: FolioServices | null = null
  // First Ctrl-C stops the command cleanly (a download pauses, a generation stops); a second one quits.
  const ac = new AbortController()
  parsed.signal = ac.signal
  const onSigint = () => {
    if (ac.signal.aborted) process.exit(130)
    ac.abort()
  }
  process.on('SIGINT', onSigint)
  try {
    services = createServices({ dataDir: resolveDataDir({ flag: parsed.flags.data as string | undefined }) })
    const { json: doc, text } = await cmd.run(services, parsed)
    if (json) io.out.write(`${JSON.stringify(doc)}\n`)
    else if (text !== null) io.out.write(`${text}\n`)
    return 0
  } catch (e) {
    const w = isFolioError(e) ? e.toWire() : toWireError(e)
    const user = USER_ERRORS.has(w.code)
    io.err.write(`folio: ${w.message}\n`)
    if (!user && !(e instanceof FolioError) && process.env.FOLIO_DEBUG) io.err.write(`${(e as Error)?.stack}\n`)
    return user ? 1 : 2
  } finally {
    process.off('SIGINT', onSigint)
    await services?.dispose()
  }
}
