/**
 * The Compose dialog: instruction, source material, language, length, tone, number of images, where
 * they come from (library search / only picked images / none) and whether the model chooses among
 * candidates. With text in the article it can also just place the images again.
 */
import { useId, useState, type FormEvent, type KeyboardEvent } from 'react'
import type { ComposeLang, ComposeTone, ImageCount, ImageSource } from '../../../shared/compose-api'
import { MAX_IMAGES } from '../../../shared/limits'
import { Modal } from '../components/Modal'
import { useI18n } from '../i18n/I18nProvider'
import { useClient } from '../api'
import { useLibraryEntries } from '../editor/library-entries'
import { LibraryEntriesMessage } from '../editor/LibraryEntriesMessage'
import type { ComposeOptions } from './composer'

export const MIN_WORDS = 50
export const MAX_WORDS = 5000
/** The contract's bound on picked images. */
const MAX_PICK = 200

export { DEFAULT_COMPOSE } from './defaults'

interface Props {
  initial: ComposeOptions
  /** The article has text: offer "keep the text, place the images again". */
  hasText: boolean
  onClose(): void
  onCompose(opts: ComposeOptions): void
  onRedoImages(opts: ComposeOptions): void
}

const LANGS: ComposeLang[] = ['auto', 'en', 'zh']
const TONES: ComposeTone[] = ['neutral', 'friendly', 'formal', 'lively']
const SOURCES: ImageSource[] = ['library', 'picked', 'none']

export function ComposeDialog({ initial, hasText, onClose, onCompose, onRedoImages }: Props) {
  const { t } = useI18n()
  const id = useId()
  const [mode, setMode] = useState<'write' | 'images'>('write')
  const [instruction, setInstruction] = useState(initial.instruction)
  const [source, setSource] = useState(initial.source ?? '')
  const [lang, setLang] = useState(initial.lang)
  const [words, setWords] = useState(String(initial.words))
  const [tone, setTone] = useState(initial.tone)
  const [images, setImages] = useState<ImageCount>(initial.images)
  const [imageSource, setImageSource] = useState<ImageSource>(initial.imageSource)
  const [pick, setPick] = useState<string[]>(initial.pick)
  const [select, setSelect] = useState(initial.select)
  const [errors, setErrors] = useState<{ instruction?: string; words?: string; pick?: string }>({})

  const writing = mode === 'write'
  const sources = writing ? SOURCES : SOURCES.filter((s) => s !== 'none')
  const chosenSource = sources.includes(imageSource) ? imageSource : 'library'

  const submit = (e?: FormEvent) => {
    e?.preventDefault()
    const n = Number(words)
    const next: typeof errors = {}
    if (writing && !instruction.trim()) next.instruction = t('compose.instructionRequired')
    if (writing && !(Number.isInteger(n) && n >= MIN_WORDS && n <= MAX_WORDS)) next.words = t('compose.lengthInvalid', { min: MIN_WORDS, max: MAX_WORDS })
    if (chosenSource === 'picked' && pick.length === 0) next.pick = t('compose.pickRequired')
    setErrors(next)
    const first = Object.keys(next)[0]
    if (first) {
      document.getElementById(`${id}-${first}`)?.focus()
      return
    }
    const opts: ComposeOptions = { instruction: instruction.trim(), source, lang, words: writing ? n : initial.words, tone, images, imageSource: chosenSource, pick, select }
    if (writing) onCompose(opts)
    else onRedoImages(opts)
  }

  // Ctrl/⌘+Enter composes from any field (Enter alone is a new line in the text areas).
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) submit()
  }

  const invalid = (key: keyof typeof errors) =>
    errors[key] ? { 'aria-invalid': true as const, 'aria-describedby': `${id}-${key}-error` } : {}
  const errorText = (key: keyof typeof errors) =>
    errors[key] ? (
      <p id={`${id}-${key}-error`} className="field-error">
        {errors[key]}
      </p>
    ) : null

  return (
    <Modal open onClose={onClose} labelledBy={`${id}-title`} className="compose-dialog">
      <form onSubmit={submit} onKeyDown={onKeyDown} noValidate>
        <h2 id={`${id}-title`} className="modal-title">
          {t('compose.title')}
        </h2>
        {hasText && (
          <fieldset className="compose-fieldset">
            <legend className="field-label">{t('compose.mode')}</legend>
            {(['write', 'images'] as const).map((m) => (
              <label key={m} className="form-check">
                <input type="radio" name={`${id}-mode`} value={m} checked={mode === m} onChange={() => setMode(m)} />
                {t(m === 'write' ? 'compose.mode.write' : 'compose.mode.images')}
              </label>
            ))}
          </fieldset>
        )}
        {writing && (
          <>
            <label className="field-label" htmlFor={`${id}-instruction`}>
              {t('compose.instruction')}
            </label>
            <textarea
              id={`${id}-instruction`}
              className="text-input"
              rows={3}
              maxLength={4000}
              autoFocus
              placeholder={t('compose.instructionPlaceholder')}
              value={instruction}
              onChange={(e) => setInstruction(e.target.value)}
              {...invalid('instruction')}
            />
            {errorText('instruction')}
            <label className="field-label" htmlFor={`${id}-source`}>
              {t('compose.source')}
            </label>
            <textarea id={`${id}-source`} className="text-input" rows={3} maxLength={100_000} value={source} onChange={(e) => setSource(e.target.value)} />
          </>
        )}
        <div className="compose-grid">
          <div>
            <label className="field-label" htmlFor={`${id}-lang`}>
              {t('compose.language')}
            </label>
            <select id={`${id}-lang`} className="select" value={lang} onChange={(e) => setLang(e.target.value as ComposeLang)}>
              {LANGS.map((l) => (
                <option key={l} value={l}>
                  {t(`compose.lang.${l}`)}
                </option>
              ))}
            </select>
          </div>
          {writing && (
            <>
              <div>
                <label className="field-label" htmlFor={`${id}-words`}>
                  {t('compose.length')}
                </label>
                <input
                  id={`${id}-words`}
                  className="text-input"
                  type="number"
                  inputMode="numeric"
                  min={MIN_WORDS}
                  max={MAX_WORDS}
                  step={50}
                  value={words}
                  onChange={(e) => setWords(e.target.value)}
                  {...invalid('words')}
                />
              </div>
              <div>
                <label className="field-label" htmlFor={`${id}-tone`}>
                  {t('compose.tone')}
                </label>
                <select id={`${id}-tone`} className="select" value={tone} onChange={(e) => setTone(e.target.value as ComposeTone)}>
                  {TONES.map((x) => (
                    <option key={x} value={x}>
                      {t(`compose.tone.${x}`)}
                    </option>
                  ))}
                </select>
              </div>
            </>
          )}
          {chosenSource !== 'none' && (
            <div>
              <label className="field-label" htmlFor={`${id}-images`}>
                {t('compose.images')}
              </label>
              <select
                id={`${id}-images`}
                className="select"
                value={String(images)}
                onChange={(e) => setImages(e.target.value === 'auto' ? 'auto' : Number(e.target.value))}
              >
                <option value="auto">{t('compose.images.auto')}</option>
                {Array.from({ length: MAX_IMAGES }, (_, i) => i + 1).map((n) => (
                  <option key={n} value={n}>
                    {n}
                  </option>
                ))}
              </select>
            </div>
          )}
        </div>
        {errorText('words')}
        <fieldset className="compose-fieldset">
          <legend className="field-label">{t('compose.imageSource')}</legend>
          {sources.map((s) => (
            <label key={s} className="form-check">
              <input type="radio" name={`${id}-source`} value={s} checked={chosenSource === s} onChange={() => setImageSource(s)} />
              {t(`compose.source.${s}`)}
            </label>
          ))}
        </fieldset>
        {chosenSource === 'picked' && (
          <ImagePicker id={`${id}-pick`} picked={pick} onChange={setPick} invalid={!!errors.pick} errorId={`${id}-pick-error`} />
        )}
        {errorText('pick')}
        {chosenSource !== 'none' && (
          <>
            <label className="form-check compose-select">
              <input type="checkbox" checked={select} onChange={(e) => setSelect(e.target.checked)} aria-describedby={`${id}-select-hint`} />
              {t('compose.select')}
            </label>
            <p id={`${id}-select-hint`} className="field-hint">
              {t('compose.selectHint')}
            </p>
          </>
        )}
        <div className="modal-actions">
          <button type="button" className="btn" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="submit" className="btn btn-primary">
            {writing ? t('compose.start') : t('compose.redo')}
          </button>
        </div>
      </form>
    </Modal>
  )
}

