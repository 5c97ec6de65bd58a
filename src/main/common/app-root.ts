/**
 * The folder holding Folio's package.json (and out/renderer), found by walking up from a module:
 * the same code runs from src/ under tsx and bundled from out/main/.
 */
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export function appRoot(moduleUrl: string): string {
  const start = dirname(fileURLToPath(moduleUrl))
  let dir = start
  for (let i = 0; i < 10; i++) {
    const pkg = join(dir, 'package.json')
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'folio') return dir
      } catch {
        // not ours; keep walking
      }
    }
    const up = dirname(dir)
    if (up === dir) break
    dir = up
  }
  return start
}
