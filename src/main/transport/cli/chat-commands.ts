/** `folio chat --image FILE [--image FILE ...] "<question>" [--conversation ID] [--json]` — ask the vision model about images. */
import { readFileSync, statSync } from 'node:fs'
import { basename, resolve } from 'node:path'
import { MAX_IMAGE_BYTES } from '../../../shared/api'
import type { ChatProgress } from '../../../shared/chat-api'
import { FolioError } from '../../../shared/errors'
import type { CliCommand } from './commands'
import { cliStats } from './model-commands'

/** Reads the files named by --image; a missing, unreadable or oversized file stops before anything is stored. */
function readImages(paths: string[]): { name: string; data: Uint8Array }[] {
  return paths.map((p) => {
    const file = resolve(p)
    let size: number
    try {
      const st = statSync(file)
      if (!st.isFile()) throw new FolioError('INVALID_INPUT', `${p} is not a file.`)
      size = st.size
    } catch (e) {
      if (e instanceof FolioError) throw e
      throw new FolioError('NOT_FOUND', `Cannot read ${p}: ${(e as Error).message}`)
    }
    if (size > MAX_IMAGE_BYTES) {
      throw new FolioError('PAYLOAD_TOO_LARGE', `${p} is larger than ${MAX_IMAGE_BYTES / 1024 / 1024} MB; send a smaller image.`)
    }
    return { name: basename(file), data: new Uint8Array(readFileSync(file)) }
  })
}

export const CHAT_COMMANDS: CliCommand[] = [
  {
    path: ['chat'],
    usage: 'chat [--image FILE ...] "<question>" [--conversation ID]',
    summary:
      'Ask the vision model about images (streams; --conversation continues one; --json: {"conversationId", "answer", "stats"})',
    flags: { image: 'strings', conversation: 'string', 'max-tokens': 'string', seed: 'string' },
    async run(s, a) {
      const json = a.flags.json === true
      const question = a.positionals.join(' ').trim()
      const paths = Array.isArray(a.flags.image) ? a.flags.image : typeof a.flags.image === 'string' ? [a.flags.image] : []
      if (!question) throw new FolioError('INVALID_INPUT', 'Missing the question, e.g. folio chat --image photo.jpg "What is in this picture?"')
      const num = (name: string) => {
        const v = a.flags[name]
        if (v === undefined) return undefined
        const n = Number(v)
        if (!Number.isInteger(n) || n < 0) throw new FolioError('INVALID_INPUT', `--${name} must be a non-negative integer.`)
        return n
      }
      const files = readImages(paths)
      let images: string[] = []
      if (files.length > 0) {
        const attached = await s.router.call('chat.attach', { files })
        if (attached.rejected.length > 0) {
          throw new FolioError('UNSUPPORTED_MEDIA', attached.rejected.map((r) => `${r.name}: ${r.reason}`).join('\n'))
        }
        images = attached.images.map((i) => i.id)
      }
      const out = await s.router.call(
        'chat.send',
        {
          conversationId: typeof a.flags.conversation === 'string' ? a.flags.conversation : undefined,
          text: question,
          images,
          maxTokens: num('max-tokens'),
          seed: num('seed'),
        },
        {
          signal: a.signal,
          onProgress: json
            ? undefined
            : (p) => {
                const progress = p as ChatProgress
                if (progress.type === 'token') a.io?.out.write(progress.token)
              },
        },
      )
      const st = out.message.stats
      if (!json) {
        a.io?.out.write('\n')
        if (st) {
          a.io?.err.write(
            `${st.completionTokens} tokens, ${st.tokensPerSecond.toFixed(1)} tok/s, first token ${st.ttftMs.toFixed(0)} ms, ${st.backend}, stop: ${st.stopReason}` +
              `${out.message.trimmed ? ` (${out.message.trimmed} earlier messages left out to fit the context)` : ''}\n` +
              `conversation ${out.conversationId}\n`,
          )
        }
      }
      return {
        json: {
          conversationId: out.conversationId,
          answer: out.message.content,
          stats: st && cliStats(st),
        },
        text: null,
      }
    },
  },
]
