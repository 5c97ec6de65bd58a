// npm run serve: builds the renderer when its sources are newer than the build, then starts serve mode.
import { spawnSync, spawn } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const built = join(root, 'out', 'renderer', 'index.html')

function newestMtime(dir) {
  let newest = 0
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name)
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs)
  }
  return newest
}

const stale =
  !existsSync(built) ||
  Math.max(newestMtime(join(root, 'src', 'renderer')), newestMtime(join(root, 'src', 'shared'))) > statSync(built).mtimeMs
if (stale) {
  process.stderr.write('Building the renderer…\n')
  const r = spawnSync(process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  if (r.status !== 0) {
    process.stderr.write('folio serve: building the renderer failed (see above).\n')
    process.exit(2)
  }
}

// --import tsx (not the tsx CLI) keeps one process, so SIGINT/SIGTERM reach the server's own handlers.
const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src', 'main', 'transport', 'serve', 'main.ts'), ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
})
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig))
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)))
