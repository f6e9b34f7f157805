// OpenAI prompt caching, both regimes (providers.md §2.1):
// - before GPT-5.6: automatic at ≥ 1,024 tokens, cached tokens in 128-token steps, in-memory (5–10 min
//   idle) or 24 h retention, routed by prefix and `prompt_cache_key` — an automatic prefix cache;
// - GPT-5.6 and later: an implicit breakpoint at the end of the latest user / tool turn plus explicit marks,
//   up to 4 writes per request, lookups at the breakpoints and up to 20 earlier message endings, a
//   30-minute lifetime and a ×1.25 write charge — a breakpoint cache.
import { AutoPrefixCache, type AutoPrefixParams } from './auto-prefix.js';
import { BreakpointCache, type BreakpointParams } from './breakpoints.js';
import type { SimOutcome, SimRequest } from './types.js';

export class OpenAiAutoCache extends AutoPrefixCache {
  constructor(p: AutoPrefixParams) {
    super(p);
  }
}

/** How many earlier message endings a GPT-5.6 implicit breakpoint may read from (providers.md §2.1). */
const IMPLICIT_LOOKBACK = 20;

export class OpenAiBreakpointCache {
  private readonly cache: BreakpointCache;
  constructor(p: BreakpointParams) {
    this.cache = new BreakpointCache({ ...p, lookback: IMPLICIT_LOOKBACK + 1 });
  }

  step(r: SimRequest, sharedWithEarlier: number): SimOutcome {
    const last = r.cum.length - 1;
    const implicit = r.implicitBreakpoint ?? last;
    const writes = [...r.breakpoints, { segment: implicit, ttl: '5m' as const }];
    const ends = (r.messageEnds ?? Array.from({ length: r.cum.length }, (_, i) => i)).filter((i) => i <= implicit);
    const positions = (bp: number): number[] => {
      if (bp !== implicit) return [bp];
      const earlier = ends.filter((i) => i < implicit).slice(-IMPLICIT_LOOKBACK).reverse();
      return [implicit, ...earlier];
    };
    return this.cache.step(r, writes, positions, sharedWithEarlier);
  }
}
