/**
 * Storage and transport: the costs under every autosave and UI call — save/open a 5,000-word article,
 * list 1,001 articles, and the serve-mode WebSocket round trip against an in-process router call.
 */
import { performance } from 'node:perf_hooks'
import { createServices } from '../../src/main/app'
import { startServer } from '../../src/main/transport/serve/server'
import type { Doc } from '../../src/shared/doc'
import { tmpDir } from '../helpers/tmp'
import { connectWs } from '../helpers/ws-client'
import { percentiles, type BenchContext, type SectionOutput } from './report'

type Stats = ReturnType<typeof percentiles>

export interface StorageResult {
  saveMs: Stats
  getMs: Stats
  listMs: Stats
  wsRoundTripMs: Stats
  inProcessCallMs: Stats
  /** WebSocket p50 / in-process p50. */
  transportRatio: number
}

/** `words` words in paragraphs of 50 (`word0 … word996`, so text compresses like prose does not). */
export function bigDoc(words: number): Doc {
  const para = (i: number) => ({
    type: 'paragraph',
    content: [{ type: 'text', text: Array.from({ length: 50 }, (_, j) => `word${(i * 50 + j) % 997}`).join(' ') }],
  })
  return { type: 'doc', content: Array.from({ length: Math.ceil(words / 50) }, (_, i) => para(i)) }
}

async function timeEach(n: number, fn: (i: number) => Promise<unknown>): Promise<Stats> {
  const out: number[] = []
  for (let i = 0; i < n; i++) {
    const t = performance.now()
    await fn(i)
    out.push(performance.now() - t)
  }
  return percentiles(out)
}

export async function benchStorage(ctx: BenchContext): Promise<SectionOutput<StorageResult>> {
  const dir = tmpDir('folio-bench-')
  const services = createServices({ dataDir: dir.path })
  const n = ctx.quick ? 50 : 200
  try {
    const art = services.articles.create({ title: 'Bench' })
    const doc = bigDoc(5000)
    const saveMs = await timeEach(n, (i) => {
      ;(doc.content![0].content![0] as { text: string }).text = `edit ${i}`
      return services.router.call('articles.save', { id: art.id, doc })
    })
    const getMs = await timeEach(n, () => services.router.call('articles.get', { id: art.id }))
    for (let i = 0; i < 1000; i++) services.articles.create({ title: `Article ${i}`, doc: bigDoc(100) })
    const listMs = await timeEach(50, () => services.router.call('articles.list', {}))

    const server = await startServer({ services, host: '127.0.0.1', port: 0, token: 'bench-token-0123456789', rendererDir: dir.path })
    const c = await connectWs(server.url, { authorization: 'Bearer bench-token-0123456789', origin: server.url.slice(0, -1) })
    const wsRoundTripMs = await timeEach(500, () => c.client.call('app.info', {}))
    const inProcessCallMs = await timeEach(500, () => services.router.call('app.info', {}))
    c.close()
    await server.close()

    const result: StorageResult = { saveMs, getMs, listMs, wsRoundTripMs, inProcessCallMs, transportRatio: wsRoundTripMs.p50 / inProcessCallMs.p50 }
    const rows: [string, Stats][] = [
      ['articles.save, 5,000-word article (ms)', saveMs],
      ['articles.get, 5,000-word article (ms)', getMs],
      ['articles.list, 1,001 articles (ms)', listMs],
      ['WebSocket round trip, app.info (ms)', wsRoundTripMs],
      ['in-process router call, app.info (ms)', inProcessCallMs],
    ]
    const fmt = (x: number) => x.toFixed(3).padStart(9)
    console.log(`\nStorage and transport\n${'benchmark'.padEnd(44)}${'p50'.padStart(9)}${'p95'.padStart(9)}${'mean'.padStart(9)}`)
    for (const [name, s] of rows) console.log(`${name.padEnd(44)}${fmt(s.p50)}${fmt(s.p95)}${fmt(s.mean)}`)
    console.log(`transport overhead ratio (WebSocket p50 / in-process p50): ${result.transportRatio.toFixed(1)}x`)
    return {
      result,
      metrics: [
        { name: 'autosave, 5,000-word article p50', value: saveMs.p50, unit: 'ms' },
        { name: 'autosave, 5,000-word article p95', value: saveMs.p95, unit: 'ms' },
        { name: 'open a 5,000-word article p50', value: getMs.p50, unit: 'ms' },
        { name: 'serve-mode API round trip (WebSocket) p50', value: wsRoundTripMs.p50, unit: 'ms' },
        { name: 'serve-mode API round trip (WebSocket) p95', value: wsRoundTripMs.p95, unit: 'ms' },
      ],
    }
  } finally {
    await services.dispose()
    dir.cleanup()
  }
}
