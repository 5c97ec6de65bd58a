/**
 * electron-builder.yml, checked with electron-builder's own code (pinned 26.17.0): its config
 * loader and JSON-schema validation, its macro expander and the file matchers `npm run dist` uses
 * to pick the app's files and the files unpacked from app.asar. Packaging itself needs Electron's
 * binary, which cannot be downloaded here; README "Packaging and releases" has the release steps.
 */
import { existsSync, lstatSync, readdirSync, readFileSync, type Stats } from 'node:fs'
import { createRequire } from 'node:module'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { outsideAsar } from '../../../src/main/library/search/sqlite-vec'

const ROOT = join(import.meta.dirname, '..', '..', '..')
const require = createRequire(import.meta.url)

type Config = Record<string, unknown> & {
  files: string[]
  asarUnpack: string[]
  linux: { target: string[]; icon: string; maintainer?: string }
  mac: { target: string[]; icon: string }
  win: { target: string[]; icon: string }
}
type Filter = (file: string, stat: Pick<Stats, 'isDirectory'> & { moduleFullFilePath?: string }) => boolean
interface FileMatcherLike {
  patterns: string[]
  createFilter(): Filter
}

const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
  getConfig(projectDir: string, configPath: string | null, fromOptions: null): Promise<Config>
  validateConfiguration(config: Config, logger: unknown): Promise<void>
}
const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => { isEnabled: boolean } }
const { FileMatcher, getMainFileMatchers, getNodeModuleFileMatcher, getFileMatchers } = require('app-builder-lib/out/fileMatcher.js') as {
  FileMatcher: new (from: string, to: string, expand: (p: string) => string, patterns?: string[]) => FileMatcherLike
  getMainFileMatchers(...args: unknown[]): FileMatcherLike[]
  getNodeModuleFileMatcher(...args: unknown[]): FileMatcherLike
  getFileMatchers(...args: unknown[]): FileMatcherLike[] | null
}
const { expandMacro } = require('app-builder-lib/out/util/macroExpander.js') as {
  expandMacro(pattern: string, arch: string | null, appInfo: Record<string, string>, extra?: Record<string, string>): string
}

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  main: string
  version: string
  scripts: Record<string, string>
  dependencies: Record<string, string>
  build?: unknown
}
const config = await getConfig(ROOT, null, null)

/** electron-builder's `${os}` for a Node platform. */
const OS: Record<string, string> = { linux: 'linux', darwin: 'mac', win32: 'win' }
const appInfo = { productName: 'Folio', sanitizedProductName: 'Folio', version: pkg.version, name: 'folio' }
const expander = (os: string, arch: string) => (p: string) => expandMacro(p, arch, appInfo, { os })
const file = { isDirectory: () => false }

/** The filter for the app's own files (`files` plus electron-builder's defaults). */
function appFilter(os = 'linux', arch = 'x64'): Filter {
  const info = { projectDir: ROOT, buildResourcesDir: 'resources', isPrepackedAppAsar: false, config, debugLogger: new DebugLogger(false) }
  const platformOptions = { linux: config.linux, mac: config.mac, win: config.win }[os] ?? {}
  const [matcher] = getMainFileMatchers(ROOT, '/app', expander(os, arch), platformOptions, { info }, join(ROOT, 'dist'), false)
  return matcher.createFilter()
}

/** Whether a file of an installed package is copied into the app (the node_modules filter: `files`' exclusions). */
function packagedModuleFile(os = 'linux', arch = 'x64'): (rel: string) => boolean {
  const platformOptions = { linux: config.linux, mac: config.mac, win: config.win }[os] ?? {}
  const base = getNodeModuleFileMatcher(ROOT, '/app', expander(os, arch), platformOptions, { config, debugLogger: new DebugLogger(false) })
  const filter = new FileMatcher(ROOT, '/app', expander(os, arch), base.patterns).createFilter()
  // NodeModuleCopyHelper matches "node_modules/<name>/<path>" (moduleFullFilePath).
  return (rel) => filter(join(ROOT, rel), { ...file, moduleFullFilePath: rel })
}

