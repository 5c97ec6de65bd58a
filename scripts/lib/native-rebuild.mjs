// Helpers behind `npm start` / `npm run dev`: find the Electron binary, and build better-sqlite3
// for Electron's ABI into out/native/electron-<abi>/ WITHOUT touching node_modules/better-sqlite3,
// whose Node build the tests, the CLI and serve mode keep using.
// The decision helpers are pure (file access is injected) so test/unit/electron tests them.
import { spawnSync } from 'node:child_process'
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, relative, sep } from 'node:path'

export const NATIVE_FILE = 'better_sqlite3.node'
export const STAMP_FILE = 'build-info.json'
export const ELECTRON_HEADERS_URL = 'https://electronjs.org/headers'

const realFs = {
  exists: (p) => existsSync(p),
  readFile: (p) => readFileSync(p, 'utf8'),
}

/** A specific error whose message is shown to the user as is. */
export class StartError extends Error {
  constructor(message) {
    super(message)
    this.name = 'StartError'
  }
}

export function electronMissingMessage(detail) {
  return [
    `The Electron binary is not installed${detail ? ` (${detail})` : ''}.`,
    'The desktop app cannot start without it. Either:',
    '  - install it with network access: `node node_modules/electron/install.js`, then run `npm start` again; or',
    '  - use serve mode, which runs Folio in your browser without Electron: `npm run serve`.',
    '(`npm run build` still builds the bundles without Electron.)',
  ].join('\n')
}

function readJson(fs, path, what) {
  let text
  try {
    text = fs.readFile(path)
  } catch {
    throw new StartError(`${what} is missing: ${path} could not be read. Run \`npm install\`.`)
  }
  try {
    return JSON.parse(text)
  } catch (e) {
    throw new StartError(`${path} is not valid JSON (${e.message}). Reinstall with \`npm install\`.`)
  }
}

/**
 * The installed Electron: its version and, if present, the binary path. Mirrors what
 * `require('electron')` computes (node_modules/electron/path.txt → dist/…) but never triggers its
 * download-on-require fallback, so a missing binary is reported instead of half-downloaded.
 * Returns `{ version, binary, missing }`; `binary` is null when not installed and `missing` says why.
 */
export function locateElectron(appRoot, { fs = realFs, env = process.env } = {}) {
  const pkgDir = join(appRoot, 'node_modules', 'electron')
  const pkg = readJson(fs, join(pkgDir, 'package.json'), 'The electron package')
  if (typeof pkg.version !== 'string' || !pkg.version) {
    throw new StartError(`${join(pkgDir, 'package.json')} has no version. Reinstall electron with \`npm install\`.`)
  }
  let rel
  try {
    rel = fs.readFile(join(pkgDir, 'path.txt')).trim()
  } catch {
    rel = ''
  }
  if (env.ELECTRON_OVERRIDE_DIST_PATH) {
    const binary = join(env.ELECTRON_OVERRIDE_DIST_PATH, rel || 'electron')
    return fs.exists(binary)
      ? { version: pkg.version, binary, missing: null }
      : { version: pkg.version, binary: null, missing: `ELECTRON_OVERRIDE_DIST_PATH points to ${binary}, which does not exist` }
  }
  if (!rel) {
    return {
      version: pkg.version,
      binary: null,
      missing: 'node_modules/electron/dist is missing: Electron\'s download (its postinstall step) never ran or failed',
    }
  }
  const binary = join(pkgDir, 'dist', rel)
  if (!fs.exists(binary)) {
    return { version: pkg.version, binary: null, missing: `node_modules/electron/dist is missing ${rel}` }
  }
  return { version: pkg.version, binary, missing: null }
}

/** `out/native/electron-<abi>` under the app root. */
export function nativeTargetDir(appRoot, abi) {
  return join(appRoot, 'out', 'native', `electron-${abi}`)
}

