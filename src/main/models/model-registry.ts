/**
 * The models Folio knows: local GGUF files (with an optional vision projector), remote
 * OpenAI-compatible endpoints, and which one serves each role (writer, vision, embedder).
 */
import { statSync } from 'node:fs'
import { basename, resolve } from 'node:path'
import type { Llama } from 'node-llama-cpp'
import type { ModelInfo, ModelRole } from '../../shared/api'
import { FolioError } from '../../shared/errors'
import type { EventBus } from '../common/event-bus'
import type { SecretStore } from '../common/secrets'
import { checkMmproj, summarize } from './gguf-meta'
import type { ModelRepo, ModelRow } from './model-repo'

export interface AddLocalInput {
  path: string
  mmproj?: string
  role?: ModelRole
  catalogueId?: string
}

export interface AddRemoteInput {
  url: string
  apiKeyEnv?: string
  apiKey?: string
  model?: string
  name?: string
  vision?: boolean
  role?: ModelRole
}

function newModelId(): string {
  const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz'
  const bytes = new Uint8Array(12)
  globalThis.crypto.getRandomValues(bytes)
  return `mdl_${Array.from(bytes, (b) => ALPHABET[b & 31]).join('')}`
}

export class ModelRegistry {
  constructor(
    private readonly repo: ModelRepo,
    private readonly secrets: SecretStore,
    private readonly events: EventBus,
    private readonly llama: () => Promise<Llama>,
    private readonly now: () => number = Date.now,
  ) {}

  list(): ModelInfo[] {
    const roles = this.repo.roles()
    return this.repo.list().map((r) => toInfo(r, roles))
  }

  roles(): Record<ModelRole, string | null> {
    return this.repo.roles()
  }

  get(id: string): ModelInfo {
    return toInfo(this.requireRow(id), this.repo.roles())
  }

  row(id: string): ModelRow {
    return this.requireRow(id)
  }

  /** The model serving a role, or a NO_MODEL error that says how to get one. */
  forRole(role: ModelRole): ModelRow {
    const id = this.repo.roles()[role]
    if (!id) {
      const what = { writer: 'a writing model', vision: 'a vision model', embedder: 'an embedding model' }[role]
      throw new FolioError('NO_MODEL', `No ${role} model is set. Add ${what} on the Models screen (or: folio models add FILE --role ${role}).`)
    }
    return this.requireRow(id)
  }

  apiKey(row: ModelRow): string | null {
    if (row.api_key_env) return process.env[row.api_key_env] ?? null
    if (row.api_key_ref) return this.secrets.get(row.api_key_ref)
    return null
  }

  /** Adds a GGUF file, or updates the entry when that file was added before (new role, new mmproj). */
  async addLocal(input: AddLocalInput): Promise<ModelInfo> {
    const path = resolve(input.path)
    const llama = await this.llama()
    const { inspectModelFile } = await import('../inference/llama/model-check')
    const inspected = await inspectModelFile(llama, path)
    const summary = summarize(inspected.info)
    const mmproj = input.mmproj ? resolve(input.mmproj) : undefined
    if (mmproj) await checkMmproj(mmproj, summary.embeddingLength)
    if (input.role === 'vision' && !mmproj && !this.repo.byPath(path)?.mmproj) {
      throw new FolioError('NO_VISION', `"${basename(path)}" cannot see images on its own — add it with its projector: --mmproj FILE.`)
    }
    const existing = this.repo.byPath(path)
    const row: ModelRow = {
      id: existing?.id ?? newModelId(),
      kind: 'local',
      name: summary.name ?? basename(path).replace(/\.gguf$/i, ''),
      path,
      mmproj: mmproj ?? existing?.mmproj ?? null,
      url: null,
      remote_model: null,
      api_key_env: null,
      api_key_ref: null,
      vision: (mmproj ?? existing?.mmproj) ? 1 : 0,
      architecture: summary.architecture,
      parameter_count: inspected.parameters,
      quantization: summary.quantization,
      context_length: summary.contextLength,
      embedding_length: summary.embeddingLength,
      has_chat_template: summary.hasChatTemplate ? 1 : 0,
      size_bytes: statSync(path).size + (mmproj ? statSync(mmproj).size : 0),
      catalogue_id: input.catalogueId ?? existing?.catalogue_id ?? null,
      created_at: existing?.created_at ?? this.now(),
    }
    this.repo.transaction(() => {
      if (existing) this.repo.update(row)
      else this.repo.insert(row)
      if (input.role) this.repo.setRole(input.role, row.id)
      else this.assignFreeRoles(row)
    })
    this.events.emit('models.changed', { reason: 'added' })
    return this.get(row.id)
  }

