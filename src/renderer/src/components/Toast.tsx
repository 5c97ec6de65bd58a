/**
 * Toast notifications in one polite live region. Errors use role="alert". Timers pause while the
 * pointer or keyboard focus is on a toast, so its action (e.g. Undo) stays reachable.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react'
import { useI18n } from '../i18n/I18nProvider'

export type ToastKind = 'info' | 'success' | 'error' | 'progress'

export interface ToastInput {
  kind?: ToastKind
  message: string
  action?: { label: string; onClick(): void }
  /** ms; 0 keeps it until dismissed. Defaults: errors 10 s, progress never, others 6 s. */
  duration?: number
}

interface ToastItem extends ToastInput {
  id: number
}

interface ToastApi {
  show(t: ToastInput): number
  update(id: number, t: Partial<ToastInput>): void
  dismiss(id: number): void
}

const ToastContext = createContext<ToastApi | null>(null)

let nextId = 1

export function ToastProvider({ children }: { children: ReactNode }) {
  const [items, setItems] = useState<ToastItem[]>([])
  const { t } = useI18n()

  const dismiss = useCallback((id: number) => setItems((list) => list.filter((x) => x.id !== id)), [])
  const show = useCallback((input: ToastInput) => {
    const id = nextId++
    // Keep the stack short: the oldest go first.
    setItems((list) => [...list.slice(-4), { ...input, id }])
    return id
  }, [])
  const update = useCallback(
    (id: number, patch: Partial<ToastInput>) => setItems((list) => list.map((x) => (x.id === id ? { ...x, ...patch } : x))),
    [],
  )
  const api = useMemo(() => ({ show, update, dismiss }), [show, update, dismiss])

  return (
    <ToastContext.Provider value={api}>
      {children}
      <section className="toasts" aria-label={t('toast.region')}>
        <div aria-live="polite" aria-relevant="additions text" className="toast-stack">
          {items.map((item) => (
            <Toast key={item.id} item={item} onDismiss={() => dismiss(item.id)} dismissLabel={t('common.dismiss')} />
          ))}
        </div>
      </section>
    </ToastContext.Provider>
  )
}

function Toast({ item, onDismiss, dismissLabel }: { item: ToastItem; onDismiss(): void; dismissLabel: string }) {
  const kind = item.kind ?? 'info'
  const duration = item.duration ?? (kind === 'error' ? 10_000 : kind === 'progress' ? 0 : 6_000)
  const [paused, setPaused] = useState(false)
  const dismissRef = useRef(onDismiss)
  useEffect(() => {
    dismissRef.current = onDismiss
  }, [onDismiss])

  useEffect(() => {
    if (paused || duration <= 0) return
    const timer = setTimeout(() => dismissRef.current(), duration)
    return () => clearTimeout(timer)
  }, [paused, duration, item.message])

  return (
    <div
      className={`toast toast-${kind}`}
      role={kind === 'error' ? 'alert' : undefined}
      onMouseEnter={() => setPaused(true)}
      onMouseLeave={() => setPaused(false)}
      onFocus={() => setPaused(true)}
      onBlur={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setPaused(false)
      }}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.preventDefault()
          onDismiss()
        }
      }}
    >
      <p className="toast-message">{item.message}</p>
      {item.action && (
        <button
          type="button"
          className="btn btn-small toast-action"
          onClick={() => {
            item.action?.onClick()
            onDismiss()
          }}
        >
          {item.action.label}
        </button>
      )}
      <button type="button" className="icon-btn toast-close" aria-label={dismissLabel} onClick={onDismiss}>
        <svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true" focusable="false">
          <path d="M4 4l8 8M12 4l-8 8" stroke="currentColor" strokeWidth="1.75" strokeLinecap="round" />
        </svg>
      </button>
    </div>
  )
}

export function useToast(): ToastApi {
  const v = useContext(ToastContext)
  if (!v) throw new Error('useToast outside <ToastProvider>')
  return v
}
