// Anthropic prompt caching (first-party API, Bedrock and Vertex): explicit `cache_control` breakpoints
// (at most 4) and the top-level automatic mode, whose breakpoint sits on the last block; a 20-position
// lookback per breakpoint; the per-model minimum; 5-minute or 1-hour entries (providers.md §1).
// The tools → system → messages hierarchy needs no code of its own: the prefix id through a block covers
// every block before it in render order, so a tool change invalidates system and messages entries too.
import { BreakpointCache, segmentWindow, type BreakpointParams } from './breakpoints.js';
import type { SimOutcome, SimRequest } from './types.js';

export class AnthropicCache {
  private readonly cache: BreakpointCache;
  private readonly window: (bp: number) => number[];
  constructor(p: BreakpointParams) {
    this.cache = new BreakpointCache(p);
    this.window = segmentWindow(p.lookback);
  }

  step(r: SimRequest, sharedWithEarlier: number): SimOutcome {
    const writes = [...r.breakpoints];
    if (r.autoCache && r.cum.length > 0) writes.push({ segment: r.cum.length - 1, ttl: r.autoTtl ?? '5m' });
    return this.cache.step(r, writes, this.window, sharedWithEarlier);
  }
}
