// A planned workload through the same cache models and price rows as log replay: R requests, each a
// shared N-token prefix (a system prompt with a cache breakpoint after it) followed by an M-token suffix
// that differs per request, sent every `interval` seconds.
//
// A steady workload repeats: the first request meets an empty cache and every later one meets the same
// state (the prefix written by the one before, alive or expired as the interval decides, kept or evicted
// as the budget decides). So two requests are replayed — the first and the second — and the totals are
// the first plus R − 1 times the second, summed exactly; the answer takes the same time for any R. An
// engine's pool is computed in pages rather than replayed token by token (a page-size-1 pool over a
// 200 M-token prefix would hold 200 M keys).
import { KvlintError } from '../errors.js';
import { replay } from '../simulate/replay.js';
import type { SimOutcome, SimRequest } from '../simulate/types.js';
import { isEngine, type CacheParams } from './cache-params.js';
import { priceOutcome, round1, savings, toOutcome, type Outcome, type Savings, type Totals } from './cost.js';
import { cost, toMicro } from './money.js';
import { predictPrefillMs, type ModelShape } from './ttft-model.js';
import type { GpuCalibration } from './ttft.js';
import { ENGINE_PAGE_TOKENS } from '../simulate/paged.js';
import { EXPLICIT_DEFAULT_TTL_S, storageHours, storagePico } from './explicit-cache.js';

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

/** Token and request counts are summed as doubles: past this they are no longer exact integers. */
const EXACT = Number.MAX_SAFE_INTEGER;
/**
 * The longest prompt a workload may have: Llama 4 Scout's 10 M-token context window, the largest any
 * published model serves (Meta, 2025-04). Past it no cache or TTFT figure means anything.
 */
const MAX_PROMPT_TOKENS = 10_000_000;

/** Checks that a workload can be counted exactly; throws KVE101 naming what is out of range. */
export function validateWorkload(w: Workload): void {
  const whole = (name: string, v: number, min: number): void => {
    if (!Number.isFinite(v) || !Number.isInteger(v) || v < min) throw new KvlintError('KVE101', `${name} must be a whole number ≥ ${min}, not ${v}`);
    if (v > EXACT) throw new KvlintError('KVE101', `${name} ${v} is larger than kvlint can count exactly (${EXACT.toLocaleString('en-US')})`);
  };
  whole('--requests', w.requests, 1);
  whole('--prefix-tokens', w.prefixTokens, 1);
  whole('--suffix-tokens', w.suffixTokens, 0);
  if (w.outputTokens !== undefined) whole('--output-tokens', w.outputTokens, 0);
  if (w.intervalSeconds !== undefined && (!Number.isFinite(w.intervalSeconds) || w.intervalSeconds < 0)) throw new KvlintError('KVE101', `--interval must be a number of seconds ≥ 0, not ${w.intervalSeconds}`);
  if (w.prefixTokens + w.suffixTokens > MAX_PROMPT_TOKENS) {
    throw new KvlintError('KVE101', `a ${(w.prefixTokens + w.suffixTokens).toLocaleString('en-US')}-token prompt is longer than any model's context window (${MAX_PROMPT_TOKENS.toLocaleString('en-US')} tokens at most)`);
  }
  const perRequest = w.prefixTokens + w.suffixTokens + (w.outputTokens ?? 0);
  if (perRequest * w.requests > EXACT) {
    throw new KvlintError('KVE101', `${w.requests.toLocaleString('en-US')} requests × ${perRequest.toLocaleString('en-US')} tokens is more tokens than kvlint can count exactly (${EXACT.toLocaleString('en-US')})`, {
      hint: 'estimate a smaller slice (per day, per hour) and scale it',
    });
  }
}

/** Request i of the workload: prefix segment (breakpoint after it), then a suffix of its own. */
function workloadRequest(w: Workload, i: number): SimRequest {
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
  };
  if (i > 0) {
    r.priorSeq = i - 1;
    r.sharedWithPrior = w.suffixTokens > 0 ? w.prefixTokens : w.prefixTokens;
  }
  if (w.intervalSeconds !== undefined) r.time = i * w.intervalSeconds * 1000;
  return r;
}

