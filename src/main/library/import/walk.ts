/** Expands the paths given to an import into image-file candidates (folders recursively, hidden entries skipped). */
import { readdirSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'

export interface WalkResult {
  files: string[]
  /** Paths that could not be listed at all (missing, unreadable). */
  missing: { path: string; reason: string }[]
}

export function expandPaths(paths: string[], maxFiles = 200_000): WalkResult {
  const files: string[] = []
  const missing: WalkResult['missing'] = []
  const seen = new Set<string>()
  const add = (p: string) => {
    if (!seen.has(p) && files.length < maxFiles) {
      seen.add(p)
      files.push(p)
    }
  }
  const visit = (dir: string) => {
    let entries
    try {
      entries = readdirSync(dir, { withFileTypes: true })
    } catch (e) {
      missing.push({ path: dir, reason: `the folder cannot be read (${(e as { code?: string }).code ?? 'error'})` })
      return
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    for (const e of entries) {
      if (e.name.startsWith('.')) continue
      const p = join(dir, e.name)
      if (e.isDirectory()) visit(p)
      else if (e.isFile() || e.isSymbolicLink()) add(p)
    }
  }
  for (const raw of paths) {
    const p = resolve(raw)
    let isDir: boolean
    try {
      isDir = statSync(p).isDirectory()
    } catch (e) {
      const code = (e as { code?: string }).code
      missing.push({ path: p, reason: code === 'ENOENT' ? 'no such file or folder' : `the path cannot be read (${code ?? 'error'})` })
      continue
    }
    if (isDir) visit(p)
    else add(p)
  }
  return { files, missing }
}
