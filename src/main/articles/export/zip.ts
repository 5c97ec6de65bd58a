/** ZIP archives for the bundle exports (Markdown or HTML with an images/ folder), written with fflate. */
import { zipSync, type Zippable } from 'fflate'

export function zipFiles(files: { path: string; data: Uint8Array | string }[]): Uint8Array {
  const tree: Zippable = {}
  for (const f of files) {
    const data = typeof f.data === 'string' ? new TextEncoder().encode(f.data) : f.data
    // Images are compressed already: stored, not deflated (faster, and no bigger).
    tree[f.path] = [data, { level: typeof f.data === 'string' ? 6 : 0 }]
  }
  // fflate writes UTF-8 names with the language-encoding flag, so Chinese file names open everywhere.
  return zipSync(tree, { mtime: new Date() })
}
