/**
 * The captioning queue through the tiny vision model on the built llama-server: downscaling (≤ 448 px,
 * WebP re-encoded), newest imports first, valid {caption, description, tags}, user edits never
 * overwritten (even mid-request), pause kept across restarts, crash recovery, no vision model, and
 * `folio caption --json`.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createServices, type FolioServices, type ServicesOptions } from '../../src/main/app'
import type { EncodedImage } from '../../src/main/library/captions/downscale'
import { downscaleForCaption } from '../../src/main/library/captions/downscale'
import type { CaptionStatus } from '../../src/shared/captions-api'
import { runCli } from '../../src/main/transport/cli/main'
import { buildVocab } from '../fixtures/gguf/models'
import { ensureFixtures, fixturePath } from '../fixtures/models'
import { tmpDir } from '../helpers/tmp'

/** Random weights emit lone <0x80>…<0xFF> byte tokens (invalid UTF-8), which llama-server rejects: ban them. */
function validUtf8Bias(): Record<string, number> {
  const bias: Record<string, number> = {}
  buildVocab().tokens.forEach((t, id) => {
    if (/^<0x[89A-F][0-9A-F]>$/.test(t)) bias[String(id)] = -100
  })
  return bias
}

const tmp = tmpDir('folio-captions-')
const dataDir = join(tmp.path, 'data')
const encoded: { id: string; image: EncodedImage }[] = []
const opts = (extra: Partial<ServicesOptions> = {}): ServicesOptions => ({
  dataDir,
  library: { resumeImports: false },
  visionIdleStopMs: 0,
  captions: { requestBody: { logit_bias: validUtf8Bias() }, seed: 7, pollMs: 200, onEncoded: (id, image) => encoded.push({ id, image }) },
  ...extra,
})

async function imageSize(data: Uint8Array): Promise<{ width: number; height: number; format: string }> {
  const m = await sharp(data).metadata()
  return { width: m.width ?? 0, height: m.height ?? 0, format: m.format ?? '' }
}

/** Resolves when the queue reports nothing pending and nothing running. */
function idle(s: FolioServices, timeoutMs = 40_000): Promise<CaptionStatus> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const st = s.captions.status()
      if (st.pending === 0 && st.running === null) {
        clearInterval(t)
        clearTimeout(to)
        resolve(st)
      }
    }
    const t = setInterval(check, 50)
    const to = setTimeout(() => {
      clearInterval(t)
      reject(new Error(`captioning did not finish: ${JSON.stringify(s.captions.status())}`))
    }, timeoutMs)
  })
}

const row = (s: FolioServices, id: string) =>
  s.db.prepare('SELECT caption, description, tags, caption_source, caption_state, caption_error FROM images WHERE id = ?').get(id) as {
    caption: string | null
    description: string | null
    tags: string | null
    caption_source: string | null
    caption_state: string
    caption_error: string | null
  }

describe('downscaleForCaption', () => {
  it('shrinks to ≤ 448 px on the long side and re-encodes WebP as JPEG (PNG when transparent)', async () => {
    const big = await sharp({ create: { width: 2000, height: 1200, channels: 3, background: '#3366aa' } }).jpeg().toBuffer()
    const a = await downscaleForCaption(new Uint8Array(big))
    expect(a.mime).toBe('image/jpeg')
    expect(await imageSize(a.data)).toEqual({ width: 448, height: 269, format: 'jpeg' })
    const webp = await sharp({ create: { width: 300, height: 200, channels: 3, background: '#aa3366' } }).webp().toBuffer()
    const b = await downscaleForCaption(new Uint8Array(webp))
    expect(b).toMatchObject({ mime: 'image/jpeg', width: 300, height: 200 })
    const alpha = await sharp({ create: { width: 600, height: 900, channels: 4, background: { r: 1, g: 2, b: 3, alpha: 0.5 } } })
      .png()
      .toBuffer()
    const c = await downscaleForCaption(new Uint8Array(alpha), 100)
    expect(c).toMatchObject({ mime: 'image/png', width: 67, height: 100 })
  })
})

