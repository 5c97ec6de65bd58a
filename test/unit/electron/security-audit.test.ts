/**
 * `npm run audit:electron`: Electronegativity over src/, gated by docs/security-audit-allowlist.json.
 * The scan itself runs here too, so `npm test` fails on a new unexplained high or medium finding.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { gate, loadAllowlist, scanElectron, type Finding } from '../../../scripts/lib/electron-audit.mjs'

const ROOT = join(import.meta.dirname, '..', '..', '..')
const ALLOWLIST = join(ROOT, 'docs', 'security-audit-allowlist.json')
const electronVersion = (JSON.parse(readFileSync(join(ROOT, 'node_modules', 'electron', 'package.json'), 'utf8')) as { version: string }).version

const finding = (over: Partial<Finding>): Finding => ({
  id: 'X_CHECK',
  file: 'main/a.ts',
  line: 1,
  column: 0,
  severity: 'MEDIUM',
  confidence: 'FIRM',
  manualReview: false,
  description: 'd',
  ...over,
})

describe('the audit gate', () => {
  it('fails high and medium findings without a reason, passes explained ones and only reports low ones', () => {
    const r = gate(
      [
        finding({ id: 'CONTEXT_ISOLATION_JS_CHECK', severity: 'HIGH' }),
        finding({ id: 'OPEN_EXTERNAL_JS_CHECK', file: 'main/index.ts' }),
        finding({ id: 'CSP_GLOBAL_CHECK', severity: 'LOW' }),
      ],
      [{ id: 'OPEN_EXTERNAL_JS_CHECK', file: 'main/index.ts', reason: 'http(s) only' }],
    )
    expect(r.unexplained.map((f) => f.id)).toEqual(['CONTEXT_ISOLATION_JS_CHECK'])
    expect(r.explained.map((f) => [f.id, f.reason])).toEqual([['OPEN_EXTERNAL_JS_CHECK', 'http(s) only']])
    expect(r.informational.map((f) => f.id)).toEqual(['CSP_GLOBAL_CHECK'])
    expect(r.stale).toEqual([])
  })

  it('matches by check and file, and reports allow-list entries that no longer match anything', () => {
    const r = gate([finding({ id: 'OPEN_EXTERNAL_JS_CHECK', file: 'main/other.ts' })], [{ id: 'OPEN_EXTERNAL_JS_CHECK', file: 'main/index.ts', reason: 'r' }])
    expect(r.unexplained).toHaveLength(1)
    expect(r.stale).toEqual([{ id: 'OPEN_EXTERNAL_JS_CHECK', file: 'main/index.ts', reason: 'r' }])
  })

  it('refuses an allow-list entry without a reason', () => {
    const dir = mkdtempSync(join(tmpdir(), 'folio-audit-'))
    try {
      const path = join(dir, 'allow.json')
      writeFileSync(path, JSON.stringify([{ id: 'OPEN_EXTERNAL_JS_CHECK', file: 'main/index.ts', reason: ' ' }]))
      expect(() => loadAllowlist(path)).toThrow(/entry 0 needs a non-empty "reason"/)
      writeFileSync(path, '{')
      expect(() => loadAllowlist(path)).toThrow(/could not be read as JSON/)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('Electronegativity', () => {
  const dir = mkdtempSync(join(tmpdir(), 'folio-audit-src-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('flags a window without isolation or sandbox, so the gate has something to catch', { timeout: 60_000 }, async () => {
    writeFileSync(
      join(dir, 'main.ts'),
      "import { BrowserWindow } from 'electron'\nexport const w = new BrowserWindow({ webPreferences: { contextIsolation: false, nodeIntegration: true } })\n",
    )
    const { findings, unparsed } = await scanElectron({ root: ROOT, input: dir, electronVersion })
    expect(unparsed).toEqual([])
    const r = gate(findings, [])
    // Also the app-wide checks src/ passes: no navigation limits, no permission request handler.
    expect(r.unexplained.map((f) => f.id)).toEqual(
      expect.arrayContaining(['CONTEXT_ISOLATION_JS_CHECK', 'SANDBOX_JS_CHECK', 'LIMIT_NAVIGATION_GLOBAL_CHECK', 'PERMISSION_REQUEST_HANDLER_GLOBAL_CHECK']),
    )
  })

  it('finds no unexplained high or medium finding in src/, and every allow-list entry is still needed', { timeout: 60_000 }, async () => {
    const { findings, unparsed } = await scanElectron({ root: ROOT, input: join(ROOT, 'src'), electronVersion })
    expect(unparsed).toEqual([])
    const r = gate(findings, loadAllowlist(ALLOWLIST))
    expect(r.unexplained).toEqual([])
    expect(r.stale).toEqual([])
    // The windows are checked where they are created (window.ts, export-glue.ts), not only in a helper.
    expect(findings.filter((f) => /CONTEXT_ISOLATION|SANDBOX|AUXCLICK|NODE_INTEGRATION/.test(f.id))).toEqual([])
  })
})
