/** Adding models: an OpenAI-compatible server (form), or a GGUF file (CLI for now). */
import { useId, useRef, useState, type FormEvent } from 'react'
import { useClient } from '../api'
import { errorMessage } from '../articles/hooks'
import { useToast } from '../components/Toast'
import { useI18n } from '../i18n/I18nProvider'
import { remoteInput, validateRemoteForm, type RemoteForm, type RemoteFormErrors } from './format'

const EMPTY: RemoteForm = { url: '', model: '', apiKey: '', vision: false, role: '' }

export function AddRemoteForm() {
  const client = useClient()
  const toast = useToast()
  const { t } = useI18n()
  const id = useId()
  const [form, setForm] = useState<RemoteForm>(EMPTY)
  const [errors, setErrors] = useState<RemoteFormErrors>({})
  const [serverError, setServerError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const urlRef = useRef<HTMLInputElement>(null)
  const roleRef = useRef<HTMLSelectElement>(null)

  const update = (patch: Partial<RemoteForm>) => {
    setForm((f) => ({ ...f, ...patch }))
    setServerError(null)
    // Clear the message of the field being fixed; the rest stay until the next submit.
    setErrors((e) => {
      const next = { ...e }
      if ('url' in patch) delete next.url
      if ('role' in patch || 'vision' in patch) delete next.role
      return next
    })
  }

  const submit = async (e: FormEvent) => {
    // No navigation (and nothing for CSP form-action to block).
    e.preventDefault()
    const problems = validateRemoteForm(form)
    setErrors(problems)
    setServerError(null)
    if (problems.url) {
      urlRef.current?.focus()
      return
    }
    if (problems.role) {
      roleRef.current?.focus()
      return
    }
    setBusy(true)
    try {
      const model = await client.call('models.addRemote', remoteInput(form))
      // The API key went to the server once; it is not kept here.
      setForm(EMPTY)
      toast.show({ kind: 'success', message: t('models.remote.added', { name: model.name }) })
    } catch (err) {
      setServerError(errorMessage(err))
    } finally {
      setBusy(false)
    }
  }

  const ids = {
    url: `${id}-url`,
    urlHint: `${id}-url-hint`,
    urlError: `${id}-url-error`,
    model: `${id}-model`,
    key: `${id}-key`,
    keyHint: `${id}-key-hint`,
    vision: `${id}-vision`,
    role: `${id}-role`,
    roleError: `${id}-role-error`,
    server: `${id}-server-error`,
  }
  const describe = (...list: (string | false)[]) => list.filter(Boolean).join(' ') || undefined

  return (
    <section className="models-section" aria-labelledby="remote-heading">
      <h3 id="remote-heading" className="section-heading">
        {t('models.remote.heading')}
      </h3>
      <p className="section-note">{t('models.remote.intro')}</p>
      <form
        className="remote-form"
        onSubmit={(e) => void submit(e)}
        noValidate
        aria-labelledby="remote-heading"
        aria-describedby={serverError ? ids.server : undefined}
      >
        <div className="form-row">
          <label htmlFor={ids.url} className="field-label">
            {t('models.remote.url')}
          </label>
          <input
            ref={urlRef}
            id={ids.url}
            className="text-input"
            type="url"
            inputMode="url"
            autoComplete="off"
            spellCheck={false}
            required
            aria-required="true"
            placeholder="http://127.0.0.1:8080/v1"
            value={form.url}
            aria-invalid={errors.url ? true : undefined}
            aria-describedby={describe(ids.urlHint, !!errors.url && ids.urlError)}
            onChange={(e) => update({ url: e.target.value })}
          />
          <p id={ids.urlHint} className="field-hint">
            {t('models.remote.urlHint')}
          </p>
          {errors.url && (
            <p id={ids.urlError} className="field-error" role="alert" data-testid="remote-url-error">
              {t(errors.url)}
            </p>
          )}
        </div>
        <div className="form-row">
          <label htmlFor={ids.model} className="field-label">
            {t('models.remote.model')}
          </label>
          <input
            id={ids.model}
            className="text-input"
            type="text"
            autoComplete="off"
            spellCheck={false}
            maxLength={200}
            value={form.model}
            onChange={(e) => update({ model: e.target.value })}
          />
        </div>
        <div className="form-row">
          <label htmlFor={ids.key} className="field-label">
            {t('models.remote.apiKey')}
          </label>
          <input
            id={ids.key}
            className="text-input"
            type="password"
            autoComplete="off"
            spellCheck={false}
            maxLength={500}
            value={form.apiKey}
            aria-describedby={ids.keyHint}
            onChange={(e) => update({ apiKey: e.target.value })}
          />
          <p id={ids.keyHint} className="field-hint">
            {t('models.remote.apiKeyHint')}
          </p>
        </div>
        <div className="form-row form-check">
          <input
            id={ids.vision}
            type="checkbox"
            checked={form.vision}
            onChange={(e) => update({ vision: e.target.checked })}
          />
          <label htmlFor={ids.vision}>{t('models.remote.vision')}</label>
        </div>
        <div className="form-row">
          <label htmlFor={ids.role} className="field-label">
            {t('models.remote.role')}
          </label>
          <select
            ref={roleRef}
            id={ids.role}
            className="select"
            value={form.role}
            aria-invalid={errors.role ? true : undefined}
            aria-describedby={errors.role ? ids.roleError : undefined}
            onChange={(e) => update({ role: e.target.value as RemoteForm['role'] })}
          >
            <option value="">{t('models.remote.roleNone')}</option>
            <option value="writer">{t('models.role.writer')}</option>
            <option value="vision">{t('models.role.vision')}</option>
            <option value="embedder">{t('models.role.embedder')}</option>
          </select>
          {errors.role && (
            <p id={ids.roleError} className="field-error" role="alert">
              {t(errors.role)}
            </p>
          )}
        </div>
        {serverError && (
          <p id={ids.server} className="inline-error form-error" role="alert" data-testid="remote-server-error">
            {t('models.remote.failed', { message: serverError })}
          </p>
        )}
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? t('models.remote.adding') : t('models.remote.submit')}
          </button>
        </div>
      </form>
    </section>
  )
}

export function AddFileHelp() {
  const { t } = useI18n()
  return (
    <section className="models-section" aria-labelledby="file-heading">
      <h3 id="file-heading" className="section-heading">
        {t('models.file.heading')}
      </h3>
      <p className="section-note">{t('models.file.body')}</p>
      <pre className="cli-command">
        <code>npm run -s folio -- models add FILE --mmproj FILE</code>
      </pre>
      <p className="field-hint">{t('models.file.mmprojHint')}</p>
    </section>
  )
}
