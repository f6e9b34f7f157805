import { describe, expect, it } from 'vitest';
import { cacheParams, priceRowFromFlag } from '../../src/project/cache-params.js';
import { estimate } from '../../src/project/estimate.js';
import { cost, formatUsd, picoPerToken, toMicro } from '../../src/project/money.js';
import { loadPriceTable } from '../../src/project/prices.js';
import { ttftModelFor } from '../../src/project/ttft.js';

const table = loadPriceTable();
const ttft = ttftModelFor({});
const plain = cacheParams(table, { model: 'custom', row: priceRowFromFlag('input=3,cache_write=3,cache_read=0.3') });
const sonnet = cacheParams(table, { model: 'claude-sonnet-4-6' });

describe('money', () => {
  it('is exact in pico-dollars and rounds only to integer micro-dollars', () => {
    expect(picoPerToken(0.0028)).toBe(2800n);
    expect(toMicro(cost(50_000, picoPerToken(3.75)))).toBe(187_500);
    expect(formatUsd(150_000_000)).toBe('$150.00');
    expect(formatUsd(15_135_000)).toBe('$15.135');
    expect(formatUsd(15_172_500)).toBe('$15.1725');
  });
});

describe('the worked example: a 50,000-token system prompt at $3 per million input tokens', () => {
  it('1,000 requests within the TTL: $150.00 uncached, $15.135 when the first pays the plain price', () => {
    const e = estimate({ prefixTokens: 50_000, suffixTokens: 0, requests: 1000 }, plain, ttft);
    expect(e.uncached.cost.total).toBe(150_000_000);
    expect(formatUsd(e.uncached.cost.total)).toBe('$150.00');
    expect(e.cached.cost.total).toBe(15_135_000); // 0.15 + 999 × 0.015
    expect(e.cached.cost.write).toBe(150_000);
    expect(e.cached.cost.read).toBe(14_985_000);
    expect(e.cached.hits).toBe(999);
  });

  it('$15.1725 with the ×1.25 write premium of the Claude Sonnet 4.6 row', () => {
    expect(sonnet.perMtok.write5m).toBe(3.75);
    const e = estimate({ prefixTokens: 50_000, suffixTokens: 0, requests: 1000 }, sonnet, ttft);
    expect(e.cached.cost.total).toBe(15_172_500);
    expect(formatUsd(e.cached.cost.total)).toBe('$15.1725');
  });

  it('3 requests: $0.45 vs $0.18', () => {
    const e = estimate({ prefixTokens: 50_000, suffixTokens: 0, requests: 3 }, plain, ttft);
    expect(formatUsd(e.uncached.cost.total)).toBe('$0.45');
    expect(formatUsd(e.cached.cost.total)).toBe('$0.18');
  });

  it('requests further apart than the TTL pay the write every time', () => {
    const e = estimate({ prefixTokens: 50_000, suffixTokens: 0, requests: 3, intervalSeconds: 301 }, sonnet, ttft);
    expect(e.cached.hits).toBe(0);
    expect(e.cached.cost.total).toBe(3 * 187_500);
    const within = estimate({ prefixTokens: 50_000, suffixTokens: 0, requests: 3, intervalSeconds: 299 }, sonnet, ttft);
    expect(within.cached.hits).toBe(2);
  });

  it('a suffix is billed as uncached input and TTFT drops with caching', () => {
    const e = estimate({ prefixTokens: 50_000, suffixTokens: 1_000, requests: 10 }, sonnet, ttft);
    expect(e.cached.uncachedTokens).toBe(10 * 1_000);
    expect(e.cached.ttftP50Ms).toBeLessThan(e.uncached.ttftP50Ms / 5);
  });
});

