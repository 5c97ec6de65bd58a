/**
 * The editor's own stylesheet for exported HTML and PDF, so an export has the editor's typography:
 * the light theme's colour and font variables (the first `:root` block of app.css) and the document
 * rules of document.css. Both are read from the renderer's sources at run time, found by walking
 * up from this module (it runs from src/ under tsx and from out/main/ in the desktop build).
 */
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const STYLES = join('src', 'renderer', 'src', 'styles')

/** Used only if the renderer's sources cannot be found (a packaged build without them). */
const FALLBACK = `:root{--text:#1b1f24;--muted:#555f6b;--border:#d3d8df;--border-strong:#8a94a1;--accent:#0a58ca;--code-bg:#eef0f3;--radius-small:6px;
--font-text:Charter,'Iowan Old Style','Source Serif Pro',Georgia,'Noto Serif','Songti SC','SimSun',serif;--font-mono:ui-monospace,SFMono-Regular,Menlo,Consolas,'Liberation Mono',monospace}
.tiptap{font-family:var(--font-text);font-size:18px;line-height:1.7}.tiptap figcaption{color:var(--muted);font-size:.85em}`

let cached: string | null = null

export function stylesDir(from = dirname(fileURLToPath(import.meta.url))): string | null {
  let dir = from
  for (let i = 0; i < 8; i++) {
    if (existsSync(join(dir, STYLES, 'document.css'))) return join(dir, STYLES)
    const up = dirname(dir)
    if (up === dir) break
    dir = up
  }
  return null
}

/** The light theme's variables and the document rules, as one stylesheet. */
export function documentCss(): string {
  if (cached !== null) return cached
  const dir = stylesDir()
  if (!dir) return (cached = FALLBACK)
  const app = readFileSync(join(dir, 'app.css'), 'utf8')
  // The first :root block is the light theme (the dark one sits inside a media query).
  const root = /^:root\s*\{[^}]*\}/m.exec(app)?.[0] ?? ''
  const doc = readFileSync(join(dir, 'document.css'), 'utf8')
  cached = `${root}\n${doc}`
  return cached
}
