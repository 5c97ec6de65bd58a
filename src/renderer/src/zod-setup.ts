/**
 * Zod compiles object parsers with `new Function` unless told not to, and merely probing for that
 * makes Chromium log a CSP violation (script-src has no 'unsafe-eval'). Must be imported before
 * any module that builds schemas (shared/api.ts, shared/wire.ts).
 */
import { z } from 'zod'

z.config({ jitless: true })
