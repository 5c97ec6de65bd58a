/** The Models screen: installed models and roles, "Try it", recommended downloads, adding models, the vision engine. */
import { useEffect } from 'react'
import { useI18n } from '../i18n/I18nProvider'
import { AddFileSection, AddRemoteForm } from './AddModel'
import { CatalogueSection } from './CatalogueSection'
import { DiagnosticsSection } from './DiagnosticsSection'
import { InstalledModels } from './InstalledModels'
import { useLlamaServerStore, useModelsSelector, useModelsStore } from './ModelsProvider'
import { TryIt } from './TryIt'
import { VisionEngineSection } from './VisionEngine'

export function ModelsView() {
  const { t } = useI18n()
  const store = useModelsStore()
  const engine = useLlamaServerStore()
  const list = useModelsSelector((s) => s.list)
  const catalogue = useModelsSelector((s) => s.catalogue)

  // Fresh numbers each time the screen opens (free memory changes, another window may have added models).
  useEffect(() => {
    store.refresh('list')
    store.refreshCatalogue()
  }, [store])
  useEffect(() => {
    // Not while a download runs: it refreshes when it ends.
    if (!engine.isRunning()) void engine.refresh()
  }, [engine])

  const noWriter = list.data !== null && list.data.roles.writer === null
  const catalogueSection = <CatalogueSection catalogue={catalogue} onRetry={() => store.refreshCatalogue()} />

  return (
    <section className="models-view" aria-labelledby="models-heading">
      <div className="models-inner">
        <h2 id="models-heading" className="page-heading">
          {t('models.heading')}
        </h2>
        {noWriter && (
          <p className="models-welcome" data-testid="models-welcome">
            {t('models.welcome')}
          </p>
        )}
        <InstalledModels list={list} onRetry={() => store.refresh('list')} />
        {/* Without a writing model the downloads matter first; with one, trying it does. */}
        {noWriter && catalogueSection}
        <TryIt />
        {!noWriter && catalogueSection}
        <AddRemoteForm />
        <AddFileSection />
        <VisionEngineSection />
        <DiagnosticsSection />
      </div>
    </section>
  )
}
