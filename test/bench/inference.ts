/**
 * Inference benchmark (prints numbers; not pass/fail). On the ~100M-parameter F16 'bench' fixture,
 * same threads and context size everywhere:
 *
 *   (a) Folio's NodeLlamaEngine.generate vs a bare node-llama-cpp LlamaChatSession with the same
 *       chat wrapper, sampling settings and prompts: generation tokens/s (median), their ratio
 *       (target ≥ 0.97) and the time-to-first-token overhead (target < 20 ms).
 *   (b) vs llama-bench built from the same bundled llama.cpp source (`-p 0 -n 64`): tg tokens/s
 *       ratio (target ≥ 0.95). Skipped when llama-bench is not built.
 *
 * Timing: TTFT from the call to the first streamed piece, measured outside both engines; generation
 * speed as (tokens − 1) / (last token − first token) at the token callback (llama-bench's tg
 * definition). Runs alternate between the two engines after a warm-up; every run starts with a
 * different first line so neither side reuses a cached prompt prefix. The machine is shared, so
 * each run records how much CPU other processes used; medians use the quiet run pairs when there
 * are ≥ 3. Runs at the default threads (physical cores), then at 1 thread.
 * Env: FOLIO_BENCH_RUNS (default 11; 3 with --quick, which also skips the 1-thread pass),
 * FOLIO_BENCH_QUIET_WAIT_S (default 60 alone, 20 in a full `npm run bench`), FOLIO_LLAMA_BENCH.
 *
 *   npm run bench -- inference
 */
import { execFile } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { cpus, homedir, loadavg } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { promisify } from 'node:util'
import { LlamaChatSession, resolveChatWrapper } from 'node-llama-cpp'
import { NodeLlamaEngine } from '../../src/main/inference/llama/node-llama-engine'
import { disposeLlamaRuntime, getLlamaRuntime, physicalCoreCount } from '../../src/main/inference/llama/runtime'
import { ensureFixtures } from '../fixtures/models'
import type { BenchContext, Metric, SectionOutput } from './report'

const CONTEXT_SIZE = 2048
const MAX_TOKENS = 64
const envInt = (name: string): number | null => Number.parseInt(process.env[name] ?? '', 10) || null
/** Runs per engine (FOLIO_BENCH_RUNS; 11, or 3 with --quick); set per benchInference call. */
let RUNS = 11
/** A run counts as clean when other processes used less than this share of all CPUs during it. */
const CLEAN_OTHERS = 0.1
/** How long to wait for a quiet machine before a measurement (FOLIO_BENCH_QUIET_WAIT_S; 60 s alone, 20 s in a full run, 5 s quick). */
let QUIET_WAIT_MS = 60_000
const TEMPERATURE = 0 // greedy: both sides produce the same tokens, so they do the same work

const SYSTEM = 'You are Folio, a writing assistant. Write vivid, concrete prose for illustrated articles.'
const USER = 'Write the opening paragraph of an article about the history of the bicycle.'
const systemFor = (run: number): string => `Session ${run}. ${SYSTEM}`

// ---------------------------------------------------------------------------------------------
// CPU noise: how much CPU *other* processes used during a measurement (this machine is shared).

interface CpuMark {
  busyMs: number
  totalMs: number
  selfMs: number
  childMs: number
}

function cpuMark(): CpuMark {
  let busy = 0
  let total = 0
  for (const c of cpus()) {
    const t = c.times.user + c.times.nice + c.times.sys + c.times.irq
    busy += t
    total += t + c.times.idle
  }
  const u = process.cpuUsage()
  return { busyMs: busy, totalMs: total, selfMs: (u.user + u.system) / 1000, childMs: childCpuMs() }
}

/** CPU time of reaped children (llama-bench), from /proc/self/stat; 0 elsewhere. */
function childCpuMs(): number {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    // Fields after the command: state(3) … cutime is field 16, cstime 17 (1-based over the whole line).
    const ticks = Number(fields[13]) + Number(fields[14])
    return Number.isFinite(ticks) ? ticks * 10 : 0 // USER_HZ is 100 on Linux
  } catch {
    return 0
  }
}

