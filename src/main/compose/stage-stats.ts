/** Wall time, model time and token counts of one composition stage (see StageStats in the contract). */
import type { StageStats } from '../../shared/compose-api'
import type { GenerationStats } from '../../shared/api'

export class StageClock {
  private ms = 0
  private modelMs = 0
  private calls = 0
  private promptTokens = 0
  private completionTokens = 0
  private fallbacks = 0

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** Runs one piece of the stage and adds its wall time (stages interleave per spot, so time is summed, not spanned). */
  async time<T>(fn: () => Promise<T>): Promise<T> {
    const t0 = this.now()
    try {
      return await fn()
    } finally {
      this.ms += this.now() - t0
    }
  }

  model(stats: GenerationStats): void {
    this.calls++
    this.modelMs += stats.totalMs
    this.promptTokens += stats.promptTokens
    this.completionTokens += stats.completionTokens
  }

  fallback(): void {
    this.fallbacks++
  }

  result(): StageStats {
    return {
      ms: round(this.ms),
      modelMs: round(Math.min(this.modelMs, this.ms)),
      calls: this.calls,
      promptTokens: this.promptTokens,
      completionTokens: this.completionTokens,
      fallbacks: this.fallbacks,
    }
  }
}

const round = (n: number) => Math.round(n * 10) / 10
