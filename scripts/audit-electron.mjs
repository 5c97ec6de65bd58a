// npm run audit:electron: Electronegativity over src/. Exits 1 on a high or medium finding that
// docs/security-audit-allowlist.json does not explain, on a stale allow-list entry, or on a source
// file it could not parse. Findings and reasons: docs/security-audit.md.
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gate, loadAllowlist, scanElectron } from './lib/electron-audit.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const allowlistPath = join(root, 'docs', 'security-audit-allowlist.json')
const where = (f) => `${f.file}:${f.line}:${f.column}`

async function main() {
  const electronVersion = JSON.parse(readFileSync(join(root, 'node_modules', 'electron', 'package.json'), 'utf8')).version
  const allowlist = loadAllowlist(allowlistPath)
  const { findings, unparsed } = await scanElectron({ root, input: join(root, 'src'), electronVersion })
  const r = gate(findings, allowlist)

  console.log(`\nElectronegativity on src/ (Electron ${electronVersion}): ${findings.length} finding(s)`)
  for (const f of r.explained) console.log(`  explained  ${f.severity.padEnd(6)} ${f.id} ${where(f)}\n             ${f.reason}`)
  for (const f of r.informational) console.log(`  info       ${f.severity.padEnd(6)} ${f.id} ${where(f)} — ${f.description}`)
  for (const f of r.unexplained) console.log(`  FAIL       ${f.severity.padEnd(6)} ${f.id} ${where(f)} — ${f.description}`)
  for (const a of r.stale) console.log(`  FAIL       stale allow-list entry ${a.id} ${a.file}: it matches no finding; remove it`)
  for (const u of unparsed) console.log(`  FAIL       could not parse ${u.file}: ${u.message}`)

  if (r.unexplained.length || r.stale.length || unparsed.length) {
    console.log('\nFix the code, or explain the finding in docs/security-audit-allowlist.json and docs/security-audit.md.')
    return 1
  }
  console.log('\nNo unexplained high or medium findings.')
  return 0
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(`audit:electron failed: ${e instanceof Error ? e.message : String(e)}`)
    process.exit(2)
  },
)
