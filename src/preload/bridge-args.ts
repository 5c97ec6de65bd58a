/**
 * How the main process hands the contract's method names to the preload without the preload
 * importing the contract: electron-vite leaves package imports (zod) external in the preload
 * bundle, and a sandboxed preload cannot require them. The main process — which has the contract —
 * passes the names through `webPreferences.additionalArguments`, which Electron appends to the
 * sandboxed renderer's `process.argv`. No dependencies: this file is bundled into both sides.
 */
export const METHODS_ARG_PREFIX = '--folio-methods='

const NAME = /^[A-Za-z][A-Za-z0-9._-]{0,99}$/

/** `--folio-methods=app.info,articles.list,…` (names are plain identifiers, no quoting needed). */
export function encodeMethodsArg(names: readonly string[]): string {
  for (const n of names) if (!NAME.test(n)) throw new Error(`Method name cannot be passed to the preload: ${n}`)
  return METHODS_ARG_PREFIX + names.join(',')
}

/** The method names from argv, or null when the argument is absent (an old or foreign window). */
export function decodeMethodsArg(argv: readonly string[] | undefined): string[] | null {
  if (!argv) return null
  for (let i = argv.length - 1; i >= 0; i--) {
    const a = argv[i]
    if (typeof a === 'string' && a.startsWith(METHODS_ARG_PREFIX)) {
      return a
        .slice(METHODS_ARG_PREFIX.length)
        .split(',')
        .filter((n) => NAME.test(n))
    }
  }
  return null
}
