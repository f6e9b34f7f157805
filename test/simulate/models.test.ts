import { beforeEach, describe, expect, it } from 'vitest';
import { AnthropicCache } from '../../src/simulate/anthropic.js';
import { DeepSeekCache } from '../../src/simulate/deepseek.js';
import { GeminiImplicitCache } from '../../src/simulate/gemini.js';
import { OpenAiAutoCache, OpenAiBreakpointCache } from '../../src/simulate/openai.js';
import { SglangCache, TgiCache } from '../../src/simulate/sglang.js';
import { TrtllmCache } from '../../src/simulate/trtllm.js';
import { VllmCache } from '../../src/simulate/vllm.js';
import type { SimRequest } from '../../src/simulate/types.js';
import { cacheParams } from '../../src/project/cache-params.js';
import { loadPriceTable } from '../../src/project/prices.js';

const table = loadPriceTable();
const sonnet = cacheParams(table, { model: 'claude-sonnet-4-6' });
const anthropicParams = { minTokens: sonnet.minTokens, maxBreakpoints: sonnet.maxBreakpoints, lookback: sonnet.lookback, ttlSeconds: sonnet.ttlSeconds ?? 0, ttl1hSeconds: 3600 };

let seq = 0;
/** the requests of the current test: the prefix index's job, done by brute force */
const history: SimRequest[] = [];
beforeEach(() => {
  history.length = 0;
});

/**
 * A request of `sizes` segments; ids name segment contents, the prefix id chains them. Its nearest prior
 * is the latest earlier request of the test sharing the most leading segments (what the prefix index
 * gives the replay), unless `extra` names one.
 */
function req(sizes: number[], ids: string[], extra: Partial<SimRequest> = {}): SimRequest {
  const r = build(sizes, ids, extra);
  if (extra.priorSeq === undefined) {
    let best = 0;
    let prior: SimRequest | undefined;
    for (const h of history) {
      let k = 0;
      while (k < h.chain.length && k < r.chain.length && h.chain[k] === r.chain[k]) k++;
      if (k > 0 && k >= best) {
        best = k;
        prior = h;
      }
    }
    if (prior) {
      r.priorSeq = prior.seq;
      r.sharedWithPrior = Math.min(r.cum[best - 1]!, prior.cum[prior.cum.length - 1]!);
    }
  }
  history.push(r);
  return r;
}

function build(sizes: number[], ids: string[], extra: Partial<SimRequest> = {}): SimRequest {
  const cum: number[] = [];
  const chain: number[] = [];
  let t = 0;
  let key = '';
  sizes.forEach((n, i) => {
    t += n;
    cum.push(t);
    key += `|${ids[i]}`;
    chain.push(hash(key));
  });
  return { seq: seq++, lineage: 'l', cum, chain, breakpoints: [], ...extra };
}
function hash(s: string): number {
  let h = 0;
  for (const ch of s) h = (h * 31 + ch.charCodeAt(0)) | 0;
  return h;
}

