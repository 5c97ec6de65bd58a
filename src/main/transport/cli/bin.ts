import { runCli } from './main'

runCli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code
  },
  (e) => {
    process.stderr.write(`folio: internal error: ${(e as Error)?.stack ?? e}\n`)
    process.exitCode = 2
  },
)
