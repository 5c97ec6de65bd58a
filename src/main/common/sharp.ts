/**
 * sharp, loaded on first use: importing it loads libvips and checks its version (~120 ms on a
 * 2-core machine), which start-up does not need — the import workers load their own copy.
 */
import type Sharp from 'sharp'

let loading: Promise<typeof Sharp> | null = null

export function loadSharp(): Promise<typeof Sharp> {
  loading ??= import('sharp').then((m) => m.default)
  return loading
}