describe('Anthropic', () => {
  it('reads the prefix through a breakpoint written by an earlier request, writes the rest', () => {
    const c = new AnthropicCache(anthropicParams);
    const a = c.step(req([2000, 100], ['sys', 'u1'], { breakpoints: [{ segment: 0, ttl: '5m' }] }), 0);
    expect(a).toMatchObject({ read: 0, write5m: 2000, uncached: 100 });
    const b = c.step(req([2000, 100], ['sys', 'u2'], { breakpoints: [{ segment: 0, ttl: '5m' }] }), 2000);
    expect(b).toMatchObject({ read: 2000, write5m: 0, uncached: 100 });
  });

  it('skips caching below the model minimum (1,024 tokens for Sonnet 4.6)', () => {
    expect(sonnet.minTokens).toBe(1024);
    const c = new AnthropicCache(anthropicParams);
    c.step(req([1000], ['sys'], { breakpoints: [{ segment: 0, ttl: '5m' }] }), 0);
    const b = c.step(req([1000, 10], ['sys', 'u'], { breakpoints: [{ segment: 0, ttl: '5m' }] }), 1000);
    expect(b).toMatchObject({ read: 0, write5m: 0, uncached: 1010 });
    expect(b.missed?.reason).toBe('below-minimum');
  });

  it('expires an entry after the TTL counted from the request start, and a hit refreshes it', () => {
    const c = new AnthropicCache(anthropicParams);
    const bp = { breakpoints: [{ segment: 0, ttl: '5m' as const }] };
    c.step(req([5000], ['sys'], { ...bp, time: 0 }), 0);
    // 299 s later: hit, refreshing the entry to 299 + 300 s
    expect(c.step(req([5000], ['sys'], { ...bp, time: 299_000 }), 5000).read).toBe(5000);
    // 590 s after the first request, 291 s after the refresh: still a hit
    expect(c.step(req([5000], ['sys'], { ...bp, time: 590_000 }), 5000).read).toBe(5000);
    // 301 s after the last read: expired, written again
    const late = c.step(req([5000], ['sys'], { ...bp, time: 891_000 }), 5000);
    expect(late).toMatchObject({ read: 0, write5m: 5000 });
    expect(late.missed?.reason).toBe('expired');
  });

  it('1-hour breakpoints survive gaps the 5-minute ones do not, and bill the ×2 class', () => {
    const c = new AnthropicCache(anthropicParams);
    const bp = { breakpoints: [{ segment: 0, ttl: '1h' as const }] };
    expect(c.step(req([5000], ['sys'], { ...bp, time: 0 }), 0).write1h).toBe(5000);
    expect(c.step(req([5000], ['sys'], { ...bp, time: 1800_000 }), 5000).read).toBe(5000);
  });

  it('misses when the breakpoint is more than 20 blocks after the last write', () => {
    const c = new AnthropicCache(anthropicParams);
    const ids = Array.from({ length: 30 }, (_, i) => `m${i}`);
    const sizes = Array.from({ length: 30 }, () => 300);
    // first request: automatic breakpoint on its last block (block 4)
    c.step(req(sizes.slice(0, 5), ids.slice(0, 5), { autoCache: true }), 0);
    // breakpoint on block 23: the 20-position window 23..4 reaches the entry on block 4
    const near = c.step(req(sizes.slice(0, 24), ids.slice(0, 24), { autoCache: true }), 1500);
    expect(near.read).toBe(1500);
    const c2 = new AnthropicCache(anthropicParams);
    c2.step(req(sizes.slice(0, 5), ids.slice(0, 5), { autoCache: true }), 0);
    // 21 blocks later: the window 25..6 does not reach block 4
    const far = c2.step(req(sizes.slice(0, 26), ids.slice(0, 26), { autoCache: true }), 1500);
    expect(far.read).toBe(0);
    expect(far.missed?.reason).toBe('lookback');
  });

  it('a tool change invalidates the system and message entries after it', () => {
    const c = new AnthropicCache(anthropicParams);
    const bps = { breakpoints: [{ segment: 0, ttl: '5m' as const }, { segment: 1, ttl: '5m' as const }] };
    c.step(req([1500, 1500, 50], ['tools', 'sys', 'u'], bps), 0);
    const b = c.step(req([1500, 1500, 50], ['tools-v2', 'sys', 'u'], bps), 0);
    expect(b.read).toBe(0);
  });

  it('uses at most 4 breakpoints and says so', () => {
    const c = new AnthropicCache(anthropicParams);
    const bps = [0, 1, 2, 3, 4].map((segment) => ({ segment, ttl: '5m' as const }));
    const o = c.step(req([2000, 100, 100, 100, 100], ['a', 'b', 'c', 'd', 'e'], { breakpoints: bps }), 0);
    expect(o.write5m).toBe(2300);
    expect(o.notes?.[0]).toMatch(/at most 4/);
  });
});

