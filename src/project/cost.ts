// Prices replay outcomes: per request and in total, split into uncached input, cache writes, cache reads and
// output, in exact pico-dollars (reported as integer micro-dollars), plus the TTFT the outcome implies.
import type { SimOutcome } from '../simulate/types.js';
import type { CacheParams, PriceRef } from './cache-params.js';
import { cost, toMicro, type Pico } from './money.js';
import { percentileOfSorted } from './ttft.js';

export interface CostSplit {
  uncached: number;
  write: number;
  read: number;
  output: number;
  total: number;
}

/** Totals of one replay (a lineage, a file, or everything), money in integer micro-dollars. */
export interface Totals {
  requests: number;
  /** requests that read at least one cached token */
  hits: number;
  /** requests that write at least one token to the cache */
  writers: number;
  inputTokens: number;
  readTokens: number;
  writeTokens: number;
  uncachedTokens: number;
  outputTokens: number;
  /** micro-dollars */
  cost: CostSplit;
  perRequest: number;
  per1000: number;
  ttftP50Ms: number;
  ttftP95Ms: number;
  /** sum of the requests' predicted TTFT, ms (the TTFT improvement compares sums: means of one set) */
  ttftSumMs: number;
  /** the same requests with no caching at all: cost (micro-dollars) and TTFT sum */
  noCache: { cost: number; ttftSumMs: number };
}

export interface Priced {
  pico: { uncached: Pico; write: Pico; read: Pico; output: Pico };
  ttftMs: number;
}

/** Prices one outcome. */
export function priceOutcome(o: SimOutcome, p: CacheParams, outputTokens: number, ttftMs: number): Priced {
  return {
    pico: {
      uncached: cost(o.uncached, p.rates.input),
      write: cost(o.write5m, p.rates.write5m) + cost(o.write1h, p.rates.write1h),
      read: cost(o.read, p.rates.read),
      output: cost(outputTokens, p.rates.output),
    },
    ttftMs,
  };
}

/**
 * One request's replay outcome in one scenario, as the report keeps it: tokens, exact cost in pico-dollars
 * (integers; a request would have to cost $9,000 to leave the safe integer range) and predicted TTFT.
 */
export interface Outcome {
  /** prompt tokens as replayed */
  tokens: number;
  read: number;
  write: number;
  uncached: number;
  pico: { uncached: number; write: number; read: number; output: number };
  ttftMs: number;
}

/** What a request would cost with no caching at all: every token at the input price, prefill from scratch. */
export interface NoCache {
  pico: number;
  ttftMs: number;
}

/** A priced replay outcome as the report keeps it. */
export function toOutcome(o: SimOutcome, p: Priced): Outcome {
  return {
    tokens: o.total,
    read: o.read,
    write: o.write5m + o.write1h,
    uncached: o.uncached,
    pico: { uncached: Number(p.pico.uncached), write: Number(p.pico.write), read: Number(p.pico.read), output: Number(p.pico.output) },
    ttftMs: p.ttftMs,
  };
}

/**
 * Totals built one outcome at a time, so rows can be summed as they are read (a report's rows are built
 * one by one from columns; see src/list.ts). Money is summed exactly, in BigInt pico-dollars.
 */
export class TotalsAcc {
  requests = 0;
  hits = 0;
  writers = 0;
  ttftSum = 0;
  private cold = 0n;
  private coldTtft = 0;
  inputTokens = 0;
  readTokens = 0;
  writeTokens = 0;
  uncachedTokens = 0;
  outputTokens = 0;
  private u = 0n;
  private w = 0n;
  private r = 0n;
  private o = 0n;
  /** each request's TTFT, for the percentiles */
  readonly ttfts: number[] = [];

  /** Adds one request with outcome `x`, its output tokens and, when known, its no-cache figures. */
  add(x: Outcome, outputTokens: number, noCache?: NoCache): void {
    this.requests++;
    this.sum(x, 1);
    this.outputTokens += outputTokens;
    this.ttfts.push(x.ttftMs);
    if (noCache) {
      this.cold += BigInt(noCache.pico);
      this.coldTtft += noCache.ttftMs;
    }
  }

