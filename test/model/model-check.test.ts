/**
 * Model file validation and the memory-fit check (src/main/inference/llama/model-check.ts), on the
 * generated GGUF fixtures and on deliberately broken copies of them.
 */
import { copyFile, open, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Llama } from 'node-llama-cpp'
import { FolioError } from '../../src/shared/errors'
import {
  assessModelFit,
  ensureModelFits,
  inspectModelFile,
  tensorBytes,
  type InspectedModel,
} from '../../src/main/inference/llama/model-check'
import { getLlamaRuntime } from '../../src/main/inference/llama/runtime'
import { ensureFixtures } from '../fixtures/models'
import { GgmlType, str, u32, writeGguf } from '../fixtures/gguf/writer'
import { tmpDir } from '../helpers/tmp'

let llama: Llama
let paths: Record<'chat' | 'embed' | 'mmproj' | 'bench', string>
const dir = tmpDir('folio-model-check-')

beforeAll(async () => {
  ;[paths, { llama }] = await Promise.all([ensureFixtures(['chat', 'mmproj', 'bench']), getLlamaRuntime()])
}, 120_000)

afterAll(() => dir.cleanup())

/** Runs `fn`, expecting a FolioError; returns it. */
async function folioError(fn: () => Promise<unknown>): Promise<FolioError> {
  try {
    await fn()
  } catch (err) {
    expect(err).toBeInstanceOf(FolioError)
    return err as FolioError
  }
  throw new Error('expected a FolioError, but the call succeeded')
}

const reasonOf = (e: FolioError): unknown => (e.details as { reason?: unknown } | undefined)?.reason

