/** Dropping library thumbnails (`application/x-folio-image`) into the editor: one figure per image at the drop point. */
import type { Editor } from '@tiptap/core'
import { Selection } from '@tiptap/pm/state'
import { readDraggedImages, type DraggedImage } from '../library/library-logic'

/** Inserts figures for `images` at document position `at` (or the selection); false when nothing was inserted. */
export function insertLibraryImages(editor: Editor, images: readonly DraggedImage[], at?: number): boolean {
  // (No isDestroyed check: a headless editor, as in tests, reports itself destroyed; drops come from a live view.)
  if (images.length === 0) return false
  const target = Math.max(0, Math.min(at ?? editor.state.selection.from, editor.state.doc.content.size))
  let chain = editor.chain().command(({ tr }) => {
    tr.setSelection(Selection.near(tr.doc.resolve(target)))
    return true
  })
  for (const img of images) chain = chain.folioInsertFigure({ imageId: img.id, alt: img.alt })
  const ok = chain.run()
  // Focus separately: a headless editor (tests) has no view to focus, and that must not undo the insert.
  if (ok && !editor.isDestroyed) editor.commands.focus()
  return ok
}

/** The editor's drop handling for library images; returns true when the drop was one (and is handled). */
export function handleLibraryDrop(
  editor: Editor | null,
  event: { dataTransfer: DataTransfer | null; preventDefault(): void },
  posAt: () => number | undefined,
): boolean {
  const images = readDraggedImages(event.dataTransfer)
  if (images.length === 0 || !editor) return false
  event.preventDefault()
  insertLibraryImages(editor, images, posAt())
  return true
}
