/** Shared by the crash-safety tests: a Folio child process to SIGKILL at a chosen moment, and checks on what it left. */
import Database from 'better-sqlite3'
import { spawn, type ChildProcess } from 'node:child_process'
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ROOT } from '../../helpers/serve-process'

export const CLI_ENTRY = join(ROOT, 'src/main/transport/cli/bin.ts')
export const SERVE_ENTRY = join(ROOT, 'src/main/transport/serve/main.ts')

export interface Child {
  child: ChildProcess
  stdout(): string
  stderr(): string
  /** Resolves with the first match of `re` in stdout + stderr (checked as output arrives). */
  waitFor(re: RegExp, timeoutMs?: number): Promise<RegExpExecArray>
  /** SIGKILL: no handler runs, nothing is flushed or closed. */
  kill9(): Promise<void>
  exited: Promise<number | null>
}

/** Runs a TypeScript entry point (the CLI, serve mode) as a real Node process. */
export function spawnFolio(entry: string, args: string[], env: NodeJS.ProcessEnv = {}): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', entry, ...args], { cwd: ROOT, env: { ...process.env, ...env } })
  let out = ''
  let err = ''
  const watchers = new Set<() => void>()
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString()
    watchers.forEach((w) => w())
  })
  child.stderr!.on('data', (d: Buffer) => {
    err += d.toString()
    watchers.forEach((w) => w())
  })
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitFor(re, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = re.exec(out + err)
          if (!m) return
          cleanup()
          resolve(m)
        }
        const timer = setTimeout(() => {
          cleanup()
          reject(new Error(`no ${re} within ${timeoutMs} ms:\n${out}\n${err}`))
        }, timeoutMs)
        const onExit = (code: number | null) => {
          cleanup()
          reject(new Error(`exited (${code}) before ${re}:\n${out}\n${err}`))
        }
        const cleanup = () => {
          clearTimeout(timer)
          watchers.delete(check)
          child.off('exit', onExit)
        }
        watchers.add(check)
        child.on('exit', onExit)
        check()
      })
    },
    async kill9() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
      await exited
    },
  }
}

/**
 * Opens a copy of a database (with its WAL) that a killed process left, so looking does not change
 * what the next start finds: opening replays the WAL in the copy only.
 */
export function inspectCopy<T>(dbPath: string, look: (db: Database.Database) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'folio-crash-copy-'))
  try {
    for (const suffix of ['', '-wal']) {
      if (existsSync(dbPath + suffix)) copyFileSync(dbPath + suffix, join(dir, `folio.db${suffix}`))
    }
    const db = new Database(join(dir, 'folio.db'), { fileMustExist: true })
    try {
      return look(db)
    } finally {
      db.close()
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** `PRAGMA integrity_check` of a database file; "ok" when sound. */
export function integrityCheck(db: Database.Database): string {
  return db.pragma('integrity_check', { simple: true }) as string
}

/** Opens a database once no process uses it any more (after the restarted process stopped). */
export function openClosed<T>(dbPath: string, look: (db: Database.Database) => T): T {
  const db = new Database(dbPath, { fileMustExist: true })
  try {
    return look(db)
  } finally {
    db.close()
  }
}
