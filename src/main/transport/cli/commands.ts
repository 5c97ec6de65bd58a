/**
 * CLI commands, each bound to a contract method: arguments become the method's input (validated
 * by the same zod schema as every other transport) and its output is printed as text or JSON.
 */
import type { Article, ArticleSummary } from '../../../shared/api'
import type { DocNode } from '../../../shared/doc'
import type { FolioServices } from '../../app'
import { ARTICLE_IO_COMMANDS } from './article-io-commands'
import { CAPTION_COMMANDS } from './captions-commands'
import { COMPOSE_COMMANDS } from './compose-commands'
import { CHAT_COMMANDS } from './chat-commands'
import { DIAGNOSTICS_COMMANDS } from './diagnostics-commands'
import { LIBRARY_COMMANDS } from './library-commands'
import { MODEL_COMMANDS } from './model-commands'
import { SEARCH_COMMANDS } from './search-commands'
import { need } from './args'

export interface ParsedArgs {
  positionals: string[]
  flags: Record<string, string | boolean | string[] | undefined>
  /** Aborted on Ctrl-C: long commands stop (downloads pause) instead of dying mid-write. */
  signal?: AbortSignal
  /** Progress and streamed output (stderr for progress bars, stdout for streamed text). */
  io?: { out: { write(s: string): unknown }; err: { write(s: string): unknown }; isTTY?: boolean }
}

export interface CliCommand {
  /** e.g. ['articles', 'list'] */
  path: string[]
  usage: string
  summary: string
  /** Flags this command accepts besides the global --data and --json (name → takes a value; 'strings': may repeat). */
  flags?: Record<string, 'string' | 'boolean' | 'strings'>
  /** `text: null` when the command already streamed its text output. */
  run(s: FolioServices, a: ParsedArgs): Promise<{ json: unknown; text: string | null }>
}

const fmtDate = (ms: number) => new Date(ms).toISOString().replace('T', ' ').slice(0, 16)

function summaryTable(list: ArticleSummary[]): string {
  if (!list.length) return 'No articles.'
  return list
    .map((a) => `${a.id}  ${fmtDate(a.updatedAt)}  ${String(a.wordCount).padStart(6)} words  ${a.title || 'Untitled'}`)
    .join('\n')
}

const ARTICLE_COMMANDS: CliCommand[] = [
  {
    path: ['articles', 'list'],
    usage: 'articles list [--trash]',
    summary: 'List articles, most recently edited first',
    flags: { trash: 'boolean' },
    async run(s, a) {
      const out = await s.router.call('articles.list', { trashed: a.flags.trash === true })
      return { json: out, text: summaryTable(out.articles) }
    },
  },
  {
    path: ['articles', 'show'],
    usage: 'articles show <id>',
    summary: 'Print an article (Markdown) or, with --json, its stored document',
    async run(s, a) {
      const art: Article = await s.router.call('articles.get', { id: need(a, 0, 'article id') })
      const { toMarkdown } = await import('../../articles/export/to-markdown')
      const text = toMarkdown(art.doc as DocNode, { imageSrc: (id) => `folio-image:${id}` }, art.title || 'Untitled')
      return { json: art, text: text.trimEnd() }
    },
  },
  {
    path: ['articles', 'create'],
    usage: 'articles create [--title TITLE]',
    summary: 'Create an empty article and print its id',
    flags: { title: 'string' },
    async run(s, a) {
      const art = await s.router.call('articles.create', { title: typeof a.flags.title === 'string' ? a.flags.title : undefined })
      return { json: art, text: art.id }
    },
  },
  {
    path: ['articles', 'trash'],
    usage: 'articles trash <id>',
    summary: 'Move an article to the trash',
    async run(s, a) {
      const out = await s.router.call('articles.trash', { id: need(a, 0, 'article id') })
      return { json: out, text: `Moved to trash: ${out.title || 'Untitled'} (${out.id})` }
    },
  },
  {
    path: ['articles', 'restore'],
    usage: 'articles restore <id>',
    summary: 'Restore an article from the trash',
    async run(s, a) {
      const out = await s.router.call('articles.restore', { id: need(a, 0, 'article id') })
      return { json: out, text: `Restored: ${out.title || 'Untitled'} (${out.id})` }
    },
  },
  {
    path: ['versions', 'list'],
    usage: 'versions list <article-id>',
    summary: 'List saved versions of an article',
    async run(s, a) {
      const out = await s.router.call('versions.list', { articleId: need(a, 0, 'article id') })
      const text = out.versions.length
        ? out.versions.map((v) => `${v.id}  ${fmtDate(v.createdAt)}  ${v.kind.padEnd(14)} ${v.label ?? ''}`).join('\n')
        : 'No versions.'
      return { json: out, text }
    },
  },
]

export const COMMANDS: CliCommand[] = [...ARTICLE_COMMANDS, ...ARTICLE_IO_COMMANDS, ...MODEL_COMMANDS, ...SEARCH_COMMANDS, ...LIBRARY_COMMANDS, ...CAPTION_COMMANDS, ...COMPOSE_COMMANDS, ...CHAT_COMMANDS, ...DIAGNOSTICS_COMMANDS]

export function findCommand(words: string[]): { cmd: CliCommand; rest: string[] } | null {
  for (const cmd of COMMANDS) {
    if (cmd.path.every((p, i) => words[i] === p)) return { cmd, rest: words.slice(cmd.path.length) }
  }
  return null
}

export function helpText(): string {
  const w = Math.max(...COMMANDS.map((c) => c.usage.length))
  return [
    'Usage: npm run -s folio -- <command> [--data DIR] [--json]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.usage.padEnd(w)}  ${c.summary}`),
    '',
    'Global flags:',
    '  --data DIR   data folder (default: FOLIO_DATA_DIR, else the app data folder)',
    '  --json       print one JSON document on stdout',
    '',
    'Exit codes: 0 success, 1 user error, 2 internal error.',
  ].join('\n')
}
