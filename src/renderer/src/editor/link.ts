/** Link URL policy: only http(s) and mailto, so a document cannot carry javascript: or file: links. */
const ALLOWED = new Set(['http:', 'https:', 'mailto:'])

export function isAllowedLinkUrl(url: string): boolean {
  try {
    return ALLOWED.has(new URL(url).protocol)
  } catch {
    return false
  }
}

/**
 * What the user typed → the href to store, or null when it is not allowed. Bare domains get
 * https:// and bare e-mail addresses get mailto:.
 */
export function normalizeLinkUrl(input: string): string | null {
  const s = input.trim()
  if (!s || /\s/.test(s)) return null
  if (/^[a-z][a-z0-9+.-]*:/i.test(s)) {
    // Has a scheme (or looks like host:port, which URL would read as a scheme).
    if (isAllowedLinkUrl(s)) return s
    if (!/^[\w.-]+:\d+(\/|$)/.test(s)) return null
  }
  if (/^[^@/]+@[^@/]+\.[^@/]+$/.test(s)) return `mailto:${s}`
  if (s.startsWith('//')) return isAllowedLinkUrl(`https:${s}`) ? `https:${s}` : null
  if (!/^[\w-]+(\.[\w-]+)+(:\d+)?([/?#]|$)/.test(s) && !/^localhost(:\d+)?([/?#]|$)/.test(s)) return null
  const url = `https://${s}`
  return isAllowedLinkUrl(url) ? url : null
}
