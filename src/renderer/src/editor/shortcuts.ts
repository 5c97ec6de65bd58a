/** Keyboard shortcut labels in TipTap notation ("Mod-Shift-z") for titles and aria-keyshortcuts. */
export type Shortcut = string

export function isMacPlatform(platform: string): boolean {
  return /mac|iphone|ipad|ipod/i.test(platform)
}

const nav = (globalThis as { navigator?: { platform?: string; userAgent?: string } }).navigator
const MAC = isMacPlatform(nav?.platform || nav?.userAgent || '')

export function shortcutLabel(shortcut: Shortcut, mac = MAC): { display: string; aria: string } {
  const parts = shortcut.split('-')
  const key = parts.pop() ?? ''
  const mods = parts.map((m) => m.toLowerCase())
  const ariaMods = mods.map((m) => (m === 'mod' ? (mac ? 'Meta' : 'Control') : m === 'alt' ? 'Alt' : m === 'shift' ? 'Shift' : m))
  const displayMods = mods.map((m) =>
    mac ? ({ mod: '⌘', alt: '⌥', shift: '⇧' } as Record<string, string>)[m] ?? m : ({ mod: 'Ctrl', alt: 'Alt', shift: 'Shift' } as Record<string, string>)[m] ?? m,
  )
  const k = key.length === 1 ? key.toUpperCase() : key
  return {
    display: mac ? `${displayMods.join('')}${k}` : [...displayMods, k].join('+'),
    aria: [...ariaMods, k].join('+'),
  }
}