/** Validates the output of `electron -p process.versions.modules`. */
export function parseAbi(output) {
  const s = String(output ?? '').trim()
  return /^\d{2,4}$/.test(s) ? s : null
}

/**
 * Whether the Electron build of better-sqlite3 must be (re)built: the binary is missing, or the
 * stamp written next to it names another Electron or better-sqlite3 version (an upgrade with the
 * same ABI still needs a rebuild: the addon's C++ changed).
 */
export function rebuildDecision({ targetDir, electronVersion, betterSqliteVersion, fs = realFs }) {
  const binary = join(targetDir, NATIVE_FILE)
  if (!fs.exists(binary)) return { rebuild: true, reason: `${relativeish(binary)} does not exist` }
  let stamp
  try {
    stamp = JSON.parse(fs.readFile(join(targetDir, STAMP_FILE)))
  } catch {
    return { rebuild: true, reason: `${STAMP_FILE} next to it is missing or unreadable` }
  }
  if (stamp.electron !== electronVersion) {
    return { rebuild: true, reason: `it was built for Electron ${stamp.electron}, not ${electronVersion}` }
  }
  if (stamp.betterSqlite3 !== betterSqliteVersion) {
    return { rebuild: true, reason: `it was built from better-sqlite3 ${stamp.betterSqlite3}, not ${betterSqliteVersion}` }
  }
  return { rebuild: false, reason: `up to date (Electron ${electronVersion}, better-sqlite3 ${betterSqliteVersion})` }
}

function relativeish(p) {
  const r = relative(process.cwd(), p)
  return r && !r.startsWith('..') ? r : p
}

/**
 * How to run node-gyp: npm's own copy (announced by npm in `npm_config_node_gyp`, or found next
 * to the running Node), else `npx --yes node-gyp`.
 */
