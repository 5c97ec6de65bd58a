/**
 * `npm run bench [-- [--quick] [section [n…]]]`: measured numbers, not pass/fail. Every section runs
 * by default (about 10 minutes on 2 cores); the report goes to `bench-report.json` (each section's full
 * result and headline metrics; a one-section run updates its part) and one summary table is printed
 * at the end. `--quick` uses smaller sizes and fewer runs. Sections:
 *
 *   storage        autosave/open/list costs and the serve-mode WebSocket round trip
 *   inference      Folio vs bare node-llama-cpp vs llama-bench on the ~100M fixture (tok/s, TTFT)
 *   library [n…]   search p50/p95 at 10k and 100k images (`library 1000000` for 1M, ~3 min to build)
 *   import [n]     import throughput of 12 MP JPEGs through the real importer
 *   compose        composition: Folio's own share of the time
 *   editor-stream  a 500 tokens/s stream into the editor in chromium: long tasks, frames
 *   typing [n]     keystroke → paint on a 50,000-word article in chromium
 *   cold-start [n] serve mode: process start → listening → editable editor
 */
import { performance } from 'node:perf_hooks'
import { relative } from 'node:path'
import { ROOT } from '../helpers/serve-process'
import { machineCheck, REPORT_PATH, summaryTable, writeReport, type BenchContext, type BenchSection, type SectionRecord } from './report'

const SECTIONS: BenchSection[] = [
  { name: 'storage', summary: 'storage and transport', run: async (ctx) => (await import('./storage')).benchStorage(ctx) },
  { name: 'inference', summary: 'inference overhead', run: async (ctx) => (await import('./inference')).benchInference(ctx) },
  { name: 'library', summary: 'library search', run: async (ctx) => (await import('./library')).benchLibrarySection(ctx) },
  { name: 'import', summary: 'import throughput', run: async (ctx) => (await import('./import')).benchImport(ctx) },
  { name: 'compose', summary: 'composition overhead', run: async (ctx) => (await import('./compose')).benchCompose(ctx) },
  { name: 'editor-stream', summary: 'editor streaming', run: async () => (await import('./editor-stream')).benchEditorStreamSection() },
  { name: 'typing', summary: 'typing latency', run: async (ctx) => (await import('./editor-typing')).benchTyping(ctx) },
  { name: 'cold-start', summary: 'serve-mode cold start', run: async (ctx) => (await import('./cold-start')).benchColdStart(ctx) },
]

async function main(): Promise<number> {
  const argv = process.argv.slice(2)
  const quick = argv.includes('--quick')
  const words = argv.filter((a) => !a.startsWith('--'))
  const only = words[0]
  const chosen = only ? SECTIONS.filter((s) => s.name === only) : SECTIONS
  if (chosen.length === 0) {
    console.error(`Unknown section "${only}". Sections: ${SECTIONS.map((s) => s.name).join(', ')}`)
    return 1
  }
  const ctx: BenchContext = { quick, args: words.slice(1).map(Number).filter((n) => n > 0), all: !only }
  const records: Record<string, SectionRecord> = {}
  const t0 = performance.now()
  const nodeStartMs = machineCheck()
  console.log(`Machine check: \`node -e 0\` takes ${nodeStartMs} ms (this build machine: ~75 ms in a quiet hour, ~150 ms in a slow one)`)
  // `library 1000000` is recorded apart from the default `library`, so an opt-in size keeps its own numbers.
  const key = (name: string) => [name, ...ctx.args].join(' ')
  for (const section of chosen) {
    const name = key(section.name)
    const started = performance.now()
    const startedAt = new Date().toISOString()
    try {
      const out = await section.run(ctx)
      records[name] = { startedAt, seconds: (performance.now() - started) / 1000, quick, nodeStartMs, metrics: out.metrics, result: out.result }
    } catch (e) {
      // One broken section must not cost the others' numbers.
      console.error(`\n${section.name} failed: ${(e as Error)?.stack ?? String(e)}`)
      records[name] = { startedAt, seconds: (performance.now() - started) / 1000, quick, nodeStartMs, metrics: [], error: String((e as Error)?.message ?? e) }
    }
    console.log(`(${name}: ${records[name].seconds.toFixed(0)} s)`)
  }
  writeReport(records)
  console.log(`\nSummary${quick ? ' (--quick)' : ''} — ${((performance.now() - t0) / 1000).toFixed(0)} s\n`)
  console.log(summaryTable(records, chosen.map((s) => key(s.name))))
  console.log(`\nReport: ${relative(ROOT, REPORT_PATH) || REPORT_PATH} (${REPORT_PATH})`)
  return Object.values(records).some((r) => r.error) ? 1 : 0
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e)
    process.exit(1)
  },
)
