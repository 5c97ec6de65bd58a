/**
 * Installs the official llama.cpp release build of llama-server for this platform and GPU, for
 * people who cannot build it. Goes into the same cache layout as the source build, so
 * findLlamaServer picks it up.
 */
import { spawnSync } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { FolioError } from '../../../shared/errors'
import { readZip } from '../../common/unzip'
import { httpDownload, type HttpDownloadProgress } from '../../models/http-download'
import { cachedBuildPaths, exeName, STAMP_FILE, type BuildStamp, type GpuFlavour } from './binary'

export const RELEASES_API = 'https://api.github.com/repos/ggml-org/llama.cpp/releases/tags/'

interface Asset {
  name: string
  browser_download_url: string
  size: number
}

/** Asset name patterns of llama.cpp's release builds, best first, for a platform and GPU. */
export function assetPatterns(platform: string, arch: string, gpu: GpuFlavour): RegExp[] {
  const ext = '\\.(zip|tar\\.gz)$'
  if (platform === 'darwin') return [new RegExp(`-bin-macos-${arch === 'arm64' ? 'arm64' : 'x64'}${ext}`)]
  if (platform === 'win32') {
    const a = arch === 'arm64' ? 'arm64' : 'x64'
    const cpu = new RegExp(`-bin-win-cpu-${a}${ext}`)
    if (gpu === 'cuda') return [new RegExp(`-bin-win-cuda-[\\d.]+-${a}${ext}`), new RegExp(`-bin-win-vulkan-${a}${ext}`), cpu]
    if (gpu === 'vulkan') return [new RegExp(`-bin-win-vulkan-${a}${ext}`), cpu]
    return [cpu]
  }
  const a = arch === 'arm64' ? 'arm64' : 'x64'
  const cpu = new RegExp(`-bin-ubuntu-${a}${ext}`)
  // llama.cpp publishes no Linux CUDA build; Vulkan is the GPU build that runs on NVIDIA and AMD.
  return gpu === 'cpu' ? [cpu] : [new RegExp(`-bin-ubuntu-vulkan-${a}${ext}`), cpu]
}

export interface ReleaseInstallOptions {
  tag: string
  cacheRoot: string
  gpu?: GpuFlavour
  platform?: string
  arch?: string
  apiUrl?: string
  signal?: AbortSignal
  onProgress?: (p: HttpDownloadProgress & { file: string }) => void
  fetchImpl?: typeof fetch
}

export async function installReleaseLlamaServer(o: ReleaseInstallOptions): Promise<{ path: string; asset: string }> {
  const platform = o.platform ?? process.platform
  const arch = o.arch ?? process.arch
  const gpu = o.gpu ?? 'cpu'
  const f = o.fetchImpl ?? fetch
  const api = `${o.apiUrl ?? RELEASES_API}${encodeURIComponent(o.tag)}`
  let res: Response
  try {
    res = await f(api, { headers: { Accept: 'application/vnd.github+json' }, signal: o.signal })
  } catch (e) {
    throw new FolioError('UNREACHABLE', `Cannot reach the llama.cpp release page (${(e as Error).message}).`, { retryable: true })
  }
  if (res.status === 404) throw new FolioError('NOT_FOUND', `llama.cpp has no published release ${o.tag}; build it instead: npm run llama-server:build.`)
  if (!res.ok) throw new FolioError('UNREACHABLE', `The llama.cpp release page answered ${res.status}.`, { retryable: true })
  const release = (await res.json()) as { assets?: Asset[] }
  const assets = release.assets ?? []
  const patterns = assetPatterns(platform, arch, gpu)
  const asset = patterns.map((re) => assets.find((a) => re.test(a.name))).find(Boolean)
  if (!asset) {
    throw new FolioError('NOT_FOUND', `llama.cpp ${o.tag} has no release build for ${platform}-${arch}; build it instead: npm run llama-server:build.`)
  }

  const flavour: GpuFlavour = /cuda/.test(asset.name) ? 'cuda' : /vulkan/.test(asset.name) ? 'vulkan' : 'cpu'
  const paths = cachedBuildPaths(o.cacheRoot, o.tag, flavour)
  mkdirSync(paths.dir, { recursive: true })
  const archive = join(paths.dir, asset.name)
  await httpDownload({
    url: asset.browser_download_url,
    target: archive,
    expectedBytes: asset.size,
    signal: o.signal,
    fetchImpl: o.fetchImpl,
    onProgress: (p) => o.onProgress?.({ ...p, file: asset.name }),
  })

  // Release archives keep binaries and their shared libraries together under build/bin (or the root).
  rmSync(paths.binDir, { recursive: true, force: true })
  mkdirSync(paths.binDir, { recursive: true })
  const binaries: string[] = []
  if (asset.name.endsWith('.zip')) {
    for (const e of readZip(readFileSync(archive))) {
      if (e.name.endsWith('/')) continue
      const name = basename(e.name)
      const target = join(paths.binDir, name)
      writeFileSync(target, e.data())
      chmodSync(target, e.mode && e.mode & 0o111 ? e.mode : /\.(so|dylib|dll)(\.|$)|^llama-/.test(name) ? 0o755 : 0o644)
      binaries.push(name)
    }
  } else {
    const r = spawnSync('tar', ['-xzf', archive, '-C', paths.binDir, '--strip-components=2'], { encoding: 'utf8' })
    if (r.status !== 0) throw new FolioError('IO_ERROR', `Could not unpack ${asset.name}: ${r.stderr}`)
  }
  rmSync(archive, { force: true })
  const server = exeName('llama-server', platform)
  if (!existsSync(paths.serverPath)) {
    throw new FolioError('MODEL_INVALID', `${asset.name} does not contain ${server}.`)
  }
  const check = spawnSync(paths.serverPath, ['--version'], { encoding: 'utf8', timeout: 20_000 })
  if (check.status !== 0) {
    throw new FolioError('IO_ERROR', `The downloaded llama-server does not run on this machine: ${(check.stderr || check.error?.message || '').slice(0, 400)}`)
  }
  const stamp: BuildStamp = {
    tag: o.tag,
    commit: 'release',
    platform,
    arch,
    flavour,
    builtAt: new Date().toISOString(),
    seconds: 0,
    binaries,
  }
  writeFileSync(join(paths.dir, STAMP_FILE), JSON.stringify(stamp, null, 2))
  return { path: paths.serverPath, asset: asset.name }
}