describe('inspectModelFile', () => {
  it('accepts the chat fixture and reports its shape', async () => {
    const m = await inspectModelFile(llama, paths.chat)
    expect(m.architecture).toBe('llama')
    expect(m.name).toMatch(/Tiny Chat/)
    expect(m.parameters).toBeGreaterThan(0)
    expect(m.totalLayers).toBeGreaterThanOrEqual(2)
    expect(m.trainContextSize).toBe(2048)
    expect(m.bitsPerWeight).toBeGreaterThan(10) // mostly F16
  })

  it('rejects a file that is not GGUF', async () => {
    const file = join(dir.path, 'notes.gguf')
    await writeFile(file, 'This is a plain text file, not a model.\n')
    const e = await folioError(() => inspectModelFile(llama, file))
    expect(e.code).toBe('MODEL_INVALID')
    expect(e.retryable).toBe(false)
    expect(reasonOf(e)).toBe('not-gguf')
    expect(e.message).toMatch(/is not a GGUF model file/)
  })

  it('recognises an HTML page saved as a model (failed download)', async () => {
    const file = join(dir.path, 'page.gguf')
    await writeFile(file, '<!DOCTYPE html><html><body>Sign in</body></html>')
    const e = await folioError(() => inspectModelFile(llama, file))
    expect(e.message).toMatch(/not a GGUF model file \(it is a web page/)
  })

  it('reports a missing file as NOT_FOUND', async () => {
    const e = await folioError(() => inspectModelFile(llama, join(dir.path, 'nope.gguf')))
    expect(e.code).toBe('NOT_FOUND')
    expect(reasonOf(e)).toBe('not-found')
  })

  it('rejects a truncated copy with the expected and actual sizes', async () => {
    const file = join(dir.path, 'half.gguf')
    await copyFile(paths.chat, file)
    const fh = await open(file, 'r+')
    const size = (await fh.stat()).size
    await fh.truncate(Math.floor(size / 2))
    await fh.close()
    const e = await folioError(() => inspectModelFile(llama, file))
    expect(e.code).toBe('MODEL_INVALID')
    expect(reasonOf(e)).toBe('truncated')
    expect(e.message).toContain('is incomplete or damaged (expected ')
    expect(e.message).toContain(`expected ${size.toLocaleString('en-US')} bytes`)
    expect(e.message).toContain(`found ${Math.floor(size / 2).toLocaleString('en-US')}`)
    expect(e.details).toMatchObject({ expectedBytes: size, actualBytes: Math.floor(size / 2) })
  })

  it('rejects a copy cut inside its header', async () => {
    const file = join(dir.path, 'header-cut.gguf')
    await copyFile(paths.chat, file)
    const fh = await open(file, 'r+')
    await fh.truncate(2000)
    await fh.close()
    const e = await folioError(() => inspectModelFile(llama, file))
    expect(reasonOf(e)).toBe('truncated')
    expect(e.message).toMatch(/is incomplete or damaged/)
  })

  it('rejects a vision projector passed as a language model', async () => {
    const e = await folioError(() => inspectModelFile(llama, paths.mmproj))
    expect(e.code).toBe('MODEL_INVALID')
    expect(reasonOf(e)).toBe('mmproj')
    expect(e.message).toMatch(/is a vision projector \(mmproj\), not a language model/)
    // …but accepts it when any GGUF is wanted (e.g. the vision engine's projector check).
    await expect(inspectModelFile(llama, paths.mmproj, { expect: 'any' })).resolves.toMatchObject({ architecture: 'clip' })
  })

  it('rejects an architecture this llama.cpp does not know', async () => {
    const file = join(dir.path, 'bogus.gguf')
    await writeGguf(file, {
      metadata: [
        ['general.architecture', str('bogus')],
        ['general.name', str('Bogus test model')],
        ['general.alignment', u32(32)],
      ],
      tensors: [{ name: 'token_embd.weight', dims: [8, 4], type: GgmlType.F32, source: { kind: 'constant', value: 0 } }],
    })
    const e = await folioError(() => inspectModelFile(llama, file))
    expect(e.code).toBe('MODEL_INVALID')
    expect(reasonOf(e)).toBe('unsupported-architecture')
    expect(e.message).toMatch(/architecture "bogus" is not supported by this llama\.cpp/)
  })

  it('computes tensor sizes for quantized types', () => {
    expect(tensorBytes({ dimensions: [4096, 4096], ggmlType: 1 as never })).toBe(4096 * 4096 * 2) // F16
    expect(tensorBytes({ dimensions: [4096, 4096], ggmlType: 12 as never })).toBe((4096 * 4096 * 144) / 256) // Q4_K
    expect(tensorBytes({ dimensions: [4096, 32], ggmlType: 8 as never })).toBe((4096 * 32 * 34) / 32) // Q8_0
    expect(tensorBytes({ dimensions: [1], ggmlType: 999 as never })).toBeNull()
  })
})

describe('memory fit', () => {
  let bench: InspectedModel

  beforeAll(async () => {
    bench = await inspectModelFile(llama, paths.bench)
  })

  it('fits with the real free memory of this machine', async () => {
    const r = await assessModelFit(llama, bench, { contextSize: 2048 })
    expect(r.fits).toBe(true)
    expect(r.gpuLayers).toBe(0) // CPU build
    expect(r.required.ramBytes).toBeGreaterThan(bench.modelBytes)
    expect(r.message).toMatch(/fits: needs [\d.]+ MB RAM/)
  })

  it('explains, with numbers and suggestions, when the 100M model does not fit a tiny budget', async () => {
    const budget = { ramBytes: 50_000_000, vramBytes: 0 }
    const r = await assessModelFit(llama, bench, { contextSize: 2048, memory: budget })
    expect(r.fits).toBe(false)
    expect(r.required.ramBytes).toBeGreaterThan(budget.ramBytes)
    expect(r.maxContextSizeThatFits).toBeNull() // the weights alone are too big
    expect(r.quantizationHint?.name).toBe('Q4_K_M')
    expect(r.message).toMatch(/does not fit in memory/)
    expect(r.message).toMatch(/needs about [\d.]+ MB of RAM \(model [\d.]+ MB \+ 2,048-token context [\d.]+ MB\) but only 50\.0 MB is free/)
    expect(r.message).toMatch(/smaller quantization \(Q4_K_M would need about [\d.]+ MB/)

    const e = await folioError(() => ensureModelFits(llama, bench, { contextSize: 2048, memory: budget }))
    expect(e.code).toBe('MODEL_TOO_LARGE')
    expect(reasonOf(e)).toBe('too-large')
    expect(e.message).toBe(r.message)
    expect((e.details as { fit: { required: { ramBytes: number } } }).fit.required.ramBytes).toBe(r.required.ramBytes)
  })

  it('suggests the largest context that fits when only the context is too big', async () => {
    const atSmall = await assessModelFit(llama, bench, { contextSize: 1024, memory: { ramBytes: 1e12, vramBytes: 0 } })
    const budget = { ramBytes: atSmall.required.ramBytes + 1_000_000, vramBytes: 0 }
    const r = await assessModelFit(llama, bench, { contextSize: 8192, memory: budget })
    expect(r.fits).toBe(false)
    expect(r.maxContextSizeThatFits).toBeGreaterThanOrEqual(1024)
    expect(r.maxContextSizeThatFits).toBeLessThan(8192)
    expect(r.message).toContain(`use a smaller context (${r.maxContextSizeThatFits!.toLocaleString('en-US')} tokens would fit)`)
  })

  it('offers the largest GPU layer count that fits the VRAM (simulated GPU)', async () => {
    // A 10-layer model: 100 MB of VRAM per offloaded layer, the rest in RAM; context 50 MB.
    const layerBytes = 100e6
    const fakeInsights = {
      totalLayers: 10,
      estimateModelResourceRequirementsV2: async ({ gpuLayers }: { gpuLayers: number }) => ({
        gpuVram: gpuLayers * layerBytes,
        cpuRam: (10 - gpuLayers) * layerBytes,
      }),
      estimateContextResourceRequirementsV2: async ({ contextSize, modelGpuLayers }: { contextSize: number; modelGpuLayers: number }) => ({
        gpuVram: modelGpuLayers > 0 ? contextSize * 10_000 : 0,
        cpuRam: modelGpuLayers > 0 ? 0 : contextSize * 10_000,
      }),
    }
    const fakeLlama = { gpu: 'cuda', supportsGpuOffloading: true, supportsMmap: true } as unknown as Llama
    const model = { ...bench, name: 'Simulated 1B', insights: fakeInsights } as unknown as InspectedModel
    const budget = { ramBytes: 2e9, vramBytes: 450e6 }
    const r = await assessModelFit(fakeLlama, model, { contextSize: 4096, gpuLayers: 'max', memory: budget })
    expect(r.fits).toBe(false)
    expect(r.gpuLayers).toBe(10)
    // 4 layers (400 MB) + a 4096-token context (41 MB) fit in 450 MB; 5 layers do not.
    expect(r.maxGpuLayersThatFit).toBe(4)
    expect(r.message).toMatch(/needs about 1\.04 GB of GPU memory with 10\/10 layers offloaded but only 450 MB is free/)
    expect(r.message).toContain('offload fewer layers to the GPU (at most 4 of 10 fit: gpuLayers = 4)')

    const auto = await assessModelFit(fakeLlama, model, { contextSize: 4096, gpuLayers: 'auto', memory: budget })
    expect(auto.fits).toBe(true)
    expect(auto.gpuLayers).toBe(4)
  })
})
