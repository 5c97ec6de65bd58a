import type { DocMark, DocNode } from '../../../shared/doc'
import type { RenderContext } from './to-markdown'

/** TipTap JSON → a standalone HTML page. Link targets are limited to safe schemes. */
export function toHtml(doc: DocNode, ctx: RenderContext, title: string): string {
  const body = (doc.content ?? []).map((n) => block(n, ctx)).join('\n')
  return `<!doctype html>
<html>
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title || 'Untitled')}</title>
<style>
body{font:17px/1.6 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#1d1d1f}
figure{margin:1.5rem 0}figure img{max-width:100%;height:auto;display:block}figcaption{color:#555;font-size:.9em;margin-top:.4rem}
blockquote{border-left:3px solid #ccc;margin-left:0;padding-left:1rem;color:#444}pre{background:#f4f4f4;padding:.8rem;overflow:auto}
</style>
</head>
<body>
<article>
${title ? `<h1>${esc(title)}</h1>\n` : ''}${body}
</article>
</body>
</html>
`
}

function block(n: DocNode, ctx: RenderContext): string {
  const kids = () => (n.content ?? []).map((c) => block(c, ctx)).join('\n')
  switch (n.type) {
    case 'paragraph':
      return `<p>${inline(n.content ?? [])}</p>`
    case 'heading': {
      const l = Math.min(6, Math.max(1, Number(n.attrs?.level) || 1))
      return `<h${l}>${inline(n.content ?? [])}</h${l}>`
    }
    case 'blockquote':
      return `<blockquote>\n${kids()}\n</blockquote>`
    case 'bulletList':
      return `<ul>\n${kids()}\n</ul>`
    case 'orderedList': {
      const start = Number(n.attrs?.start) || 1
      return `<ol${start !== 1 ? ` start="${start}"` : ''}>\n${kids()}\n</ol>`
    }
    case 'listItem':
      return `<li>${kids()}</li>`
    case 'codeBlock': {
      const lang = String(n.attrs?.language ?? '')
      const text = (n.content ?? []).map((c) => c.text ?? '').join('')
      return `<pre><code${lang ? ` class="language-${esc(lang)}"` : ''}>${esc(text)}</code></pre>`
    }
    case 'horizontalRule':
      return '<hr>'
    case 'figure': {
      const id = String(n.attrs?.imageId ?? '')
      const caption = inline(n.content ?? [])
      return `<figure><img src="${esc(encodeURI(ctx.imagePath(id)))}" alt="${esc(String(n.attrs?.alt ?? ''))}">${caption ? `<figcaption>${caption}</figcaption>` : ''}</figure>`
    }
    default:
      return kids()
  }
}

function inline(nodes: DocNode[]): string {
  return nodes
    .map((n) => {
      if (n.type === 'hardBreak') return '<br>'
      if (n.type !== 'text') return ''
      return marks(esc(n.text ?? ''), n.marks ?? [])
    })
    .join('')
}

const TAGS: Record<string, string> = { bold: 'strong', italic: 'em', strike: 's', underline: 'u', code: 'code' }

function marks(s: string, ms: DocMark[]): string {
  let out = s
  for (const m of ms) {
    const tag = TAGS[m.type]
    if (tag) out = `<${tag}>${out}</${tag}>`
  }
  const link = ms.find((m) => m.type === 'link')
  if (link) {
    const href = safeHref(String(link.attrs?.href ?? ''))
    out = href ? `<a href="${esc(href)}">${out}</a>` : out
  }
  return out
}

export function safeHref(href: string): string | null {
  const h = href.trim()
  if (/^(https?:|mailto:)/i.test(h) || h.startsWith('#')) return h
  return null
}

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string)
}
