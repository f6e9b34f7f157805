// Replays requests in arrival order through one target's cache model. A cache is shared by all traffic
// in its scope (providers.md §9.1): Anthropic's workspace, OpenAI's organization, an engine's one KV pool.
// A log holds one scope unless --cache-scope splits it; lineages are never a boundary.
import { isEngine, type CacheParams } from '../project/cache-params.js';
import { AnthropicCache } from './anthropic.js';
import { DeepSeekCache } from './deepseek.js';
import { GeminiImplicitCache } from './gemini.js';
import { OpenAiAutoCache, OpenAiBreakpointCache } from './openai.js';
import type { ReplayOptions, SimOutcome, SimRequest } from './types.js';
import { engineParams, PagedCache } from './paged.js';

interface Stepper {
  step(r: SimRequest, sharedWithEarlier: number): SimOutcome;
}

function makeStepper(params: CacheParams, opts: ReplayOptions): Stepper {
  const ttl = opts.ttlSeconds ?? params.ttlSeconds;
  const budget = opts.kvBudgetTokens !== undefined ? { kvBudgetTokens: opts.kvBudgetTokens } : {};
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
    case 'trtllm':
    case 'sglang':
    case 'tgi':
      return new PagedCache(engineParams(params.regime, { ...budget, ...(opts.blockTokens !== undefined ? { pageTokens: opts.blockTokens } : {}) }));
  }
}

/**
 * One target's cache, fed requests in arrival order (`seq` ascending) one at a time: a caller can build
 * each request as it goes instead of holding all of them (a log of many requests, replayed several times).
 * One cache per scope; an engine's pool is one whatever the scope.
 */
export class Replayer {
  private readonly scoped = new Map<string, Stepper>();
  private readonly engine: boolean;

  constructor(
    private readonly params: CacheParams,
    private readonly opts: ReplayOptions = {},
  ) {
    this.engine = isEngine(params.regime);
  }

  step(r: SimRequest): SimOutcome {
    const scope = this.engine ? '' : (r.scope ?? '');
    let s = this.scoped.get(scope);
    if (!s) {
      s = makeStepper(this.params, this.opts);
      this.scoped.set(scope, s);
    }
    return s.step(r, r.sharedWithPrior ?? 0);
  }
}

/** Replays `requests` (already in arrival order, `seq` ascending) and returns one outcome per request. */
export function replay(requests: Iterable<SimRequest>, params: CacheParams, opts: ReplayOptions = {}): SimOutcome[] {
  const r = new Replayer(params, opts);
  const out: SimOutcome[] = [];
  for (const req of requests) out.push(r.step(req));
  return out;
}
