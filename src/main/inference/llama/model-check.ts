/**
 * Checks a GGUF model file before llama.cpp loads it, so users get a sentence they can act on
 * instead of a native crash or a generic "failed to load model":
 *
 * - `inspectModelFile`: is it a GGUF file at all, is it complete (tensor data extent vs file
 *   size), is it a vision projector (mmproj) rather than a language model, is its architecture
 *   known to the bundled llama.cpp.
 * - `assessModelFit` / `ensureModelFits`: does the model + context fit in free RAM / VRAM, using
 *   node-llama-cpp's GGUF insights; when it does not, the numbers and what to change (fewer GPU
 *   layers — with the largest count that fits —, a smaller quantization, a smaller context).
 *
 * Errors are `FolioError`s: MODEL_INVALID (not GGUF, truncated, a projector, unknown architecture,
 * no tokenizer), MODEL_TOO_LARGE (does not fit), NOT_FOUND (missing file), each with
 * `details.reason` (see `ModelProblem`).
 */
import { open, stat } from 'node:fs/promises'
import { basename } from 'node:path'
import { GgufInsights, readGgufFileInfo, type GgufFileInfo, type GgufTensorInfo, type Llama } from 'node-llama-cpp'
import { FolioError } from '../../../shared/errors'

export type ModelProblem =
  | 'not-found'
  | 'not-gguf'
  | 'truncated'
  | 'mmproj'
  | 'unsupported-architecture'
  | 'no-tokenizer'
  | 'too-large'

function modelError(problem: ModelProblem, message: string, details: Record<string, unknown> = {}, cause?: unknown): FolioError {
  const code = problem === 'not-found' ? 'NOT_FOUND' : problem === 'too-large' ? 'MODEL_TOO_LARGE' : 'MODEL_INVALID'
  return new FolioError(code, message, {
    retryable: false,
    details: { reason: problem, ...details },
    cause,
  })
}

export interface InspectedModel {
  path: string
  fileBytes: number
  architecture: string
  name: string | null
  info: GgufFileInfo
  insights: GgufInsights
  /** Bytes of tensor data (what the weights take in memory). */
  modelBytes: number
  parameters: number
  totalLayers: number
  trainContextSize: number | null
  /** Average bits per weight (16 for F16, ~4.9 for Q4_K_M). */
  bitsPerWeight: number
}

export interface InspectOptions {
  /** 'text' (default) rejects projectors; 'any' accepts every architecture llama.cpp knows. */
  expect?: 'text' | 'any'
}

