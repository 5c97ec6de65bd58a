/** A native modal `<dialog>`: focus is trapped by the browser, Escape closes it, focus returns after. */
import { useEffect, useRef, type ReactNode } from 'react'

interface Props {
  open: boolean
  onClose(): void
  labelledBy: string
  describedBy?: string
  className?: string
  children: ReactNode
}

export function Modal({ open, onClose, labelledBy, describedBy, className, children }: Props) {
  const ref = useRef<HTMLDialogElement>(null)
  const onCloseRef = useRef(onClose)
  useEffect(() => {
    onCloseRef.current = onClose
  }, [onClose])

  useEffect(() => {
    const dialog = ref.current
    if (!dialog || !open) return
    const previous = document.activeElement instanceof HTMLElement ? document.activeElement : null
    if (!dialog.open) dialog.showModal()
    return () => {
      if (dialog.open) dialog.close()
      previous?.focus({ preventScroll: true })
    }
  }, [open])

  if (!open) return null
  return (
    <dialog
      ref={ref}
      className={`modal ${className ?? ''}`}
      aria-labelledby={labelledBy}
      aria-describedby={describedBy}
      onCancel={(e) => {
        // Escape: let React state drive closing so the dialog and state never disagree.
        e.preventDefault()
        onCloseRef.current()
      }}
    >
      {children}
    </dialog>
  )
}
