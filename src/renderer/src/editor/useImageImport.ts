/**
 * Imports picked, dropped or pasted image files into the library (`images.import`, streamed with
 * progress) and inserts a figure per imported image where the user asked for it.
 */
import type { Editor } from '@tiptap/core'
import { Selection } from '@tiptap/pm/state'
import { useCallback } from 'react'
import type { Output } from '../../../shared/api'
import { useClient } from '../api'
import { useToast } from '../components/Toast'
import { useI18n } from '../i18n/I18nProvider'
import { altFromFileName, batchFiles, MAX_IMAGE_MB, screenFiles } from './images'

type Imported = Output<'images.import'>['images'][number]

export function useImageImport(editor: Editor): (files: readonly File[], at?: number) => Promise<void> {
  const client = useClient()
  const toast = useToast()
  const { t, errorText } = useI18n()

  return useCallback(
    async (files: readonly File[], at?: number) => {
      const { accepted, rejected } = screenFiles(files)
      for (const r of rejected) {
        const reason = r.reason === 'tooLarge' ? t('images.tooLarge', { mb: MAX_IMAGE_MB }) : t('images.notImage')
        toast.show({ kind: 'error', message: t('images.rejected', { name: r.name, reason }) })
      }
      if (accepted.length === 0 || editor.isDestroyed) return

      // Follow the target position through edits made while the upload runs.
      let pos = at ?? editor.state.selection.from
      const track = ({ transaction }: { transaction: { mapping: { map(p: number): number } } }) => {
        pos = transaction.mapping.map(pos)
      }
      editor.on('transaction', track)

      const total = accepted.length
      const progress = toast.show({ kind: 'progress', message: t('images.importing', { done: 0, total }) })
      const imported: Imported[] = []
      const serverRejected: { name: string; reason: string }[] = []
      try {
        let offset = 0
        for (const batch of batchFiles(accepted)) {
          const payload = await Promise.all(
            batch.map(async (f) => ({ name: f.name || 'image', data: new Uint8Array(await f.arrayBuffer()) })),
          )
          const base = offset
          const res = await client.stream(
            'images.import',
            { files: payload },
            { onProgress: (p) => toast.update(progress, { message: t('images.importing', { done: base + p.done, total }) }) },
          )
          imported.push(...res.images)
          serverRejected.push(...res.rejected)
          offset += batch.length
        }
      } catch (e) {
        toast.show({ kind: 'error', message: t('images.failed', { message: errorText(e) }) })
      } finally {
        editor.off('transaction', track)
        toast.dismiss(progress)
      }

      for (const r of serverRejected) toast.show({ kind: 'error', message: t('images.rejected', r) })
      if (imported.length === 0 || editor.isDestroyed) return

      const target = Math.max(0, Math.min(pos, editor.state.doc.content.size))
      let chain = editor
        .chain()
        .focus()
        .command(({ tr }) => {
          tr.setSelection(Selection.near(tr.doc.resolve(target)))
          return true
        })
      for (const img of imported) {
        chain = chain.folioInsertFigure({ imageId: img.id, alt: altFromFileName(img.name || img.fileName), caption: '' })
      }
      chain.run()
    },
    [client, editor, t, errorText, toast],
  )
}
