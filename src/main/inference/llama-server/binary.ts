/**
 * Where Folio finds `llama-server` (pure Node; used by the app and by
 * scripts/build-llama-server.mjs, which builds it from the llama.cpp source node-llama-cpp ships).
 *
 * Cache layout (one folder per llama.cpp version, platform and GPU flavour):
 *   ${FOLIO_LLAMA_SERVER_CACHE:-${XDG_CACHE_HOME:-~/.cache}/folio/llama-server}/
 *     <tag>-<platform>-<arch>[-cuda|-vulkan]/bin/llama-server
 *     <tag>-<platform>-<arch>[-cuda|-vulkan]/build.stamp.json   (written last: the build is complete)
 */
import { accessSync, constants, existsSync, readFileSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { homedir } from 'node:os'
import { delimiter, dirname, join } from 'node:path'

export type GpuFlavour = 'cpu' | 'cuda' | 'vulkan'

export const STAMP_FILE = 'build.stamp.json'
export const BUILD_HINT = 'run `npm run llama-server:build` or choose a llama-server binary in Settings'

export interface LlamaCppInfo {
  /** The llama.cpp release tag node-llama-cpp was built against (from llama.cpp.info.json). */
  tag: string
  /** node-llama-cpp's `llama/` folder: holds gitRelease.bundle and llama.cpp.info.json. */
  llamaDir: string
  bundlePath: string
}

export interface BuildStamp {
  tag: string
  commit: string
  platform: string
  arch: string
  flavour: GpuFlavour
  builtAt: string
  seconds: number
  binaries: string[]
}

/** Locates node-llama-cpp's bundled llama.cpp source and its version tag. */
export function bundledLlamaCpp(fromDir?: string): LlamaCppInfo {
  // node-llama-cpp's package.json is not exported; resolve its entry point and walk up.
  const req = createRequire(fromDir ? join(fromDir, 'noop.js') : import.meta.url)
  let dir = dirname(req.resolve('node-llama-cpp'))
  while (!existsSync(join(dir, 'llama', 'llama.cpp.info.json'))) {
    const up = dirname(dir)
    if (up === dir) throw new Error('node-llama-cpp is installed without its llama/ folder (llama.cpp.info.json)')
    dir = up
  }
  const llamaDir = join(dir, 'llama')
  const info = JSON.parse(readFileSync(join(llamaDir, 'llama.cpp.info.json'), 'utf8')) as { tag?: unknown }
  if (typeof info.tag !== 'string' || !info.tag) throw new Error('llama.cpp.info.json has no tag')
  return { tag: info.tag, llamaDir, bundlePath: join(llamaDir, 'gitRelease.bundle') }
}

/** The cache root: FOLIO_LLAMA_SERVER_CACHE, else ${XDG_CACHE_HOME:-~/.cache}/folio/llama-server. */
export function defaultCacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env.FOLIO_LLAMA_SERVER_CACHE) return env.FOLIO_LLAMA_SERVER_CACHE
  const xdg = env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache')
  return join(xdg, 'folio', 'llama-server')
}

/** `<tag>-<platform>-<arch>[-<flavour>]`; the CPU build has no suffix. */
export function cacheKey(
  tag: string,
  flavour: GpuFlavour = 'cpu',
  platform: string = process.platform,
  arch: string = process.arch,
): string {
  const safeTag = tag.replace(/[^A-Za-z0-9._-]/g, '_')
  return `${safeTag}-${platform}-${arch}${flavour === 'cpu' ? '' : `-${flavour}`}`
}

export function exeName(name: string, platform: string = process.platform): string {
  return platform === 'win32' ? `${name}.exe` : name
}

export interface CachedBuild {
  dir: string
  binDir: string
  stampPath: string
  serverPath: string
  benchPath: string
}

