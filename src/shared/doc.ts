import { z } from 'zod'

/** Version of the stored TipTap document shape. Bump it together with a migration in main/articles/doc-migrations.ts. */
export const DOC_SCHEMA_VERSION = 1

export interface DocMark {
  type: string
  attrs?: Record<string, unknown>
}
export interface DocNode {
  type: string
  attrs?: Record<string, unknown>
  content?: DocNode[]
  marks?: DocMark[]
  text?: string
}

const MAX_DEPTH = 64

const Mark: z.ZodType<DocMark> = z.object({
  type: z.string().min(1).max(64),
  attrs: z.record(z.string(), z.unknown()).optional(),
})

// Recursive but bounded: a hostile client cannot send a document that overflows the stack. The
// depth is measured without recursion *before* the children are parsed (zod parses depth-first, so a
// check after parsing would come too late: a few thousand levels overflow the stack inside zod).
export const DocNode: z.ZodType<DocNode> = z.lazy(() =>
  z
    .unknown()
    .superRefine((node, ctx) => {
      if (deeperThan(node, MAX_DEPTH)) ctx.addIssue({ code: 'custom', message: `document nested deeper than ${MAX_DEPTH} levels` })
    })
    .pipe(
      z.object({
        type: z.string().min(1).max(64),
        attrs: z.record(z.string(), z.unknown()).optional(),
        content: z.array(DocNode).max(100_000).optional(),
        marks: z.array(Mark).max(32).optional(),
        text: z.string().max(1_000_000).optional(),
      }),
    ),
)

export const Doc = z
  .object({ type: z.literal('doc'), content: z.array(DocNode).max(100_000).optional() })
  .passthrough()
export type Doc = z.infer<typeof Doc>

/** Whether `node` (depth 1) has descendants more than `max` levels deep; iterative, so any input is safe. */
function deeperThan(node: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[node, 1]]
  while (stack.length) {
    const [n, d] = stack.pop() as [unknown, number]
    if (d > max) return true
    const content = n !== null && typeof n === 'object' ? (n as { content?: unknown }).content : undefined
    if (Array.isArray(content)) for (const c of content) stack.push([c, d + 1])
  }
  return false
}

export function emptyDoc(): Doc {
  return { type: 'doc', content: [{ type: 'paragraph' }] }
}

export { countWords, docText } from './doc-text'