/** Whether a packaged file goes to app.asar.unpacked. */
function unpacked(os = 'linux', arch = 'x64'): (rel: string) => boolean {
  const matchers = getFileMatchers(config, 'asarUnpack', '/app', {
    macroExpander: expander(os, arch),
    customBuildOptions: {},
    globalOutDir: join(ROOT, 'dist'),
    defaultSrc: ROOT,
  })
  if (!matchers) return () => false
  const filter = matchers[0].createFilter()
  return (rel) => filter(join(ROOT, rel), file)
}

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name)
    const st = lstatSync(p)
    if (st.isDirectory()) walk(p, out)
    else if (st.isFile()) out.push(p)
  }
  return out
}

const NATIVE_FILE = /\.(node|so(\.\d+)*|dylib|dll)$/

/**
 * package.json's dependencies that carry native code in a packaged app, with every file of the
 * package and of its installed optional (per-platform) packages, relative to the project root.
 */
function nativeDependencies(): Map<string, { files: string[]; native: string[] }> {
  const found = new Map<string, { files: string[]; native: string[] }>()
  for (const name of Object.keys(pkg.dependencies)) {
    const dir = join(ROOT, 'node_modules', name)
    const meta = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { optionalDependencies?: Record<string, string> }
    const dirs = [dir, ...Object.keys(meta.optionalDependencies ?? {}).map((n) => join(ROOT, 'node_modules', n)).filter((d) => existsSync(d))]
    const files = dirs.flatMap((d) => walk(d)).map((f) => relative(ROOT, f).split('\\').join('/'))
    const native = files.filter((f) => NATIVE_FILE.test(f))
    if (native.length || existsSync(join(dir, 'binding.gyp'))) found.set(name, { files, native })
  }
  return found
}

