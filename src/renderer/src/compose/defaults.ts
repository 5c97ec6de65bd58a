/** The Compose dialog's first values (its own module, so the editor need not load the dialog to know them). */
import type { ComposeOptions } from './composer'

export const DEFAULT_COMPOSE: ComposeOptions = {
  instruction: '',
  source: '',
  lang: 'auto',
  words: 600,
  tone: 'neutral',
  images: 'auto',
  imageSource: 'library',
  pick: [],
  select: true,
}
