/// <reference lib="dom" />
/**
 * Serve-mode cold start to an interactive editor: spawn the server, then open the app in a fresh
 * chromium context (the browser itself is already running, as a person's would be) and stop the clock
 * when the most recent article (2,000 words) is in an editable editor. Reported split: process start →
 * listening (the "Folio is running at" line), and page load → editable. Measured for `npm run serve`
 * (what the README tells people to run: npm, the build freshness check, then the bundled server in the
 * same process) and for the bundled entry `out/main/serve.js` started directly with Node. 3 runs each (1 with --quick), medians. Target < 1.5 s.
 */
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { performance } from 'node:perf_hooks'
import type { Browser } from 'playwright-core'
import { launchChromium } from '../helpers/browser'
import { startServe } from '../helpers/serve-process'
import { tmpDir } from '../helpers/tmp'
import { ensureRendererBuilt } from './renderer-build'
import { median, type BenchContext, type Metric, type SectionOutput } from './report'
import { editableAt, initScript, prepareAppData, watchEditable } from './serve-app'

const WORDS = 2000
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')

export interface ColdStartRun {
  /** spawn → the "Folio is running at" line. */
  listenMs: number
  /** page.goto (login URL, token redirect, bundle, WebSocket, first calls) → editable, measured from Node. */
  pageMs: number
  /** The page's own clock: navigation start → editable. */
  pageEditableAtMs: number
  totalMs: number
}

export interface ColdStartResult {
  npm: ColdStartRun[]
  node: ColdStartRun[]
  median: { npm: ColdStartRun; node: ColdStartRun }
}

async function once(browser: Browser, data: string, viaNpm: boolean): Promise<ColdStartRun> {
  const t0 = performance.now()
  // Without npm: the bundled entry `npm run serve` starts, run by Node directly (as a launcher or service would).
  const serve = await startServe(['--port', '0', '--data', data], viaNpm ? { viaNpm } : { entry: join(ROOT, 'out', 'main', 'serve.js') })
  const listening = performance.now()
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
  try {
    const page = await context.newPage()
    await page.addInitScript(initScript(watchEditable))
    const t1 = performance.now()
    await page.goto(serve.loginUrl, { waitUntil: 'commit' })
    const at = await editableAt(page)
    const done = performance.now()
    return { listenMs: listening - t0, pageMs: done - t1, pageEditableAtMs: at, totalMs: done - t0 }
  } finally {
    await context.close()
    await serve.stop()
  }
}

function medianRun(runs: ColdStartRun[]): ColdStartRun {
  const m = (k: keyof ColdStartRun) => median(runs.map((r) => r[k]))
  return { listenMs: m('listenMs'), pageMs: m('pageMs'), pageEditableAtMs: m('pageEditableAtMs'), totalMs: m('totalMs') }
}

export async function benchColdStart(ctx: BenchContext): Promise<SectionOutput<ColdStartResult>> {
  ensureRendererBuilt()
  const runs = ctx.args[0] ?? (ctx.quick ? 1 : 3)
  const dir = tmpDir('folio-bench-cold-')
  const data = join(dir.path, 'data')
  await prepareAppData(data, WORDS)
  const browser = await launchChromium()
  try {
    // One start first, not counted: the OS file cache is warm in real use too.
    await once(browser, data, false)
    const npm: ColdStartRun[] = []
    const node: ColdStartRun[] = []
    for (let i = 0; i < runs; i++) {
      npm.push(await once(browser, data, true))
      node.push(await once(browser, data, false))
    }
    const result: ColdStartResult = { npm, node, median: { npm: medianRun(npm), node: medianRun(node) } }
    const row = (name: string, r: ColdStartRun) =>
      `${name.padEnd(34)}${r.listenMs.toFixed(0).padStart(10)}${r.pageMs.toFixed(0).padStart(10)}${r.pageEditableAtMs.toFixed(0).padStart(12)}${r.totalMs.toFixed(0).padStart(9)}`
    console.log(`\nServe-mode cold start → editable editor (${WORDS}-word article; ms, median of ${runs})`)
    console.log(`${''.padEnd(34)}${'listening'.padStart(10)}${'page'.padStart(10)}${'(page clock)'.padStart(12)}${'total'.padStart(9)}`)
    console.log(row('npm run serve', result.median.npm))
    console.log(row('node out/main/serve.js', result.median.node))
    const metrics: Metric[] = [
      { name: 'cold start → editable (npm run serve)', value: result.median.npm.totalMs, unit: 'ms', target: { op: '<', value: 1500 } },
      { name: '  process start → listening (npm run serve)', value: result.median.npm.listenMs, unit: 'ms' },
      { name: '  page load → editable', value: result.median.npm.pageMs, unit: 'ms' },
      { name: 'cold start → editable (node out/main/serve.js)', value: result.median.node.totalMs, unit: 'ms', target: { op: '<', value: 1500 } },
      { name: '  process start → listening (node out/main/serve.js)', value: result.median.node.listenMs, unit: 'ms' },
    ]
    return { result, metrics }
  } finally {
    await browser.close()
    dir.cleanup()
  }
}
