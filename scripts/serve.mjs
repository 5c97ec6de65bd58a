// npm run serve: builds (electron-vite) when the sources are newer than the build, then starts serve mode
// from the bundled entry out/main/serve.js (no TypeScript transpiling at start: ~1 s faster).
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const builtRenderer = join(root, 'out', 'renderer', 'index.html')
const builtServer = join(root, 'out', 'main', 'serve.js')

function newestMtime(dir) {
  let newest = 0
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name)
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs)
  }
  return newest
}

const sources = Math.max(
  ...['renderer', 'shared', 'main', 'preload'].map((d) => newestMtime(join(root, 'src', d))),
  ...['package.json', 'electron.vite.config.ts'].map((f) => statSync(join(root, f)).mtimeMs),
)
const stale = [builtRenderer, builtServer].some((f) => !existsSync(f) || sources > statSync(f).mtimeMs)
if (stale) {
  process.stderr.write('Building Folio…\n')
  const r = spawnSync(process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  if (r.status !== 0) {
    process.stderr.write('folio serve: the build failed (see above).\n')
    process.exit(2)
  }
}

// In this process (no second Node start-up): the server installs its own SIGINT/SIGTERM handlers and
// reads its flags from process.argv, which are this script's.
await import(pathToFileURL(builtServer).href)
