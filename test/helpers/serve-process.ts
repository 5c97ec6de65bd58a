import { spawn, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'

export const ROOT = join(import.meta.dirname, '..', '..')

export interface ServeProcess {
  child: ChildProcess
  loginUrl: string
  baseUrl: string
  token: string
  stderr(): string
  stop(signal?: NodeJS.Signals): Promise<number | null>
}

/** Starts the real serve entry point (`npm run serve` when viaNpm) and waits for its one-line URL. */
export function startServe(
  args: string[],
  opts: {
    viaNpm?: boolean
    env?: NodeJS.ProcessEnv
    /** Another entry script that ends by running the serve main (e.g. with a test model catalogue); a .js entry (the bundled out/main/serve.js) runs without tsx. */
    entry?: string
  } = {},
): Promise<ServeProcess> {
  const child = opts.viaNpm
    ? spawn('npm', ['run', '-s', 'serve', '--', ...args], { cwd: ROOT, env: { ...process.env, ...opts.env }, detached: true })
    : spawn(process.execPath, [...(opts.entry?.endsWith('.js') ? [] : ['--import', 'tsx']), opts.entry ?? join(ROOT, 'src/main/transport/serve/main.ts'), ...args], {
        cwd: ROOT,
        env: { ...process.env, ...opts.env },
      })
  let out = ''
  let err = ''
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()))
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start in 60 s:\n${err}`)), 60_000)
    const onEarlyExit = (code: number | null) => {
      clearTimeout(timer)
      reject(new Error(`serve exited with ${code}:\n${err}`))
    }
    child.on('exit', onEarlyExit)
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString()
      const m = /^Folio is running at (http:\/\/[^\s/]+\/)\?token=([A-Za-z0-9_-]+)$/m.exec(out)
      if (!m) return
      clearTimeout(timer)
      child.off('exit', onEarlyExit)
      resolve({
        child,
        loginUrl: `${m[1]}?token=${m[2]}`,
        baseUrl: m[1],
        token: m[2],
        stderr: () => err,
        stop: async (signal = 'SIGTERM') => {
          // npm runs the server in its own process group; signal the whole group.
          if (opts.viaNpm && child.pid) process.kill(-child.pid, signal)
          else child.kill(signal)
          return exited
        },
      })
    })
  })
}
