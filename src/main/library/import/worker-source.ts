/**
 * The image worker's code, run with `new Worker(source, { eval: true })`. It is plain CommonJS in
 * a string so that it runs unchanged under tsx, vitest and the electron-vite bundle (a separate
 * worker file would need its own build entry); sharp and exifr are loaded from paths the main
 * thread resolves. One task: decode fully (truncated files fail here), apply EXIF orientation,
 * make the preview and thumbnail WebPs and read EXIF.
 */
export const WORKER_SOURCE = String.raw`
const { parentPort, workerData } = require('node:worker_threads')
const sharp = require(workerData.sharpPath)
const exifr = require(workerData.exifrPath)
sharp.cache(false)
sharp.concurrency(1)

function clean(v) {
  return typeof v === 'string' ? v.replace(/\u0000/g, '').trim() : ''
}
function exifSummary(x) {
  if (!x) return null
  const date = [x.DateTimeOriginal, x.CreateDate, x.ModifyDate].find((d) => d instanceof Date && !isNaN(d.getTime()))
  const make = clean(x.Make)
  const model = clean(x.Model)
  const camera = model.toLowerCase().startsWith(make.toLowerCase()) ? model : [make, model].filter(Boolean).join(' ')
  const num = (n) => (typeof n === 'number' && isFinite(n) ? n : null)
  const text = [make, model, clean(x.LensModel), clean(x.Software), clean(x.ImageDescription), clean(x.Artist),
    clean(x.Copyright), date ? date.toISOString().slice(0, 10) : ''].filter(Boolean).join(' ')
  return { takenAt: date ? date.getTime() : null, camera: camera || null, lat: num(x.latitude), lon: num(x.longitude), text: text || null }
}

parentPort.on('message', async (msg) => {
  const { id, data, maxPixels, thumbSize, previewSize } = msg
  try {
    const input = Buffer.from(data.buffer, data.byteOffset, data.byteLength)
    const meta = await sharp(input, { limitInputPixels: maxPixels }).metadata()
    const info = { format: meta.format, compression: meta.compression || null, width: meta.width, height: meta.height, orientation: meta.orientation || 1 }
    if (!['jpeg', 'png', 'webp', 'gif', 'tiff'].includes(meta.format) && !(meta.format === 'heif' && meta.compression === 'av1')) {
      parentPort.postMessage({ id, ok: true, info })
      return
    }
    const out = await sharp(input, { limitInputPixels: maxPixels, failOn: 'truncated' })
      .rotate()
      .resize(previewSize, previewSize, { fit: 'inside', withoutEnlargement: true })
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true })
    const raw = { raw: { width: out.info.width, height: out.info.height, channels: out.info.channels } }
    const preview = await sharp(out.data, raw).webp({ quality: 82 }).toBuffer()
    const thumb = await sharp(out.data, raw)
      .resize(thumbSize, thumbSize, { fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 78 })
      .toBuffer()
    let exif = null
    try {
      exif = exifSummary(await exifr.parse(input, { gps: true, icc: false, iptc: false, xmp: false, jfif: false, ihdr: false }))
    } catch {
      exif = null
    }
    const p = new Uint8Array(preview.buffer, preview.byteOffset, preview.byteLength)
    const t = new Uint8Array(thumb.buffer, thumb.byteOffset, thumb.byteLength)
    parentPort.postMessage({ id, ok: true, info, preview: p, thumb: t, exif })
  } catch (e) {
    parentPort.postMessage({ id, ok: false, message: String((e && e.message) || e) })
  }
})
`
