/** "Try it": stream a few tokens from the writing model to check that it works, and how fast. */
import { useEffect, useId, useRef, useState } from 'react'
import type { GenerationStats } from '../../../shared/api'
import { FolioError } from '../../../shared/errors'
import { useClient } from '../api'
import { useErrorState, useI18n } from '../i18n/I18nProvider'
import { formatStats } from './format'
import { TokenBatcher, type FrameScheduler } from './token-batcher'

const MAX_TOKENS = 32_768

const frames: FrameScheduler = {
  request: (cb) => requestAnimationFrame(() => cb()),
  cancel: (h) => cancelAnimationFrame(h as number),
}

type Phase = 'idle' | 'running' | 'done' | 'stopped' | 'error'

export function TryIt() {
  const client = useClient()
  const { t, locale } = useI18n()
  const id = useId()
  const [prompt, setPrompt] = useState(() => t('models.try.defaultPrompt'))
  const [maxTokens, setMaxTokens] = useState('128')
  const [output, setOutput] = useState('')
  const [phase, setPhase] = useState<Phase>('idle')
  const [stats, setStats] = useState<GenerationStats | null>(null)
  const [error, setError] = useErrorState()
  const controllerRef = useRef<AbortController | null>(null)

  // Leaving the screen stops the generation (the server cancels it).
  useEffect(() => () => controllerRef.current?.abort(), [])

  const tokens = Math.min(MAX_TOKENS, Math.max(1, Math.floor(Number(maxTokens)) || 128))

  const generate = async () => {
    if (controllerRef.current) return
    const controller = new AbortController()
    controllerRef.current = controller
    const batcher = new TokenBatcher((text) => setOutput((o) => o + text), frames)
    setOutput('')
    setStats(null)
    setError(null)
    setPhase('running')
    try {
      const res = await client.stream(
        'inference.generate',
        { prompt: prompt.trim() || t('models.try.defaultPrompt'), maxTokens: tokens },
        { signal: controller.signal, onProgress: (p) => batcher.push(p.token) },
      )
      batcher.flush()
      setStats(res.stats)
      setPhase(res.stats.stopReason === 'cancelled' ? 'stopped' : 'done')
    } catch (e) {
      batcher.flush()
      if (controller.signal.aborted && e instanceof FolioError && e.code === 'CANCELLED') setPhase('stopped')
      else {
        setError(e)
        setPhase('error')
      }
    } finally {
      batcher.dispose()
      if (controllerRef.current === controller) controllerRef.current = null
    }
  }

  const running = phase === 'running'
  const ids = { prompt: `${id}-prompt`, max: `${id}-max`, out: `${id}-out` }

  return (
    <section className="models-section" aria-labelledby="try-heading">
      <h3 id="try-heading" className="section-heading">
        {t('models.try.heading')}
      </h3>
      <p className="section-note">{t('models.try.intro')}</p>
      <div className="try-box">
        <label htmlFor={ids.prompt} className="field-label">
          {t('models.try.prompt')}
        </label>
        <textarea
          id={ids.prompt}
          className="text-input try-prompt"
          rows={3}
          value={prompt}
          onChange={(e) => setPrompt(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
              e.preventDefault()
              void generate()
            }
          }}
        />
        <div className="try-controls">
          <label htmlFor={ids.max} className="inline-label">
            {t('models.try.maxTokens')}
          </label>
          <input
            id={ids.max}
            className="text-input try-max"
            type="number"
            inputMode="numeric"
            min={1}
            max={MAX_TOKENS}
            value={maxTokens}
            onChange={(e) => setMaxTokens(e.target.value)}
          />
          <button type="button" className="btn btn-primary" disabled={running} onClick={() => void generate()}>
            {t('models.try.generate')}
          </button>
          <button type="button" className="btn" disabled={!running} onClick={() => controllerRef.current?.abort()}>
            {t('models.try.stop')}
          </button>
        </div>
        <p id={`${ids.out}-label`} className="field-label">
          {t('models.try.output')}
        </p>
        <div
          id={ids.out}
          className="try-output"
          data-testid="try-output"
          role="region"
          aria-labelledby={`${ids.out}-label`}
          aria-busy={running}
          tabIndex={0}
        >
          {output || (running ? <span className="list-note">{t('models.try.waiting')}</span> : null)}
        </div>
        <p className="try-stats" role="status" data-testid="try-stats">
          {phase === 'stopped' && t('models.try.stopped')}
          {phase === 'stopped' && stats && ' '}
          {stats && formatStats(stats, t, locale)}
          {stats && ` · ${t('models.try.tokens', { n: stats.completionTokens })}`}
        </p>
        {error && (
          <div className="inline-error" role="alert" data-testid="try-error">
            <p>{error}</p>
          </div>
        )}
      </div>
    </section>
  )
}
