/** The connection banner: shown while the serve-mode socket is down and reconnecting. */
import { useConnection } from '../api'
import { useI18n } from '../i18n/I18nProvider'

export function Banner() {
  const { state, error } = useConnection()
  const { t, errorText } = useI18n()
  const show = state === 'reconnecting' || state === 'closed'
  return (
    <div className="banner-slot" role="status">
      {show && (
        <div className="banner">
          <span className="banner-spinner" aria-hidden="true" />
          <span>{t('banner.reconnecting')}</span>
          {error && <span className="banner-detail">{errorText(error)}</span>}
        </div>
      )}
    </div>
  )
}
