import { describe, expect, it } from 'vitest'
import { captionProgress, isModelProblem, parseCaptionMaxSize } from '../../../src/renderer/src/library/caption-logic'

const IMG = 'img_abcdefghjkmn'

describe('caption progress', () => {
  it('counts done of done + pending + failed and numbers the image in progress', () => {
    expect(captionProgress({ done: 3, pending: 5, failed: 2, running: IMG })).toEqual({ done: 3, total: 10, current: 6 })
    expect(captionProgress({ done: 3, pending: 5, failed: 2, running: null })).toEqual({ done: 3, total: 10, current: null })
    expect(captionProgress({ done: 0, pending: 0, failed: 0, running: null })).toEqual({ done: 0, total: 0, current: null })
    // A stale event never shows "image 5 of 4".
    expect(captionProgress({ done: 4, pending: 0, failed: 0, running: IMG }).current).toBe(4)
  })

  it('recognises the "no vision model" problems', () => {
    expect(isModelProblem('NO_MODEL')).toBe(true)
    expect(isModelProblem('NO_VISION')).toBe(true)
    expect(isModelProblem('UNREACHABLE')).toBe(false)
  })
})

describe('caption image size input', () => {
  it('accepts whole numbers from 224 to 1024 only', () => {
    expect(parseCaptionMaxSize('448')).toBe(448)
    expect(parseCaptionMaxSize(' 224 ')).toBe(224)
    expect(parseCaptionMaxSize('1024')).toBe(1024)
    for (const bad of ['', '223', '1025', '448.5', '-448', '4e2', 'abc']) expect(parseCaptionMaxSize(bad)).toBeNull()
  })
})
