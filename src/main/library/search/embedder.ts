/** The embedder role as LibrarySearch sees it: null when no embedder is chosen (search is then FTS only). */
import type { InferenceService } from '../../inference/inference-service'
import type { ModelRegistry } from '../../models/model-registry'
import type { EmbedderHandle } from './library-search'

export function roleEmbedder(registry: ModelRegistry, inference: InferenceService): () => Promise<EmbedderHandle | null> {
  return async () => {
    const id = registry.roles().embedder
    if (!id) return null
    const engine = await inference.engineFor('embedder')
    return { id, embed: (texts, signal) => engine.embed(texts, signal) }
  }
}
