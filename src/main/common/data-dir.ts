import { accessSync, constants, mkdirSync } from 'node:fs'
import { homedir } from 'node:os'
import { join, resolve } from 'node:path'
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
    for (const dir of [layout.root, layout.images, layout.models, layout.logs]) mkdirSync(dir, { recursive: true })
    accessSync(layout.root, constants.W_OK)
  } catch (e) {
    const code = (e as { code?: string }).code
    if (code === 'EACCES' || code === 'EROFS' || code === 'EPERM')
      throw new FolioError('READ_ONLY', `The data folder ${root} is not writable. Choose another with --data or FOLIO_DATA_DIR.`, { cause: e })
    if (code === 'ENOSPC') throw new FolioError('DISK_FULL', `No space left to create the data folder ${root}.`, { cause: e })
    if (code === 'ENOTDIR' || code === 'EEXIST')
      throw new FolioError('INVALID_INPUT', `The data folder ${root} is not a folder.`, { cause: e })
    throw new FolioError('IO_ERROR', `Cannot prepare the data folder ${root}: ${(e as Error).message}`, { cause: e })
  }
  return layout
}
