/**
 * The shape every benchmark section returns, and the one report `npm run bench` writes: each section's
 * full result plus a few headline metrics (with their targets), printed together as one table at the end.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, release, totalmem } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { ROOT } from '../helpers/serve-process'

export interface Target {
  op: '<' | '<=' | '>='
  value: number
}

/** One headline number of a section. */
export interface Metric {
  name: string
  value: number | null
  unit: string
  target?: Target
  note?: string
}

export interface SectionOutput<R = unknown> {
  result: R
  metrics: Metric[]
}

export interface BenchContext {
  /** `--quick`: smaller sizes and fewer runs (a smoke run of every section). */
  quick: boolean
  /** Numbers after the section name, e.g. `library 1000000`. */
  args: number[]
  /** Part of a run of every section (sections then keep to their share of the time budget). */
  all: boolean
}

export interface BenchSection {
  name: string
  summary: string
  run(ctx: BenchContext): Promise<SectionOutput>
}

export interface SectionRecord {
  startedAt: string
  seconds: number
  quick: boolean
  /** How fast the machine ran then (shared machines vary by 2x over hours): see machineCheck(). */
  nodeStartMs?: number
  metrics: Metric[]
  result?: unknown
  error?: string
}

export interface BenchReport {
  updatedAt: string
  machine: { cpu: string; cores: number; ramGB: number; platform: string; node: string; commit: string | null; loadAverage1m: number }
  sections: Record<string, SectionRecord>
}

export const REPORT_PATH = join(ROOT, 'bench-report.json')

export function percentiles(samples: number[]): { p50: number; p95: number; mean: number; n: number } {
  const s = [...samples].sort((a, b) => a - b)
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))]
  return { p50: at(0.5), p95: at(0.95), mean: s.reduce((a, b) => a + b, 0) / Math.max(1, s.length), n: s.length }
}

/**
 * Median wall time of `node -e 0`, a yardstick for comparing numbers taken at different times on a
 * shared machine (this build machine: ~75 ms in a quiet hour, ~150 ms in a slow one).
 */
export function machineCheck(): number {
  const runs = Array.from({ length: 5 }, () => {
    const t0 = performance.now()
    execFileSync(process.execPath, ['-e', '0'], { stdio: 'ignore' })
    return performance.now() - t0
  })
  return Math.round(median(runs))
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

export function met(m: Metric): boolean | null {
  if (!m.target || m.value === null) return null
  const { op, value } = m.target
  return op === '<' ? m.value < value : op === '<=' ? m.value <= value : m.value >= value
}

function machine(): BenchReport['machine'] {
  let commit: string | null
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
  } catch {
    commit = null
  }
  return {
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: cpus().length,
    ramGB: Math.round(totalmem() / 1024 ** 3),
    platform: `${process.platform} ${release()} ${process.arch}`,
    node: process.versions.node,
    commit,
    loadAverage1m: Number(loadavg()[0].toFixed(2)),
  }
}

/**
 * Writes the sections just run into the report; sections not run this time keep their last record,
 * so `npm run bench -- library` refreshes one part of a full report.
 */
export function writeReport(records: Record<string, SectionRecord>, path = REPORT_PATH): BenchReport {
  let previous: BenchReport | null = null
  if (existsSync(path)) {
    try {
      previous = JSON.parse(readFileSync(path, 'utf8')) as BenchReport
    } catch {
      previous = null
    }
  }
  const report: BenchReport = { updatedAt: new Date().toISOString(), machine: machine(), sections: { ...previous?.sections, ...records } }
  writeFileSync(path, `${JSON.stringify(report, null, 2)}\n`)
  return report
}

function fmtValue(v: number | null, unit: string): string {
  if (v === null) return '—'
  if (Number.isInteger(v) && unit !== 'ratio') return `${v}${unit === '' ? '' : ` ${unit}`}`
  const abs = Math.abs(v)
  const digits = unit === 'ratio' ? 3 : abs >= 100 ? 0 : abs >= 10 ? 1 : 2
  return `${v.toFixed(digits)}${unit === 'ratio' || unit === '' ? '' : ` ${unit}`}`
}

/** One table: section, metric, value, target, OK / MISSED. */
export function summaryTable(sections: Record<string, SectionRecord>, order: string[]): string {
  const rows: string[][] = [['section', 'metric', 'value', 'target', '']]
  for (const name of order) {
    const rec = sections[name]
    if (!rec) continue
    if (rec.error) {
      rows.push([name, 'FAILED', rec.error.split('\n')[0].slice(0, 80), '', '✗'])
      continue
    }
    for (const m of rec.metrics) {
      const ok = met(m)
      rows.push([
        name,
        m.name,
        fmtValue(m.value, m.unit),
        m.target ? `${m.target.op} ${fmtValue(m.target.value, m.unit)}` : '',
        ok === null ? '' : ok ? 'OK' : 'MISSED',
      ])
    }
  }
  const w = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)))
  const line = (r: string[]) => r.map((c, i) => (i === 2 ? c.padStart(w[i]) : c.padEnd(w[i]))).join('  ').trimEnd()
  return [line(rows[0]), w.map((n) => '-'.repeat(n)).join('  '), ...rows.slice(1).map(line)].join('\n')
}
