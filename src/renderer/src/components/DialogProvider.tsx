/** Promise-based confirm()/prompt() backed by accessible modal dialogs. */
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react'
import { ConfirmDialog, type ConfirmOptions } from './ConfirmDialog'
import { PromptDialog, type PromptOptions } from './PromptDialog'

interface Dialogs {
  confirm(opts: ConfirmOptions): Promise<boolean>
  prompt(opts: PromptOptions): Promise<string | null>
}

type Open =
  | { kind: 'confirm'; opts: ConfirmOptions; resolve(ok: boolean): void }
  | { kind: 'prompt'; opts: PromptOptions; resolve(v: string | null): void }

const DialogContext = createContext<Dialogs | null>(null)

/** A dialog replaced by a newer one counts as cancelled. */
function cancel(prev: Open | null): void {
  if (prev?.kind === 'confirm') prev.resolve(false)
  else if (prev?.kind === 'prompt') prev.resolve(null)
}

export function DialogProvider({ children }: { children: ReactNode }) {
  const [open, setOpen] = useState<Open | null>(null)

  const confirm = useCallback(
    (opts: ConfirmOptions) =>
      new Promise<boolean>((resolve) => {
        setOpen((prev) => {
          cancel(prev)
          return { kind: 'confirm', opts, resolve }
        })
      }),
    [],
  )
  const prompt = useCallback((opts: PromptOptions): Promise<string | null> => {
    if (prefersNativePrompt()) return Promise.resolve(nativePrompt(opts))
    return new Promise<string | null>((resolve) => {
      setOpen((prev) => {
        cancel(prev)
        return { kind: 'prompt', opts, resolve }
      })
    })
  }, [])
  const value = useMemo(() => ({ confirm, prompt }), [confirm, prompt])

  return (
    <DialogContext.Provider value={value}>
      {children}
      {open?.kind === 'confirm' && (
        <ConfirmDialog
          {...open.opts}
          onResult={(ok) => {
            setOpen(null)
            open.resolve(ok)
          }}
        />
      )}
      {open?.kind === 'prompt' && (
        <PromptDialog
          {...open.opts}
          onResult={(v) => {
            setOpen(null)
            open.resolve(v)
          }}
        />
      )}
    </DialogContext.Provider>
  )
}

export function useDialogs(): Dialogs {
  const v = useContext(DialogContext)
  if (!v) throw new Error('useDialogs outside <DialogProvider>')
  return v
}

/**
 * In a browser (serve mode) prompts use the native window.prompt: accessible, and scriptable by
 * browser tests. Electron does not implement window.prompt, so the desktop app uses PromptDialog.
 */
function prefersNativePrompt(): boolean {
  return typeof window !== 'undefined' && !window.folio && typeof window.prompt === 'function'
}

function nativePrompt(opts: PromptOptions): string | null {
  let value = opts.initialValue ?? ''
  let problem: string | null = null
  for (;;) {
    const label: string = opts.hint ? `${opts.label} — ${opts.hint}` : opts.label
    const message: string = [opts.title, label, problem].filter(Boolean).join('\n\n')
    const answer: string | null = window.prompt(message, value)
    if (answer === null) return null
    const clipped: string = opts.maxLength ? answer.slice(0, opts.maxLength) : answer
    problem = opts.validate?.(clipped) ?? null
    if (!problem) return clipped
    value = clipped
  }
}