/** Share of all CPUs used by other processes between two marks (0..1). */
function othersShare(a: CpuMark, b: CpuMark): number {
  const total = b.totalMs - a.totalMs
  if (total <= 0) return 0
  const mine = b.selfMs - a.selfMs + (b.childMs - a.childMs)
  return Math.max(0, Math.min(1, (b.busyMs - a.busyMs - mine) / total))
}

/** Waits (up to `maxMs`) for a second in which other processes use < CLEAN_OTHERS of the CPUs. */
async function waitForQuiet(maxMs: number): Promise<number> {
  const deadline = performance.now() + maxMs
  let share: number
  do {
    const a = cpuMark()
    await new Promise((r) => setTimeout(r, 1000))
    share = othersShare(a, cpuMark())
  } while (share >= CLEAN_OTHERS && performance.now() < deadline)
  return share
}

interface Sample {
  /** Share of the CPUs other processes used during the run. */
  others: number
  /** Call → first streamed text piece. */
  ttftMs: number
  /** Streamed text pieces per second (pieces can hold several tokens, e.g. a multi-byte character). */
  piecesPerSecond: number
  /** (tokens − 1) / (last token − first token): the decode rate, as llama-bench's tg measures it. */
  tokensPerSecond: number
  tokens: number
  text: string
}

interface RunOutput {
  text: string
  /** Token-based rate and count measured at the token callback. */
  tokensPerSecond: number
  tokens: number
}

/** Streams through `start` and derives TTFT and generation speed from the callback timestamps. */
async function timed(start: (onPiece: (text: string) => void) => Promise<RunOutput>): Promise<Sample> {
  let first = 0
  let last = 0
  let pieces = 0
  const mark = cpuMark()
  const t0 = performance.now()
  const out = await start(() => {
    const now = performance.now()
    if (pieces === 0) first = now
    last = now
    pieces++
  })
  return {
    others: othersShare(mark, cpuMark()),
    ttftMs: first - t0,
    piecesPerSecond: pieces > 1 ? ((pieces - 1) * 1000) / (last - first) : 0,
    tokensPerSecond: out.tokensPerSecond,
    tokens: out.tokens,
    text: out.text,
  }
}