/** Validates a model file; throws a FolioError (details.reason) explaining what is wrong. */
export async function inspectModelFile(llama: Llama, path: string, options: InspectOptions = {}): Promise<InspectedModel> {
  const file = basename(path)
  let fileBytes: number
  try {
    const st = await stat(path)
    if (!st.isFile()) throw modelError('not-found', `"${file}" is not a file.`, { path })
    fileBytes = st.size
  } catch (err) {
    if (err instanceof FolioError) throw err
    throw modelError('not-found', `The model file "${file}" does not exist or cannot be read.`, { path }, err)
  }

  const head = await readHead(path, 64)
  if (head.length < 4 || head.toString('latin1', 0, 4) !== 'GGUF') {
    throw modelError('not-gguf', `"${file}" is not a GGUF model file${notGgufHint(head)}.`, { path, fileBytes })
  }

  let info: GgufFileInfo
  try {
    info = await readGgufFileInfo(path, { readTensorInfo: true, logWarnings: false })
  } catch (err) {
    throw modelError(
      'truncated',
      `"${file}" is incomplete or damaged: its GGUF header cannot be read (${errText(err)}). Download it again.`,
      { path, fileBytes },
      err,
    )
  }

  await checkTensorExtent(path, file, fileBytes, info)

  const metadata = info.metadata as unknown as Record<string, Record<string, unknown> | undefined>
  const general = metadata.general ?? {}
  const architecture = String(general.architecture ?? '')
  const name = typeof general.name === 'string' ? general.name : null
  const isProjector =
    architecture === 'clip' || general.type === 'mmproj' || metadata.clip?.has_vision_encoder !== undefined
  if (isProjector && (options.expect ?? 'text') === 'text') {
    throw modelError(
      'mmproj',
      `"${file}" is a vision projector (mmproj), not a language model. Add it as the projector of a vision model, together with that model's GGUF file.`,
      { path, architecture },
    )
  }

  const insights = await GgufInsights.from(info, llama)
  if (!architecture || !insights.isSupportedByLlamaCpp) {
    const release = llama.llamaCppRelease.release
    throw modelError(
      'unsupported-architecture',
      `"${file}": architecture "${architecture || '(missing)'}" is not supported by this llama.cpp (${release}). A newer Folio may support it; otherwise pick another model.`,
      { path, architecture, llamaCpp: release },
    )
  }
  if (!isProjector && metadata.tokenizer?.ggml === undefined) {
    throw modelError('no-tokenizer', `"${file}" has no tokenizer, so it cannot be used as a language model.`, {
      path,
      architecture,
    })
  }

  const modelBytes = insights.modelSize
  const parameters = insights.totalParameters
  return {
    path,
    fileBytes,
    architecture,
    name,
    info,
    insights,
    modelBytes,
    parameters,
    totalLayers: insights.totalLayers,
    trainContextSize: insights.trainContextSize ?? null,
    bitsPerWeight: parameters > 0 ? (modelBytes * 8) / parameters : 0,
  }
}

async function readHead(path: string, bytes: number): Promise<Buffer> {
  const fh = await open(path, 'r')
  try {
    const buf = Buffer.alloc(bytes)
    const { bytesRead } = await fh.read(buf, 0, bytes, 0)
    return buf.subarray(0, bytesRead)
  } finally {
    await fh.close()
  }
}

function notGgufHint(head: Buffer): string {
  const text = head.toString('utf8').trimStart().toLowerCase()
  if (head.length === 0) return ' (the file is empty)'
  if (text.startsWith('version https://git-lfs')) return ' (it is a Git LFS pointer; download the real file)'
  if (text.startsWith('<!doctype') || text.startsWith('<html')) return ' (it is a web page; the download probably failed)'
  if (text.startsWith('{')) return ' (it is a JSON file)'
  if (head.length >= 4 && head.readUInt32LE(0) === 0x67676d6c) return ' (it is an old GGML file; use a GGUF conversion)'
  return ''
}

/** Fails when the tensor data runs past the end of the file (an interrupted download or copy). */
async function checkTensorExtent(path: string, file: string, fileBytes: number, info: GgufFileInfo): Promise<void> {
  const tensors = info.fullTensorInfo ?? info.tensorInfo ?? []
  const partSizes = new Map<number, number>()
  const partSize = async (part: number): Promise<number> => {
    if (info.splicedParts <= 1) return fileBytes
    const cached = partSizes.get(part)
    if (cached !== undefined) return cached
    const source = info.sourceData[part - 1]
    const size = source?.type === 'path' ? (await stat(source.path).catch(() => ({ size: 0 }))).size : Number.POSITIVE_INFINITY
    partSizes.set(part, size)
    return size
  }
  const expectedEnd = new Map<number, number>()
  for (const t of tensors) {
    const end = Number(t.fileOffset) + (tensorBytes(t) ?? 0)
    const part = t.filePart ?? 1
    expectedEnd.set(part, Math.max(expectedEnd.get(part) ?? 0, end))
  }
  for (const [part, expected] of expectedEnd) {
    const actual = await partSize(part)
    if (actual < expected) {
      const percent = Math.floor((actual / expected) * 100)
      throw modelError(
        'truncated',
        `"${file}" is incomplete or damaged (expected ${expected.toLocaleString('en-US')} bytes, found ${actual.toLocaleString('en-US')} — ${percent}%). Download it again.`,
        { path, expectedBytes: expected, actualBytes: actual, part },
      )
    }
  }
}

