/** The editor header's "Compose" button; unavailable while a generation runs (re-renders only when that flips). */
import { useSyncExternalStore } from 'react'
import { IconSparkle } from '../components/icons'
import { useI18n } from '../i18n/I18nProvider'
import type { Composer } from './composer'

export function ComposeButton({ composer, onClick }: { composer: Composer | null; onClick(): void }) {
  const { t } = useI18n()
  const running = useSyncExternalStore(
    (cb) => composer?.subscribe(cb) ?? (() => {}),
    () => composer?.running ?? false,
  )
  return (
    <button type="button" className="btn btn-ghost" disabled={!composer || running} title={running ? t('paragraph.busy') : undefined} onClick={onClick}>
      <IconSparkle />
      <span>{t('compose.open')}</span>
    </button>
  )
}
