// Behind `npm run audit:electron`: Electronegativity (Doyensec's static checker for Electron
// misconfigurations) over the sources, and the gate that decides whether its findings pass.
// A high or medium finding passes only when docs/security-audit-allowlist.json explains it.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'

/** Severities that fail the audit unless explained. */
export const BLOCKING = ['HIGH', 'MEDIUM']

/**
 * Checks left out of every scan. AvailableSecurityFixesGlobalCheck downloads Electron's release list
 * to judge the version pinned in a package.json; scanning src/ finds no such file, so it would only
 * make a network request. Electron's own advisories reach us through `npm audit` instead.
 */
export const EXCLUDED_CHECKS = ['availablesecurityfixesglobalcheck']

/**
 * Runs Electronegativity on `input` (a folder) and returns its findings with paths relative to
 * `input`, plus the files it could not parse. `electronVersion` is the installed Electron's.
 */
export async function scanElectron({ root, input, electronVersion }) {
  const require = createRequire(join(root, 'package.json'))
  const run = require('@doyensec/electronegativity')
  const result = await run(
    {
      input,
      isRelative: true,
      customScan: [],
      excludeFromScan: EXCLUDED_CHECKS,
      electronVersionOverride: electronVersion,
      parserPlugins: [],
    },
    false,
  )
  const findings = result.issues.map((i) => ({
    id: i.id,
    file: i.file.split('\\').join('/'),
    line: i.location.line,
    column: i.location.column,
    severity: i.severity.name,
    confidence: i.confidence.name,
    manualReview: Boolean(i.manualReview),
    description: i.description,
  }))
  const unparsed = result.errors.filter((e) => !e.tolerable).map((e) => ({ file: e.file, message: e.message }))
  return { findings, unparsed }
}

/** Reads and checks the allow-list: `[{ "id", "file", "reason" }]`, every reason non-empty. */
export function loadAllowlist(path) {
  let entries
  try {
    entries = JSON.parse(readFileSync(path, 'utf8'))
  } catch (e) {
    throw new Error(`${path} could not be read as JSON: ${e.message}`, { cause: e })
  }
  if (!Array.isArray(entries)) throw new Error(`${path} must hold an array of { id, file, reason }`)
  entries.forEach((e, i) => {
    for (const key of ['id', 'file', 'reason']) {
      if (typeof e?.[key] !== 'string' || !e[key].trim()) throw new Error(`${path}: entry ${i} needs a non-empty "${key}"`)
    }
  })
  return entries
}

/**
 * Sorts findings: `explained` (blocking, allow-listed), `unexplained` (blocking, not allow-listed:
 * the audit fails), `informational` (low/informational, reported only). `stale` lists allow-list
 * entries that matched nothing — they fail the audit too, so the list never outlives its reasons.
 */
export function gate(findings, allowlist) {
  const used = new Set()
  const out = { explained: [], unexplained: [], informational: [], stale: [] }
  for (const f of findings) {
    if (!BLOCKING.includes(f.severity)) {
      out.informational.push(f)
      continue
    }
    const i = allowlist.findIndex((a) => a.id === f.id && a.file === f.file)
    if (i < 0) {
      out.unexplained.push(f)
    } else {
      used.add(i)
      out.explained.push({ ...f, reason: allowlist[i].reason })
    }
  }
  out.stale = allowlist.filter((_, i) => !used.has(i))
  return out
}