/** [elements per block, bytes per block] of ggml tensor types, from ggml.c's type traits. */
const GGML_TYPE_BLOCKS: Record<number, readonly [number, number]> = {
  0: [1, 4], // F32
  1: [1, 2], // F16
  2: [32, 18], // Q4_0
  3: [32, 20], // Q4_1
  6: [32, 22], // Q5_0
  7: [32, 24], // Q5_1
  8: [32, 34], // Q8_0
  9: [32, 36], // Q8_1
  10: [256, 84], // Q2_K
  11: [256, 110], // Q3_K
  12: [256, 144], // Q4_K
  13: [256, 176], // Q5_K
  14: [256, 210], // Q6_K
  15: [256, 292], // Q8_K
  16: [256, 66], // IQ2_XXS
  17: [256, 74], // IQ2_XS
  18: [256, 98], // IQ3_XXS
  19: [256, 50], // IQ1_S
  20: [32, 18], // IQ4_NL
  21: [256, 110], // IQ3_S
  22: [256, 82], // IQ2_S
  23: [256, 136], // IQ4_XS
  24: [1, 1], // I8
  25: [1, 2], // I16
  26: [1, 4], // I32
  27: [1, 8], // I64
  28: [1, 8], // F64
  29: [256, 56], // IQ1_M
  30: [1, 2], // BF16
  34: [256, 54], // TQ1_0
  35: [256, 66], // TQ2_0
  39: [32, 17], // MXFP4
}

/** Bytes of a tensor's data, or null for a type this table does not know. */
export function tensorBytes(t: Pick<GgufTensorInfo, 'dimensions' | 'ggmlType'>): number | null {
  const block = GGML_TYPE_BLOCKS[t.ggmlType as number]
  if (!block) return null
  const elements = t.dimensions.reduce<number>((n, d) => n * Number(d), 1)
  return Math.ceil(elements / block[0]) * block[1]
}

function errText(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}

// ---------------------------------------------------------------------------------------------
// Memory fit

/** Memory available to the model, after any safety padding. */
export interface MemoryBudget {
  ramBytes: number
  vramBytes: number
  /** Apple-style unified memory: VRAM and RAM are the same pool. */
  unified?: boolean
}

export interface FitRequest {
  contextSize: number
  sequences?: number
  /** 'auto' (default): as many layers as fit; 'max': all; or an exact count. Ignored on CPU builds. */
  gpuLayers?: number | 'auto' | 'max'
  /** Also an embedding context of this size (same model). */
  embeddingContextSize?: number
  /** Injected budget (tests, a model manager that reserves memory); default: free RAM/VRAM minus node-llama-cpp's padding. */
  memory?: MemoryBudget
}

export interface FitReport {
  fits: boolean
  gpuLayers: number
  totalLayers: number
  contextSize: number
  required: { ramBytes: number; vramBytes: number; modelRamBytes: number; modelVramBytes: number; contextRamBytes: number; contextVramBytes: number }
  available: { ramBytes: number; vramBytes: number }
  /** Largest GPU layer count that fits (GPU builds only); null when none or not applicable. */
  maxGpuLayersThatFit: number | null
  /** Largest context size (multiple of 256) that fits with the chosen layers; null when even the model does not. */
  maxContextSizeThatFits: number | null
  /** Set when a smaller quantization is worth suggesting. */
  quantizationHint: { name: string; approxModelBytes: number } | null
  /** Human explanation (always set; a one-line summary when it fits). */
  message: string
}

export async function measuredBudget(llama: Llama): Promise<MemoryBudget> {
  const ram = await llama.getRamState()
  let vramBytes = 0
  let unified = false
  if (llama.gpu !== false) {
    const vram = await llama.getVramState()
    vramBytes = Math.max(0, vram.free - llama.vramPaddingSize)
    unified = vram.unifiedSize > 0
  }
  return { ramBytes: Math.max(0, ram.free - llama.ramPaddingSize), vramBytes, unified }
}

