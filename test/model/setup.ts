import { ensureFixtures } from '../fixtures/models'

/** Tests that need a model get the tiny fixtures, generated once when missing. */
export default async function setup(): Promise<void> {
  await ensureFixtures()
}
