/**
 * Imports dropped or picked files (and dropped folders, recursively) into the library through
 * `images.import`, in batches of ≤ 20 files / ~50 MB, with progress, cancel and a rejection list.
 */
import { useCallback, useRef, useState } from 'react'
import { useClient } from '../api'
import { MAX_IMAGE_MB, screenFiles } from '../editor/images'
import { useI18n } from '../i18n/I18nProvider'
import { libraryBatches } from './library-logic'

export interface ImportState {
  running: boolean
  done: number
  total: number
  imported: number
  duplicates: number
  rejected: { name: string; reason: string }[]
  error: string | null
}

const IDLE: ImportState = { running: false, done: 0, total: 0, imported: 0, duplicates: 0, rejected: [], error: null }

/** Files from a drop, walking dropped folders where the browser offers `webkitGetAsEntry`. */
export async function filesFromDrop(dt: DataTransfer): Promise<File[]> {
  const items = Array.from(dt.items ?? [])
  const entries = items
    .filter((i) => i.kind === 'file')
    .map((i) => (typeof i.webkitGetAsEntry === 'function' ? i.webkitGetAsEntry() : null))
  if (entries.length === 0 || entries.some((e) => e === null) || !entries.some((e) => e?.isDirectory)) {
    return Array.from(dt.files ?? [])
  }
  const out: File[] = []
  const walk = async (entry: FileSystemEntry): Promise<void> => {
    if (entry.isFile) {
      out.push(await new Promise<File>((res, rej) => (entry as FileSystemFileEntry).file(res, rej)))
    } else if (entry.isDirectory) {
      const reader = (entry as FileSystemDirectoryEntry).createReader()
      for (;;) {
        const batch = await new Promise<FileSystemEntry[]>((res, rej) => reader.readEntries(res, rej))
        if (batch.length === 0) break
        for (const e of batch) await walk(e)
      }
    }
  }
  for (const e of entries) if (e) await walk(e)
  return out
}

export function useLibraryImport(onImported: () => void) {
  const client = useClient()
  const { t, errorText } = useI18n()
  const [state, setState] = useState<ImportState>(IDLE)
  const abortRef = useRef<AbortController | null>(null)

  const start = useCallback(
    async (files: readonly File[]) => {
      if (abortRef.current) return
      const { accepted, rejected } = screenFiles(files)
      const early = rejected.map((r) => ({
        name: r.name,
        reason: r.reason === 'tooLarge' ? t('images.tooLarge', { mb: MAX_IMAGE_MB }) : t('images.notImage'),
      }))
      const total = accepted.length
      setState({ ...IDLE, running: total > 0, total, rejected: early })
      if (total === 0) return
      const abort = new AbortController()
      abortRef.current = abort
      let offset = 0
      try {
        for (const batch of libraryBatches(accepted)) {
          if (abort.signal.aborted) break
          const payload = await Promise.all(
            batch.map(async (f) => ({ name: f.name || 'image', data: new Uint8Array(await f.arrayBuffer()) })),
          )
          const base = offset
          const res = await client.stream(
            'images.import',
            { files: payload },
            { signal: abort.signal, onProgress: (p) => setState((s) => ({ ...s, done: Math.max(s.done, base + p.done) })) },
          )
          offset += batch.length
          const fresh = res.images.filter((i) => !i.duplicate).length
          setState((s) => ({
            ...s,
            done: offset,
            imported: s.imported + fresh,
            duplicates: s.duplicates + res.images.length - fresh,
            rejected: [...s.rejected, ...res.rejected],
          }))
          onImported()
        }
      } catch (e) {
        if (!abort.signal.aborted) setState((s) => ({ ...s, error: errorText(e) }))
      } finally {
        abortRef.current = null
        setState((s) => ({ ...s, running: false }))
        onImported()
      }
    },
    [client, onImported, t, errorText],
  )

  const cancel = useCallback(() => abortRef.current?.abort(), [])
  const clear = useCallback(() => setState(IDLE), [])
  return { state, start, cancel, clear }
}
