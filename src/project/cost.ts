// Prices replay outcomes: per request and in total, split into uncached input, cache writes, cache reads and
// output, in exact pico-dollars (reported as integer micro-dollars), plus the TTFT the outcome implies.
import type { SimOutcome } from '../simulate/types.js';
import type { CacheParams, PriceRef } from './cache-params.js';
import { cost, toMicro, type Pico } from './money.js';
import { percentile } from './ttft.js';

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

/** Sums outcomes into Totals: `pick` gives each item's outcome, `output` its output tokens. */
export function totalsOf<T>(items: readonly T[], pick: (x: T) => Outcome, output: (x: T) => number): Totals {
  let u = 0n;
  let w = 0n;
  let r = 0n;
  let o = 0n;
  const t: Totals = {
    requests: items.length,
    hits: 0,
    inputTokens: 0,
    readTokens: 0,
    writeTokens: 0,
    uncachedTokens: 0,
    outputTokens: 0,
    cost: { uncached: 0, write: 0, read: 0, output: 0, total: 0 },
    perRequest: 0,
    per1000: 0,
    ttftP50Ms: 0,
    ttftP95Ms: 0,
  };
  const ttfts: number[] = [];
  for (const item of items) {
    const x = pick(item);
    u += BigInt(x.pico.uncached);
    w += BigInt(x.pico.write);
    r += BigInt(x.pico.read);
    o += BigInt(x.pico.output);
    if (x.read > 0) t.hits++;
    t.inputTokens += x.tokens;
    t.readTokens += x.read;
    t.writeTokens += x.write;
    t.uncachedTokens += x.uncached;
    t.outputTokens += output(item);
    ttfts.push(x.ttftMs);
  }
  const all = u + w + r + o;
  t.cost = { uncached: toMicro(u), write: toMicro(w), read: toMicro(r), output: toMicro(o), total: toMicro(all) };
  if (items.length > 0) {
    t.perRequest = toMicro(all / BigInt(items.length));
    t.per1000 = toMicro((all * 1000n) / BigInt(items.length));
  }
  t.ttftP50Ms = round1(percentile(ttfts, 50));
  t.ttftP95Ms = round1(percentile(ttfts, 95));
  return t;
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
