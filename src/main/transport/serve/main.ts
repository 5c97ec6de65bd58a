/** `npm run serve -- [--host 127.0.0.1] [--port N] [--data DIR] [--token T]` */
import { randomBytes } from 'node:crypto'
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { isFolioError } from '../../../shared/errors'
import { createServices } from '../../app'
import { appRoot } from '../../common/app-root'
import { resolveDataDir } from '../../common/data-dir'
import { isLoopback } from './security'
import { defaultRendererDir, startServer } from './server'

// Run from src/ (tsx) or bundled in out/main/ (npm run serve).
const APP_ROOT = appRoot(import.meta.url)

async function main(): Promise<void> {
  let values: { host?: string; port?: string; data?: string; token?: string; renderer?: string }
  try {
    ;({ values } = parseArgs({
      options: {
        host: { type: 'string', default: '127.0.0.1' },
        port: { type: 'string', default: '5317' },
        data: { type: 'string' },
        token: { type: 'string' },
        renderer: { type: 'string' },
      },
      strict: true,
    }))
  } catch (e) {
    fail(1, `${(e as Error).message}\nUsage: npm run serve -- [--host 127.0.0.1] [--port N] [--data DIR] [--token TOKEN]`)
  }
  const port = Number(values.port)
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(1, `--port must be 0–65535, got ${values.port}`)
  const token = values.token ?? randomBytes(24).toString('base64url')
  if (!/^[A-Za-z0-9_-]{16,200}$/.test(token)) fail(1, '--token must be 16–200 URL-safe characters (A–Z, a–z, 0–9, _ and -).')
  const host = values.host!
  if (!isLoopback(host)) {
    process.stderr.write(`Warning: serving on ${host} makes Folio reachable from other machines; anyone with the token can use it.\n`)
  }

  let services
  try {
    services = createServices({ dataDir: resolveDataDir({ flag: values.data }), startBackgroundWork: true })
  } catch (e) {
    fail(isFolioError(e) ? 1 : 2, isFolioError(e) ? e.message : String((e as Error)?.stack ?? e))
  }
  let server
  try {
    server = await startServer({
      services,
      host,
      port,
      token,
      rendererDir: values.renderer ? resolve(values.renderer) : defaultRendererDir(APP_ROOT),
    })
  } catch (e) {
    services.logger.error('serve could not start', { host, port, error: e })
    services.dispose()
    const code = (e as { code?: string }).code
    fail(1, code === 'EADDRINUSE' ? `Port ${port} is in use; pick another with --port (0 picks a free one).` : `Cannot start the server: ${(e as Error).message}`)
  }
  process.stdout.write(`Folio is running at ${server.loginUrl}\n`)
  // The address without the token: the log must never let someone else log in.
  services.logger.info('serve listening', { url: server.url, loopback: isLoopback(host) })

  let stopping = false
  const stop = async (signal: string) => {
    if (stopping) return
    stopping = true
    process.stderr.write(`Received ${signal}; shutting down.\n`)
    services.logger.info('serve stopping', { signal })
    try {
      await server.close()
    } finally {
      await services.dispose()
    }
    process.exit(0)
  }
  process.on('SIGINT', () => void stop('SIGINT'))
  process.on('SIGTERM', () => void stop('SIGTERM'))
}

function fail(code: number, message: string): never {
  process.stderr.write(`folio serve: ${message}\n`)
  process.exit(code)
}

void main()
