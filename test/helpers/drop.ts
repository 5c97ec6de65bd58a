/// <reference lib="dom" />
import type { Page } from 'playwright-core'

export interface DropFile {
  name: string
  type: string
  b64: string
}

/** Drops files onto an element the way a browser does: `dragover`, then a `drop` event carrying a DataTransfer. */
export async function dropFiles(page: Page, selector: string, files: DropFile[]): Promise<void> {
  await page.evaluate(
    ({ selector, files }) => {
      const dt = new DataTransfer()
      for (const f of files) {
        const bytes = Uint8Array.from(atob(f.b64), (c) => c.charCodeAt(0))
        dt.items.add(new File([bytes], f.name, { type: f.type }))
      }
      const target = document.querySelector(selector)
      if (!target) throw new Error(`no ${selector}`)
      target.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }))
      target.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }))
    },
    { selector, files },
  )
}
