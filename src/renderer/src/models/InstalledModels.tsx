/** Installed models: what and where they are, their roles, role switching and removal. */
import { useId, useState } from 'react'
import type { ModelInfo, ModelRole } from '../../../shared/api'
import { useClient } from '../api'
import { useDialogs } from '../components/DialogProvider'
import { useToast } from '../components/Toast'
import { useErrorState, useI18n } from '../i18n/I18nProvider'
import { formatBytes, ROLE_KEYS, USE_FOR_KEYS } from './format'
import type { Loadable, ModelList } from './models-store'

const ROLES: readonly ModelRole[] = ['writer', 'vision', 'embedder']

export function InstalledModels({ list, onRetry }: { list: Loadable<ModelList>; onRetry(): void }) {
  const { t, errorText } = useI18n()
  return (
    <section className="models-section" aria-labelledby="installed-heading">
      <h3 id="installed-heading" className="section-heading">
        {t('models.installed.heading')}
      </h3>
      {list.data === null ? (
        list.error !== null ? (
          <div role="alert" className="inline-error">
            <p>{t('models.installed.loadFailed', { message: errorText(list.error) })}</p>
            <button type="button" className="btn btn-small" onClick={onRetry}>
              {t('common.retry')}
            </button>
          </div>
        ) : (
          <p className="list-note">{t('app.loading')}</p>
        )
      ) : list.data.models.length === 0 ? (
        <p className="list-note">{t('models.installed.empty')}</p>
      ) : (
        <ul className="model-list">
          {list.data.models.map((m) => (
            <InstalledModel key={m.id} model={m} />
          ))}
        </ul>
      )}
    </section>
  )
}

/** Why a role cannot go to this model, or null when it can. */
function roleBlocker(model: ModelInfo, role: ModelRole): 'models.noProjector' | 'models.noChatTemplate' | null {
  // A remote server's vision support is the user's word (checked by the server on use).
  if (role === 'vision' && model.kind === 'local' && model.mmproj === null) return 'models.noProjector'
  if (role === 'writer' && !model.hasChatTemplate) return 'models.noChatTemplate'
  return null
}

function InstalledModel({ model }: { model: ModelInfo }) {
  const client = useClient()
  const dialogs = useDialogs()
  const toast = useToast()
  const { t, locale } = useI18n()
  const id = useId()
  const nameId = `${id}-name`
  const [busy, setBusy] = useState(false)
  const [error, setError] = useErrorState()

  const setRole = async (role: ModelRole) => {
    setBusy(true)
    setError(null)
    try {
      await client.call('models.setRole', { id: model.id, role })
      toast.show({ kind: 'success', message: t('models.roleSet', { name: model.name, role: t(ROLE_KEYS[role]) }) })
    } catch (e) {
      setError(e)
    } finally {
      setBusy(false)
    }
  }

  const remove = async () => {
    const ok = await dialogs.confirm({
      title: t('models.remove.title', { name: model.name }),
      body: t(model.kind === 'remote' ? 'models.remove.bodyRemote' : 'models.remove.bodyLocal'),
      confirmLabel: t('models.remove.confirm'),
      danger: true,
    })
    if (!ok) return
    setBusy(true)
    setError(null)
    try {
      await client.call('models.remove', { id: model.id })
      toast.show({ kind: 'info', message: t('models.removed', { name: model.name }) })
    } catch (e) {
      setError(e)
      setBusy(false)
    }
  }

  const facts: [string, string][] = []
  facts.push([t('models.fact.size'), model.sizeBytes !== null ? formatBytes(model.sizeBytes, locale) : '—'])
  if (model.kind === 'remote') {
    facts.push([t('models.fact.remoteModel'), model.remoteModel ?? t('models.fact.serverDefault')])
    facts.push([t('models.fact.apiKey'), t(model.hasApiKey ? 'models.fact.apiKeyStored' : 'models.fact.apiKeyNone')])
  } else {
    facts.push([t('models.fact.architecture'), model.architecture ?? '—'])
    facts.push([t('models.fact.quantization'), model.quantization ?? '—'])
    facts.push([
      t('models.fact.context'),
      model.contextLength !== null
        ? t('models.fact.tokens', { n: new Intl.NumberFormat(locale).format(model.contextLength) })
        : '—',
    ])
    facts.push([t('models.fact.projector'), t(model.mmproj ? 'models.fact.yes' : 'models.fact.no')])
  }

  return (
    <li className="model-item" data-testid="installed-model" data-model-id={model.id} aria-labelledby={nameId}>
      <div className="model-head">
        <h4 id={nameId} className="model-name">
          {model.name}
        </h4>
        <span className="badge" data-testid="model-kind">
          {t(model.kind === 'remote' ? 'models.kind.remote' : 'models.kind.local')}
        </span>
      </div>
      <p className="model-where">
        <span className="sr-only">{t(model.kind === 'remote' ? 'models.fact.url' : 'models.fact.path')}: </span>
        <code data-testid="model-where">{model.kind === 'remote' ? model.url : model.path}</code>
      </p>
      {model.mmproj && (
        <p className="model-where">
          <span className="model-where-label">{t('models.fact.projectorFile')}</span> <code>{model.mmproj}</code>
        </p>
      )}
      <dl className="facts">
        {facts.map(([k, v]) => (
          <div key={k} className="fact">
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
      <div className="model-roles">
        <span className="roles-label" id={`${id}-roles`}>
          {t('models.rolesLabel')}
        </span>
        {model.roles.length === 0 ? (
          <span className="list-note">{t('models.noRole')}</span>
        ) : (
          <ul className="chips" aria-labelledby={`${id}-roles`}>
            {model.roles.map((r) => (
              <li key={r} className={`chip chip-${r}`} data-testid="role-chip" data-role={r}>
                {t(ROLE_KEYS[r])}
              </li>
            ))}
          </ul>
        )}
      </div>
      <div className="model-actions">
        <div className="role-buttons" role="group" aria-label={t('models.roleButtons', { name: model.name })}>
          {ROLES.filter((r) => !model.roles.includes(r)).map((r) => {
            const blocker = roleBlocker(model, r)
            const reasonId = `${id}-why-${r}`
            return (
              <span key={r} className="role-btn-wrap">
                <button
                  type="button"
                  className="btn btn-small"
                  aria-describedby={blocker ? `${nameId} ${reasonId}` : nameId}
                  aria-disabled={blocker || busy ? true : undefined}
                  title={blocker ? t(blocker) : undefined}
                  onClick={() => {
                    if (!blocker && !busy) void setRole(r)
                  }}
                >
                  {t(USE_FOR_KEYS[r])}
                </button>
                {blocker && (
                  <span id={reasonId} className="sr-only">
                    {t(blocker)}
                  </span>
                )}
              </span>
            )
          })}
        </div>
        <button
          type="button"
          className="btn btn-small btn-danger-outline"
          aria-describedby={nameId}
          disabled={busy}
          onClick={() => void remove()}
        >
          {t('models.remove.button')}
        </button>
      </div>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
    </li>
  )
}