/** Token-callback timing for the bare side, computed like NodeLlamaEngine's stats.tokensPerSecond. */
function tokenClock(): { onToken: (tokens: readonly unknown[]) => void; result: () => { tokensPerSecond: number; tokens: number } } {
  let first = 0
  let last = 0
  let tokens = 0
  return {
    onToken: (chunk) => {
      const now = performance.now()
      if (tokens === 0) first = now
      tokens += chunk.length
      last = now
    },
    result: () => ({ tokensPerSecond: tokens > 1 && last > first ? ((tokens - 1) * 1000) / (last - first) : 0, tokens }),
  }
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

/** llama-bench from FOLIO_LLAMA_BENCH or the llama-server build cache; null when not built. */
export function findLlamaBench(): string | null {
  const fromEnv = process.env.FOLIO_LLAMA_BENCH
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : null
  const cache = process.env.XDG_CACHE_HOME || join(homedir(), '.cache')
  const root = join(cache, 'folio', 'llama-server')
  if (!existsSync(root)) return null
  for (const entry of readdirSync(root).sort().reverse()) {
    const bin = join(root, entry, 'bin', process.platform === 'win32' ? 'llama-bench.exe' : 'llama-bench')
    if (existsSync(bin)) return bin
  }
  return null
}

interface LlamaBenchRow {
  n_prompt: number
  n_gen: number
  avg_ts: number
  stddev_ts: number
  n_threads: number
  build_commit?: string
  samples_ts?: number[]
  /** Added here: share of the CPUs other processes used while it ran. */
  others: number
}

async function runLlamaBench(bin: string, model: string, threads: number): Promise<LlamaBenchRow | null> {
  const args = ['-m', model, '-t', String(threads), '-p', '0', '-n', String(MAX_TOKENS), '-r', String(RUNS), '-o', 'json']
  const mark = cpuMark()
  const { stdout } = await promisify(execFile)(bin, args, { maxBuffer: 16 * 1024 * 1024, timeout: 300_000 })
  const others = othersShare(mark, cpuMark())
  const rows = JSON.parse(stdout) as Omit<LlamaBenchRow, 'others'>[]
  const row = rows.find((r) => r.n_gen > 0)
  return row ? { ...row, others } : null
}

const f1 = (n: number): string => n.toFixed(1)
const pad = (s: string, n: number): string => s.padEnd(n)
const lpad = (s: string, n: number): string => s.padStart(n)

interface ThreadResult {
  threads: number
  folio: Sample[]
  bare: Sample[]
  folioLoadMs: number
  bareLoadMs: number
  own: { tokensPerSecond: number; ttftMs: number; promptTokens: number; promptTokensPerSecond: number }
  llamaBench: LlamaBenchRow | null
  llamaBenchNote: string
  /** TTFT with the whole prompt already cached on each side: ≈ per-request overhead + one token. */
  cachedTtft: { folio: number[]; bare: number[] }
}

/** Folio vs bare node-llama-cpp vs llama-bench, all at `threads`. */
async function benchAt(bench: string, threads: number): Promise<ThreadResult> {
  const runtime = await getLlamaRuntime()
  const llama = runtime.llama
  // Folio engine.
  const engine = new NodeLlamaEngine(runtime, bench, { contextSize: CONTEXT_SIZE, threads })
  // Bare node-llama-cpp: same llama, model file, threads, context size, wrapper resolution, settings.
  const tLoad = performance.now()
  const model = await llama.loadModel({ modelPath: bench })
  const context = await model.createContext({ contextSize: CONTEXT_SIZE, threads })
  const sequence = context.getSequence()
  const chatWrapper = resolveChatWrapper(model)
  const bareLoadMs = performance.now() - tLoad

  const folioRun = (run: number) =>
    timed(async (onPiece) => {
      const r = await engine.generate({
        messages: [
          { role: 'system', content: systemFor(run) },
          { role: 'user', content: USER },
        ],
        maxTokens: MAX_TOKENS,
        temperature: TEMPERATURE,
        onToken: onPiece,
      })
      return { text: r.text, tokensPerSecond: r.stats.tokensPerSecond, tokens: r.stats.completionTokens }
    })
  const bareRun = (run: number) =>
    timed(async (onPiece) => {
      const session = new LlamaChatSession({ contextSequence: sequence, chatWrapper, systemPrompt: systemFor(run), autoDisposeSequence: false })
      const clock = tokenClock()
      try {
        const text = await session.prompt(USER, { maxTokens: MAX_TOKENS, temperature: TEMPERATURE, onTextChunk: onPiece, onToken: clock.onToken })
        return { text, ...clock.result() }
      } finally {
        session.dispose({ disposeSequence: false })
      }
    })

  try {
    const folioLoadMs = await engine.load()
    // Warm-up (page cache, allocator, first graph build) on both.
    await folioRun(-1)
    await bareRun(-1)
    await waitForQuiet(QUIET_WAIT_MS)
    const folio: Sample[] = []
    const bare: Sample[] = []
    for (let i = 0; i < RUNS; i++) {
      // Alternate which goes first so drifting background load hits both equally.
      if (i % 2 === 0) {
        folio.push(await folioRun(i))
        bare.push(await bareRun(i))
      } else {
        bare.push(await bareRun(i))
        folio.push(await folioRun(i))
      }
    }
    // TTFT with a fully cached prompt (same prompt again on each side): the engine's fixed cost per
    // request shows here without the noise of evaluating 140 prompt tokens.
    const cachedTtft = { folio: [] as number[], bare: [] as number[] }
    for (let i = 0; i < RUNS; i++) {
      const f = await timed(async (onPiece) => {
        const r = await engine.generate({
          messages: [
            { role: 'system', content: systemFor(1000) },
            { role: 'user', content: USER },
          ],
          maxTokens: 2,
          temperature: TEMPERATURE,
          onToken: onPiece,
        })
        return { text: r.text, tokensPerSecond: 0, tokens: r.stats.completionTokens }
      })
      const b = await timed(async (onPiece) => {
        const session = new LlamaChatSession({ contextSequence: sequence, chatWrapper, systemPrompt: systemFor(1000), autoDisposeSequence: false })
        try {
          return { text: await session.prompt(USER, { maxTokens: 2, temperature: TEMPERATURE, onTextChunk: onPiece }), tokensPerSecond: 0, tokens: 0 }
        } finally {
          session.dispose({ disposeSequence: false })
        }
      })
      if (i > 0) {
        // the first one fills the cache
        cachedTtft.folio.push(f.ttftMs)
        cachedTtft.bare.push(b.ttftMs)
      }
    }

    // The engine's own stats for one more run (what the UI shows per message).
    const { stats } = await engine.generate({
      messages: [
        { role: 'system', content: systemFor(99) },
        { role: 'user', content: USER },
      ],
      maxTokens: MAX_TOKENS,
      temperature: TEMPERATURE,
    })
    const own = { tokensPerSecond: stats.tokensPerSecond, ttftMs: stats.ttftMs, promptTokens: stats.promptTokens, promptTokensPerSecond: stats.promptTokensPerSecond }

    let llamaBench: LlamaBenchRow | null = null
    let llamaBenchNote = ''
    const bin = findLlamaBench()
    if (!bin) llamaBenchNote = 'llama-bench not built — run npm run llama-server:build'
    else {
      await waitForQuiet(QUIET_WAIT_MS)
      try {
        llamaBench = await runLlamaBench(bin, bench, threads)
        if (!llamaBench) llamaBenchNote = 'llama-bench printed no tg row'
      } catch (err) {
        llamaBenchNote = `llama-bench failed: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`
      }
    }
    return { threads, folio, bare, folioLoadMs, bareLoadMs, own, llamaBench, llamaBenchNote, cachedTtft }
  } finally {
    await engine.dispose()
    await context.dispose()
    await model.dispose()
  }
}

/** The numbers of one thread count, as the report stores them. */
export interface ThreadSummary {
  threads: number
  runs: number
  /** Run pairs during which other processes used < 10 % of the CPUs (medians use them when ≥ 3). */
  quietPairs: number
  folioTokensPerSecond: number
  bareTokensPerSecond: number
  llamaBenchTokensPerSecond: number | null
  llamaBenchBuild: string | null
  /** Folio / bare node-llama-cpp generation tok/s (target ≥ 0.97). */
  ratioToBare: number
  /** Folio / llama-bench tg tok/s (target ≥ 0.95). */
  ratioToLlamaBench: number | null
  ttftFolioMs: number
  ttftBareMs: number
  /** Folio TTFT − bare TTFT, fresh 140-token prompt (target < 20 ms). */
  ttftOverheadMs: number
  ttftOverheadCachedMs: number
  sameText: boolean
  note: string
}

function report(r: ThreadResult): ThreadSummary {
  const { threads, folio, bare } = r
  const sameText = folio.every((s, i) => s.text === bare[i].text)
  // Pairs of runs (Folio i, bare i) during which other processes stayed off the CPUs.
  const cleanPairs = folio.map((f, i) => [f, bare[i]] as const).filter(([f, b]) => f.others < CLEAN_OTHERS && b.others < CLEAN_OTHERS)
  const useClean = cleanPairs.length >= 3
  const F = useClean ? cleanPairs.map(([f]) => f) : folio
  const B = useClean ? cleanPairs.map(([, b]) => b) : bare
  const pick = (xs: Sample[], k: keyof Sample) => xs.map((x) => x[k] as number)
  const fTps = median(pick(F, 'tokensPerSecond'))
  const bTps = median(pick(B, 'tokensPerSecond'))
  const fTtft = median(pick(F, 'ttftMs'))
  const bTtft = median(pick(B, 'ttftMs'))
  const fBest = Math.max(...pick(folio, 'tokensPerSecond'))
  const bBest = Math.max(...pick(bare, 'tokensPerSecond'))
  const fTtftBest = Math.min(...pick(folio, 'ttftMs'))
  const bTtftBest = Math.min(...pick(bare, 'ttftMs'))
  const fPps = median(pick(F, 'piecesPerSecond'))
  const bPps = median(pick(B, 'piecesPerSecond'))
  const tokens = median(pick(folio, 'tokens'))
  const pct = (x: number): string => `${Math.round(x * 100)}%`
  const lb = r.llamaBench
  const lbSamples = lb?.samples_ts?.length ? lb.samples_ts : lb ? [lb.avg_ts] : []
  const lbMedian = lbSamples.length ? median(lbSamples) : 0
  const lbBest = lbSamples.length ? Math.max(...lbSamples) : 0

  console.log(`\n— ${threads} thread${threads === 1 ? '' : 's'} —`)
  const rows: string[][] = [
    ['engine', 'tok/s median', 'best', 'TTFT ms median', 'best', 'runs', 'others CPU'],
    ['Folio NodeLlamaEngine.generate', f1(fTps), f1(fBest), f1(fTtft), f1(fTtftBest), `${F.length}/${RUNS}`, pct(median(pick(folio, 'others')))],
    ['bare node-llama-cpp LlamaChatSession', f1(bTps), f1(bBest), f1(bTtft), f1(bTtftBest), `${B.length}/${RUNS}`, pct(median(pick(bare, 'others')))],
  ]
  if (lb) rows.push([`llama-bench -p 0 -n ${lb.n_gen} (${lb.build_commit ?? 'bundled'})`, f1(lbMedian), f1(lbBest), '-', '-', `${lbSamples.length}`, pct(lb.others)])
  const w = [40, 14, 8, 16, 8, 8, 12]
  for (const [i, row] of rows.entries()) {
    console.log(row.map((c, j) => (j === 0 ? pad(c, w[j]) : lpad(c, w[j]))).join(''))
    if (i === 0) console.log('-'.repeat(w.reduce((a, b) => a + b, 0)))
  }
  const ok = (good: boolean): string => (good ? 'OK' : 'MISSED')
  const ratio = fTps / bTps
  const overhead = fTtft - bTtft
  const cf = median(r.cachedTtft.folio)
  const cb = median(r.cachedTtft.bare)
  console.log(`(a) Folio / bare node-llama-cpp tok/s:  ${ratio.toFixed(3)}  (target ≥ 0.97) ${ok(ratio >= 0.97)}`)
  console.log(`    Folio TTFT overhead vs bare:        ${overhead.toFixed(1)} ms  (target < 20 ms) ${ok(overhead < 20)}  (140-token prompt, medians)`)
  console.log(`    … with the prompt cached:           ${(cf - cb).toFixed(1)} ms  (TTFT Folio ${f1(cf)} / bare ${f1(cb)} ms, medians of ${r.cachedTtft.folio.length}) ${ok(cf - cb < 20)}`)
  if (lb) {
    const r2 = fTps / lbMedian
    const noisy = lb.others >= CLEAN_OTHERS ? `  (llama-bench ran while other processes used ${pct(lb.others)} of the CPUs: noisy)` : ''
    console.log(`(b) Folio / llama-bench tg tok/s:       ${r2.toFixed(3)}  (target ≥ 0.95) ${ok(r2 >= 0.95)}${noisy}`)
  } else console.log(`(b) ${r.llamaBenchNote}`)
  console.log(
    `    medians over ${useClean ? `the ${cleanPairs.length} run pairs with < ${pct(CLEAN_OTHERS)} CPU used by other processes` : `all ${RUNS} runs (fewer than 3 quiet pairs: noisy)`}; ` +
      `best-of-${RUNS}: tok/s ratio ${(fBest / bBest).toFixed(3)}, TTFT overhead ${(fTtftBest - bTtftBest).toFixed(1)} ms${lb ? `, Folio / llama-bench ${(fBest / lbBest).toFixed(3)}` : ''}`,
  )
  console.log(
    `    ${tokens} tokens per run; same text from both engines: ${sameText ? 'yes' : 'NO'}; streamed pieces/s ratio ${(fPps / bPps).toFixed(3)}; ` +
      `load ms Folio ${f1(r.folioLoadMs)} / bare ${f1(r.bareLoadMs)}; engine stats for one more run: ${f1(r.own.tokensPerSecond)} tok/s, ` +
      `TTFT ${f1(r.own.ttftMs)} ms, ${r.own.promptTokens} prompt tokens at ${f1(r.own.promptTokensPerSecond)} tok/s`,
  )
  console.log(`    per run (tok/s@others' CPU) Folio: ${folio.map((x) => `${f1(x.tokensPerSecond)}@${pct(x.others)}`).join(' ')}`)
  console.log(`                                bare: ${bare.map((x) => `${f1(x.tokensPerSecond)}@${pct(x.others)}`).join(' ')}`)
  if (lb?.samples_ts) console.log(`                         llama-bench: ${lb.samples_ts.map(f1).join(' ')}`)
  return {
    threads,
    runs: RUNS,
    quietPairs: cleanPairs.length,
    folioTokensPerSecond: fTps,
    bareTokensPerSecond: bTps,
    llamaBenchTokensPerSecond: lb ? lbMedian : null,
    llamaBenchBuild: lb ? (lb.build_commit ?? 'bundled') : null,
    ratioToBare: ratio,
    ratioToLlamaBench: lb ? fTps / lbMedian : null,
    ttftFolioMs: fTtft,
    ttftBareMs: bTtft,
    ttftOverheadMs: overhead,
    ttftOverheadCachedMs: cf - cb,
    sameText,
    note: lb ? (lb.others >= CLEAN_OTHERS ? `llama-bench ran while other processes used ${pct(lb.others)} of the CPUs` : '') : r.llamaBenchNote,
  }
}

export interface InferenceResult {
  model: string
  backend: string
  llamaCpp: string
  buildType: string
  physicalCores: number
  /** The default thread count (physical cores) first, then 1 thread. */
  byThreads: ThreadSummary[]
}

export async function benchInference(ctx: BenchContext = { quick: false, args: [], all: false }): Promise<SectionOutput<InferenceResult>> {
  RUNS = Math.max(3, envInt('FOLIO_BENCH_RUNS') ?? (ctx.quick ? 3 : 11))
  QUIET_WAIT_MS = 1000 * (envInt('FOLIO_BENCH_QUIET_WAIT_S') ?? (ctx.quick ? 5 : ctx.all ? 20 : 60))
  const { bench } = await ensureFixtures(['bench'])
  const runtime = await getLlamaRuntime()
  const threads = runtime.threads
  const quiet = await waitForQuiet(QUIET_WAIT_MS)
  console.log(`\nInference benchmark — ${bench.split('/').pop()} (~100M params, F16), context ${CONTEXT_SIZE}, ${MAX_TOKENS} tokens, greedy, ${RUNS} runs per engine after a warm-up`)
  console.log(`${runtime.message}; physical cores ${physicalCoreCount()}, node-llama-cpp ${runtime.llama.llamaCppRelease.release} (${runtime.llama.buildType})`)
  console.log(`before the run: other processes used ${Math.round(quiet * 100)}% of the CPUs (1-min load average ${loadavg()[0].toFixed(2)})`)
  // The default (physical cores) first; then 1 thread, which separates threading costs from the rest.
  const counts = threads > 1 && !ctx.quick ? [threads, 1] : [threads]
  const byThreads: ThreadSummary[] = []
  const result: InferenceResult = {
    model: bench.split('/').pop()!,
    backend: runtime.backend,
    llamaCpp: runtime.llama.llamaCppRelease.release,
    buildType: runtime.llama.buildType,
    physicalCores: physicalCoreCount(),
    byThreads,
  }
  try {
    for (const t of counts) byThreads.push(report(await benchAt(bench, t)))
  } finally {
    await disposeLlamaRuntime()
  }
  const metrics: Metric[] = []
  for (const r of byThreads) {
    const at = `${r.threads} thread${r.threads === 1 ? '' : 's'}`
    metrics.push(
      { name: `Folio generation, ${at}`, value: r.folioTokensPerSecond, unit: 'tok/s' },
      { name: `Folio / bare node-llama-cpp tok/s, ${at}`, value: r.ratioToBare, unit: 'ratio', target: { op: '>=', value: 0.97 } },
      { name: `Folio / llama-bench tok/s, ${at}`, value: r.ratioToLlamaBench, unit: 'ratio', target: { op: '>=', value: 0.95 }, note: r.note || undefined },
      { name: `time to first token (140-token prompt), ${at}`, value: r.ttftFolioMs, unit: 'ms' },
      { name: `TTFT overhead vs bare node-llama-cpp, ${at}`, value: r.ttftOverheadMs, unit: 'ms', target: { op: '<', value: 20 } },
    )
  }
  return { result, metrics }
}
