/**
 * `app.diagnostics`: what a bug report needs, gathered from the running services. Nothing secret leaves:
 * API keys (stored or from environment variables) are collected first and every string of the report
 * is passed through the logger's redaction, model files are named without their folders, remote
 * endpoints without credentials, and settings whose key looks secret are left out.
 */
import type { Database } from 'better-sqlite3'
import { createRequire } from 'node:module'
import { cpus, freemem, homedir, release, totalmem } from 'node:os'
import { readFileSync } from 'node:fs'
import { basename, dirname, join, relative, sep } from 'node:path'
import { DOC_SCHEMA_VERSION } from '../../shared/doc'
import type { Diagnostics, DiagnosticsModel } from '../../shared/diagnostics-api'
import type { ModelInfo } from '../../shared/api'
import type { Logger } from '../common/logger'
import type { InferenceService } from '../inference/inference-service'
import type { CaptionQueue } from '../library/captions/caption-queue'
import type { ModelRegistry } from '../models/model-registry'

export interface DiagnosticsDeps {
  db: Database
  logger: Logger
  registry: ModelRegistry
  inference: InferenceService
  captions: CaptionQueue
  dataDir: string
  version: string
}

const LOG_LINES = 50
const MAX_SETTING_CHARS = 200
const SECRET_SETTING = /key|token|secret|password|passwd|credential|auth/i

export class DiagnosticsService {
  constructor(private readonly d: DiagnosticsDeps) {
    // The log never shows a stored API key, even one logged by mistake before it was known.
    d.logger.addSecrets(() => this.secrets())
  }

  async collect(): Promise<Diagnostics> {
    const status = await this.d.inference.status()
    const report: Diagnostics = {
      generatedAt: Date.now(),
      app: { name: 'Folio', version: this.d.version, docSchema: DOC_SCHEMA_VERSION, dataDir: homeRelative(this.d.dataDir) },
      runtime: {
        node: process.versions.node,
        v8: process.versions.v8,
        electron: process.versions.electron ?? null,
        chromium: process.versions.chrome ?? null,
      },
      system: {
        platform: process.platform,
        release: release(),
        arch: process.arch,
        cpu: cpus()[0]?.model.trim() ?? 'unknown',
        cores: cpus().length,
        ramBytes: totalmem(),
        freeRamBytes: freemem(),
      },
      inference: { ...(await this.llamaBuild()), backend: status.backend, backendMessage: status.backendMessage, threads: status.threads, llamaServer: this.llamaServer() },
      models: this.d.registry.list().map(describeModel),
      library: this.library(),
      settings: this.settings(),
      log: { file: relative(this.d.dataDir, this.d.logger.path).split(sep).join('/'), lines: this.d.logger.tail(LOG_LINES) },
    }
    return redactDeep(report, (s) => this.d.logger.redact(s))
  }

  /** Every API key Folio can reach: stored ones and those read from environment variables. */
  private secrets(): string[] {
    const out: string[] = []
    for (const m of this.d.registry.list()) {
      if (m.kind !== 'remote') continue
      try {
        const key = this.d.registry.apiKey(this.d.registry.row(m.id))
        if (key) out.push(key)
      } catch {
        // a model removed meanwhile
      }
    }
    return out
  }

  private async llamaBuild(): Promise<Pick<Diagnostics['inference'], 'gpuDevices' | 'nodeLlamaCpp' | 'llamaCpp' | 'llamaCppBuild'>> {
    let nodeLlamaCpp: string | null = null
    try {
      // Its package.json is not exported; it sits one folder above the entry point (dist/index.js).
      const entry = createRequire(import.meta.url).resolve('node-llama-cpp')
      nodeLlamaCpp = (JSON.parse(readFileSync(join(dirname(entry), '..', 'package.json'), 'utf8')) as { version: string }).version
    } catch {
      // not resolvable from a bundle: leave it unknown
    }
    try {
      const rt = await this.d.inference.runtime()
      return { gpuDevices: rt.gpuDevices, nodeLlamaCpp, llamaCpp: rt.llama.llamaCppRelease.release, llamaCppBuild: rt.llama.buildType }
    } catch {
      return { gpuDevices: [], nodeLlamaCpp, llamaCpp: null, llamaCppBuild: null }
    }
  }

  private llamaServer(): Diagnostics['inference']['llamaServer'] {
    try {
      const info = this.d.inference.llamaServerInfo()
      return { source: info.source, file: info.path ? basename(info.path) : null, message: info.message }
    } catch (e) {
      return { source: null, file: null, message: (e as Error).message }
    }
  }

  private library(): Diagnostics['library'] {
    const count = (sql: string): number => (this.d.db.prepare(sql).get() as { n: number }).n
    const c = this.d.captions.status()
    return {
      images: count('SELECT COUNT(*) AS n FROM images WHERE trashed_at IS NULL'),
      imagesInTrash: count('SELECT COUNT(*) AS n FROM images WHERE trashed_at IS NOT NULL'),
      albums: count('SELECT COUNT(*) AS n FROM albums'),
      articles: count('SELECT COUNT(*) AS n FROM articles WHERE trashed_at IS NULL'),
      articlesInTrash: count('SELECT COUNT(*) AS n FROM articles WHERE trashed_at IS NOT NULL'),
      captions: { pending: c.pending, done: c.done, failed: c.failed, paused: c.paused },
    }
  }

  private settings(): Record<string, string> {
    const rows = this.d.db.prepare('SELECT key, value FROM settings ORDER BY key').all() as { key: string; value: string }[]
    const out: Record<string, string> = {}
    for (const { key, value } of rows) {
      if (SECRET_SETTING.test(key)) continue
      out[key] = value.length > MAX_SETTING_CHARS ? `${value.slice(0, MAX_SETTING_CHARS)}…` : value
    }
    return out
  }
}

function describeModel(m: ModelInfo): DiagnosticsModel {
  return {
    name: m.name,
    kind: m.kind,
    roles: m.roles,
    file: m.path ? basename(m.path) : null,
    mmproj: m.mmproj ? basename(m.mmproj) : null,
    endpoint: m.url ? endpoint(m.url) : null,
    remoteModel: m.remoteModel,
    hasApiKey: m.hasApiKey,
    sizeBytes: m.sizeBytes,
    architecture: m.architecture,
    quantization: m.quantization,
    parameterCount: m.parameterCount,
    contextLength: m.contextLength,
  }
}

/** Scheme, host and path only: no user name, password, query or fragment. */
export function endpoint(url: string): string {
  try {
    const u = new URL(url)
    return `${u.protocol}//${u.host}${u.pathname === '/' ? '' : u.pathname}`
  } catch {
    return '(invalid URL)'
  }
}

/** The home folder as `~`, so a user name does not travel with the report. */
function homeRelative(path: string): string {
  const home = homedir()
  return home && (path === home || path.startsWith(home + sep)) ? `~${path.slice(home.length)}` : path
}

function redactDeep<T>(value: T, redact: (s: string) => string): T {
  if (typeof value === 'string') return redact(value) as T
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, redact)) as T
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [redact(k), redactDeep(v, redact)])) as T
  }
  return value
}
