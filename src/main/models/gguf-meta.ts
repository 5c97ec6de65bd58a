/** What Folio shows and checks about a GGUF file, read from its header only (fast, no weights). */
import { basename } from 'node:path'
import type { GgufFileInfo } from 'node-llama-cpp'
import { FolioError } from '../../shared/errors'

// llama.cpp's LLAMA_FTYPE values (general.file_type) for the quantizations people actually download.
const FILE_TYPES: Record<number, string> = {
  0: 'F32', 1: 'F16', 2: 'Q4_0', 3: 'Q4_1', 7: 'Q8_0', 8: 'Q5_0', 9: 'Q5_1', 10: 'Q2_K', 11: 'Q3_K_S',
  12: 'Q3_K_M', 13: 'Q3_K_L', 14: 'Q4_K_S', 15: 'Q4_K_M', 16: 'Q5_K_S', 17: 'Q5_K_M', 18: 'Q6_K',
  19: 'IQ2_XXS', 20: 'IQ2_XS', 21: 'Q2_K_S', 22: 'IQ3_XS', 23: 'IQ3_XXS', 24: 'IQ1_S', 25: 'IQ4_NL',
  26: 'IQ3_S', 27: 'IQ3_M', 28: 'IQ2_S', 29: 'IQ2_M', 30: 'IQ4_XS', 31: 'IQ1_M', 32: 'BF16',
}

export interface GgufSummary {
  architecture: string | null
  name: string | null
  quantization: string | null
  contextLength: number | null
  embeddingLength: number | null
  hasChatTemplate: boolean
}

type Meta = Record<string, unknown>
const get = (m: Meta, path: string): unknown =>
  path.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Meta)[k] : undefined), m)
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'bigint' ? Number(v) : null)

export function summarize(info: GgufFileInfo): GgufSummary {
  const m = info.metadata as unknown as Meta
  const arch = (get(m, 'general.architecture') as string | undefined) ?? null
  const ft = num(get(m, 'general.file_type'))
  return {
    architecture: arch,
    name: (get(m, 'general.name') as string | undefined) ?? null,
    quantization: ft === null ? null : (FILE_TYPES[ft] ?? `type ${ft}`),
    contextLength: arch ? num(get(m, `${arch}.context_length`)) : null,
    embeddingLength: arch ? num(get(m, `${arch}.embedding_length`)) : null,
    hasChatTemplate: typeof get(m, 'tokenizer.chat_template') === 'string',
  }
}

/** Projection size of a vision projector: its metadata key, else the output size of its last mm.* tensor. */
export function projectionSize(info: GgufFileInfo): number | null {
  const m = info.metadata as unknown as Meta
  const key = num(get(m, 'clip.vision.projection_dim'))
  if (key) return key
  const mm = (info.fullTensorInfo ?? [])
    .filter((t) => /^mm\.\d+\.weight$/.test(t.name))
    .sort((a, b) => Number(a.name.split('.')[1]) - Number(b.name.split('.')[1]))
  const last = mm[mm.length - 1]
  return last && last.dimensions.length >= 2 ? Number(last.dimensions[1]) : null
}

/** Checks that `mmprojPath` is a vision projector that fits a text model with `textEmbedding` dims. */
export async function checkMmproj(mmprojPath: string, textEmbedding: number | null): Promise<void> {
  const file = basename(mmprojPath)
  let info: GgufFileInfo
  try {
    // Loaded on demand: node-llama-cpp costs ~0.6 s to import, which every CLI command would pay.
    const { readGgufFileInfo } = await import('node-llama-cpp')
    info = await readGgufFileInfo(mmprojPath, { readTensorInfo: true, logWarnings: false })
  } catch (e) {
    const code = (e as { code?: string }).code
    if (code === 'ENOENT') throw new FolioError('NOT_FOUND', `The projector file "${file}" does not exist.`)
    throw new FolioError('MODEL_INVALID', `"${file}" is not a GGUF vision projector (mmproj) file.`, { cause: e })
  }
  const m = info.metadata as unknown as Meta
  if (get(m, 'general.architecture') !== 'clip') {
    throw new FolioError('MODEL_INVALID', `"${file}" is a ${String(get(m, 'general.architecture') ?? 'unknown')} model, not a vision projector (mmproj).`)
  }
  if (get(m, 'clip.has_vision_encoder') === false) {
    throw new FolioError('MODEL_INVALID', `"${file}" has no vision encoder, so it cannot read images.`)
  }
  const proj = projectionSize(info)
  if (textEmbedding && proj && proj !== textEmbedding) {
    throw new FolioError(
      'MODEL_INVALID',
      `The projector "${file}" does not match this model: it produces ${proj}-dimensional image embeddings, the model expects ${textEmbedding}. Use the mmproj file published with this model.`,
    )
  }
}