  addRemote(input: AddRemoteInput): ModelInfo {
    const url = input.url.replace(/\/+$/, '')
    const id = newModelId()
    let keyRef: string | null = null
    if (input.apiKey) {
      keyRef = `model:${id}:apiKey`
      this.secrets.set(keyRef, input.apiKey)
    }
    const row: ModelRow = {
      id,
      kind: 'remote',
      name: input.name ?? (input.model ? `${input.model} @ ${new URL(url).host}` : new URL(url).host),
      path: null,
      mmproj: null,
      url,
      remote_model: input.model ?? null,
      api_key_env: input.apiKeyEnv ?? null,
      api_key_ref: keyRef,
      vision: input.vision ? 1 : 0,
      architecture: null,
      parameter_count: null,
      quantization: null,
      context_length: null,
      embedding_length: null,
      has_chat_template: 1,
      size_bytes: null,
      catalogue_id: null,
      created_at: this.now(),
    }
    this.repo.transaction(() => {
      this.repo.insert(row)
      if (input.role) this.setRoleRow(row, input.role)
    })
    this.events.emit('models.changed', { reason: 'added' })
    return this.get(id)
  }

  remove(id: string): { id: string } {
    const row = this.requireRow(id)
    this.repo.delete(id)
    if (row.api_key_ref) this.secrets.delete(row.api_key_ref)
    this.events.emit('models.changed', { reason: 'removed' })
    return { id }
  }

  setRole(id: string, role: ModelRole): ModelInfo {
    this.setRoleRow(this.requireRow(id), role)
    this.events.emit('models.changed', { reason: 'roles' })
    return this.get(id)
  }

  private setRoleRow(row: ModelRow, role: ModelRole): void {
    if (role === 'vision' && !row.vision) {
      throw new FolioError('NO_VISION', `"${row.name}" cannot see images — add a vision model (a GGUF model with its mmproj projector).`)
    }
    this.repo.setRole(role, row.id)
  }

  /** A first model takes the roles nobody holds yet, so a single download is enough to start. */
  private assignFreeRoles(row: ModelRow): void {
    const roles = this.repo.roles()
    if (!roles.writer && row.has_chat_template) this.repo.setRole('writer', row.id)
    if (!roles.vision && row.vision) this.repo.setRole('vision', row.id)
  }

  private requireRow(id: string): ModelRow {
    const row = this.repo.get(id)
    if (!row) throw new FolioError('NOT_FOUND', `No model ${id}.`)
    return row
  }
}

export function toInfo(r: ModelRow, roles: Record<ModelRole, string | null>): ModelInfo {
  return {
    id: r.id,
    kind: r.kind,
    name: r.name,
    path: r.path,
    mmproj: r.mmproj,
    url: r.url,
    remoteModel: r.remote_model,
    hasApiKey: !!(r.api_key_ref || r.api_key_env),
    roles: (Object.keys(roles) as ModelRole[]).filter((k) => roles[k] === r.id),
    architecture: r.architecture,
    parameterCount: r.parameter_count,
    quantization: r.quantization,
    contextLength: r.context_length,
    embeddingLength: r.embedding_length,
    hasChatTemplate: !!r.has_chat_template,
    sizeBytes: r.size_bytes,
    catalogueId: r.catalogue_id,
    createdAt: r.created_at,
  }
}
