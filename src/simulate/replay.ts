// Replays requests in arrival order through one target's cache model. Provider caches are scoped per
// lineage (what one session or cache key can reuse); an engine's cache is one pool shared by every
// request, because its KV budget is.
import type { CacheParams } from '../project/cache-params.js';
import { AnthropicCache } from './anthropic.js';
import { DeepSeekCache } from './deepseek.js';
import { GeminiImplicitCache } from './gemini.js';
import { OpenAiAutoCache, OpenAiBreakpointCache } from './openai.js';
import { sharedTokens } from './prefix.js';
import { SglangCache } from './sglang.js';
import type { ReplayOptions, SimOutcome, SimRequest } from './types.js';
import { VllmCache } from './vllm.js';

interface Stepper {
  step(r: SimRequest, sharedWithEarlier: number): SimOutcome;
}

function makeStepper(params: CacheParams, opts: ReplayOptions): Stepper {
  const ttl = opts.ttlSeconds ?? params.ttlSeconds;
  switch (params.regime) {
    case 'anthropic':
      return new AnthropicCache({
        minTokens: params.minTokens,
        maxBreakpoints: params.maxBreakpoints,
        lookback: params.lookback,
        ttlSeconds: ttl ?? 300,
        ttl1hSeconds: params.ttl1hSeconds,
      });
    case 'openai-breakpoints':
      return new OpenAiBreakpointCache({
        minTokens: params.minTokens,
        maxBreakpoints: params.maxBreakpoints,
        lookback: params.lookback,
        ttlSeconds: ttl ?? 1800,
        ttl1hSeconds: params.ttl1hSeconds,
      });
    case 'openai-auto':
      return new OpenAiAutoCache({ minTokens: params.minTokens, granularity: params.granularity, ...(ttl !== undefined ? { ttlSeconds: ttl } : {}) });
    case 'gemini':
      return new GeminiImplicitCache({ minTokens: params.minTokens, granularity: params.granularity, ...(ttl !== undefined ? { ttlSeconds: ttl } : {}) });
    case 'deepseek':
      return new DeepSeekCache({ minTokens: params.minTokens, granularity: params.granularity, ...(ttl !== undefined ? { ttlSeconds: ttl } : {}) });
    case 'vllm':
      return new VllmCache(opts.kvBudgetTokens !== undefined ? { kvBudgetTokens: opts.kvBudgetTokens } : {});
    case 'sglang':
      return new SglangCache(opts.kvBudgetTokens !== undefined ? { kvBudgetTokens: opts.kvBudgetTokens } : {});
  }
}

/**
 * One target's cache, fed requests in arrival order (`seq` ascending) one at a time: a caller can build
 * each request as it goes instead of holding all of them (a log of many requests, replayed several times).
 */
export class Replayer {
  private readonly global: Stepper | undefined;
  private readonly scoped = new Map<string, Stepper>();
  /** the latest request of each lineage, which the next one is compared with */
  private readonly bySeq = new Map<number, SimRequest>();

  constructor(
    private readonly params: CacheParams,
    private readonly opts: ReplayOptions = {},
  ) {
    const engine = params.regime === 'vllm' || params.regime === 'sglang';
    this.global = engine ? makeStepper(params, opts) : undefined;
  }

  step(r: SimRequest): SimOutcome {
    let s = this.global;
    if (!s) {
      const scope = r.routeKey ?? r.lineage;
      s = this.scoped.get(scope);
      if (!s) {
        s = makeStepper(this.params, this.opts);
        this.scoped.set(scope, s);
      }
    }
    const prev = r.prevSeq !== undefined ? this.bySeq.get(r.prevSeq) : undefined;
    const sharedWithEarlier = prev ? sharedTokens(prev, r) : 0;
    const out = s.step(r, sharedWithEarlier);
    this.bySeq.set(r.seq, r);
    if (prev) this.bySeq.delete(prev.seq); // only the latest request of a lineage is needed
    return out;
  }
}

/** Replays `requests` (already in arrival order, `seq` ascending) and returns one outcome per request. */
export function replay(requests: Iterable<SimRequest>, params: CacheParams, opts: ReplayOptions = {}): SimOutcome[] {
  const r = new Replayer(params, opts);
  const out: SimOutcome[] = [];
  for (const req of requests) out.push(r.step(req));
  return out;
}
