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