  /** Moves the sums from outcome `from` to `to`: the same request, in another scenario (TTFTs are not kept). */
  shift(from: Outcome, to: Outcome): void {
    this.sum(from, -1);
    this.sum(to, 1);
  }

  private sum(x: Outcome, sign: 1 | -1): void {
    const big = BigInt(sign);
    this.u += big * BigInt(x.pico.uncached);
    this.w += big * BigInt(x.pico.write);
    this.r += big * BigInt(x.pico.read);
    this.o += big * BigInt(x.pico.output);
    if (x.read > 0) this.hits += sign;
    if (x.write > 0) this.writers += sign;
    this.ttftSum += sign * x.ttftMs;
    // token counts are integers: their sums are exact in any order
    this.inputTokens += sign * x.tokens;
    this.readTokens += sign * x.read;
    this.writeTokens += sign * x.write;
    this.uncachedTokens += sign * x.uncached;
  }

  /** The totals with the sums shifted by `delta` (see shift) and the TTFT percentiles of `ttfts`. */
  totals(ttfts: readonly number[] = this.ttfts, delta?: TotalsAcc): Totals {
    const d = delta ?? ZERO;
    const all = this.u + d.u + this.w + d.w + this.r + d.r + this.o + d.o;
    const n = this.requests;
    const sorted = Float64Array.from(ttfts).sort(); // numeric order, sorted once for both percentiles
    return {
      requests: n,
      hits: this.hits + d.hits,
      writers: this.writers + d.writers,
      inputTokens: this.inputTokens + d.inputTokens,
      readTokens: this.readTokens + d.readTokens,
      writeTokens: this.writeTokens + d.writeTokens,
      uncachedTokens: this.uncachedTokens + d.uncachedTokens,
      outputTokens: this.outputTokens,
      cost: { uncached: toMicro(this.u + d.u), write: toMicro(this.w + d.w), read: toMicro(this.r + d.r), output: toMicro(this.o + d.o), total: toMicro(all) },
      perRequest: n > 0 ? toMicro(all / BigInt(n)) : 0,
      per1000: n > 0 ? toMicro((all * 1000n) / BigInt(n)) : 0,
      ttftP50Ms: round1(percentileOfSorted(sorted, 50)),
      ttftP95Ms: round1(percentileOfSorted(sorted, 95)),
      ttftSumMs: round1(this.ttftSum + d.ttftSum),
      noCache: { cost: toMicro(this.cold), ttftSumMs: round1(this.coldTtft) },
    };
  }
}

const ZERO = new TotalsAcc();

/** Sums outcomes into Totals: `pick` gives each item's outcome, `output` its output tokens. */
export function totalsOf<T>(items: Iterable<T>, pick: (x: T) => Outcome, output: (x: T) => number, noCache?: (x: T) => NoCache | undefined): Totals {
  const acc = new TotalsAcc();
  for (const item of items) acc.add(pick(item), output(item), noCache?.(item));
  return acc.totals();
}

export function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

/** Savings of `fixed` over `now`. */
export interface Savings {
  /** micro-dollars */
  total: number;
  perRequest: number;
  per1000: number;
  pct: number;
  ttftP50Ms: number;
  ttftP95Ms: number;
}

export function savings(now: Totals, fixed: Totals): Savings {
  return {
    total: now.cost.total - fixed.cost.total,
    perRequest: now.perRequest - fixed.perRequest,
    per1000: now.per1000 - fixed.per1000,
    pct: now.cost.total > 0 ? Math.round((1000 * (now.cost.total - fixed.cost.total)) / now.cost.total) / 10 : 0,
    ttftP50Ms: round1(now.ttftP50Ms - fixed.ttftP50Ms),
    ttftP95Ms: round1(now.ttftP95Ms - fixed.ttftP95Ms),
  };
}

export function refLabel(ref: PriceRef): string {
  return `price row ${ref.model}, ${ref.source}, as of ${ref.asOf}`;
}
