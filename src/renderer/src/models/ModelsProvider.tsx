/**
 * Holds the model data store and the download store above the screens: downloads keep running
 * and the status bar keeps its numbers whichever screen is open.
 */
import { createContext, useContext, useEffect, useRef, useState, useSyncExternalStore, type ReactNode } from 'react'
import type { ModelInfo } from '../../../shared/api'
import { useRuntime } from '../api'
import { useToast } from '../components/Toast'
import { useI18n } from '../i18n/I18nProvider'
import { DownloadStore, type DownloadUi } from './download-store'
import { LlamaServerStore, type LlamaServerSnapshot } from './llama-server-store'
import { ModelsStore, type ModelsSnapshot } from './models-store'

interface Stores {
  models: ModelsStore
  downloads: DownloadStore
  llamaServer: LlamaServerStore
}

const STATUS_DELAY_MS = 1000

const ModelsContext = createContext<Stores | null>(null)

export function ModelsProvider({ children }: { children: ReactNode }) {
  const { client, connection } = useRuntime()
  const toast = useToast()
  const { t } = useI18n()
  const onComplete = useRef<(id: string, models: ModelInfo[]) => void>(() => {})
  const onEngineInstalled = useRef<(path: string) => void>(() => {})
  useEffect(() => {
    onComplete.current = (_id, models) => {
      const name = models[0]?.name
      toast.show({ kind: 'success', message: name ? t('models.dl.completeNamed', { name }) : t('models.dl.complete') })
    }
    onEngineInstalled.current = (path) => toast.show({ kind: 'success', message: t('models.engine.installed', { path }) })
  })
  const [stores] = useState<Stores>(() => {
    // The backend status waits until the app has opened (it makes the server load llama.cpp).
    const models = new ModelsStore(client, connection, STATUS_DELAY_MS)
    const downloads = new DownloadStore(client, {
      onComplete: (id, list) => {
        onComplete.current(id, list)
        models.refreshAll()
      },
    })
    const llamaServer = new LlamaServerStore(client, { onInstalled: (out) => onEngineInstalled.current(out.path) })
    return { models, downloads, llamaServer }
  })

  useEffect(() => stores.models.start(), [stores])

  return <ModelsContext.Provider value={stores}>{children}</ModelsContext.Provider>
}

function useStores(): Stores {
  const v = useContext(ModelsContext)
  if (!v) throw new Error('models hooks outside <ModelsProvider>')
  return v
}

export function useModelsStore(): ModelsStore {
  return useStores().models
}

/** Re-renders only when the selected part changes (select sub-objects or primitives). */
export function useModelsSelector<T>(selector: (s: ModelsSnapshot) => T): T {
  const store = useStores().models
  return useSyncExternalStore(store.subscribe, () => selector(store.getSnapshot()))
}

export function useDownloadStore(): DownloadStore {
  return useStores().downloads
}

/** One catalogue entry's in-flight download (undefined when none). */
export function useDownload(id: string): DownloadUi | undefined {
  const store = useStores().downloads
  return useSyncExternalStore(store.subscribe, () => store.getSnapshot()[id])
}

export function useLlamaServerStore(): LlamaServerStore {
  return useStores().llamaServer
}

/** Re-renders only when the selected part of the vision-engine state changes. */
export function useLlamaServerSelector<T>(selector: (s: LlamaServerSnapshot) => T): T {
  const store = useStores().llamaServer
  return useSyncExternalStore(store.subscribe, () => selector(store.getSnapshot()))
}