/** "Only the images I pick": search the library and toggle images in or out. */
function ImagePicker(props: { id: string; picked: string[]; onChange(next: string[]): void; invalid: boolean; errorId: string }) {
  const { id, picked, onChange, invalid, errorId } = props
  const { t } = useI18n()
  const client = useClient()
  const [query, setQuery] = useState('')
  const { entries, error, reload } = useLibraryEntries(query)
  const toggle = (imageId: string) =>
    onChange(picked.includes(imageId) ? picked.filter((x) => x !== imageId) : [...picked, imageId].slice(0, MAX_PICK))

  return (
    <div className="compose-picker">
      <input
        id={id}
        type="search"
        className="text-input"
        aria-label={t('compose.pick.search')}
        placeholder={t('library.searchPlaceholder')}
        value={query}
        onChange={(e) => setQuery(e.currentTarget.value)}
        {...(invalid ? { 'aria-invalid': true, 'aria-describedby': errorId } : {})}
      />
      <p className="field-hint" aria-live="polite">
        {t('compose.pick.count', { n: picked.length })}
      </p>
      {entries === null || entries.length === 0 ? (
        <LibraryEntriesMessage entries={entries} error={error} query={query} reload={reload} emptyText={t('compose.pick.empty')} className="field-hint" />
      ) : (
        <ul className="compose-picker-grid" aria-label={t('compose.pick.list')}>
          {entries.map((e) => (
            <li key={e.id}>
              <button
                type="button"
                className="compose-pick"
                aria-pressed={picked.includes(e.id)}
                aria-label={t('compose.pick.toggle', { name: e.fileName })}
                title={e.caption ?? e.fileName}
                data-testid="compose-pick-item"
                data-image-id={e.id}
                onClick={() => toggle(e.id)}
              >
                <img src={`${client.imageUrl(e.id)}?size=thumb`} alt="" loading="lazy" decoding="async" draggable={false} />
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  )
}
