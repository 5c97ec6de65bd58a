/**
 * better-sqlite3 is a native addon. node_modules holds the Node build (tests, CLI, serve mode);
 * `npm start` builds a second copy for Electron's ABI into out/native/electron-<abi>/ (see
 * scripts/lib/native-rebuild.mjs), which the desktop app passes to `new Database(…, { nativeBinding })`.
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { FolioError } from '../../shared/errors'

export const NATIVE_FILE = 'better_sqlite3.node'

export const WRONG_ABI_MESSAGE =
  'better-sqlite3 was built for Node, not Electron — run npm start, which rebuilds it.'

/** Where the Electron-ABI build lives, whether or not it exists. */
export function electronNativeBindingPath(appRoot: string, abi: string = process.versions.modules): string {
  return join(appRoot, 'out', 'native', `electron-${abi}`, NATIVE_FILE)
}

/**
 * The Electron-ABI better-sqlite3 binary, or undefined when it has not been built (the default
 * Node build is then tried, and a wrong-ABI failure is explained by describeNativeLoadError).
 */
export function electronNativeBinding(
  appRoot: string,
  abi: string = process.versions.modules,
  exists: (path: string) => boolean = existsSync,
): string | undefined {
  const path = electronNativeBindingPath(appRoot, abi)
  return exists(path) ? path : undefined
}

function messages(e: unknown): string {
  const parts: string[] = []
  let cur: unknown = e
  for (let i = 0; cur && i < 5; i++) {
    const m = (cur as { message?: unknown }).message
    if (typeof m === 'string') parts.push(m)
    cur = (cur as { cause?: unknown }).cause
  }
  return parts.join('\n')
}

/** True when an error (or its cause) is Node refusing an addon built for another ABI. */
export function isNativeAbiMismatch(e: unknown): boolean {
  return /NODE_MODULE_VERSION|was compiled against a different Node\.js version|invalid ELF header|not a valid Win32 application|did not self-register/i.test(
    messages(e),
  )
}

/**
 * Replaces a wrong-ABI load failure with an actionable message; other errors pass unchanged.
 * Used by the desktop entry point around createServices().
 */
export function describeNativeLoadError(e: unknown, bindingPath: string | undefined): unknown {
  if (!isNativeAbiMismatch(e)) return e
  const where = bindingPath
    ? `The Electron build at ${bindingPath} could not be loaded; delete ${bindingPath} and run npm start to rebuild it.`
    : WRONG_ABI_MESSAGE
  return new FolioError('INTERNAL', `${where}\n\n${messages(e).split('\n')[0]}`, { cause: e })
}
