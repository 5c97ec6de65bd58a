/** The chat's system prompt: one text for English and Chinese questions (the answer follows the question's language). */
export const CHAT_SYSTEM_PROMPT =
  "You are Folio's image assistant. Look closely at the images the user shares and answer questions about them: " +
  'describe them, read the text in them, compare several images. Answer in the language of the question ' +
  '(English or Chinese; 用中文提问时用中文回答). Be concrete and concise.'

/** A conversation's first title: the start of its first question, or the names of its images. */
export function titleFor(text: string, imageNames: readonly string[]): string {
  const line = text.replace(/\s+/g, ' ').trim()
  if (line) return line.length > 60 ? `${line.slice(0, 59).trimEnd()}…` : line
  if (imageNames.length) return imageNames.slice(0, 3).join(', ').slice(0, 80)
  return 'Conversation'
}
