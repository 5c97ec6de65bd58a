import type { Database } from 'better-sqlite3'
import type { ModelRole } from '../../shared/api'

export interface ModelRow {
  id: string
  kind: 'local' | 'remote'
  name: string
  path: string | null
  mmproj: string | null
  url: string | null
  remote_model: string | null
  api_key_env: string | null
  api_key_ref: string | null
  vision: number
  architecture: string | null
  parameter_count: number | null
  quantization: string | null
  context_length: number | null
  embedding_length: number | null
  has_chat_template: number
  size_bytes: number | null
  catalogue_id: string | null
  created_at: number
}

export class ModelRepo {
  constructor(private readonly db: Database) {}

  list(): ModelRow[] {
    return this.db.prepare('SELECT * FROM models ORDER BY created_at, id').all() as ModelRow[]
  }
  get(id: string): ModelRow | undefined {
    return this.db.prepare('SELECT * FROM models WHERE id = ?').get(id) as ModelRow | undefined
  }
  byPath(path: string): ModelRow | undefined {
    return this.db.prepare('SELECT * FROM models WHERE path = ?').get(path) as ModelRow | undefined
  }
  byCatalogue(catalogueId: string): ModelRow | undefined {
    return this.db.prepare('SELECT * FROM models WHERE catalogue_id = ? ORDER BY created_at DESC LIMIT 1').get(catalogueId) as
      | ModelRow
      | undefined
  }
  insert(row: ModelRow): void {
    this.db
      .prepare(`INSERT INTO models (id, kind, name, path, mmproj, url, remote_model, api_key_env, api_key_ref, vision, architecture,
        parameter_count, quantization, context_length, embedding_length, has_chat_template, size_bytes, catalogue_id, created_at)
        VALUES (@id, @kind, @name, @path, @mmproj, @url, @remote_model, @api_key_env, @api_key_ref, @vision, @architecture,
        @parameter_count, @quantization, @context_length, @embedding_length, @has_chat_template, @size_bytes, @catalogue_id, @created_at)`)
      .run(row)
  }
  update(row: ModelRow): void {
    this.db
      .prepare(`UPDATE models SET name = @name, mmproj = @mmproj, vision = @vision, architecture = @architecture,
        parameter_count = @parameter_count, quantization = @quantization, context_length = @context_length,
        embedding_length = @embedding_length, has_chat_template = @has_chat_template, size_bytes = @size_bytes,
        catalogue_id = @catalogue_id WHERE id = @id`)
      .run(row)
  }
  delete(id: string): void {
    this.db.prepare('DELETE FROM models WHERE id = ?').run(id)
  }
  roles(): Record<ModelRole, string | null> {
    const out: Record<ModelRole, string | null> = { writer: null, vision: null, embedder: null }
    for (const r of this.db.prepare('SELECT role, model_id FROM model_roles').all() as { role: ModelRole; model_id: string }[]) {
      out[r.role] = r.model_id
    }
    return out
  }
  setRole(role: ModelRole, modelId: string): void {
    this.db.prepare('INSERT INTO model_roles (role, model_id) VALUES (?, ?) ON CONFLICT (role) DO UPDATE SET model_id = excluded.model_id').run(role, modelId)
  }
  recordGeneration(modelId: string | null, purpose: string, stats: unknown, now: number): void {
    this.db.prepare('INSERT INTO generations (created_at, model_id, purpose, stats) VALUES (?, ?, ?, ?)').run(now, modelId, purpose, JSON.stringify(stats))
  }
  lastGeneration(): { stats: string } | undefined {
    return this.db.prepare('SELECT stats FROM generations ORDER BY created_at DESC, id DESC LIMIT 1').get() as { stats: string } | undefined
  }
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)()
  }
}
