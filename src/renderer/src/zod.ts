/**
 * Every `import ... from 'zod'` in the renderer resolves here (an alias in electron.vite.config.ts).
 * Zod compiles object parsers with `new Function` unless told not to, and merely probing for that
 * makes Chromium log a CSP violation (script-src has no 'unsafe-eval'). As the only way in, this runs
 * before any schema is built, in whichever lazily loaded chunk that happens — and start-up, which
 * builds no schema, does not load zod at all.
 */
import { z } from 'zod/v4'

z.config({ jitless: true })

export * from 'zod/v4'
