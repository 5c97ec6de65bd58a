// npm run llama-server:build [-- --cuda | --vulkan] [--keep-build] [--force] [--jobs N] [--quiet]
//
// Builds llama-server (+ llama-bench) from the llama.cpp source node-llama-cpp ships
// (node_modules/node-llama-cpp/llama/gitRelease.bundle) into a cache folder keyed by the llama.cpp tag,
// platform, arch and GPU flavour (see src/main/inference/llama-server/binary.ts):
//   ${FOLIO_LLAMA_SERVER_CACHE:-${XDG_CACHE_HOME:-~/.cache}/folio/llama-server}/<tag>-<platform>-<arch>[-cuda|-vulkan]/
// A second run returns at once when the stamp file exists (it is written last, so an interrupted
// build is redone; the work tree is reused, so cmake resumes where it stopped).
// Prints progress on stderr and the final llama-server path on stdout (last line).
// Needs tsx (`node --import tsx`) to share the cache-path logic with the app.
import { spawn, spawnSync } from 'node:child_process'
import { copyFileSync, chmodSync, existsSync, mkdirSync, readFileSync, rmSync, renameSync, writeFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { join } from 'node:path'
import {
  bundledLlamaCpp,
  cachedBuildPaths,
  defaultCacheRoot,
  exeName,
  readStamp,
} from '../src/main/inference/llama-server/binary.ts'

const args = process.argv.slice(2)
const has = (f) => args.includes(f)
const valueOf = (f) => {
  const i = args.indexOf(f)
  return i >= 0 ? args[i + 1] : undefined
}
if (has('--help') || has('-h')) {
  process.stdout.write(
    'Usage: npm run llama-server:build [-- --cuda|--vulkan] [--keep-build] [--force] [--jobs N] [--quiet]\n' +
      'Cache: $FOLIO_LLAMA_SERVER_CACHE or ${XDG_CACHE_HOME:-~/.cache}/folio/llama-server\n',
  )
  process.exit(0)
}
if (has('--cuda') && has('--vulkan')) {
  process.stderr.write('llama-server:build: choose one of --cuda or --vulkan\n')
  process.exit(1)
}
const flavour = has('--cuda') ? 'cuda' : has('--vulkan') ? 'vulkan' : 'cpu'
const keepBuild = has('--keep-build')
const force = has('--force')
const quiet = has('--quiet')
const jobs = Number(valueOf('--jobs')) || availableParallelism()

const log = (msg) => process.stderr.write(`llama-server:build: ${msg}\n`)
const started = Date.now()
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0)} s`

const info = bundledLlamaCpp(process.cwd())
const cacheRoot = defaultCacheRoot(process.env)
const paths = cachedBuildPaths(cacheRoot, info.tag, flavour)

function done(stamp, cached) {
  log(`${cached ? 'already built' : 'built'}: llama.cpp ${stamp.tag} (${stamp.commit.slice(0, 10)}), ${flavour}`)
  process.stdout.write(`${paths.serverPath}\n`)
  process.exit(0)
}

// --- 1. cached? --------------------------------------------------------------------------------
const bundleHead = spawnSync('git', ['bundle', 'list-heads', info.bundlePath], { encoding: 'utf8' })
if (bundleHead.status !== 0) {
  log(`cannot read ${info.bundlePath}: ${bundleHead.stderr || bundleHead.error}`)
  process.exit(1)
}
// The bundle holds one ref (HEAD) at the commit the tag names; the tag itself is not in the bundle.
const commit = bundleHead.stdout.trim().split(/\s+/)[0]
const existing = readStamp(paths.stampPath)
if (!force && existing && existing.commit === commit && existsSync(paths.serverPath)) done(existing, true)

// --- 2. build ----------------------------------------------------------------------------------
// One build per cache folder at a time (CI jobs or two terminals).
mkdirSync(paths.dir, { recursive: true })
const lockDir = join(paths.dir, '.lock')
try {
  mkdirSync(lockDir)
  writeFileSync(join(lockDir, 'pid'), String(process.pid))
} catch {
  let owner = ''
  try {
    owner = readFileSync(join(lockDir, 'pid'), 'utf8').trim()
  } catch {
    /* no pid yet: a stale lock */
  }
  const alive = owner && (() => {
    try {
      process.kill(Number(owner), 0)
      return true
    } catch {
      return false
    }
  })()
  if (alive) {
    log(`another build (pid ${owner}) is running in ${paths.dir}; wait for it or remove ${lockDir}`)
    process.exit(1)
  }
  rmSync(lockDir, { recursive: true, force: true })
  mkdirSync(lockDir)
  writeFileSync(join(lockDir, 'pid'), String(process.pid))
}
const unlock = () => rmSync(lockDir, { recursive: true, force: true })
process.on('exit', unlock)
/** The git/cmake process running now: stopped with us, so no compiler keeps running orphaned. */
let current = null
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    log(`interrupted (${sig}); run again to resume`)
    if (current?.pid) {
      try {
        // cmake --build does not pass signals on to ninja and the compilers: stop the whole group.
        process.kill(process.platform === 'win32' ? current.pid : -current.pid, sig)
      } catch {
        current.kill(sig)
      }
    }
    process.exit(130)
  })
}

rmSync(paths.stampPath, { force: true })
const workDir = join(paths.dir, 'work')
const srcDir = join(workDir, 'src')
const buildDir = join(workDir, 'build')
mkdirSync(workDir, { recursive: true })

function run(cmd, argv, opts = {}) {
  log(`$ ${cmd} ${argv.join(' ')}`)
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, argv, {
      cwd: opts.cwd ?? workDir,
      stdio: ['ignore', quiet ? 'ignore' : 'inherit', 'inherit'],
      env: process.env,
      detached: process.platform !== 'win32', // its own process group, stopped as a whole on interrupt
    })
    current = child
    child.on('error', (e) => reject(new Error(`${cmd}: ${e.message}`)))
    child.on('exit', (code, signal) => {
      current = null
      if (code === 0) resolve()
      else reject(new Error(`${cmd} ${argv[0]} failed (${signal ?? `exit ${code}`})`))
    })
  })
}

function currentCommit(dir) {
  const r = spawnSync('git', ['-C', dir, 'rev-parse', 'HEAD'], { encoding: 'utf8' })
  return r.status === 0 ? r.stdout.trim() : null
}

try {
  for (const tool of ['git', 'cmake']) {
    if (spawnSync(tool, ['--version'], { stdio: 'ignore' }).status !== 0) throw new Error(`${tool} is not installed`)
  }
  log(`llama.cpp ${info.tag} (${commit.slice(0, 10)}) → ${paths.dir} [${flavour}, ${jobs} jobs]`)

  // Source: reuse a previous (interrupted) checkout of the same commit.
  if (currentCommit(srcDir) !== commit) {
    rmSync(srcDir, { recursive: true, force: true })
    rmSync(buildDir, { recursive: true, force: true })
    log('[1/4] extracting the llama.cpp source from the git bundle')
    await run('git', ['clone', '--quiet', '--no-checkout', info.bundlePath, srcDir])
    await run('git', ['-C', srcDir, '-c', 'advice.detachedHead=false', 'checkout', '--quiet', '--detach', commit])
  } else {
    log('[1/4] reusing the extracted source')
  }

  log('[2/4] configuring')
  const cmakeArgs = [
    '-S', srcDir,
    '-B', buildDir,
    '-DCMAKE_BUILD_TYPE=Release',
    '-DBUILD_SHARED_LIBS=OFF', // static: the binary is self-contained
    '-DLLAMA_CURL=OFF',
    '-DLLAMA_OPENSSL=OFF', // no HTTPS model downloads: Folio manages models itself; avoids a libssl dependency
    '-DLLAMA_USE_PREBUILT_UI=OFF', // no network access at build time (the web UI is not used: --no-webui)
    '-DLLAMA_BUILD_TESTS=OFF',
    '-DLLAMA_BUILD_EXAMPLES=OFF',
  ]
  if (existsSync('/usr/bin/ninja') || spawnSync('ninja', ['--version'], { stdio: 'ignore' }).status === 0) {
    if (!existsSync(join(buildDir, 'CMakeCache.txt'))) cmakeArgs.push('-G', 'Ninja')
  }
  if (flavour === 'cuda') cmakeArgs.push('-DGGML_CUDA=ON')
  if (flavour === 'vulkan') cmakeArgs.push('-DGGML_VULKAN=ON')
  await run('cmake', cmakeArgs)

  log(`[3/4] compiling llama-server and llama-bench (takes several minutes on few cores)`)
  await run('cmake', ['--build', buildDir, '--config', 'Release', `-j${jobs}`, '--target', 'llama-server', 'llama-bench'])

  log('[4/4] installing and checking the binaries')
  const binaries = ['llama-server', 'llama-bench']
  mkdirSync(paths.binDir, { recursive: true })
  for (const name of binaries) {
    const file = exeName(name)
    const candidates = [join(buildDir, 'bin', file), join(buildDir, 'bin', 'Release', file)]
    const from = candidates.find((p) => existsSync(p))
    if (!from) throw new Error(`the build produced no ${file} (looked in ${candidates.join(', ')})`)
    const to = join(paths.binDir, file)
    copyFileSync(from, `${to}.tmp`)
    chmodSync(`${to}.tmp`, 0o755)
    renameSync(`${to}.tmp`, to)
  }
  const check = spawnSync(paths.serverPath, ['--version'], { encoding: 'utf8', timeout: 30_000 })
  if (check.status !== 0) {
    throw new Error(`the built llama-server does not run: ${check.error?.message ?? ''}${check.stderr ?? ''}`.trim())
  }
  log(`llama-server runs: ${(check.stdout + check.stderr).trim().split('\n').filter(Boolean).slice(0, 2).join(' | ')}`)

  const stamp = {
    tag: info.tag,
    commit,
    platform: process.platform,
    arch: process.arch,
    flavour,
    builtAt: new Date().toISOString(),
    seconds: Math.round((Date.now() - started) / 1000),
    binaries,
  }
  // Stamp last (atomically): its presence means the build is complete.
  writeFileSync(`${paths.stampPath}.tmp`, `${JSON.stringify(stamp, null, 2)}\n`)
  renameSync(`${paths.stampPath}.tmp`, paths.stampPath)

  if (!keepBuild) {
    log('removing the build tree (pass --keep-build to keep it for faster rebuilds)')
    rmSync(workDir, { recursive: true, force: true })
  }
  log(`done in ${elapsed()}`)
  done(stamp, false)
} catch (e) {
  log(`FAILED after ${elapsed()}: ${e.message}`)
  log(`the partial build is kept in ${workDir}; run again to resume`)
  process.exit(1)
}
