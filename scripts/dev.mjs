// npm run dev [-- --data DIR]: electron-vite's dev server with hot reload, when Electron is installed.
import { spawn } from 'node:child_process'
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

try {
  const args = forwardArgs(process.argv.slice(2))
  const electron = locateElectron(root)
  if (!electron.binary) {
    log(electronMissingMessage(electron.missing))
    log('For development without Electron, `npm run serve` serves the same app to your browser.')
    process.exit(1)
  }
  // The dev app opens the same database through the same Electron-ABI build as npm start.
  ensureElectronNative({ appRoot: root, electronVersion: electron.version, abi: electronAbi(root, electron.binary, { log }), log })

  // electron-vite passes arguments after `--` on to the Electron app.
  const viteArgs = ['dev', ...(args.length ? ['--', ...args] : [])]
  const child = spawn(process.execPath, [electronViteBin(root), ...viteArgs], { cwd: root, stdio: 'inherit', env: electronEnv() })
  child.on('error', (e) => {
    log(`Could not start electron-vite dev: ${e.message}`)
    process.exit(1)
  })
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig))
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
} catch (e) {
  log(e instanceof StartError ? e.message : `npm run dev failed: ${e instanceof Error ? e.stack : String(e)}`)
  process.exit(1)
}