export function cachedBuildPaths(cacheRoot: string, tag: string, flavour: GpuFlavour = 'cpu'): CachedBuild {
  const dir = join(cacheRoot, cacheKey(tag, flavour))
  const binDir = join(dir, 'bin')
  return {
    dir,
    binDir,
    stampPath: join(dir, STAMP_FILE),
    serverPath: join(binDir, exeName('llama-server')),
    benchPath: join(binDir, exeName('llama-bench')),
  }
}

/** The stamp of a complete cached build, or null (missing, interrupted, unreadable). */
export function readStamp(stampPath: string): BuildStamp | null {
  try {
    const s = JSON.parse(readFileSync(stampPath, 'utf8')) as BuildStamp
    return typeof s.tag === 'string' && Array.isArray(s.binaries) ? s : null
  } catch {
    return null
  }
}

export function isExecutableFile(p: string): boolean {
  try {
    if (!statSync(p).isFile()) return false
    if (process.platform !== 'win32') accessSync(p, constants.X_OK)
    return true
  } catch {
    return false
  }
}

/** First executable `name` on PATH (PATHEXT is not consulted beyond `.exe`). */
export function whichOnPath(name: string, env: NodeJS.ProcessEnv = process.env): string | null {
  const pathVar = env.PATH ?? env.Path ?? ''
  for (const dir of pathVar.split(delimiter)) {
    if (!dir) continue
    const candidate = join(dir, exeName(name))
    if (isExecutableFile(candidate)) return candidate
  }
  return null
}

export type LlamaServerSource = 'settings' | 'path' | 'cache'

export type FindLlamaServerResult =
  | { path: string; source: LlamaServerSource; flavour?: GpuFlavour; message?: undefined }
  | { path: null; source?: undefined; message: string }

export interface FindLlamaServerOptions {
  /** A binary chosen in Settings; used when it exists and is executable. */
  settingsPath?: string | null
  env?: NodeJS.ProcessEnv
  /** Defaults to defaultCacheRoot(env). */
  cacheRoot?: string
  /** Defaults to the tag of node-llama-cpp's bundled llama.cpp. */
  tag?: string
  /** Cached flavours to look for, in order of preference (default: cuda, vulkan, cpu). */
  flavours?: GpuFlavour[]
  /** Skip the PATH lookup (tests, or when the cached build must win). */
  ignorePath?: boolean
}

/**
 * The llama-server to run: the one chosen in Settings (if executable), else `llama-server` on PATH,
 * else Folio's cached build; else `{ path: null, message }` telling the person what to do.
 */
export function findLlamaServer(opts: FindLlamaServerOptions = {}): FindLlamaServerResult {
  const env = opts.env ?? process.env
  const problems: string[] = []
  if (opts.settingsPath) {
    if (isExecutableFile(opts.settingsPath)) return { path: opts.settingsPath, source: 'settings' }
    problems.push(`the llama-server chosen in Settings (${opts.settingsPath}) is missing or not executable`)
  }
  if (!opts.ignorePath) {
    const onPath = whichOnPath('llama-server', env)
    if (onPath) return { path: onPath, source: 'path' }
  }
  const cacheRoot = opts.cacheRoot ?? defaultCacheRoot(env)
  let tag = opts.tag
  if (!tag) {
    try {
      tag = bundledLlamaCpp().tag
    } catch (e) {
      problems.push(`cannot tell which llama.cpp version to look for: ${(e as Error).message}`)
    }
  }
  if (tag) {
    for (const flavour of opts.flavours ?? (['cuda', 'vulkan', 'cpu'] as GpuFlavour[])) {
      const c = cachedBuildPaths(cacheRoot, tag, flavour)
      if (readStamp(c.stampPath) && isExecutableFile(c.serverPath)) return { path: c.serverPath, source: 'cache', flavour }
    }
    problems.push(`no built llama-server in ${join(cacheRoot, cacheKey(tag))}`)
  }
  const why = problems.length ? ` (${problems.join('; ')})` : ''
  return { path: null, message: `llama-server was not found${why}: ${BUILD_HINT}.` }
}
