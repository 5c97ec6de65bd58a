/** A small pool of image workers (node:worker_threads) so decoding and thumbnailing never block the main thread. */
import { createRequire } from 'node:module'
import { availableParallelism } from 'node:os'
import { Worker } from 'node:worker_threads'
import { WORKER_SOURCE } from './worker-source'

export interface DecodedImage {
  info: { format: string; compression: string | null; width: number; height: number; orientation: number }
  /** Absent when the format is one the library does not take (the caller rejects it). */
  preview?: Uint8Array
  thumb?: Uint8Array
  exif?: { takenAt: number | null; camera: string | null; lat: number | null; lon: number | null; text: string | null } | null
}

export class DecodeError extends Error {}

interface Task {
  id: number
  data: Uint8Array
  resolve(r: DecodedImage): void
  reject(e: Error): void
}
interface Slot {
  worker: Worker
  task: Task | null
}

export interface PoolOptions {
  size?: number
  maxPixels: number
  thumbSize: number
  previewSize: number
}

export const defaultPoolSize = (): number => Math.max(1, availableParallelism() - 1)

export class WorkerPool {
  readonly size: number
  private readonly slots: Slot[] = []
  private readonly queue: Task[] = []
  private nextId = 1
  private closed = false
  private paths: { sharpPath: string; exifrPath: string } | null = null

  constructor(private readonly opts: PoolOptions) {
    this.size = Math.max(1, opts.size ?? defaultPoolSize())
  }

  decode(data: Uint8Array): Promise<DecodedImage> {
    if (this.closed) return Promise.reject(new DecodeError('the image workers have stopped'))
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, data, resolve, reject })
      this.pump()
    })
  }

  async close(): Promise<void> {
    this.closed = true
    for (const t of this.queue.splice(0)) t.reject(new DecodeError('the image workers have stopped'))
    await Promise.all(this.slots.splice(0).map((s) => s.worker.terminate()))
  }

  private pump(): void {
    while (this.queue.length) {
      let slot = this.slots.find((s) => !s.task)
      if (!slot && this.slots.length < this.size) slot = this.spawn()
      if (!slot) return
      const task = this.queue.shift() as Task
      slot.task = task
      // Referenced only while busy: an idle pool never keeps the process (the CLI) alive.
      slot.worker.ref()
      const { maxPixels, thumbSize, previewSize } = this.opts
      slot.worker.postMessage({ id: task.id, data: task.data, maxPixels, thumbSize, previewSize })
    }
  }

  private spawn(): Slot {
    if (!this.paths) {
      const req = createRequire(import.meta.url)
      this.paths = { sharpPath: req.resolve('sharp'), exifrPath: req.resolve('exifr') }
    }
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: this.paths })
    worker.unref()
    const slot: Slot = { worker, task: null }
    worker.on('message', (m: { id: number; ok: boolean; message?: string } & DecodedImage) => {
      const task = slot.task
      if (!task || task.id !== m.id) return
      slot.task = null
      slot.worker.unref()
      if (m.ok) task.resolve({ info: m.info, preview: m.preview, thumb: m.thumb, exif: m.exif })
      else task.reject(new DecodeError(m.message ?? 'decode failed'))
      this.pump()
    })
    const fail = (e: Error) => {
      const i = this.slots.indexOf(slot)
      if (i >= 0) this.slots.splice(i, 1)
      slot.task?.reject(new DecodeError(`the image worker stopped: ${e.message}`))
      slot.task = null
      if (!this.closed) this.pump()
    }
    worker.on('error', fail)
    worker.on('exit', (code) => fail(new Error(`exit code ${code}`)))
    this.slots.push(slot)
    return slot
  }
}
