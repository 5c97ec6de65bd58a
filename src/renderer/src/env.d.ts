import type { FolioBridge } from '../../shared/bridge'

declare global {
  interface Window {
    /** The preload bridge; present in Electron, absent in serve mode (browser). */
    folio?: FolioBridge
  }
}

export {}
