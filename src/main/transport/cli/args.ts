/** Argument checks shared by the CLI's command files: the same words for the same mistakes everywhere. */
import { FolioError } from '../../../shared/errors'
import type { ParsedArgs } from './commands'

/** The i-th positional argument, or a "Missing …" error. */
export function need(a: ParsedArgs, i: number, what: string): string {
  const v = a.positionals[i]
  if (!v) throw new FolioError('INVALID_INPUT', `Missing ${what}.`)
  return v
}

/** A non-negative integer flag (undefined when absent). */
export function int(v: unknown, name: string): number | undefined {
  if (v === undefined) return undefined
  const n = Number(v)
  if (!Number.isInteger(n) || n < 0) throw new FolioError('INVALID_INPUT', `${name} must be a non-negative integer.`)
  return n
}
