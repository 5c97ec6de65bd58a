import { cpus, freemem, totalmem } from 'node:os'
import type { CatalogueEntry, ModelInfo } from '../../shared/api'
import type { DownloadManager } from './download-manager'

export interface SystemMemory {
  ramBytes: number
  freeRamBytes: number
  vramBytes: number
  backend: string
  cores: number
}

export async function systemMemory(runtime: () => Promise<{ backend: string; llama: { getVramState(): Promise<{ total: number }> } }>): Promise<SystemMemory> {
  let vramBytes = 0
  let backend = 'cpu'
  try {
    const rt = await runtime()
    backend = rt.backend
    if (backend !== 'cpu') vramBytes = (await rt.llama.getVramState()).total
  } catch {
    // No runtime: the hint falls back to RAM only.
  }
  return { ramBytes: totalmem(), freeRamBytes: freemem(), vramBytes, backend, cores: cpus().length }
}

/** Catalogue entries with "does it fit this machine" and download state. */
export function catalogueEntries(downloads: DownloadManager, installed: ModelInfo[], sys: SystemMemory): CatalogueEntry[] {
  return downloads.entries().map((e) => {
    const need = e.memoryBytes
    const gb = (n: number) => `${(n / 1e9).toFixed(1)} GB`
    let fits: CatalogueEntry['fits']
    if (sys.vramBytes >= need) fits = { fits: true, message: `Fits in GPU memory (${gb(need)} of ${gb(sys.vramBytes)}).` }
    else if (sys.ramBytes * 0.8 >= need)
      fits = {
        fits: true,
        message: `Fits in RAM (${gb(need)} of ${gb(sys.ramBytes)})${sys.vramBytes ? '; partly on the GPU' : '; runs on the CPU'}.`,
      }
    else fits = { fits: false, message: `Needs about ${gb(need)}; this machine has ${gb(sys.ramBytes)} RAM. Choose a smaller model.` }
    return {
      id: e.id,
      name: e.name,
      description: e.description,
      license: e.license,
      languages: e.languages,
      roles: e.roles,
      sizeBytes: e.files.reduce((a, f) => a + f.sizeBytes, 0),
      memoryBytes: need,
      fits,
      download: downloads.state(e.id),
      installedModelId: installed.find((m) => m.catalogueId === e.id)?.id ?? null,
    }
  })
}
