/**
 * The real serve-mode entry point with the model catalogue replaced by FOLIO_TEST_CATALOGUE (JSON
 * catalogue entries pointing at a local file server), so a test can kill a real download.
 */
import { CATALOGUE, type CatalogueModel } from '../../../src/main/models/catalogue'

CATALOGUE.splice(0, CATALOGUE.length, ...(JSON.parse(process.env.FOLIO_TEST_CATALOGUE ?? '[]') as CatalogueModel[]))
await import('../../../src/main/transport/serve/main')