interface Need {
  modelRam: number
  modelVram: number
  contextRam: number
  contextVram: number
}

/** Estimates whether a model + context fits, and what would fit if not. Never throws for "too large". */
export async function assessModelFit(llama: Llama, model: InspectedModel, req: FitRequest): Promise<FitReport> {
  const insights = model.insights
  const budget = req.memory ?? (await measuredBudget(llama))
  const gpu = llama.gpu !== false && llama.supportsGpuOffloading
  const totalLayers = insights.totalLayers
  const sequences = req.sequences ?? 1

  const need = async (gpuLayers: number, contextSize: number): Promise<Need> => {
    const m = await insights.estimateModelResourceRequirementsV2({ gpuLayers, useMmap: llama.supportsMmap })
    const c = await insights.estimateContextResourceRequirementsV2({ contextSize, modelGpuLayers: gpuLayers, sequences })
    let eRam = 0
    let eVram = 0
    if (req.embeddingContextSize) {
      const e = await insights.estimateContextResourceRequirementsV2({
        contextSize: req.embeddingContextSize,
        modelGpuLayers: gpuLayers,
        sequences: 1,
        isEmbeddingContext: true,
      })
      eRam = e.cpuRam
      eVram = e.gpuVram
    }
    return { modelRam: m.cpuRam, modelVram: m.gpuVram, contextRam: c.cpuRam + eRam, contextVram: c.gpuVram + eVram }
  }
  const fitsIn = (n: Need): boolean => {
    const ram = n.modelRam + n.contextRam
    const vram = n.modelVram + n.contextVram
    if (budget.unified) return vram <= budget.vramBytes && ram + vram <= Math.max(budget.ramBytes, budget.vramBytes)
    return ram <= budget.ramBytes && vram <= budget.vramBytes
  }

  // Largest layer count in [0, hi] that fits (VRAM need grows with layers; binary search).
  const largestFittingLayers = async (hi: number, contextSize: number): Promise<number | null> => {
    if (!fitsIn(await need(0, contextSize))) {
      // RAM-bound: more layers on the GPU move weights out of RAM, so try the top too.
      for (let l = hi; l > 0; l = Math.floor(l / 2)) if (fitsIn(await need(l, contextSize))) return l
      return null
    }
    let lo = 0
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2)
      if (fitsIn(await need(mid, contextSize))) lo = mid
      else hi = mid - 1
    }
    return lo
  }

  let gpuLayers: number
  if (!gpu) gpuLayers = 0
  else if (req.gpuLayers === 'max') gpuLayers = totalLayers
  else if (typeof req.gpuLayers === 'number') gpuLayers = Math.max(0, Math.min(totalLayers, Math.floor(req.gpuLayers)))
  else gpuLayers = (await largestFittingLayers(totalLayers, req.contextSize)) ?? 0

  const chosen = await need(gpuLayers, req.contextSize)
  const fits = fitsIn(chosen)
  const maxGpuLayersThatFit = gpu ? await largestFittingLayers(totalLayers, req.contextSize) : null

  let maxContextSizeThatFits: number | null = null
  const layersForContext = fits ? gpuLayers : (maxGpuLayersThatFit ?? gpuLayers)
  if (fits) maxContextSizeThatFits = req.contextSize
  else if (fitsIn(await need(layersForContext, 256))) {
    let lo = 1
    let hi = Math.max(1, Math.floor(req.contextSize / 256))
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2)
      if (fitsIn(await need(layersForContext, mid * 256))) lo = mid
      else hi = mid - 1
    }
    maxContextSizeThatFits = lo * 256
  }

  const Q4_BPW = 4.85
  const quantizationHint =
    model.bitsPerWeight > Q4_BPW + 0.75 && model.parameters > 0
      ? { name: 'Q4_K_M', approxModelBytes: Math.round((model.parameters * Q4_BPW) / 8) }
      : null

  const required = {
    ramBytes: chosen.modelRam + chosen.contextRam,
    vramBytes: chosen.modelVram + chosen.contextVram,
    modelRamBytes: chosen.modelRam,
    modelVramBytes: chosen.modelVram,
    contextRamBytes: chosen.contextRam,
    contextVramBytes: chosen.contextVram,
  }
  const available = { ramBytes: budget.ramBytes, vramBytes: budget.vramBytes }
  const report: Omit<FitReport, 'message'> = {
    fits,
    gpuLayers,
    totalLayers,
    contextSize: req.contextSize,
    required,
    available,
    maxGpuLayersThatFit: fits ? (maxGpuLayersThatFit ?? null) : maxGpuLayersThatFit,
    maxContextSizeThatFits,
    quantizationHint,
  }
  return { ...report, message: fitMessage(model, report, gpu) }
}

