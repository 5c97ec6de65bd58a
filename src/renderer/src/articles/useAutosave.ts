/**
 * Wires an Autosave to one open article: saves through the client (or the keep-alive HTTP
 * flush when the page is going away), and flushes on tab hide, page hide, Electron's flush
 * request and unmount (switching articles).
 */
import { useEffect, useRef, useState, useSyncExternalStore, type RefObject } from 'react'
import type { Doc } from '../../../shared/doc'
import { useClient, useRuntime } from '../api'
import { Autosave, type SaveState } from './autosave'
import { registerFlusher, trackPendingSave } from './save-registry'

export interface ArticleSnapshot {
  doc: Doc
  title: string
}

export function useArticleAutosave(opts: {
  articleId: string
  /** Reads the current content; called when a save starts. Must keep working (from a cache)
   * after the editor is destroyed, because a retry can run after unmount. */
  snapshot: RefObject<() => ArticleSnapshot>
  /** The revision the editor's content is based on; advanced by each save. */
  revision: RefObject<number>
}): Autosave {
  const client = useClient()
  const runtime = useRuntime()
  const { articleId, snapshot, revision } = opts
  const [autosave] = useState(
    () =>
      new Autosave({
        async save({ keepalive }) {
          const { doc, title } = snapshot.current()
          const input = { id: articleId, doc, title, baseRevision: revision.current }
          const res =
            keepalive && runtime.flush
              ? await runtime.flush('articles.save', input)
              : await client.call('articles.save', input)
          // On conflict the server kept the other copy as a version; carry on from our revision.
          revision.current = res.revision
        },
      }),
  )

  useEffect(() => {
    // Deliberately reads the latest snapshot function when the cleanup runs.
    const takeSnapshot = () => snapshot.current()
    autosave.open()
    const unregister = registerFlusher(() => autosave.flush())
    const onVisibility = () => {
      if (document.visibilityState === 'hidden') void autosave.flush({ keepalive: true })
    }
    const onPageHide = () => void autosave.flush({ keepalive: true })
    document.addEventListener('visibilitychange', onVisibility)
    window.addEventListener('pagehide', onPageHide)
    return () => {
      unregister()
      document.removeEventListener('visibilitychange', onVisibility)
      window.removeEventListener('pagehide', onPageHide)
      // Switching articles or closing the editor: save what is left. Taking a snapshot now lets
      // the snapshot function cache the final content before the TipTap instance is destroyed.
      try {
        takeSnapshot()
      } catch {
        // keep the previous cache
      }
      if (autosave.isDirty) trackPendingSave(articleId, autosave.close())
      else void autosave.close()
    }
  }, [autosave, articleId, snapshot])

  return autosave
}

export function useSaveState(autosave: Autosave): SaveState {
  return useSyncExternalStore(autosave.subscribe, autosave.getState, autosave.getState)
}

/** Mod-S anywhere while an article is open: save now (and keep the browser's Save Page away). */
export function useSaveShortcut(autosave: Autosave): void {
  const ref = useRef(autosave)
  useEffect(() => {
    ref.current = autosave
  }, [autosave])
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.metaKey || e.ctrlKey) && !e.altKey && !e.shiftKey && e.key.toLowerCase() === 's') {
        e.preventDefault()
        void ref.current.flush()
      }
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [])
}