describe('OpenAI before GPT-5.6', () => {
  it('reports cached tokens in 128-token steps from 1,024 up', () => {
    const c = new OpenAiAutoCache({ minTokens: 1024, granularity: 128 });
    c.step(req([1500, 20], ['sys', 'u1']), 0);
    const o = c.step(req([1500, 20], ['sys', 'u2']), 1500);
    expect(o.read).toBe(1408); // 11 × 128
    expect(o.missed?.reason).toBe('granularity');
  });

  it('caches nothing below 1,024 tokens', () => {
    const c = new OpenAiAutoCache({ minTokens: 1024, granularity: 128 });
    c.step(req([1000, 20], ['sys', 'u1']), 0);
    expect(c.step(req([1000, 20], ['sys', 'u2']), 1000).read).toBe(0);
  });

  it('forgets an idle prefix after the in-memory retention', () => {
    const c = new OpenAiAutoCache({ minTokens: 1024, granularity: 128, ttlSeconds: 300 });
    c.step(req([4096, 10], ['sys', 'a'], { time: 0 }), 0);
    expect(c.step(req([4096, 10], ['sys', 'b'], { time: 200_000 }), 4096).read).toBe(4096);
    expect(c.step(req([4096, 10], ['sys', 'c'], { time: 600_000 }), 4096).read).toBe(0);
  });
});

describe('OpenAI GPT-5.6+', () => {
  it('writes at the implicit breakpoint with a 30-minute lifetime', () => {
    const p = cacheParams(table, { model: 'gpt-5.6-terra' });
    expect(p.regime).toBe('openai-breakpoints');
    expect(p.perMtok.write5m).toBe(2.5);
    const c = new OpenAiBreakpointCache({ ...anthropicParams, minTokens: p.minTokens, ttlSeconds: p.ttlSeconds ?? 0 });
    expect(c.step(req([3000, 100], ['dev', 'u1'], { time: 0 }), 0)).toMatchObject({ write5m: 3100 });
    expect(c.step(req([3000, 100, 50, 60], ['dev', 'u1', 'a1', 'u2'], { time: 1700_000 }), 3100).read).toBe(3100);
    expect(c.step(req([3000, 100, 50, 60], ['dev', 'u1', 'a1', 'u2'], { time: 3600_000 }), 3210).read).toBe(0);
  });
});

describe('Gemini and DeepSeek', () => {
  it('Gemini: minimum from the price row', () => {
    const p = cacheParams(table, { model: 'gemini-2.5-flash' });
    expect(p.minTokens).toBe(2048);
    const c = new GeminiImplicitCache({ minTokens: p.minTokens, granularity: p.granularity });
    c.step(req([2000, 5], ['s', 'a']), 0);
    expect(c.step(req([2000, 5], ['s', 'b']), 2000).read).toBe(0);
    history.length = 0; // a new cache: its requests' priors are its own
    const c2 = new GeminiImplicitCache({ minTokens: p.minTokens, granularity: p.granularity });
    c2.step(req([3000, 5], ['s', 'a']), 0);
    expect(c2.step(req([3000, 5], ['s', 'b']), 3000).read).toBe(3000);
  });

  it('DeepSeek: whole 64-token units', () => {
    const p = cacheParams(table, { model: 'deepseek-v4-flash' });
    expect(p.granularity).toBe(64);
    const c = new DeepSeekCache({ minTokens: p.minTokens, granularity: p.granularity });
    c.step(req([1000, 5], ['s', 'a']), 0);
    expect(c.step(req([1000, 5], ['s', 'b']), 1000).read).toBe(960);
    const c2 = new DeepSeekCache({ minTokens: p.minTokens, granularity: p.granularity });
    c2.step(req([50, 5], ['s', 'a']), 0);
    expect(c2.step(req([50, 5], ['s', 'b']), 50).read).toBe(0);
  });
});

