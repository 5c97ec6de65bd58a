/** The recommended models (MISSION.md §3). Sizes are the published file sizes, rounded. */
import type { ModelRole } from '../../shared/api'

export interface CatalogueFile {
  kind: 'model' | 'mmproj'
  url: string
  fileName: string
  sizeBytes: number
  /** Verified after download when known. */
  sha256?: string
}

export interface CatalogueModel {
  id: string
  name: string
  description: string
  license: string
  languages: string[]
  roles: ModelRole[]
  files: CatalogueFile[]
  /** Weights + a 4k context, as measured or estimated; used for the "fits" hint before download. */
  memoryBytes: number
}

const HF = 'https://huggingface.co'
const GB = 1e9

export const CATALOGUE: CatalogueModel[] = [
  {
    id: 'qwen3-vl-4b-instruct',
    name: 'Qwen3-VL 4B Instruct (Q4_K_M)',
    description: 'Recommended. Writes and reads images; strong in Chinese and English.',
    license: 'Apache-2.0',
    languages: ['en', 'zh', 'multilingual'],
    roles: ['writer', 'vision'],
    files: [
      { kind: 'model', url: `${HF}/Qwen/Qwen3-VL-4B-Instruct-GGUF/resolve/main/Qwen3VL-4B-Instruct-Q4_K_M.gguf`, fileName: 'Qwen3VL-4B-Instruct-Q4_K_M.gguf', sizeBytes: 2.5 * GB },
      { kind: 'mmproj', url: `${HF}/Qwen/Qwen3-VL-4B-Instruct-GGUF/resolve/main/mmproj-Qwen3VL-4B-Instruct-F16.gguf`, fileName: 'mmproj-Qwen3VL-4B-Instruct-F16.gguf', sizeBytes: 0.84 * GB },
    ],
    memoryBytes: 4.2 * GB,
  },
  {
    id: 'qwen3-vl-2b-instruct',
    name: 'Qwen3-VL 2B Instruct (Q4_K_M)',
    description: 'For machines with little memory. Writes and reads images, Chinese and English.',
    license: 'Apache-2.0',
    languages: ['en', 'zh', 'multilingual'],
    roles: ['writer', 'vision'],
    files: [
      { kind: 'model', url: `${HF}/Qwen/Qwen3-VL-2B-Instruct-GGUF/resolve/main/Qwen3VL-2B-Instruct-Q4_K_M.gguf`, fileName: 'Qwen3VL-2B-Instruct-Q4_K_M.gguf', sizeBytes: 1.1 * GB },
      { kind: 'mmproj', url: `${HF}/Qwen/Qwen3-VL-2B-Instruct-GGUF/resolve/main/mmproj-Qwen3VL-2B-Instruct-F16.gguf`, fileName: 'mmproj-Qwen3VL-2B-Instruct-F16.gguf', sizeBytes: 0.82 * GB },
    ],
    memoryBytes: 2.6 * GB,
  },
  {
    id: 'internvl3-2b-instruct',
    name: 'InternVL3 2B Instruct (Q8_0)',
    description: 'Low-memory alternative from the InternVL family (InternLM-XComposer’s lab).',
    license: 'Apache-2.0',
    languages: ['en', 'zh'],
    roles: ['writer', 'vision'],
    files: [
      { kind: 'model', url: `${HF}/ggml-org/InternVL3-2B-Instruct-GGUF/resolve/main/InternVL3-2B-Instruct-Q8_0.gguf`, fileName: 'InternVL3-2B-Instruct-Q8_0.gguf', sizeBytes: 1.9 * GB },
      { kind: 'mmproj', url: `${HF}/ggml-org/InternVL3-2B-Instruct-GGUF/resolve/main/mmproj-InternVL3-2B-Instruct-Q8_0.gguf`, fileName: 'mmproj-InternVL3-2B-Instruct-Q8_0.gguf', sizeBytes: 0.34 * GB },
    ],
    memoryBytes: 3.0 * GB,
  },
  {
    id: 'qwen3-embedding-0.6b',
    name: 'Qwen3 Embedding 0.6B (Q8_0)',
    description: 'Search your library by meaning, in Chinese and English (1024 dimensions).',
    license: 'Apache-2.0',
    languages: ['en', 'zh', 'multilingual'],
    roles: ['embedder'],
    files: [
      { kind: 'model', url: `${HF}/Qwen/Qwen3-Embedding-0.6B-GGUF/resolve/main/Qwen3-Embedding-0.6B-Q8_0.gguf`, fileName: 'Qwen3-Embedding-0.6B-Q8_0.gguf', sizeBytes: 0.64 * GB },
    ],
    memoryBytes: 0.9 * GB,
  },
]
