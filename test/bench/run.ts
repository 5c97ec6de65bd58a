/**
 * `npm run bench [-- storage|inference|library [rows…]]`: prints measured numbers (not pass/fail): storage and
 * transport costs under every autosave and UI call, then inference speed against bare
 * node-llama-cpp and llama-bench on the ~100M fixture.
 */
import { performance } from 'node:perf_hooks'
import { createServices } from '../../src/main/app'
import { startServer } from '../../src/main/transport/serve/server'
import type { Doc } from '../../src/shared/doc'
import { tmpDir } from '../helpers/tmp'
import { connectWs } from '../helpers/ws-client'

function stats(samples: number[]): { p50: number; p95: number; mean: number } {
  const s = [...samples].sort((a, b) => a - b)
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))]
  return { p50: at(0.5), p95: at(0.95), mean: s.reduce((a, b) => a + b, 0) / s.length }
}
const fmt = (n: number) => n.toFixed(3).padStart(9)

function bigDoc(words: number): Doc {
  const para = (i: number) => ({
    type: 'paragraph',
    content: [{ type: 'text', text: Array.from({ length: 50 }, (_, j) => `word${(i * 50 + j) % 997}`).join(' ') }],
  })
  return { type: 'doc', content: Array.from({ length: Math.ceil(words / 50) }, (_, i) => para(i)) }
}

async function benchStorage(): Promise<void> {
  const dir = tmpDir('folio-bench-')
  const services = createServices({ dataDir: dir.path })
  const rows: [string, { p50: number; p95: number; mean: number }][] = []
  try {
    const art = services.articles.create({ title: 'Bench' })
    const doc = bigDoc(5000)
    const save: number[] = []
    for (let i = 0; i < 200; i++) {
      ;(doc.content![0].content![0] as { text: string }).text = `edit ${i}`
      const t = performance.now()
      await services.router.call('articles.save', { id: art.id, doc })
      save.push(performance.now() - t)
    }
    rows.push(['articles.save, 5,000-word article (ms)', stats(save)])

    const load: number[] = []
    for (let i = 0; i < 200; i++) {
      const t = performance.now()
      await services.router.call('articles.get', { id: art.id })
      load.push(performance.now() - t)
    }
    rows.push(['articles.get, 5,000-word article (ms)', stats(load)])

    for (let i = 0; i < 1000; i++) services.articles.create({ title: `Article ${i}`, doc: bigDoc(100) })
    const list: number[] = []
    for (let i = 0; i < 50; i++) {
      const t = performance.now()
      await services.router.call('articles.list', {})
      list.push(performance.now() - t)
    }
    rows.push(['articles.list, 1,001 articles (ms)', stats(list)])

    const server = await startServer({ services, host: '127.0.0.1', port: 0, token: 'bench-token-0123456789', rendererDir: dir.path })
    const c = await connectWs(server.url, { authorization: 'Bearer bench-token-0123456789', origin: server.url.slice(0, -1) })
    const rtt: number[] = []
    for (let i = 0; i < 500; i++) {
      const t = performance.now()
      await c.client.call('app.info', {})
      rtt.push(performance.now() - t)
    }
    rows.push(['WebSocket round trip, app.info (ms)', stats(rtt)])
    const inProc: number[] = []
    for (let i = 0; i < 500; i++) {
      const t = performance.now()
      await services.router.call('app.info', {})
      inProc.push(performance.now() - t)
    }
    rows.push(['in-process router call, app.info (ms)', stats(inProc)])
    c.close()
    await server.close()
  } finally {
    services.dispose()
    dir.cleanup()
  }
  console.log(`${'benchmark'.padEnd(44)}${'p50'.padStart(9)}${'p95'.padStart(9)}${'mean'.padStart(9)}`)
  for (const [name, s] of rows) console.log(`${name.padEnd(44)}${fmt(s.p50)}${fmt(s.p95)}${fmt(s.mean)}`)
  const ws = rows.find((r) => r[0].startsWith('WebSocket'))![1]
  const ip = rows.find((r) => r[0].startsWith('in-process'))![1]
  console.log(`transport overhead ratio (WebSocket p50 / in-process p50): ${(ws.p50 / ip.p50).toFixed(1)}x`)
}

async function main(): Promise<void> {
  const only = process.argv[2]
  if (!only || only === 'storage') await benchStorage()
  if (!only || only === 'inference') {
    const { benchInference } = await import('./inference')
    await benchInference()
  }
  if (!only || only === 'library') {
    // `npm run bench -- library 100000 1000000` for other sizes (1M takes ~3 min to build on 2 cores).
    const sizes = process.argv.slice(3).map(Number).filter((n) => n > 0)
    const { benchLibrary } = await import('./library')
    await benchLibrary(sizes.length ? sizes : [100_000])
  }
}

void main()
