// npm start [-- --data DIR]: build the bundles, make sure better-sqlite3 exists for Electron's ABI
// (beside, not instead of, the Node build), then launch the desktop app.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  StartError,
  electronAbi,
  electronEnv,
  electronMissingMessage,
  electronViteBin,
  ensureElectronNative,
  forwardArgs,
  locateElectron,
} from './lib/native-rebuild.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const log = (m) => process.stderr.write(`${m}\n`)

function main() {
  const args = forwardArgs(process.argv.slice(2))

  // Checked first: without the binary nothing below can be used, so fail before a slow build.
  let electron = locateElectron(root)
  if (!electron.binary) {
    // electron 42+ has no install step: fetch the binary now, the first time the app starts.
    log('Downloading the Electron binary (first start only)…')
    spawnSync(process.execPath, [join(root, 'node_modules', 'electron', 'install.js')], { cwd: root, stdio: 'inherit' })
    electron = locateElectron(root)
  }
  if (!electron.binary) {
    log(electronMissingMessage(electron.missing))
    return 1
  }

  log('Building Folio (electron-vite build)…')
  const build = spawnSync(process.execPath, [electronViteBin(root), 'build'], { cwd: root, stdio: 'inherit' })
  if (build.error) throw new StartError(`Could not run electron-vite: ${build.error.message}`)
  if (build.status !== 0) throw new StartError(`electron-vite build failed (exit ${build.status ?? build.signal}); see the errors above.`)
  for (const f of ['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html']) {
    if (!existsSync(join(root, f))) throw new StartError(`The build finished but ${f} is missing; check electron.vite.config.ts.`)
  }

  const abi = electronAbi(root, electron.binary, { log })
  ensureElectronNative({ appRoot: root, electronVersion: electron.version, abi, log })

  const child = spawn(electron.binary, [root, ...args], { cwd: process.cwd(), stdio: 'inherit', env: electronEnv() })
  child.on('error', (e) => {
    log(`Could not launch Electron (${electron.binary}): ${e.message}`)
    process.exit(1)
  })
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig))
  child.on('exit', (code, signal) => {
    if (signal) log(`Electron exited on ${signal}.`)
    process.exit(code ?? 1)
  })
  return null
}

try {
  const code = main()
  if (code !== null) process.exit(code)
} catch (e) {
  log(e instanceof StartError ? e.message : `npm start failed: ${e instanceof Error ? e.stack : String(e)}`)
  process.exit(1)
}
