/** `folio diagnostics [--json]` — the same report as the app's "Copy diagnostics" button. */
import { diagnosticsMarkdown } from '../../../shared/diagnostics-api'
import type { CliCommand } from './commands'

export const DIAGNOSTICS_COMMANDS: CliCommand[] = [
  {
    path: ['diagnostics'],
    usage: 'diagnostics',
    summary: 'Versions, machine, backend, models, library counts, settings and recent log lines for a bug report (no secrets)',
    async run(s) {
      const report = await s.router.call('app.diagnostics', {})
      return { json: report, text: diagnosticsMarkdown(report).trimEnd() }
    },
  },
]