describe('electron-builder.yml', () => {
  it('is the configuration electron-builder loads, and passes its schema validation', async () => {
    expect(pkg.build).toBeUndefined()
    expect(config.appId).toBe('app.folio.desktop')
    expect(config.productName).toBe('Folio')
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined()
    // The validation is real: a misspelt option is refused.
    await expect(validateConfiguration({ ...config, linux: { ...config.linux, tagret: ['deb'] } } as Config, new DebugLogger(false))).rejects.toThrow(/configuration\.linux/)
  })

  it('builds AppImage and deb for Linux, dmg for macOS and an NSIS installer for Windows, with a usable icon', () => {
    expect(config.linux.target).toEqual(['AppImage', 'deb'])
    expect(config.mac.target).toEqual(['dmg'])
    expect(config.win.target).toEqual(['nsis'])
    for (const platform of [config.linux, config.mac, config.win]) {
      const png = readFileSync(join(ROOT, platform.icon))
      expect(png.subarray(1, 4).toString('latin1')).toBe('PNG')
      // macOS needs at least 512 px to make its .icns (Windows' .ico: 256).
      expect(png.readUInt32BE(16)).toBeGreaterThanOrEqual(512)
      expect(png.readUInt32BE(20)).toBe(png.readUInt32BE(16))
    }
    // The .deb refuses to build without a homepage and a maintainer.
    expect((config.extraMetadata as { homepage?: string }).homepage).toMatch(/^https:\/\//)
    expect(config.linux.maintainer).toMatch(/<.+@.+>/)
    // Uninstalling never deletes the user's library, articles or models.
    expect((config.nsis as { deleteAppDataOnUninstall?: boolean }).deleteAppDataOnUninstall).toBe(false)
  })

  it('names artifacts by version, platform and architecture, without spaces', () => {
    const names = [
      ['linux', 'x64', 'AppImage'],
      ['linux', 'x64', 'deb'],
      ['mac', 'arm64', 'dmg'],
      ['mac', 'x64', 'dmg'],
      ['win', 'x64', 'exe'],
    ].map(([os, arch, ext]) => expandMacro(config.artifactName as string, arch, appInfo, { os, ext }))
    expect(names).toEqual([
      `Folio-${pkg.version}-linux-x64.AppImage`,
      `Folio-${pkg.version}-linux-x64.deb`,
      `Folio-${pkg.version}-mac-arm64.dmg`,
      `Folio-${pkg.version}-mac-x64.dmg`,
      `Folio-${pkg.version}-win-x64.exe`,
    ])
  })

  it('packs the built app, its preload and renderer, and the stylesheets exports read; never tests, fixtures, models or source maps', () => {
    const ships = appFilter()
    const main = pkg.main
    for (const f of [main, 'out/preload/index.cjs', 'out/renderer/index.html', 'out/renderer/assets/index-x.js', 'package.json']) {
      expect(ships(join(ROOT, f), file), f).toBe(true)
    }
    // src/main/articles/export/document-css.ts reads these two at run time.
    for (const f of ['src/renderer/src/styles/app.css', 'src/renderer/src/styles/document.css']) {
      expect(existsSync(join(ROOT, f)), f).toBe(true)
      expect(ships(join(ROOT, f), file), f).toBe(true)
    }
    for (const f of [
      'test/fixtures/models/chat.gguf',
      'test/fixtures/generate.ts',
      'test/e2e/compose.test.ts',
      'models/qwen3-vl-4b.gguf',
      'out/main/index.js.map',
      // The Electron-ABI better-sqlite3 that `npm start` builds for this machine only.
      'out/native/electron-140/better_sqlite3.node',
      'src/main/index.ts',
      'resources/icon.png',
      'electron-builder.yml',
      '.folio-data/folio.db',
      'dist/linux-unpacked/resources/app.asar',
    ]) {
      expect(ships(join(ROOT, f), file), f).toBe(false)
    }
    // Model weights stay out even inside a dependency.
    expect(packagedModuleFile()('node_modules/some-package/weights/model.gguf')).toBe(false)
  })

  it("points package.json's main at the built main bundle, and npm run dist builds before packaging", async () => {
    const vite = (await import('../../../electron.vite.config')).default as {
      main: { build: { outDir?: string; rollupOptions: { input: Record<string, string> } } }
    }
    expect(vite.main.build.outDir).toBeUndefined() // electron-vite's default: out/main
    // index: the desktop app (package.json's main); serve: serve mode's bundled entry.
    expect(Object.keys(vite.main.build.rollupOptions.input).map((name) => `out/main/${name}.js`)).toEqual([pkg.main, 'out/main/serve.js'])
    expect(pkg.scripts.dist).toMatch(/^electron-vite build && electron-builder\b/)
    for (const [script, flag] of [
      ['dist:linux', '--linux'],
      ['dist:mac', '--mac'],
      ['dist:win', '--win'],
    ]) {
      expect(pkg.scripts[script]).toMatch(new RegExp(`^electron-vite build && electron-builder ${flag}\\b`))
    }
  })

  it('unpacks every native dependency from app.asar, and every asarUnpack glob matches installed files', () => {
    const natives = nativeDependencies()
    // Detection is real: the four native dependencies are found.
    expect([...natives.keys()].sort()).toEqual(expect.arrayContaining(['better-sqlite3', 'node-llama-cpp', 'sharp', 'sqlite-vec']))
    const os = OS[process.platform]
    const packaged = packagedModuleFile(os, process.arch)
    const isUnpacked = unpacked(os, process.arch)
    for (const [name, { native }] of natives) {
      const shipped = native.filter(packaged)
      expect(shipped.length, `${name}: no native file of this platform is packaged`).toBeGreaterThan(0)
      expect(shipped.filter((f) => !isUnpacked(f)), `${name}: native files left inside app.asar`).toEqual([])
    }
    // better-sqlite3's native file is the one rebuilt for Electron and loaded at run time.
    expect(natives.get('better-sqlite3')!.native.filter(packaged)).toEqual(['node_modules/better-sqlite3/build/Release/better_sqlite3.node'])

    const candidates = [...natives.values()].flatMap((n) => n.files)
    for (const glob of config.asarUnpack) {
      const one = getFileMatchers({ asarUnpack: [glob] }, 'asarUnpack', '/app', {
        macroExpander: expander(os, process.arch),
        customBuildOptions: {},
        globalOutDir: join(ROOT, 'dist'),
        defaultSrc: ROOT,
      })![0].createFilter()
      expect(candidates.some((f) => one(join(ROOT, f), file)), `${glob} matches no installed file`).toBe(true)
    }
  })

  it("ships only the target platform's node-llama-cpp binaries, without llama.cpp's sources or local builds", () => {
    const linux = packagedModuleFile('linux', 'x64')
    expect(linux('node_modules/@node-llama-cpp/linux-x64/bins/linux-x64/llama-addon.node')).toBe(true)
    expect(linux('node_modules/@node-llama-cpp/linux-x64-cuda/bins/linux-x64-cuda/libggml-cuda.so')).toBe(true)
    expect(linux('node_modules/@node-llama-cpp/linux-x64-vulkan/bins/linux-x64-vulkan/llama-addon.node')).toBe(true)
    expect(linux('node_modules/@node-llama-cpp/linux-arm64/bins/linux-arm64/llama-addon.node')).toBe(false)
    expect(linux('node_modules/@node-llama-cpp/mac-arm64-metal/bins/mac-arm64-metal/llama-addon.node')).toBe(false)
    const mac = packagedModuleFile('mac', 'arm64')
    expect(mac('node_modules/@node-llama-cpp/mac-arm64-metal/bins/mac-arm64-metal/llama-addon.node')).toBe(true)
    expect(mac('node_modules/@node-llama-cpp/mac-x64/bins/mac-x64/llama-addon.node')).toBe(false)
    const win = packagedModuleFile('win', 'x64')
    expect(win('node_modules/@node-llama-cpp/win-x64-cuda/bins/win-x64-cuda/llama-addon.node')).toBe(true)
    expect(win('node_modules/@node-llama-cpp/win-arm64/bins/win-arm64/llama-addon.node')).toBe(false)

    for (const f of [
      'node_modules/node-llama-cpp/llama/llama.cpp/CMakeLists.txt',
      'node_modules/node-llama-cpp/llama/localBuilds/linux-x64/Release/llama-addon.node',
      'node_modules/node-llama-cpp/llama/gitRelease.bundle',
      'node_modules/node-llama-cpp/llama/lastBuild.json',
    ]) {
      expect(linux(f), f).toBe(false)
    }
    // What node-llama-cpp and Folio read at run time stays (llama.cpp's release tag for llama-server).
    for (const f of ['node_modules/node-llama-cpp/dist/index.js', 'node_modules/node-llama-cpp/llama/llama.cpp.info.json', 'node_modules/node-llama-cpp/llama/binariesGithubRelease.json']) {
      expect(linux(f), f).toBe(true)
    }
  })

  it('hardens the Electron binary with fuses', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    })
    // better-sqlite3 uses V8's C++ API: it must be rebuilt for Electron's ABI when packaging.
    expect(config.npmRebuild).toBe(true)
    expect(existsSync(join(ROOT, 'node_modules/better-sqlite3/binding.gyp'))).toBe(true)
  })
})

describe('sqlite-vec in a packaged app', () => {
  const asar = join('/opt', 'Folio', 'resources', 'app.asar', 'node_modules', 'sqlite-vec-linux-x64', 'vec0.so')
  const unpackedPath = join('/opt', 'Folio', 'resources', 'app.asar.unpacked', 'node_modules', 'sqlite-vec-linux-x64', 'vec0.so')

  it('loads the extension from app.asar.unpacked, which SQLite can open', () => {
    expect(outsideAsar(asar, (p) => p === unpackedPath)).toBe(unpackedPath)
  })

  it('keeps other paths, and the asar path when nothing was unpacked', () => {
    const plain = join('/work', 'node_modules', 'sqlite-vec-linux-x64', 'vec0.so')
    expect(outsideAsar(plain, () => true)).toBe(plain)
    expect(outsideAsar(asar, () => false)).toBe(asar)
  })
})
