// A planned workload through the same cache model and price rows as log replay: R requests, each a
// shared N-token prefix (a system prompt with a cache breakpoint after it) followed by an M-token suffix
// that differs per request, sent every `interval` seconds.
import { replay } from '../simulate/replay.js';
import type { SimRequest } from '../simulate/types.js';
import type { CacheParams } from './cache-params.js';
import { priceOutcome, savings, toOutcome, totalsOf, type Savings, type Totals } from './cost.js';
import { predictPrefillMs, type ModelShape } from './ttft-model.js';
import type { GpuCalibration } from './ttft.js';

export interface Workload {
  prefixTokens: number;
  suffixTokens: number;
  requests: number;
  /** seconds between requests; undefined = all within the TTL */
  intervalSeconds?: number;
  outputTokens?: number;
}

export interface Estimate {
  workload: Workload;
  uncached: Totals;
  cached: Totals;
  savings: Savings;
  assumptions: string[];
}

/** The workload's requests: prefix segment (breakpoint after it), then a per-request suffix. */
export function workloadRequests(w: Workload): SimRequest[] {
  const out: SimRequest[] = [];
  for (let i = 0; i < w.requests; i++) {
    const cum = w.suffixTokens > 0 ? [w.prefixTokens, w.prefixTokens + w.suffixTokens] : [w.prefixTokens];
    // prefix id 1 is the shared prefix; every suffix makes a new prefix id
    const chain = w.suffixTokens > 0 ? [1, 2 + i] : [1];
    const r: SimRequest = {
      seq: i,
      lineage: 'workload',
      cum,
      chain,
      breakpoints: [{ segment: 0, ttl: '5m' }],
      messageEnds: cum.map((_, k) => k),
      implicitBreakpoint: 0,
      sharedWithPrev: w.prefixTokens,
      ...(i > 0 ? { prevSeq: i - 1 } : {}),
    };
    if (w.intervalSeconds !== undefined) r.time = i * w.intervalSeconds * 1000;
    out.push(r);
  }
  return out;
}

export function estimate(w: Workload, params: CacheParams, ttft: { shape: ModelShape; gpu: GpuCalibration }, opts: { ttlSeconds?: number; kvBudgetTokens?: number } = {}): Estimate {
  // TTFT counts at least one computed token: a response needs the logits of the last prompt token
  const reqs = workloadRequests(w);
  const outcomes = replay(reqs, params, opts);
  const out = w.outputTokens ?? 0;
  const cachedPriced = outcomes.map((o) => priceOutcome(o, params, out, predictPrefillMs(ttft.shape, ttft.gpu.coefficients, Math.min(o.read, o.total - 1), Math.max(1, o.total - o.read))));
  const cold = outcomes.map((o) => ({ ...o, read: 0, write5m: 0, write1h: 0, uncached: o.total }));
  const coldPriced = cold.map((o) => priceOutcome(o, params, out, predictPrefillMs(ttft.shape, ttft.gpu.coefficients, 0, o.total)));
  const uncached = totalsOf(cold.map((o, i) => toOutcome(o, coldPriced[i]!)), (x) => x, () => out);
  const cached = totalsOf(outcomes.map((o, i) => toOutcome(o, cachedPriced[i]!)), (x) => x, () => out);
  const assumptions = [...params.assumptions];
  if (w.intervalSeconds === undefined) assumptions.push('no --interval: every request assumed within the cache TTL');
  if (w.outputTokens === undefined) assumptions.push('no --output-tokens: output not priced');
  return { workload: w, uncached, cached, savings: savings(uncached, cached), assumptions };
}
