/**
 * Whether a list is tight (no blank lines between its items in Markdown). Lists made in the editor
 * are tight; a loose list imported from Markdown keeps `tight: false`, so exporting it again writes
 * it the way it was. Not shown differently while editing.
 */
import { Extension } from '@tiptap/core'

export const ListTightness = Extension.create({
  name: 'folioListTightness',

  addGlobalAttributes() {
    return [
      {
        types: ['bulletList', 'orderedList'],
        attributes: {
          tight: {
            default: true,
            parseHTML: (el: { getAttribute(name: string): string | null }) => el.getAttribute('data-tight') !== 'false',
            renderHTML: (attrs: Record<string, unknown>) => (attrs.tight === false ? { 'data-tight': 'false' } : {}),
          },
        },
      },
    ]
  },
})
