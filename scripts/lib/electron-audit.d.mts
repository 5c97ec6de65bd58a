// Types for electron-audit.mjs (imported by the TypeScript unit tests).
export declare const BLOCKING: string[]
export declare const EXCLUDED_CHECKS: string[]

export interface Finding {
  id: string
  /** Relative to the scanned folder, with forward slashes. */
  file: string
  line: number
  column: number
  severity: string
  confidence: string
  manualReview: boolean
  description: string
}

export interface AllowEntry {
  id: string
  file: string
  reason: string
}

export declare function scanElectron(opts: {
  root: string
  input: string
  electronVersion: string
}): Promise<{ findings: Finding[]; unparsed: { file: string; message: string }[] }>

export declare function loadAllowlist(path: string): AllowEntry[]

export declare function gate(
  findings: Finding[],
  allowlist: AllowEntry[],
): {
  explained: (Finding & { reason: string })[]
  unexplained: Finding[]
  informational: Finding[]
  stale: AllowEntry[]
}
