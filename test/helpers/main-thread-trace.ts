/**
 * The page's main-thread tasks from a chromium trace, with both their wall time and the CPU time the
 * thread really spent in them. On a shared two-core machine (CI runs model tests beside the browser)
 * a task's wall time mostly measures how long the OS kept the renderer off the CPU; its CPU time
 * measures the work the app gave it, which is what a test can hold the app to.
 */
import type { Browser, Page } from 'playwright-core'

export interface TracedTask {
  wallMs: number
  cpuMs: number
}

interface TraceEvent {
  ph?: string
  name?: string
  pid?: number
  tid?: number
  dur?: number
  tdur?: number
  args?: { name?: string }
}

/** Starts tracing only the scheduler's top-level tasks (cheap enough to leave timings nearly untouched). */
export async function traceMainThread(browser: Browser, page: Page): Promise<{ stop(): Promise<TracedTask[]> }> {
  await browser.startTracing(page, { categories: ['toplevel'] })
  return {
    async stop() {
      return mainThreadTasks(JSON.parse((await browser.stopTracing()).toString('utf8')))
    },
  }
}

export function mainThreadTasks(trace: { traceEvents?: TraceEvent[] } | TraceEvent[]): TracedTask[] {
  const events = Array.isArray(trace) ? trace : (trace.traceEvents ?? [])
  const mains = new Set(
    events
      .filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain')
      .map((e) => `${e.pid}:${e.tid}`),
  )
  return events
    .filter((e) => e.ph === 'X' && e.name === 'ThreadControllerImpl::RunTask' && mains.has(`${e.pid}:${e.tid}`))
    .map((e) => ({ wallMs: (e.dur ?? 0) / 1000, cpuMs: (e.tdur ?? 0) / 1000 }))
}