function fitMessage(model: InspectedModel, r: Omit<FitReport, 'message'>, gpu: boolean): string {
  const label = model.name ?? basename(model.path)
  const ctx = `${r.contextSize.toLocaleString('en-US')}-token context`
  const where = gpu ? `${r.gpuLayers}/${r.totalLayers} layers on the GPU` : 'CPU only'
  if (r.fits) {
    return `${label} fits: needs ${fmtBytes(r.required.ramBytes)} RAM${gpu ? ` and ${fmtBytes(r.required.vramBytes)} VRAM` : ''} (${where}, ${ctx}).`
  }
  const parts: string[] = []
  const ramShort = r.required.ramBytes > r.available.ramBytes
  const vramShort = r.required.vramBytes > r.available.vramBytes
  if (ramShort || !vramShort) {
    parts.push(
      `needs about ${fmtBytes(r.required.ramBytes)} of RAM (model ${fmtBytes(r.required.modelRamBytes)} + ${ctx} ${fmtBytes(r.required.contextRamBytes)}) but only ${fmtBytes(r.available.ramBytes)} is free`,
    )
  }
  if (vramShort) {
    parts.push(
      `needs about ${fmtBytes(r.required.vramBytes)} of GPU memory with ${r.gpuLayers}/${r.totalLayers} layers offloaded but only ${fmtBytes(r.available.vramBytes)} is free`,
    )
  }
  const tips: string[] = []
  if (gpu && r.maxGpuLayersThatFit !== null && r.maxGpuLayersThatFit !== r.gpuLayers) {
    tips.push(`offload fewer layers to the GPU (at most ${r.maxGpuLayersThatFit} of ${r.totalLayers} fit: gpuLayers = ${r.maxGpuLayersThatFit})`)
  }
  if (r.quantizationHint) {
    tips.push(
      `use a smaller quantization (${r.quantizationHint.name} would need about ${fmtBytes(r.quantizationHint.approxModelBytes)} for the weights instead of ${fmtBytes(model.modelBytes)})`,
    )
  }
  if (r.maxContextSizeThatFits !== null && r.maxContextSizeThatFits < r.contextSize) {
    tips.push(`use a smaller context (${r.maxContextSizeThatFits.toLocaleString('en-US')} tokens would fit)`)
  }
  tips.push('pick a smaller model or close other programs')
  return `${label} does not fit in memory: it ${parts.join(', and ')}. Try to ${tips.join('; or ')}.`
}

/** Like `assessModelFit`, but throws FolioError MODEL_TOO_LARGE (details.reason 'too-large', details.fit) when it does not fit. */
export async function ensureModelFits(llama: Llama, model: InspectedModel, req: FitRequest): Promise<FitReport> {
  const report = await assessModelFit(llama, model, req)
  if (!report.fits) {
    const { message, ...fit } = report
    throw modelError('too-large', message, { path: model.path, fit })
  }
  return report
}

export function fmtBytes(n: number): string {
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB']
  let v = n
  let i = 0
  while (Math.abs(v) >= 1000 && i < units.length - 1) {
    v /= 1000
    i++
  }
  return i === 0 ? `${Math.round(v)} bytes` : `${v.toFixed(v < 10 ? 2 : v < 100 ? 1 : 0)} ${units[i]}`
}