export function nodeGypInvocation({ execPath = process.execPath, env = process.env, platform = process.platform, exists = existsSync } = {}) {
  const candidates = [
    env.npm_config_node_gyp,
    join(dirname(execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
    join(dirname(execPath), 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  ].filter(Boolean)
  for (const c of candidates) {
    if (exists(c)) return { command: execPath, args: [c], label: c }
  }
  return { command: platform === 'win32' ? 'npx.cmd' : 'npx', args: ['--yes', 'node-gyp'], label: 'npx --yes node-gyp' }
}

export function nodeGypArgs(electronVersion) {
  return ['rebuild', '--release', '--runtime=electron', `--target=${electronVersion}`, `--dist-url=${ELECTRON_HEADERS_URL}`, '--jobs=max']
}

/** Forwards user args to Electron; `--data DIR` becomes `--data=DIR` so Chromium cannot split it. */
export function forwardArgs(argv) {
  const out = []
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--data') {
      const next = argv[i + 1]
      if (next === undefined || next.startsWith('--')) throw new StartError('--data needs a folder: npm start -- --data DIR')
      out.push(`--data=${next}`)
      i++
    } else out.push(a)
  }
  return out
}

/** Environment for spawning Electron as Electron (an inherited ELECTRON_RUN_AS_NODE would make it plain Node). */
export function electronEnv(env = process.env) {
  const copy = { ...env }
  delete copy.ELECTRON_RUN_AS_NODE
  return copy
}

// ---- effects ---------------------------------------------------------------------------------

/** Asks the binary for its ABI; falls back to node_modules/electron/abi_version. */
export function electronAbi(appRoot, binary, { log = () => {} } = {}) {
  const r = spawnSync(binary, ['-p', 'process.versions.modules'], {
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    encoding: 'utf8',
    timeout: 60_000,
  })
  const abi = r.status === 0 ? parseAbi(r.stdout) : null
  if (abi) return abi
  const file = join(appRoot, 'node_modules', 'electron', 'abi_version')
  const fromFile = existsSync(file) ? parseAbi(readFileSync(file, 'utf8')) : null
  const why = r.error ? r.error.message : `exit ${r.status}${r.stderr ? `: ${r.stderr.trim().split('\n')[0]}` : ''}`
  if (fromFile) {
    log(`Could not ask Electron for its ABI (${why}); using ${fromFile} from node_modules/electron/abi_version.`)
    return fromFile
  }
  throw new StartError(`Could not determine Electron's native module ABI: running \`${binary} -p process.versions.modules\` failed (${why}) and node_modules/electron/abi_version is missing.`)
}

/**
 * Makes sure out/native/electron-<abi>/better_sqlite3.node exists and matches the installed
 * Electron and better-sqlite3; builds it in a temporary copy of the package when it does not.
 */
export function ensureElectronNative({
  appRoot,
  electronVersion,
  abi,
  log = (m) => process.stderr.write(`${m}\n`),
  // For checking the build mechanics against Node's own headers; npm start never passes these.
  gypArgs = nodeGypArgs(electronVersion),
  gypEnv = { npm_config_runtime: 'electron', npm_config_target: electronVersion, npm_config_disturl: ELECTRON_HEADERS_URL },
}) {
  const srcDir = join(appRoot, 'node_modules', 'better-sqlite3')
  const bsq = readJson(realFs, join(srcDir, 'package.json'), 'The better-sqlite3 package')
  const targetDir = nativeTargetDir(appRoot, abi)
  const decision = rebuildDecision({ targetDir, electronVersion, betterSqliteVersion: bsq.version })
  if (!decision.rebuild) return join(targetDir, NATIVE_FILE)

  log(`Building better-sqlite3 ${bsq.version} for Electron ${electronVersion} (ABI ${abi}) because ${decision.reason}…`)
  const work = mkdtempSync(join(tmpdir(), 'folio-bsq-'))
  try {
    const pkgCopy = join(work, 'better-sqlite3')
    const buildDir = join(srcDir, 'build')
    // The Node build's object files are large and must not leak into this build.
    cpSync(srcDir, pkgCopy, { recursive: true, filter: (p) => p !== buildDir && !p.startsWith(buildDir + sep) })
    const gyp = nodeGypInvocation()
    const r = spawnSync(gyp.command, [...gyp.args, ...gypArgs], {
      cwd: pkgCopy,
      stdio: 'inherit',
      env: { ...process.env, ...gypEnv },
      shell: gyp.command.endsWith('.cmd'),
    })
    if (r.error) {
      throw new StartError(`Could not run node-gyp (${gyp.label}): ${r.error.message}. Install node-gyp (npm i -g node-gyp) and try again.`)
    }
    if (r.status !== 0) {
      throw new StartError(
        `Building better-sqlite3 for Electron ${electronVersion} failed (node-gyp exited with ${r.status ?? r.signal}; output above).\n` +
          'It needs a C++ toolchain (Python 3, make and a C++20 compiler; on Windows the Visual Studio Build Tools) and network access to ' +
          `${ELECTRON_HEADERS_URL} to download Electron's headers once. The Node build in node_modules was not changed.`,
      )
    }
    const built = join(pkgCopy, 'build', 'Release', NATIVE_FILE)
    if (!existsSync(built)) throw new StartError(`node-gyp reported success but ${built} was not produced.`)
    mkdirSync(targetDir, { recursive: true })
    copyFileSync(built, join(targetDir, NATIVE_FILE))
    writeFileSync(
      join(targetDir, STAMP_FILE),
      `${JSON.stringify({ electron: electronVersion, abi, betterSqlite3: bsq.version, builtAt: new Date().toISOString() }, null, 2)}\n`,
    )
    log(`Built ${relativeish(join(targetDir, NATIVE_FILE))}.`)
    return join(targetDir, NATIVE_FILE)
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
}

/** Runs electron-vite (build or dev) with the local install; throws StartError on failure. */
export function electronViteBin(appRoot) {
  const bin = join(appRoot, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js')
  if (!existsSync(bin)) throw new StartError(`electron-vite is not installed (${bin} is missing). Run \`npm install\`.`)
  return bin
}
