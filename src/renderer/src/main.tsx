// Dev-only React Fast Refresh runtime, loaded as a module because the CSP forbids the inline
// preamble script Vite would inject. Empty in production builds.
import '@vitejs/plugin-react/preamble'
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './App'
import { createRuntime, RuntimeContext } from './api'
import { flushAll } from './articles/save-registry'
import { DialogProvider } from './components/DialogProvider'
import { ToastProvider } from './components/Toast'
import { I18nProvider } from './i18n/I18nProvider'
import { ModelsProvider } from './models/ModelsProvider'
import './styles/app.css'

const runtime = createRuntime()

// Electron asks before closing a window; answer once every open editor has saved.
runtime.onFlushRequest?.(async () => {
  await flushAll()
})

const root = document.getElementById('root')
if (!root) throw new Error('#root is missing from index.html')

createRoot(root).render(
  <StrictMode>
    <RuntimeContext.Provider value={runtime}>
      <I18nProvider>
        <ToastProvider>
          <DialogProvider>
            <ModelsProvider>
              <App />
            </ModelsProvider>
          </DialogProvider>
        </ToastProvider>
      </I18nProvider>
    </RuntimeContext.Provider>
  </StrictMode>,
)
