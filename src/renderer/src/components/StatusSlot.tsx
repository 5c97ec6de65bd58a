/**
 * The left half of the app-wide status bar. The editor renders its word count and save state into
 * it through a portal (so they stay subscribed to the editor, not to the app shell).
 */
import { createContext, useContext } from 'react'

export const StatusSlotContext = createContext<HTMLElement | null>(null)

export function useStatusSlot(): HTMLElement | null {
  return useContext(StatusSlotContext)
}