describe('captioning queue (tiny vision model on llama-server)', () => {
  let s: FolioServices
  const ids: string[] = []

  beforeAll(async () => {
    await ensureFixtures(['chat', 'mmproj'])
    const src = join(tmp.path, 'photos')
    mkdirSync(src, { recursive: true })
    const files: [string, Buffer][] = [
      ['large.jpg', await sharp({ create: { width: 1800, height: 1000, channels: 3, background: '#204080' } }).jpeg().toBuffer()],
      ['leaf.webp', await sharp({ create: { width: 320, height: 240, channels: 3, background: '#30a040' } }).webp().toBuffer()],
      ['small.png', await sharp({ create: { width: 64, height: 48, channels: 3, background: '#c03030' } }).png().toBuffer()],
      ['edited.jpg', await sharp({ create: { width: 500, height: 500, channels: 3, background: '#808080' } }).jpeg().toBuffer()],
    ]
    for (const [name, data] of files) writeFileSync(join(src, name), data)
    s = createServices(opts())
    await s.router.call('models.add', { path: fixturePath('chat'), mmproj: fixturePath('mmproj'), role: 'vision' })
    for (const [i, [name]] of files.entries()) {
      const r = await s.router.call('library.importPaths', { paths: [join(src, name)] })
      expect(r.imported).toHaveLength(1)
      ids.push(r.imported[0].id)
      // Distinct import times: the later files are the newer imports.
      s.db.prepare('UPDATE images SET created_at = ? WHERE id = ?').run(1000 * (i + 1), r.imported[0].id)
    }
  }, 60_000)
  afterAll(async () => {
    await s?.dispose()
    tmp.cleanup()
  })

  it('captions every image newest first, downscaled, never overwriting a caption the user edits mid-request', async () => {
    const [large, webp, small, edited] = ids
    const events: CaptionStatus[] = []
    s.events.subscribe((name, payload) => {
      if (name !== 'library.captions') return
      const st = payload as CaptionStatus
      events.push(st)
      // The user edits this caption while its request is in flight.
      if (st.running === edited && row(s, edited).caption_source !== 'user') {
        s.db.prepare(`UPDATE images SET caption = 'my own words', caption_source = 'user' WHERE id = ?`).run(edited)
      }
    })
    expect(s.captions.status()).toMatchObject({ pending: 4, running: null, paused: false, problem: null })
    s.captions.start()
    const done = await idle(s)
    expect(done).toMatchObject({ pending: 0, done: 3, failed: 0, skipped: 1, problem: null })

    expect(encoded.map((e) => e.id)).toEqual([edited, small, webp, large])
    for (const e of encoded) {
      expect(['image/jpeg', 'image/png']).toContain(e.image.mime)
      const dim = await imageSize(e.image.data)
      expect(Math.max(dim.width, dim.height)).toBeLessThanOrEqual(448)
      expect(['jpeg', 'png']).toContain(dim.format)
    }
    expect(encoded.find((e) => e.id === large)!.image).toMatchObject({ width: 448, height: 249 })

    for (const id of [large, webp, small]) {
      const r = row(s, id)
      expect(r).toMatchObject({ caption_source: 'model', caption_state: 'done', caption_error: null })
      expect(r.caption!.length).toBeGreaterThan(0)
      expect(r.caption!.length).toBeLessThanOrEqual(120)
      expect(r.description!.length).toBeLessThanOrEqual(600)
      const tags = JSON.parse(r.tags!) as unknown
      expect(Array.isArray(tags) && tags.length <= 8 && tags.every((t) => typeof t === 'string')).toBe(true)
    }
    expect(row(s, edited)).toMatchObject({ caption: 'my own words', caption_source: 'user', caption_state: 'skipped' })
    expect(events.some((e) => e.running === edited)).toBe(true)
    expect(await s.router.call('library.captions.status', {})).toMatchObject({ pending: 0, done: 3, skipped: 1, running: null })
  }, 60_000)

  it('stays paused across a restart, recovers rows a crash left running, and resumes', async () => {
    const [large, webp] = ids
    expect(await s.router.call('library.captions.pause', {})).toMatchObject({ paused: true })
    s.db.prepare(`UPDATE images SET caption_state = 'pending' WHERE id = ?`).run(large)
    s.db.prepare(`UPDATE images SET caption_state = 'running' WHERE id = ?`).run(webp) // as a crash leaves it
    await s.dispose()

    s = createServices(opts({ startBackgroundWork: true }))
    expect(row(s, webp).caption_state).toBe('pending')
    await new Promise((r) => setTimeout(r, 500))
    expect(s.captions.status()).toMatchObject({ paused: true, pending: 2, running: null })
    expect(row(s, large).caption_state).toBe('pending')

    expect(await s.router.call('library.captions.resume', {})).toMatchObject({ paused: false })
    expect(await idle(s)).toMatchObject({ pending: 0, done: 3, skipped: 1 })
    expect(row(s, webp)).toMatchObject({ caption_state: 'done', caption_source: 'model' })
  }, 60_000)

  it('folio caption --all --json prints {captioned, failed, skipped}', async () => {
    await s.dispose()
    const out: string[] = []
    const err: string[] = []
    const code = await runCli(['caption', '--all', '--json', '--data', dataDir], {
      out: { write: (x: string) => out.push(x) },
      err: { write: (x: string) => err.push(x) },
    })
    expect(code, err.join('')).toBe(0)
    const doc = JSON.parse(out.join('')) as { captioned: number; failed: { id: string; reason: string }[]; skipped: number }
    expect(Object.keys(doc).sort()).toEqual(['captioned', 'failed', 'skipped'])
    // The user-edited image is not re-captioned; the three others are (the CLI sends no byte-token ban, so some may fail).
    expect(doc.captioned + doc.failed.length).toBe(3)
    expect(doc.skipped).toBe(0)
    for (const f of doc.failed) expect(f).toEqual({ id: expect.stringMatching(/^img_/), reason: expect.any(String) })
    s = createServices(opts())
    expect(row(s, ids[3])).toMatchObject({ caption: 'my own words', caption_source: 'user' })
  }, 60_000)

  it('with no vision model the queue idles and says so', async () => {
    const other = createServices({ dataDir: join(tmp.path, 'no-model'), library: { resumeImports: false }, captions: { pollMs: 50 } })
    try {
      other.db
        .prepare(
          `INSERT INTO images (id, sha256, file_name, mime, width, height, bytes, path, created_at) VALUES ('img_000000000001', ?, 'a.png', 'image/png', 1, 1, 1, 'a.png', 1)`,
        )
        .run('a'.repeat(64))
      other.captions.start()
      await new Promise((r) => setTimeout(r, 400))
      const st = await other.router.call('library.captions.status', {})
      expect(st).toMatchObject({ pending: 1, running: null, failed: 0, problem: { code: 'NO_MODEL' } })
      expect(st.problem!.message).toMatch(/vision model/)
      const code = await runCli(['caption', '--json', '--data', join(tmp.path, 'no-model')], {
        out: { write: () => true },
        err: { write: () => true },
      })
      expect(code).toBe(1)
    } finally {
      await other.dispose()
    }
  })
})
