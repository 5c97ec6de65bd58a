// Types for native-rebuild.mjs (imported by the TypeScript unit tests).
export declare const NATIVE_FILE: string
export declare const STAMP_FILE: string
export declare const ELECTRON_HEADERS_URL: string

export interface FsLike {
  exists(path: string): boolean
  /** utf8 text; throws when missing */
  readFile(path: string): string
}

export declare class StartError extends Error {}

export declare function electronMissingMessage(detail?: string | null): string

export interface ElectronLocation {
  version: string
  binary: string | null
  missing: string | null
}
export declare function locateElectron(appRoot: string, opts?: { fs?: FsLike; env?: Record<string, string | undefined> }): ElectronLocation

export declare function nativeTargetDir(appRoot: string, abi: string): string
export declare function parseAbi(output: unknown): string | null

export declare function rebuildDecision(opts: {
  targetDir: string
  electronVersion: string
  betterSqliteVersion: string
  fs?: FsLike
}): { rebuild: boolean; reason: string }

export declare function nodeGypInvocation(opts?: {
  execPath?: string
  env?: Record<string, string | undefined>
  platform?: string
  exists?: (path: string) => boolean
}): { command: string; args: string[]; label: string }

export declare function nodeGypArgs(electronVersion: string): string[]
export declare function forwardArgs(argv: readonly string[]): string[]
export declare function electronEnv(env?: Record<string, string | undefined>): Record<string, string | undefined>

export declare function electronAbi(appRoot: string, binary: string, opts?: { log?: (m: string) => void }): string
export declare function ensureElectronNative(opts: {
  appRoot: string
  electronVersion: string
  abi: string
  log?: (m: string) => void
  gypArgs?: string[]
  gypEnv?: Record<string, string>
}): string
export declare function electronViteBin(appRoot: string): string
