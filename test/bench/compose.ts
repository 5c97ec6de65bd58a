/**
 * Composition benchmark: `compose.run` on the ~100M fixture (writer) with the tiny embedder and a
 * 30-image captioned library. Per stage: wall time, model time and Folio's own overhead (the
 * target: overhead < 5 % of the total).
 */
import { join } from 'node:path'
import { createServices } from '../../src/main/app'
import type { RunOutput, StageStats } from '../../src/shared/compose-api'
import { ensureFixtures } from '../fixtures/models'
import { makePng, tmpDir } from '../helpers/tmp'
import type { BenchContext, SectionOutput } from './report'

export interface ComposeBenchResult {
  runs: number
  totalMs: number
  /** Folio's own time / total (target < 5 %). */
  overheadShare: number
  stages: Record<string, StageStats[]>
}
const SUBJECTS = ['bicycle', 'lake', 'mountain', 'market', 'river', 'city street', 'cat', 'harbour', 'forest', 'train']

export async function benchCompose(ctx: BenchContext = { quick: false, args: [], all: false }): Promise<SectionOutput<ComposeBenchResult>> {
  const RUNS = ctx.quick ? 1 : 3
  const { bench, embed } = await ensureFixtures(['bench', 'embed'])
  const dir = tmpDir('folio-bench-compose-')
  const s = createServices({ dataDir: join(dir.path, 'data'), library: { resumeImports: false } })
  try {
    await s.router.call('models.add', { path: bench, role: 'writer' })
    await s.router.call('models.add', { path: embed, role: 'embedder' })
    const files = Array.from({ length: 30 }, (_, i) => ({ name: `p${i}.png`, data: makePng(32 + i, 24, [(i * 37) % 255, (i * 91) % 255, 120]) }))
    const res = await s.importer.importBuffers(files)
    res.forEach((r, i) => {
      if (r.state !== 'rejected') s.library.update({ id: r.imageId, caption: `a photo of a ${SUBJECTS[i % SUBJECTS.length]} number ${i}` })
    })
    await s.search.indexEmbeddings()
    // Warm-up: loads the models, so the runs below measure composition, not loading.
    await s.router.call('compose.run', { instruction: 'warm up', words: 50, images: 1, seed: 1 })
    const runs: RunOutput[] = []
    for (let i = 0; i < RUNS; i++) runs.push(await s.router.call('compose.run', { instruction: 'The history of the bicycle', words: 150, images: 3, seed: 10 + i }))

    const stages = ['write', 'spot', 'caption', 'retrieve', 'select'] as const
    const sum = (f: (r: RunOutput) => number) => runs.reduce((a, r) => a + f(r), 0) / runs.length
    console.log(`\nComposition benchmark — ${bench.split('/').pop()} writer, tiny embedder, 30-image library, 150 words, 3 images, mean of ${RUNS} runs`)
    console.log(`${'stage'.padEnd(12)}${'ms'.padStart(10)}${'model ms'.padStart(10)}${'overhead'.padStart(10)}${'calls'.padStart(7)}${'tokens'.padStart(8)}`)
    for (const st of stages) {
      const g = (k: keyof StageStats) => sum((r) => r.stats[st][k])
      const over = g('ms') - g('modelMs')
      console.log(`${st.padEnd(12)}${g('ms').toFixed(1).padStart(10)}${g('modelMs').toFixed(1).padStart(10)}${over.toFixed(1).padStart(10)}${g('calls').toFixed(1).padStart(7)}${g('completionTokens').toFixed(0).padStart(8)}`)
    }
    const total = sum((r) => r.stats.totalMs)
    const share = sum((r) => r.stats.overheadShare)
    console.log(`total ${total.toFixed(0)} ms; Folio's own overhead ${(share * 100).toFixed(2)} % of the total (target < 5 %; retrieval's query embedding counts as overhead here)`)
    return {
      result: { runs: RUNS, totalMs: total, overheadShare: share, stages: Object.fromEntries(stages.map((st) => [st, runs.map((r) => r.stats[st])])) },
      metrics: [
        { name: 'compose.run, 150 words + 3 images (mean)', value: total, unit: 'ms' },
        { name: "Folio's own share of composition time", value: share * 100, unit: '%', target: { op: '<', value: 5 } },
      ],
    }
  } finally {
    await s.dispose()
    dir.cleanup()
  }
}
