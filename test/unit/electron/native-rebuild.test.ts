import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  ELECTRON_HEADERS_URL,
  NATIVE_FILE,
  STAMP_FILE,
  electronEnv,
  electronMissingMessage,
  forwardArgs,
  locateElectron,
  nativeTargetDir,
  nodeGypArgs,
  nodeGypInvocation,
  parseAbi,
  rebuildDecision,
  type FsLike,
} from '../../../scripts/lib/native-rebuild.mjs'

function memFs(files: Record<string, string>): FsLike {
  return {
    exists: (p) => p in files,
    readFile: (p) => {
      if (!(p in files)) throw Object.assign(new Error(`ENOENT ${p}`), { code: 'ENOENT' })
      return files[p]
    },
  }
}

const root = '/app'
const epkg = join(root, 'node_modules', 'electron')

describe('locateElectron', () => {
  it('finds the binary from path.txt', () => {
    const fs = memFs({
      [join(epkg, 'package.json')]: '{"version":"45.5.0"}',
      [join(epkg, 'path.txt')]: 'electron\n',
      [join(epkg, 'dist', 'electron')]: '',
    })
    expect(locateElectron(root, { fs, env: {} })).toEqual({ version: '45.5.0', binary: join(epkg, 'dist', 'electron'), missing: null })
  })

  it('reports a missing download (no path.txt) or a missing dist file', () => {
    const pkg = { [join(epkg, 'package.json')]: '{"version":"45.5.0"}' }
    const a = locateElectron(root, { fs: memFs(pkg), env: {} })
    expect(a.binary).toBeNull()
    expect(a.missing).toMatch(/node_modules\/electron\/dist is missing/)
    const b = locateElectron(root, { fs: memFs({ ...pkg, [join(epkg, 'path.txt')]: 'electron' }), env: {} })
    expect(b.binary).toBeNull()
    expect(b.missing).toContain('dist')
  })

  it('honours ELECTRON_OVERRIDE_DIST_PATH', () => {
    const fs = memFs({ [join(epkg, 'package.json')]: '{"version":"45.5.0"}', ['/opt/e/electron']: '' })
    expect(locateElectron(root, { fs, env: { ELECTRON_OVERRIDE_DIST_PATH: '/opt/e' } }).binary).toBe('/opt/e/electron')
  })

  it('throws a specific error when electron is not installed at all', () => {
    expect(() => locateElectron(root, { fs: memFs({}), env: {} })).toThrow(/electron package is missing.*npm install/)
  })

  it('the missing-binary message tells the user what to do', () => {
    const m = electronMissingMessage('node_modules/electron/dist is missing')
    expect(m).toContain('node_modules/electron/dist is missing')
    expect(m).toContain('node node_modules/electron/install.js')
    expect(m).toContain('npm run serve')
  })
})

describe('rebuildDecision', () => {
  const dir = nativeTargetDir(root, '140')
  const bin = join(dir, NATIVE_FILE)
  const stamp = join(dir, STAMP_FILE)
  const decide = (files: Record<string, string>) =>
    rebuildDecision({ targetDir: dir, electronVersion: '45.5.0', betterSqliteVersion: '12.11.1', fs: memFs(files) })

  it('target folder is out/native/electron-<abi>', () => {
    expect(dir).toBe(join(root, 'out', 'native', 'electron-140'))
  })

  it('rebuilds when the binary is missing', () => {
    expect(decide({})).toMatchObject({ rebuild: true, reason: expect.stringContaining('does not exist') })
  })

  it('rebuilds when the stamp is missing, garbled or names other versions', () => {
    expect(decide({ [bin]: '' }).rebuild).toBe(true)
    expect(decide({ [bin]: '', [stamp]: '{nope' }).rebuild).toBe(true)
    const other = decide({ [bin]: '', [stamp]: JSON.stringify({ electron: '45.4.0', betterSqlite3: '12.11.1' }) })
    expect(other).toMatchObject({ rebuild: true, reason: expect.stringContaining('45.4.0') })
    const upgraded = decide({ [bin]: '', [stamp]: JSON.stringify({ electron: '45.5.0', betterSqlite3: '12.10.0' }) })
    expect(upgraded).toMatchObject({ rebuild: true, reason: expect.stringContaining('12.10.0') })
  })

  it('keeps an up-to-date build', () => {
    expect(decide({ [bin]: '', [stamp]: JSON.stringify({ electron: '45.5.0', betterSqlite3: '12.11.1' }) }).rebuild).toBe(false)
  })
})

describe('node-gyp', () => {
  it("prefers npm's bundled node-gyp next to the running node", () => {
    const execPath = '/usr/local/bin/node'
    const bundled = join('/usr/local/bin', '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js')
    const inv = nodeGypInvocation({ execPath, env: {}, platform: 'linux', exists: (p) => p === bundled })
    expect(inv).toMatchObject({ command: execPath, args: [bundled] })
  })

  it('uses npm_config_node_gyp when npm provides it', () => {
    const inv = nodeGypInvocation({ execPath: '/n/node', env: { npm_config_node_gyp: '/x/node-gyp.js' }, exists: (p) => p === '/x/node-gyp.js' })
    expect(inv.args).toEqual(['/x/node-gyp.js'])
  })

  it('falls back to npx --yes node-gyp', () => {
    expect(nodeGypInvocation({ execPath: '/n/node', env: {}, platform: 'linux', exists: () => false })).toMatchObject({
      command: 'npx',
      args: ['--yes', 'node-gyp'],
    })
    expect(nodeGypInvocation({ execPath: 'C:\\n\\node.exe', env: {}, platform: 'win32', exists: () => false }).command).toBe('npx.cmd')
  })

  it('builds for the Electron runtime and version', () => {
    expect(nodeGypArgs('45.5.0')).toEqual(
      expect.arrayContaining(['rebuild', '--release', '--runtime=electron', '--target=45.5.0', `--dist-url=${ELECTRON_HEADERS_URL}`]),
    )
  })
})

describe('launch helpers', () => {
  it('parses the ABI printed by electron', () => {
    expect(parseAbi('140\n')).toBe('140')
    expect(parseAbi('')).toBeNull()
    expect(parseAbi('Error: x')).toBeNull()
  })

  it('forwards args, joining --data DIR', () => {
    expect(forwardArgs(['--data', '/d', '--x'])).toEqual(['--data=/d', '--x'])
    expect(forwardArgs(['--data=/d'])).toEqual(['--data=/d'])
    expect(() => forwardArgs(['--data'])).toThrow(/--data needs a folder/)
  })

  it('never launches Electron with ELECTRON_RUN_AS_NODE', () => {
    expect(electronEnv({ ELECTRON_RUN_AS_NODE: '1', A: 'b' })).toEqual({ A: 'b' })
  })
})