/** The first and the steady outcome of an engine pool, in pages (see the file comment). */
function engineOutcomes(w: Workload, params: CacheParams, opts: { kvBudgetTokens?: number; blockTokens?: number }): [SimOutcome, SimOutcome] {
  const page = opts.blockTokens ?? (isEngine(params.regime) ? ENGINE_PAGE_TOKENS[params.regime] : 1);
  const total = w.prefixTokens + w.suffixTokens;
  const full = Math.floor(total / page);
  const cap = opts.kvBudgetTokens !== undefined ? Math.floor(opts.kvBudgetTokens / page) : Infinity;
  const first: SimOutcome = { seq: 0, total, read: 0, write5m: full * page, write1h: 0, uncached: total - full * page };
  // the next request shares the prefix's full pages (all of it when there is no suffix); after a request
  // the pool holds its head pages (touched last, so evicted last): at most `cap` of them
  const sharedPages = Math.min(Math.floor(w.prefixTokens / page), full);
  let read = Math.min(sharedPages, cap) * page;
  // a request whose every page hits still computes its last one (the logits of the last token)
  if (read >= total) read = Math.max(0, read - page);
  const steady: SimOutcome = { seq: 1, total, read, write5m: full * page - read, write1h: 0, uncached: total - full * page };
  if (read < w.prefixTokens - (w.prefixTokens % page) && cap < sharedPages) steady.missed = { tokens: sharedPages * page - read, reason: 'evicted' };
  return [first, steady];
}

/**
 * Totals of `n` requests of outcome `o` after one of outcome `first`, exactly: money in BigInt
 * pico-dollars, TTFT percentiles by nearest rank over the two values.
 */
function repeatedTotals(first: Outcome, steady: Outcome, n: number, output: number, cold: [Outcome, Outcome]): Totals {
  const count = 1 + n;
  const money = (k: 'uncached' | 'write' | 'read' | 'output'): bigint => BigInt(first.pico[k]) + BigInt(n) * BigInt(steady.pico[k]);
  const u = money('uncached');
  const wr = money('write');
  const rd = money('read');
  const out = money('output');
  const all = u + wr + rd + out;
  const pct = (p: number): number => {
    const rank = Math.max(1, Math.ceil((p / 100) * count));
    // the two values in ascending order, the first request counting once
    const [lo, loN, hi] = first.ttftMs <= steady.ttftMs ? [first.ttftMs, 1, steady.ttftMs] : [steady.ttftMs, n, first.ttftMs];
    return rank <= loN ? lo : hi;
  };
  const picoOf = (o: Outcome): bigint => BigInt(o.pico.uncached) + BigInt(o.pico.write) + BigInt(o.pico.read) + BigInt(o.pico.output);
  return {
    requests: count,
    hits: (first.read > 0 ? 1 : 0) + (steady.read > 0 ? n : 0),
    writers: (first.write > 0 ? 1 : 0) + (steady.write > 0 ? n : 0),
    inputTokens: first.tokens + n * steady.tokens,
    readTokens: first.read + n * steady.read,
    writeTokens: first.write + n * steady.write,
    uncachedTokens: first.uncached + n * steady.uncached,
    outputTokens: output * count,
    cost: { uncached: toMicro(u), write: toMicro(wr), read: toMicro(rd), output: toMicro(out), total: toMicro(all) },
    perRequest: toMicro(all / BigInt(count)),
    per1000: toMicro((all * 1000n) / BigInt(count)),
    ttftP50Ms: round1(pct(50)),
    ttftP95Ms: round1(pct(95)),
    ttftSumMs: round1(first.ttftMs + n * steady.ttftMs),
    noCache: { cost: toMicro(picoOf(cold[0]) + BigInt(n) * picoOf(cold[1])), ttftSumMs: round1(cold[0].ttftMs + n * cold[1].ttftMs) },
  };
}

/**
 * Gemini explicit caching (`cachedContent`, providers.md §3.2): the prefix is put in a cache object once
 * (billed as input), every request reads it at the cached price — the first one too — and the object is
 * billed for storage per token-hour while it exists: its TTL, or the workload's span when that is longer
 * (the TTL is extended to cover it). Storage is added to the write cost.
 */
