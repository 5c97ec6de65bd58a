/** Adding models: an OpenAI-compatible server (form), or a GGUF file (file dialog or upload). */
import { useEffect, useId, useRef, useState, type FormEvent, type Ref } from 'react'
import type { ModelRole } from '../../../shared/api'
import { useClient } from '../api'
import { useToast } from '../components/Toast'
import type { MessageKey, Translate } from '../i18n'
import { useErrorState, useI18n } from '../i18n/I18nProvider'
import { formatBytes, formatSpeed, percent, remoteInput, validateRemoteForm, type RemoteForm, type RemoteFormErrors } from './format'
import { formatPercent } from '../i18n/format'
import { UploadError, uploadModelFiles, type UploadProgress, type UploadSlot } from './upload'

const EMPTY: RemoteForm = { url: '', model: '', apiKey: '', vision: false, role: '' }

export function AddRemoteForm() {
  const client = useClient()
  const toast = useToast()
  const { t } = useI18n()
  const id = useId()
  const [form, setForm] = useState<RemoteForm>(EMPTY)
  const [errors, setErrors] = useState<RemoteFormErrors>({})
  const [serverError, setServerError] = useErrorState()
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
      setServerError(err)
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

type RoleChoice = ModelRole | ''

function RoleSelect({
  id,
  value,
  onChange,
  error,
  disabled,
  selectRef,
}: {
  id: string
  value: RoleChoice
  onChange(role: RoleChoice): void
  error: MessageKey | undefined
  disabled?: boolean
  selectRef?: Ref<HTMLSelectElement>
}) {
  const { t } = useI18n()
  const errorId = `${id}-error`
  return (
    <div className="form-row">
      <label htmlFor={id} className="field-label">
        {t('models.file.role')}
      </label>
      <select
        ref={selectRef}
        id={id}
        className="select"
        value={value}
        disabled={disabled}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? errorId : undefined}
        onChange={(e) => onChange(e.target.value as RoleChoice)}
      >
        <option value="">{t('models.file.roleAuto')}</option>
        <option value="writer">{t('models.role.writer')}</option>
        <option value="vision">{t('models.role.vision')}</option>
        <option value="embedder">{t('models.role.embedder')}</option>
      </select>
      {error && (
        <p id={errorId} className="field-error" role="alert" data-testid="file-role-error">
          {t(error)}
        </p>
      )}
    </div>
  )
}

/** "Add a GGUF file": the system file dialog in the desktop app, an upload in the browser. */
export function AddFileSection() {
  const client = useClient()
  const { t } = useI18n()
  return (
    <section className="models-section" aria-labelledby="file-heading">
      <h3 id="file-heading" className="section-heading">
        {t('models.file.heading')}
      </h3>
      <p className="section-note">{t('models.file.intro')}</p>
      {client.transport === 'ipc' ? <PickFileForm /> : <UploadFileForm />}
      <p className="field-hint cli-hint">
        {t('models.file.cli')} <code>npm run -s folio -- models add FILE --mmproj FILE</code>
      </p>
    </section>
  )
}

/** Desktop: the main process opens the dialog(s), reads the file and registers it. */
function PickFileForm() {
  const client = useClient()
  const toast = useToast()
  const { t } = useI18n()
  const id = useId()
  const [withMmproj, setWithMmproj] = useState(false)
  const [role, setRole] = useState<RoleChoice>('')
  const [roleError, setRoleError] = useState<MessageKey | undefined>(undefined)
  const [serverError, setServerError] = useErrorState()
  const [busy, setBusy] = useState(false)
  const roleRef = useRef<HTMLSelectElement>(null)

  const choose = async () => {
    setServerError(null)
    if (role === 'vision' && !withMmproj) {
      setRoleError('models.file.visionNeedsPick')
      roleRef.current?.focus()
      return
    }
    setRoleError(undefined)
    setBusy(true)
    try {
      const { model } = await client.call('models.pickAndAdd', { withMmproj, ...(role ? { role } : {}) })
      // null: the person closed the dialog; nothing to say.
      if (model) {
        setRole('')
        setWithMmproj(false)
        toast.show({ kind: 'success', message: t('models.file.added', { name: model.name }) })
      }
    } catch (e) {
      setServerError(e)
    } finally {
      setBusy(false)
    }
  }

  const ids = { mmproj: `${id}-mmproj`, role: `${id}-role`, error: `${id}-error` }
  return (
    <div className="file-form" data-testid="pick-form">
      <div className="form-row form-check">
        <input
          id={ids.mmproj}
          type="checkbox"
          checked={withMmproj}
          disabled={busy}
          onChange={(e) => {
            setWithMmproj(e.target.checked)
            setRoleError(undefined)
          }}
        />
        <label htmlFor={ids.mmproj}>{t('models.file.withMmproj')}</label>
      </div>
      <RoleSelect
        id={ids.role}
        selectRef={roleRef}
        value={role}
        error={roleError}
        disabled={busy}
        onChange={(r) => {
          setRole(r)
          setRoleError(undefined)
        }}
      />
      {serverError && (
        <div id={ids.error} className="inline-error form-error" role="alert" data-testid="file-error">
          <p>{t('models.file.addFailed')}</p>
          <p data-testid="file-error-message">{serverError}</p>
        </div>
      )}
      <div className="form-actions">
        <button
          type="button"
          className="btn btn-primary"
          disabled={busy}
          aria-describedby={serverError ? ids.error : undefined}
          onClick={() => void choose()}
        >
          {busy ? t('models.file.choosing') : t('models.file.choose')}
        </button>
      </div>
    </div>
  )
}

