/** The hidden `<input type=file>` behind an "Add images" button: several images, cleared after each pick. */
import type { Ref } from 'react'

export function ImageFilesInput({ ref, testId, onFiles }: { ref: Ref<HTMLInputElement>; testId: string; onFiles(files: File[]): void }) {
  return (
    <input
      ref={ref}
      type="file"
      accept="image/*"
      multiple
      hidden
      tabIndex={-1}
      data-testid={testId}
      onChange={(e) => {
        const files = Array.from(e.currentTarget.files ?? [])
        // Cleared, so picking the same file again fires a change.
        e.currentTarget.value = ''
        if (files.length > 0) onFiles(files)
      }}
    />
  )
}