function explicitEstimate(w: Workload, params: CacheParams, storagePerMtokHour: number, ttft: { shape: ModelShape; gpu: GpuCalibration }, ttlSeconds: number | undefined): Estimate {
  const out = w.outputTokens ?? 0;
  const total = w.prefixTokens + w.suffixTokens;
  if (w.prefixTokens < params.minTokens) {
    throw new KvlintError('KVE101', `an explicit cache needs at least ${params.minTokens.toLocaleString('en-US')} tokens for ${params.ref.model}; --prefix-tokens is ${w.prefixTokens.toLocaleString('en-US')}`);
  }
  const span = w.intervalSeconds !== undefined ? (w.requests - 1) * w.intervalSeconds : 0;
  const hours = storageHours(span, ttlSeconds);
  const stored = storagePico(w.prefixTokens, hours, storagePerMtokHour);
  const ms = (read: number): number => predictPrefillMs(ttft.shape, ttft.gpu.coefficients, Math.min(read, total - 1), Math.max(1, total - read));
  const each: SimOutcome = { seq: 1, total, read: w.prefixTokens, write5m: 0, write1h: 0, uncached: w.suffixTokens };
  const steady = toOutcome(each, priceOutcome(each, params, out, ms(w.prefixTokens)));
  const create = cost(w.prefixTokens, params.rates.input) + stored;
  const first: Outcome = { ...steady, write: w.prefixTokens, pico: { ...steady.pico, write: Number(create) } };
  const cold = (): Outcome => {
    const c: SimOutcome = { seq: 0, total, read: 0, write5m: 0, write1h: 0, uncached: total };
    return toOutcome(c, priceOutcome(c, params, out, predictPrefillMs(ttft.shape, ttft.gpu.coefficients, 0, total)));
  };
  const colds: [Outcome, Outcome] = [cold(), cold()];
  const uncached = repeatedTotals(colds[0], colds[1], w.requests - 1, out, colds);
  const cached = repeatedTotals(first, steady, w.requests - 1, out, colds);
  const assumptions = [
    ...params.assumptions.filter((a) => !a.startsWith('Gemini implicit')),
    `Gemini explicit cache: the ${w.prefixTokens.toLocaleString('en-US')}-token prefix is cached once (billed as input) and stored for ${hours.toFixed(2)} h at $${storagePerMtokHour} per million token-hours = ${formatMicro(stored)} (in the write cost); every request reads it`,
  ];
  if (ttlSeconds === undefined) assumptions.push(`no --ttl: the cache lives ${EXPLICIT_DEFAULT_TTL_S / 3600} h (the API's default), or as long as the workload when that is longer`);
  if (w.outputTokens === undefined) assumptions.push('no --output-tokens: output not priced');
  return { workload: w, uncached, cached, savings: savings(uncached, cached), assumptions };
}

function formatMicro(pico: bigint): string {
  return `$${(Number(toMicro(pico)) / 1e6).toFixed(4)}`;
}

export function estimate(
  w: Workload,
  params: CacheParams,
  ttft: { shape: ModelShape; gpu: GpuCalibration },
  opts: { ttlSeconds?: number; kvBudgetTokens?: number; blockTokens?: number; explicitStoragePerMtokHour?: number } = {},
): Estimate {
  validateWorkload(w);
  if (opts.explicitStoragePerMtokHour !== undefined) return explicitEstimate(w, params, opts.explicitStoragePerMtokHour, ttft, opts.ttlSeconds);
  const out = w.outputTokens ?? 0;
  const [first, steady] = isEngine(params.regime)
    ? engineOutcomes(w, params, opts)
    : (replay([workloadRequest(w, 0), workloadRequest(w, 1)], params, opts) as [SimOutcome, SimOutcome]);
  // TTFT counts at least one computed token: a response needs the logits of the last prompt token
  const priced = (o: SimOutcome): Outcome => toOutcome(o, priceOutcome(o, params, out, predictPrefillMs(ttft.shape, ttft.gpu.coefficients, Math.min(o.read, o.total - 1), Math.max(1, o.total - o.read))));
  const cold = (o: SimOutcome): Outcome => {
    const c = { ...o, read: 0, write5m: 0, write1h: 0, uncached: o.total };
    return toOutcome(c, priceOutcome(c, params, out, predictPrefillMs(ttft.shape, ttft.gpu.coefficients, 0, o.total)));
  };
  const rest = w.requests - 1;
  const colds: [Outcome, Outcome] = [cold(first), cold(steady)];
  const uncached = repeatedTotals(colds[0], colds[1], rest, out, colds);
  const cached = repeatedTotals(priced(first), priced(steady), rest, out, colds);
  const assumptions = [...params.assumptions];
  assumptions.push('a steady workload: every request after the first meets the cache the one before it left (computed, not replayed request by request)');
  if (w.intervalSeconds === undefined) assumptions.push('no --interval: every request assumed within the cache TTL');
  if (w.outputTokens === undefined) assumptions.push('no --output-tokens: output not priced');
  return { workload: w, uncached, cached, savings: savings(uncached, cached), assumptions };
}