type UploadPhase = 'idle' | 'uploading' | 'adding'
type SlotProgress = Record<UploadSlot, UploadProgress | null>
const NO_PROGRESS: SlotProgress = { model: null, mmproj: null }

function uploadFailureText(e: unknown, t: Translate, errorText: (e: unknown) => string): string {
  if (e instanceof UploadError) {
    if (e.reason === 'network') return t('models.file.network')
    if (e.reason === 'bad-response') return t('models.file.badResponse', { status: e.status })
  }
  // The server's error, in the UI language (its own words in English).
  return errorText(e)
}

/** Serve mode (a browser): the files travel to the server, then get registered by their upload ids. */
function UploadFileForm() {
  const client = useClient()
  const toast = useToast()
  const { t, errorText } = useI18n()
  const id = useId()
  const [files, setFiles] = useState<{ model: File | null; mmproj: File | null }>({ model: null, mmproj: null })
  const [role, setRole] = useState<RoleChoice>('')
  const [errors, setErrors] = useState<{ model?: MessageKey; role?: MessageKey }>({})
  const [failure, setFailure] = useState<{ file: string | null; message: string } | null>(null)
  const [phase, setPhase] = useState<UploadPhase>('idle')
  const [progress, setProgress] = useState<SlotProgress>(NO_PROGRESS)
  const [sending, setSending] = useState<{ model: File; mmproj: File | null } | null>(null)
  const controllerRef = useRef<AbortController | null>(null)
  const modelRef = useRef<HTMLInputElement>(null)
  const mmprojRef = useRef<HTMLInputElement>(null)
  const roleRef = useRef<HTMLSelectElement>(null)

  // Leaving the screen stops an upload in flight.
  useEffect(() => () => controllerRef.current?.abort(), [])

  const pick = (slot: UploadSlot, file: File | null) => {
    setFiles((f) => ({ ...f, [slot]: file }))
    setFailure(null)
    setErrors((e) => {
      const next = { ...e }
      if (slot === 'model') delete next.model
      delete next.role
      return next
    })
  }

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    if (phase !== 'idle') return
    setFailure(null)
    const problems: { model?: MessageKey; role?: MessageKey } = {}
    if (!files.model) problems.model = 'models.file.modelRequired'
    if (role === 'vision' && !files.mmproj) problems.role = 'models.file.visionNeedsUpload'
    setErrors(problems)
    if (problems.model) return modelRef.current?.focus()
    if (problems.role || !files.model) return roleRef.current?.focus()

    const batch = { model: files.model, mmproj: files.mmproj }
    const controller = new AbortController()
    controllerRef.current = controller
    setSending(batch)
    setProgress(NO_PROGRESS)
    setPhase('uploading')
    try {
      const ids = await uploadModelFiles<File>(batch, {
        Xhr: XMLHttpRequest,
        signal: controller.signal,
        onProgress: (slot, p) => setProgress((cur) => ({ ...cur, [slot]: p })),
      })
      setPhase('adding')
      const model = await client.call('models.addUploaded', {
        model: ids.model,
        ...(ids.mmproj ? { mmproj: ids.mmproj } : {}),
        ...(role ? { role } : {}),
      })
      setFiles({ model: null, mmproj: null })
      setRole('')
      if (modelRef.current) modelRef.current.value = ''
      if (mmprojRef.current) mmprojRef.current.value = ''
      toast.show({ kind: 'success', message: t('models.file.added', { name: model.name }) })
    } catch (err) {
      if (err instanceof UploadError && err.reason === 'cancelled') {
        toast.show({ kind: 'info', message: t('models.file.cancelled') })
      } else {
        const file = err instanceof UploadError && err.slot ? batch[err.slot]?.name ?? null : null
        setFailure({ file, message: uploadFailureText(err, t, errorText) })
      }
    } finally {
      if (controllerRef.current === controller) controllerRef.current = null
      setPhase('idle')
      setSending(null)
      setProgress(NO_PROGRESS)
    }
  }

  const busy = phase !== 'idle'
  const ids = {
    model: `${id}-model`,
    modelError: `${id}-model-error`,
    mmproj: `${id}-mmproj`,
    role: `${id}-role`,
    failure: `${id}-failure`,
  }

  return (
    <form
      className="file-form"
      data-testid="upload-form"
      onSubmit={(e) => void submit(e)}
      noValidate
      aria-labelledby="file-heading"
      aria-describedby={failure ? ids.failure : undefined}
    >
      <div className="form-row">
        <label htmlFor={ids.model} className="field-label">
          {t('models.file.modelFile')}
        </label>
        <input
          ref={modelRef}
          id={ids.model}
          className="file-input"
          type="file"
          accept=".gguf"
          required
          aria-required="true"
          disabled={busy}
          aria-invalid={errors.model ? true : undefined}
          aria-describedby={errors.model ? ids.modelError : undefined}
          onChange={(e) => pick('model', e.target.files?.[0] ?? null)}
        />
        {errors.model && (
          <p id={ids.modelError} className="field-error" role="alert" data-testid="file-model-error">
            {t(errors.model)}
          </p>
        )}
      </div>
      <div className="form-row">
        <label htmlFor={ids.mmproj} className="field-label">
          {t('models.file.mmprojFile')}
        </label>
        <input
          ref={mmprojRef}
          id={ids.mmproj}
          className="file-input"
          type="file"
          accept=".gguf"
          disabled={busy}
          onChange={(e) => pick('mmproj', e.target.files?.[0] ?? null)}
        />
      </div>
      <RoleSelect
        id={ids.role}
        selectRef={roleRef}
        value={role}
        error={errors.role}
        disabled={busy}
        onChange={(r) => {
          setRole(r)
          setErrors((e) => ({ ...e, role: undefined }))
          setFailure(null)
        }}
      />
      {sending && (
        <div className="upload-progress">
          <UploadBar file={sending.model} progress={progress.model} />
          {sending.mmproj && <UploadBar file={sending.mmproj} progress={progress.mmproj} />}
          {phase === 'adding' && (
            <p className="dl-note" role="status">
              {t('models.file.reading')}
            </p>
          )}
        </div>
      )}
      {failure && (
        <div id={ids.failure} className="inline-error form-error" role="alert" data-testid="file-error">
          <p>{failure.file ? t('models.file.uploadFailed', { name: failure.file }) : t('models.file.addFailed')}</p>
          <p data-testid="file-error-message">{failure.message}</p>
        </div>
      )}
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {phase === 'uploading' ? t('models.file.uploading') : phase === 'adding' ? t('models.file.adding') : t('models.file.submit')}
        </button>
        {busy && (
          <button type="button" className="btn" disabled={phase !== 'uploading'} onClick={() => controllerRef.current?.abort()}>
            {t('common.cancel')}
          </button>
        )}
      </div>
    </form>
  )
}

function UploadBar({ file, progress }: { file: File; progress: UploadProgress | null }) {
  const { t, locale } = useI18n()
  const total = progress?.totalBytes || file.size
  const done = progress?.loadedBytes ?? 0
  const pct = percent(done, total)
  const amounts = t('models.dl.amounts', { done: formatBytes(done, locale), total: formatBytes(total, locale) })
  const finished = progress !== null && total > 0 && done >= total
  return (
    <div className="upload-file" data-testid="upload-progress">
      <div
        className="progress"
        role="progressbar"
        aria-label={t('models.file.progressLabel', { name: file.name })}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={pct}
        aria-valuetext={`${formatPercent(pct / 100, locale)} (${amounts})`}
      >
        <div className="progress-fill" style={{ width: `${pct}%` }} />
      </div>
      <p className="dl-note">
        <span className="upload-name">{file.name}</span>
        {' · '}
        {progress === null
          ? t('models.file.waiting')
          : finished
            ? `${formatBytes(total, locale)} · ${t('models.file.uploaded')}`
            : t('models.file.progressDetail', {
                done: formatBytes(done, locale),
                total: formatBytes(total, locale),
                speed: formatSpeed(progress.bytesPerSecond, locale),
              })}
      </p>
    </div>
  )
}
