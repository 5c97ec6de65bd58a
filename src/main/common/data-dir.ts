import { accessSync, constants, mkdirSync, statSync } from 'node:fs'
import { homedir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { FolioError } from '../../shared/errors'

export const APP_NAME = 'Folio'

export interface DataDirSources {
  flag?: string
  env?: NodeJS.ProcessEnv
  platform?: NodeJS.Platform
  home?: string
}

/**
 * `--data DIR`, else FOLIO_DATA_DIR, else the folder Electron's `app.getPath('userData')` uses
 * for an app named Folio. Every entry point (desktop, serve, CLI) resolves it through here.
 */
export function resolveDataDir(src: DataDirSources = {}): string {
  const env = src.env ?? process.env
  if (src.flag) return resolve(src.flag)
  if (env.FOLIO_DATA_DIR) return resolve(env.FOLIO_DATA_DIR)
  const home = src.home ?? homedir()
  switch (src.platform ?? process.platform) {
    case 'win32':
      return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), APP_NAME)
    case 'darwin':
      return join(home, 'Library', 'Application Support', APP_NAME)
    default:
      return join(env.XDG_CONFIG_HOME || join(home, '.config'), APP_NAME)
  }
}

export interface DataLayout {
  root: string
  db: string
  images: string
  models: string
  logs: string
}

export function dataLayout(root: string): DataLayout {
  return {
    root,
    db: join(root, 'folio.db'),
    images: join(root, 'images'),
    models: join(root, 'models'),
    logs: join(root, 'logs'),
  }
}

/** Creates the folders; a read-only or unusable location fails with a specific message. */
export function prepareDataDir(root: string): DataLayout {
  const layout = dataLayout(root)
  try {
    for (const dir of [layout.root, layout.images, layout.models, layout.logs]) makeDir(dir)
    accessSync(layout.root, constants.W_OK)
  } catch (e) {
    throw dataDirError(root, e)
  }
  return layout
}

/**
 * `mkdir -p` by hand. `mkdirSync(dir, { recursive: true })` never returns on file systems that
 * answer ENOENT for a folder whose parent exists (Linux /proc), which would hang start-up.
 */
function makeDir(dir: string): void {
  try {
    mkdirSync(dir)
    return
  } catch (e) {
    const code = errCode(e)
    if (code === 'EEXIST') return assertDirectory(dir, e)
    const parent = dirname(dir)
    if (code !== 'ENOENT' || parent === dir) throw e
    makeDir(parent)
  }
  try {
    mkdirSync(dir)
  } catch (e) {
    // A second ENOENT now that the parent exists means this location does not accept new folders.
    if (errCode(e) === 'EEXIST') return assertDirectory(dir, e)
    throw e
  }
}

function assertDirectory(dir: string, cause: unknown): void {
  if (!statSync(dir).isDirectory()) throw Object.assign(new Error(`${dir} is not a folder`), { code: 'ENOTDIR', cause })
}

function errCode(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code
  return typeof code === 'string' ? code : ''
}

/** The nearest existing path at or above `p` that is not a folder (the file in the way), if any. */
function fileInTheWay(p: string): string | null {
  for (let cur = resolve(p); ; cur = dirname(cur)) {
    try {
      return statSync(cur).isDirectory() ? null : cur
    } catch {
      if (dirname(cur) === cur) return null
    }
  }
}

function dataDirError(root: string, e: unknown): FolioError {
  const code = errCode(e)
  const choose = 'Choose another with --data or FOLIO_DATA_DIR.'
  if (code === 'EACCES' || code === 'EROFS' || code === 'EPERM')
    return new FolioError('READ_ONLY', `The data folder ${root} is not writable (${code}). ${choose}`, { cause: e })
  if (code === 'ENOENT')
    return new FolioError('READ_ONLY', `Folio cannot create its data folder ${root}: this location does not accept new folders. ${choose}`, { cause: e })
  if (code === 'ENOSPC') return new FolioError('DISK_FULL', `No space left to create the data folder ${root}.`, { cause: e })
  if (code === 'ENOTDIR' || code === 'EEXIST') {
    const file = fileInTheWay(root)
    const what = file && file !== resolve(root) ? `${file} is a file, not a folder` : 'it is a file, not a folder'
    return new FolioError('INVALID_INPUT', `The data folder ${root} cannot be used: ${what}. ${choose}`, { cause: e })
  }
  if (code === 'ENAMETOOLONG' || code === 'ELOOP')
    return new FolioError('INVALID_INPUT', `The data folder ${root} is not a usable path (${code}). ${choose}`, { cause: e })
  return new FolioError('IO_ERROR', `Cannot prepare the data folder ${root}: ${(e as Error)?.message ?? String(e)}`, { cause: e })
}
