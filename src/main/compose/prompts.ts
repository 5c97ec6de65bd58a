/**
 * Every prompt of composition, in English and Chinese, in one place. Bump PROMPTS_VERSION when a
 * template changes meaningfully: it is recorded with each generation's purpose so measurements and
 * bug reports say which prompts produced a text.
 */
import type { ChatMessage } from '../inference/engine'
import type { ComposeTone, ParagraphAction } from '../../shared/compose-api'

export const PROMPTS_VERSION = 1
export type Lang = 'en' | 'zh'

const SYSTEM: Record<Lang, string> = {
  en: 'You are Folio, a careful writer of clear, well-structured illustrated articles. Follow the instruction exactly and write only what is asked.',
  zh: '你是 Folio，一位严谨的图文文章作者，文章清晰、结构分明。严格按照要求写作，只输出要求的内容。',
}

const TONES: Record<Lang, Record<ComposeTone, string>> = {
  en: { neutral: 'neutral and informative', friendly: 'warm and friendly', formal: 'formal', lively: 'lively and vivid' },
  zh: { neutral: '客观、平实', friendly: '亲切、友好', formal: '正式', lively: '生动、活泼' },
}

const sys = (lang: Lang): ChatMessage => ({ role: 'system', content: SYSTEM[lang] })
const user = (content: string): ChatMessage => ({ role: 'user', content })

/** `<Seg 1> …` per section, the way the original pointed at sections. */
export function numbered(sections: readonly string[]): string {
  return sections.map((s, i) => `<Seg ${i + 1}> ${s.replace(/\s*\n\s*/g, ' ').trim()}`).join('\n')
}

export function writePrompt(p: { instruction: string; source?: string; words: number; tone: ComposeTone; lang: Lang }): ChatMessage[] {
  const source = p.source?.trim()
  if (p.lang === 'zh') {
    return [
      sys('zh'),
      user(
        [
          `请用中文写一篇约 ${p.words} 字的文章，语气${TONES.zh[p.tone]}。`,
          `要求：${p.instruction}`,
          source ? `参考材料或提纲：\n${source}` : '',
          '第一行是以“# ”开头的标题；正文分成多个段落，段落之间空一行，可以用“## ”小标题。不要描述或标注图片，图片稍后由 Folio 添加。只输出文章。',
        ]
          .filter(Boolean)
          .join('\n\n'),
      ),
    ]
  }
  return [
    sys('en'),
    user(
      [
        `Write an article in English of about ${p.words} words, in a ${TONES.en[p.tone]} tone.`,
        `Instruction: ${p.instruction}`,
        source ? `Source material or outline:\n${source}` : '',
        'Begin with a title line starting with "# ". Then write paragraphs separated by blank lines; "## " subheadings are welcome. Do not describe or mark images: Folio adds the pictures later. Write only the article.',
      ]
        .filter(Boolean)
        .join('\n\n'),
    ),
  ]
}

export function spotPrompt(p: { sections: readonly string[]; count: number | 'auto'; lang: Lang }): ChatMessage[] {
  const n = p.sections.length
  if (p.lang === 'zh') {
    const how = p.count === 'auto' ? '由你决定配几张图（通常每两到四段一张）' : `恰好选出 ${p.count} 个段落`
    return [
      sys('zh'),
      user(
        `下面是一篇分成 ${n} 个编号段落的文章：\n${numbered(p.sections)}\n\n哪些段落后面应该配一张图片？${how}，选择最适合配图、画面最具体的段落，编号互不重复。用 JSON 回答：{"sections": [段落编号]}。`,
      ),
    ]
  }
  const how = p.count === 'auto' ? 'Decide how many images the article needs (usually one every two to four sections)' : `Choose exactly ${p.count} sections`
  return [
    sys('en'),
    user(
      `Here is an article split into ${n} numbered sections:\n${numbered(p.sections)}\n\nWhich sections should be followed by a picture? ${how}; prefer sections that describe something concrete and visible, and never repeat a number. Answer in JSON: {"sections": [section numbers]}.`,
    ),
  ]
}

export function captionPrompt(p: { sections: readonly string[]; section: number; earlier: readonly string[]; lang: Lang }): ChatMessage[] {
  // The article up to one section past the spot, as the original did.
  const context = numbered(p.sections.slice(0, Math.min(p.sections.length, p.section + 2)))
  const earlier = p.earlier.filter((c) => c.trim())
  if (p.lang === 'zh') {
    return [
      sys('zh'),
      user(
        [
          `文章（节选）：\n${context}`,
          earlier.length ? `前面已经配的图片：\n${earlier.map((c, i) => `${i + 1}. ${c}`).join('\n')}` : '',
          `为第 ${p.section + 1} 段后面的图片写一句简短、具体的画面描述（画面里有什么），不要和前面的图片重复。用 JSON 回答：{"caption": "描述"}。`,
        ]
          .filter(Boolean)
          .join('\n\n'),
      ),
    ]
  }
  return [
    sys('en'),
    user(
      [
        `The article (excerpt):\n${context}`,
        earlier.length ? `Pictures already placed earlier:\n${earlier.map((c, i) => `${i + 1}. ${c}`).join('\n')}` : '',
        `Write a short, concrete description of the picture that belongs after section ${p.section + 1}: what the picture shows. Do not repeat the earlier pictures. Answer in JSON: {"caption": "description"}.`,
      ]
        .filter(Boolean)
        .join('\n\n'),
    ),
  ]
}