describe('a steady workload is computed, not replayed', () => {
  it('gives the request-by-request replay figures for every regime, whatever R', async () => {
    const { replay } = await import('../../src/simulate/replay.js');
    const { priceOutcome, toOutcome, totalsOf } = await import('../../src/project/cost.js');
    const { predictPrefillMs } = await import('../../src/project/ttft-model.js');
    const engine = (e: 'vllm' | 'sglang' | 'tgi' | 'trtllm') => cacheParams(table, { model: 'claude-sonnet-4-6', regime: e });
    for (const params of [sonnet, plain, cacheParams(table, { model: 'gpt-4o' }), engine('vllm'), engine('sglang'), engine('trtllm'), engine('tgi')]) {
      for (const w of [
        { prefixTokens: 5000, suffixTokens: 300, requests: 40 },
        { prefixTokens: 5000, suffixTokens: 0, requests: 7, intervalSeconds: 400 },
      ]) {
        // the replay a request at a time, as it was computed before
        const reqs = Array.from({ length: w.requests }, (_, i) => ({
          seq: i,
          lineage: 'w',
          cum: w.suffixTokens > 0 ? [w.prefixTokens, w.prefixTokens + w.suffixTokens] : [w.prefixTokens],
          chain: w.suffixTokens > 0 ? [1, 2 + i] : [1],
          breakpoints: [{ segment: 0, ttl: '5m' as const }],
          messageEnds: w.suffixTokens > 0 ? [0, 1] : [0],
          implicitBreakpoint: 0,
          ...(i > 0 ? { priorSeq: i - 1, sharedWithPrior: w.prefixTokens } : {}),
          ...('intervalSeconds' in w ? { time: i * w.intervalSeconds! * 1000 } : {}),
        }));
        const outs = replay(reqs, params);
        const slow = totalsOf(outs.map((o) => toOutcome(o, priceOutcome(o, params, 0, predictPrefillMs(ttft.shape, ttft.gpu.coefficients, Math.min(o.read, o.total - 1), Math.max(1, o.total - o.read))))), (x) => x, () => 0);
        const fast = estimate(w, params, ttft).cached;
        expect([fast.cost.total, fast.readTokens, fast.writeTokens, fast.hits, fast.ttftP50Ms], `${params.regime} ${JSON.stringify(w)}`).toEqual([slow.cost.total, slow.readTokens, slow.writeTokens, slow.hits, slow.ttftP50Ms]);
      }
    }
  });

  it('answers for any size at once and refuses what it cannot count', () => {
    const t0 = performance.now();
    const big = estimate({ prefixTokens: 100, suffixTokens: 0, requests: 1e12 }, sonnet, ttft);
    expect(big.cached.requests).toBe(1e12);
    const engine = estimate({ prefixTokens: 1_000_000, suffixTokens: 0, requests: 1_000_000 }, cacheParams(table, { model: 'claude-sonnet-4-6', regime: 'vllm' }), ttft);
    // a full repeat reads all but the last block (16 tokens) of each 1,000,000-token prompt
    expect(engine.cached.readTokens).toBe(999_999 * (1_000_000 - 16));
    expect(performance.now() - t0).toBeLessThan(5000); // far less in practice: two requests each
    expect(() => estimate({ prefixTokens: 200_000_000, suffixTokens: 0, requests: 5 }, sonnet, ttft)).toThrow(/longer than any model's context window/);
    expect(() => estimate({ prefixTokens: 1_000_000, suffixTokens: 0, requests: 1e12 }, sonnet, ttft)).toThrow(/more tokens than kvlint can count exactly/);
    expect(() => estimate({ prefixTokens: 100, suffixTokens: 0, requests: 0.5 }, sonnet, ttft)).toThrow(/whole number/);
  });
});

describe('Gemini explicit caching', () => {
  it('creates the cache once, reads it on every request and bills storage per token-hour', () => {
    const pro = cacheParams(table, { model: 'gemini-2.5-pro' });
    const e = estimate({ prefixTokens: 100_000, suffixTokens: 0, requests: 1000, intervalSeconds: 10 }, pro, ttft, { explicitStoragePerMtokHour: 4.5 });
    // storage: 0.1 M tokens × (999 × 10 s = 2.775 h) × $4.50 = $1.24875; creation 0.1 M × $1.25 = $0.125
    expect(e.cached.cost.write).toBe(1_373_750);
    expect(e.cached.hits).toBe(1000);
    expect(e.cached.cost.read).toBe(12_500_000);
    expect(e.assumptions.join('\n')).toMatch(/stored for 2\.7\d h at \$4\.5 per million token-hours/);
  });
});
