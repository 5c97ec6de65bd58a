/**
 * Errors as text in the UI language. The server's `FolioError` message is English, written for
 * people, and often names the file, model or number involved; the code says what kind of problem
 * it is. React code uses `useI18n().errorText` (or `useErrorText()`); plain code calls
 * `localizeError(e, t, lang)`.
 */
import { isErrorCode, type ErrorCode } from '../../../shared/errors'
import type { Lang, MessageKey, Translate } from './index'

/** A FolioError, or its wire/store shape `{ code, message }`. */
interface CodedError {
  code: ErrorCode
  message: string
}

function coded(e: unknown): CodedError | null {
  if (!e || typeof e !== 'object') return null
  const { code, message } = e as { code?: unknown; message?: unknown }
  return isErrorCode(code) && typeof message === 'string' ? { code, message } : null
}

/** The sentence for a code; the template type fails to compile if a code has no dictionary entry. */
export function errorKey(code: ErrorCode): MessageKey {
  const key: `errors.${ErrorCode}` = `errors.${code}`
  return key
}

/**
 * Whether a message names something the sentence for its code cannot: a number, a quoted name,
 * a path, URL or file name, or a cause appended after a colon ("… failed: EACCES …").
 */
export function namesSpecifics(message: string): boolean {
  return /\d|["“”«»]|[/\\]|\b\w+\.[a-z][a-z0-9]{0,4}\b|:\s\S/i.test(message)
}

/** A thrown value that never reached the server: a failed fetch/socket reads as a connection problem. */
function fallbackCode(e: unknown): ErrorCode {
  const msg = e instanceof Error ? e.message : ''
  return e instanceof TypeError && /fetch|network|load failed|connection|socket/i.test(msg) ? 'UNREACHABLE' : 'INTERNAL'
}

function rawMessage(e: unknown): string {
  if (e instanceof Error) return e.message
  if (e && typeof e === 'object' && typeof (e as { message?: unknown }).message === 'string') return (e as { message: string }).message
  return e === undefined || e === null ? '' : String(e)
}

/**
 * The rule: English shows a Folio error's own message; Chinese shows the code's sentence, then
 * "（<English message>）" only when the message names specifics (see namesSpecifics). An error
 * without a code gets the INTERNAL (or, for a failed connection, UNREACHABLE) sentence plus its
 * raw message in brackets — always in English, in Chinese under the same rule.
 */
export function localizeError(e: unknown, t: Translate, lang: Lang): string {
  const folio = coded(e)
  const detail = (folio ? folio.message : rawMessage(e)).trim()
  if (folio && lang === 'en' && detail) return detail
  const sentence = t(errorKey(folio ? folio.code : fallbackCode(e)))
  if (!detail || detail === sentence) return sentence
  if (lang === 'zh') return namesSpecifics(detail) ? `${sentence}（${detail}）` : sentence
  return `${sentence} (${detail})`
}