export const CHOICE_LABELS = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H'] as const

export interface CandidateText {
  label: string
  caption: string
}

/**
 * Selection: the article so far interleaved with the pictures chosen for earlier spots (their
 * captions, or `[image]` markers when the pictures themselves are attached), then the labelled
 * candidates. With `withImages`, the images are attached in the order they are mentioned.
 */
export function selectPrompt(p: {
  sections: readonly string[]
  section: number
  caption: string
  earlier: readonly { section: number; caption: string }[]
  candidates: readonly CandidateText[]
  withImages: boolean
  lang: Lang
}): ChatMessage[] {
  const zh = p.lang === 'zh'
  const lines: string[] = []
  const upto = Math.min(p.sections.length, p.section + 1)
  for (let i = 0; i < upto; i++) {
    lines.push(`<Seg ${i + 1}> ${p.sections[i].replace(/\s*\n\s*/g, ' ').trim()}`)
    for (const e of p.earlier.filter((e) => e.section === i)) {
      lines.push(p.withImages ? (zh ? `[图片] ${e.caption}` : `[picture] ${e.caption}`) : zh ? `[图片：${e.caption}]` : `[picture: ${e.caption}]`)
    }
  }
  const cands = p.candidates.map((c) => (p.withImages ? `${c.label}: [image] ${c.caption}` : `${c.label}: ${c.caption}`)).join('\n')
  const labels = p.candidates.map((c) => c.label).join(zh ? '、' : ', ')
  const text = zh
    ? `文章（到第 ${p.section + 1} 段）和前面已选的图片：\n${lines.join('\n')}\n\n第 ${p.section + 1} 段后面需要的图片：${p.caption}\n\n候选图片：\n${cands}\n\n哪一张最合适，并且和前面的图片风格一致？从 ${labels} 中选一个，用 JSON 回答：{"choice": "字母"}。`
    : `The article (up to section ${p.section + 1}) with the pictures already chosen:\n${lines.join('\n')}\n\nThe picture wanted after section ${p.section + 1}: ${p.caption}\n\nCandidates:\n${cands}\n\nWhich candidate fits best and stays consistent with the earlier pictures? Pick one of ${labels} and answer in JSON: {"choice": "letter"}.`
  return [sys(p.lang), user(text)]
}

const ACTIONS: Record<Lang, Record<ParagraphAction, string>> = {
  en: {
    rewrite: 'Rewrite the paragraph below: keep its meaning, improve clarity and flow.',
    expand: 'Expand the paragraph below with more detail and examples, about twice as long.',
    shorten: 'Shorten the paragraph below to about half its length, keeping the key points.',
    continue: 'Continue the article after the paragraph below with one or two new paragraphs.',
    insertBefore: 'Write one new paragraph that goes just before the paragraph below and leads into it.',
    insertAfter: 'Write one new paragraph that goes just after the paragraph below and follows from it.',
    translate: 'Translate the paragraph below into {target}, keeping its meaning and tone.',
  },
  zh: {
    rewrite: '改写下面这段：保持原意，让表达更清晰流畅。',
    expand: '扩写下面这段，补充细节和例子，篇幅约为原来的两倍。',
    shorten: '把下面这段缩写到约一半长度，保留要点。',
    continue: '在下面这段之后接着写一到两段。',
    insertBefore: '写一段新的文字，放在下面这段之前，自然引出它。',
    insertAfter: '写一段新的文字，放在下面这段之后，自然承接它。',
    translate: '把下面这段翻译成{target}，保持原意和语气。',
  },
}

const TARGET_NAMES: Record<Lang, Record<Lang, string>> = { en: { en: 'English', zh: 'Chinese' }, zh: { en: '英文', zh: '中文' } }

export function paragraphPrompt(p: {
  action: ParagraphAction
  text: string
  before: string
  after: string
  instruction?: string
  lang: Lang
  target: Lang
}): ChatMessage[] {
  const zh = p.lang === 'zh'
  const task = ACTIONS[p.lang][p.action].replace('{target}', TARGET_NAMES[p.lang][p.target])
  const parts = [
    p.before.trim() ? (zh ? `上文：\n${p.before.trim()}` : `Text before:\n${p.before.trim()}`) : '',
    zh ? `这一段：\n${p.text.trim()}` : `The paragraph:\n${p.text.trim()}`,
    p.after.trim() ? (zh ? `下文：\n${p.after.trim()}` : `Text after:\n${p.after.trim()}`) : '',
    task,
    p.instruction?.trim() ? (zh ? `额外要求：${p.instruction.trim()}` : `Additional instruction: ${p.instruction.trim()}`) : '',
    zh ? '只输出新的文字，不要解释。' : 'Write only the new text, without explanations.',
  ]
  return [sys(p.lang), user(parts.filter(Boolean).join('\n\n'))]
}
