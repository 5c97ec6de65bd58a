/**
 * The images waiting to go with the next message: dropped, pasted or picked files are checked and
 * stored by the server (`chat.attach`) as soon as they arrive, so a bad file is reported at once;
 * library thumbnails dragged in are used as they are.
 */
import { useCallback, useState } from 'react'
import type { ChatImage } from '../../../shared/chat-api'
import { MAX_CHAT_IMAGES } from '../../../shared/limits'
import { useClient } from '../api'
import { MAX_IMAGE_MB, screenFiles } from '../editor/images'
import { useI18n } from '../i18n/I18nProvider'
import type { DraggedImage } from '../library/library-logic'

export interface PendingImages {
  images: ChatImage[]
  /** Files not added, each with the reason, until dismissed or the next message is sent. */
  rejected: { name: string; reason: string }[]
  attaching: boolean
  addFiles(files: readonly File[]): Promise<void>
  addLibrary(images: readonly DraggedImage[]): void
  remove(id: string): void
  set(images: ChatImage[]): void
  clear(): void
  dismiss(): void
}

export function usePendingImages(): PendingImages {
  const client = useClient()
  const { t, errorText } = useI18n()
  const [images, setImages] = useState<ChatImage[]>([])
  const [rejected, setRejected] = useState<{ name: string; reason: string }[]>([])
  const [attaching, setAttaching] = useState(false)

  const addFiles = useCallback(
    async (files: readonly File[]) => {
      if (files.length === 0) return
      const screened = screenFiles(files)
      const refused = screened.rejected.map((r) => ({
        name: r.name,
        reason: r.reason === 'notImage' ? t('chat.reject.notImage') : t('chat.reject.tooLarge', { mb: MAX_IMAGE_MB }),
      }))
      const room = Math.max(0, MAX_CHAT_IMAGES - images.length)
      const accepted = screened.accepted.slice(0, room)
      for (const f of screened.accepted.slice(room)) refused.push({ name: f.name, reason: t('chat.reject.tooMany', { n: MAX_CHAT_IMAGES }) })
      setRejected(refused)
      if (accepted.length === 0) return
      setAttaching(true)
      try {
        const payload = await Promise.all(accepted.map(async (f) => ({ name: f.name, data: new Uint8Array(await f.arrayBuffer()) })))
        const r = await client.call('chat.attach', { files: payload })
        setImages((list) => [...list, ...r.images.filter((img) => !list.some((x) => x.id === img.id))].slice(0, MAX_CHAT_IMAGES))
        if (r.rejected.length) setRejected((list) => [...list, ...r.rejected])
      } catch (e) {
        setRejected((list) => [...list, ...accepted.map((f) => ({ name: f.name, reason: errorText(e) }))])
      } finally {
        setAttaching(false)
      }
    },
    [client, images.length, t, errorText],
  )

  const addLibrary = useCallback(
    (dragged: readonly DraggedImage[]) => {
      setRejected([])
      setImages((list) => {
        const fresh = dragged
          .filter((d) => !list.some((x) => x.id === d.id))
          .map((d): ChatImage => ({ id: d.id, name: d.alt || d.id, mime: '', width: 0, height: 0 }))
        if (list.length + fresh.length > MAX_CHAT_IMAGES) setRejected([{ name: '', reason: t('chat.reject.tooMany', { n: MAX_CHAT_IMAGES }) }])
        return [...list, ...fresh].slice(0, MAX_CHAT_IMAGES)
      })
    },
    [t],
  )

  return {
    images,
    rejected,
    attaching,
    addFiles,
    addLibrary,
    remove: useCallback((id: string) => setImages((list) => list.filter((x) => x.id !== id)), []),
    set: useCallback((list: ChatImage[]) => setImages(list), []),
    clear: useCallback(() => {
      setImages([])
      setRejected([])
    }, []),
    dismiss: useCallback(() => setRejected([]), []),
  }
}
