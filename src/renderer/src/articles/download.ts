/** Saving an export in the browser (serve mode): a download of the bytes, named as suggested. */
import type { ExportResult } from '../../../shared/article-io-api'

export function exportBytes(out: Pick<ExportResult, 'content' | 'data'>): Uint8Array {
  return out.data ?? new TextEncoder().encode(out.content ?? '')
}

export function downloadFile(fileName: string, mime: string, data: Uint8Array): void {
  const blob = new Blob([data as BlobPart], { type: mime })
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = fileName
  a.rel = 'noopener'
  a.style.display = 'none'
  document.body.append(a)
  a.click()
  a.remove()
  // The browser has taken the blob once the click is handled; free it a little later.
  setTimeout(() => URL.revokeObjectURL(url), 60_000)
}

/** Files picked for an import, read into memory with the relative path the browser knows (folder picks). */
export async function readPickedFiles(files: readonly File[]): Promise<{ name: string; data: Uint8Array }[]> {
  return Promise.all(
    files.map(async (f) => ({
      name: (f as File & { webkitRelativePath?: string }).webkitRelativePath || f.name,
      data: new Uint8Array(await f.arrayBuffer()),
    })),
  )
}