describe('vLLM and SGLang', () => {
  it('vLLM caches full 16-token blocks only', () => {
    const c = new VllmCache({});
    c.step(req([100, 7], ['s', 'a']), 0);
    expect(c.step(req([100, 7], ['s', 'b']), 100).read).toBe(96);
  });

  it('vLLM recomputes the last block on a full hit', () => {
    const c = new VllmCache({});
    c.step(req([64], ['s']), 0);
    const o = c.step(req([64], ['s']), 64);
    expect(o.read).toBe(48);
    expect(o.total - o.read).toBe(16);
  });

  it('vLLM evicts least recently used blocks under a small budget', () => {
    const c = new VllmCache({ kvBudgetTokens: 64 });
    c.step(req([64, 1], ['A', 'x']), 0);
    c.step(req([64, 1], ['B', 'x']), 0); // fills the 4-block budget, evicting A
    expect(c.step(req([64, 1], ['A', 'y']), 64).read).toBe(0);
    expect(c.evictions).toBeGreaterThan(0);
    history.length = 0;
    const big = new VllmCache({ kvBudgetTokens: 1024 });
    big.step(req([64, 1], ['A', 'x']), 0);
    big.step(req([64, 1], ['B', 'x']), 0);
    expect(big.step(req([64, 1], ['A', 'y']), 64).read).toBe(64);
  });

  it('SGLang reuses to the token and keeps the last token to compute', () => {
    const c = new SglangCache({});
    c.step(req([100, 7], ['s', 'a']), 0);
    expect(c.step(req([100, 7], ['s', 'b']), 100).read).toBe(100);
    expect(c.step(req([100, 7], ['s', 'b']), 107).read).toBe(106);
  });

  it('SGLang evicts under a token budget, the tail of a sequence first', () => {
    const c = new SglangCache({ kvBudgetTokens: 120 });
    c.step(req([100], ['A']), 0);
    c.step(req([100], ['B']), 0); // 80 of A's tokens must go: its tail, so its first 20 survive
    expect(c.step(req([100, 3], ['A', 'z']), 100).read).toBe(20);
  });
});

describe('engines: one pool, no candidate window', () => {
  it('an unbounded vLLM pool reads a prefix seen 1,000 requests earlier', () => {
    const c = new VllmCache({});
    c.step(req([160, 5], ['tenant-0', 'q']), 0);
    for (let t = 1; t <= 1000; t++) c.step(req([160, 5], [`tenant-${t}`, 'q']), 0);
    expect(c.step(req([160, 5], ['tenant-0', 'q2']), 160).read).toBe(160);
  });

  it('TensorRT-LLM shares only full 128-token blocks and recomputes the last one on a full hit', () => {
    const c = new TrtllmCache({});
    c.step(req([300], ['s']), 0);
    expect(c.step(req([300, 10], ['s', 'a']), 300).read).toBe(256);
    // a full repeat of a 256-token prompt: both blocks hit, the last is computed again
    history.length = 0;
    const d = new TrtllmCache({});
    d.step(req([256], ['p']), 0);
    expect(d.step(req([256], ['p']), 256).read).toBe(128);
  });

  it('TGI reuses to the token like SGLang; --page-size changes the granularity', () => {
    const c = new TgiCache({});
    c.step(req([100, 7], ['s', 'a']), 0);
    expect(c.step(req([100, 7], ['s', 'b']), 100).read).toBe(100);
    history.length = 0;
    const paged = new TgiCache({ pageTokens: 16 });
    paged.step(req([100, 7], ['s', 'a']), 0);
    expect(paged.step(req([100, 7], ['s', 'b']), 100).read).toBe(96);
  });

  it('a vLLM block size from --block-size', () => {
    const c = new VllmCache({ blockTokens: 32 });
    c.step(req([100, 7], ['s', 'a']), 0);
    expect(c.step(req([100, 7], ['s', 'b']), 100).read).toBe(96);
  });
});
