/** The editor's extension set, shared by the app and the headless tests. */
import type { Extensions } from '@tiptap/core'
import { CharacterCount, Placeholder } from '@tiptap/extensions'
import { StarterKit } from '@tiptap/starter-kit'
import { countWords } from '../../../../shared/doc-text'
import { isAllowedLinkUrl } from '../link'
import { CaretBlock } from './caret-block'
import { DocumentEdges } from './document-edges'
import { ComposeSpot, type ComposeSpotOptions } from './compose-spot'
import { Figure, type FigureOptions } from './figure'
import { ListTightness } from './list-tightness'

export interface ExtensionConfig {
  resolveImageUrl: FigureOptions['resolveImageUrl']
  figureView?: FigureOptions['view']
  composeSpotView?: ComposeSpotOptions['view']
  /** Read when the placeholder is drawn, so a language switch applies without a rebuild. */
  placeholder?: () => string
}

export function buildExtensions(config: ExtensionConfig): Extensions {
  return [
    StarterKit.configure({
      heading: { levels: [1, 2, 3] },
      link: {
        openOnClick: false,
        autolink: true,
        linkOnPaste: true,
        defaultProtocol: 'https',
        isAllowedUri: (url) => isAllowedLinkUrl(url),
        HTMLAttributes: { rel: 'noopener noreferrer nofollow', target: null },
      },
    }),
    Placeholder.configure({
      placeholder: ({ node }) => (node.type.name === 'figure' ? '' : (config.placeholder?.() ?? '')),
    }),
    CharacterCount.configure({ wordCounter: countWords }),
    Figure.configure({ resolveImageUrl: config.resolveImageUrl, view: config.figureView ?? null }),
    ListTightness,
    CaretBlock,
    DocumentEdges,
    ComposeSpot.configure({ view: config.composeSpotView ?? null }),
  ]
}
