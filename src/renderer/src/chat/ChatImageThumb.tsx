/** A chat image's thumbnail: library images by their URL, chat attachments fetched once as a blob URL. */
import { useEffect, useState } from 'react'
import type { FolioClient } from '../../../shared/client'
import { useClient } from '../api'

const blobUrls = new Map<string, Promise<string>>()

function attachmentUrl(client: FolioClient, id: string): Promise<string> {
  let p = blobUrls.get(id)
  if (!p) {
    p = client.call('chat.image', { id }).then((r) => URL.createObjectURL(new Blob([r.data as Uint8Array<ArrayBuffer>], { type: r.mime })))
    p.catch(() => blobUrls.delete(id))
    blobUrls.set(id, p)
  }
  return p
}

interface Props {
  id: string
  name: string
  className?: string
}

export function ChatImageThumb({ id, name, className }: Props) {
  const client = useClient()
  const library = id.startsWith('img_')
  const [src, setSrc] = useState<string | null>(library ? `${client.imageUrl(id)}?size=thumb` : null)
  const [missing, setMissing] = useState(false)

  useEffect(() => {
    if (library) return
    let live = true
    attachmentUrl(client, id).then(
      (url) => live && setSrc(url),
      () => live && setMissing(true),
    )
    return () => {
      live = false
    }
  }, [client, id, library])

  if (missing) {
    return (
      <span className={`chat-thumb chat-thumb-missing ${className ?? ''}`} title={name}>
        {name}
      </span>
    )
  }
  return src ? (
    <img className={`chat-thumb ${className ?? ''}`} src={src} alt={name} title={name} loading="lazy" decoding="async" draggable={false} onError={() => setMissing(true)} />
  ) : (
    <span className={`chat-thumb ${className ?? ''}`} aria-busy="true" title={name} />
  )
}
