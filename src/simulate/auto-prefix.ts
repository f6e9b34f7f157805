// The automatic prefix cache of OpenAI before GPT-5.6, Gemini implicit caching and DeepSeek: no markers;
// a request reads the longest prefix it shares with a live earlier prompt of its routing scope, counted
// in whole units (OpenAI reports 128-token steps, DeepSeek stores 64-token units), and nothing below the
// minimum length is cached. Every cacheable prompt becomes an entry; a read refreshes the entry it used.
import { sharedTokens } from './prefix.js';
import type { MissReason, SimOutcome, SimRequest } from './types.js';

export interface AutoPrefixParams {
  minTokens: number;
  granularity: number;
  /** idle lifetime in seconds; undefined = not expired during the replay */
  ttlSeconds?: number;
  /** earlier prompts kept per scope as lookup candidates (a bound on work, not a provider limit) */
  maxEntries?: number;
}

interface Entry {
  req: SimRequest;
  expires?: number;
}

export class AutoPrefixCache {
  private readonly entries: Entry[] = [];
  constructor(private readonly p: AutoPrefixParams) {}

  step(r: SimRequest, sharedWithEarlier: number): SimOutcome {
    const total = r.cum[r.cum.length - 1] ?? 0;
    const t = r.time;
    let best = 0;
    let bestEntry: Entry | undefined;
    let expiredShare = 0;
    for (const e of this.entries) {
      const s = sharedTokens(e.req, r);
      const live = t === undefined || e.expires === undefined || t <= e.expires;
      if (!live) {
        expiredShare = Math.max(expiredShare, s);
        continue;
      }
      if (s > best) {
        best = s;
        bestEntry = e;
      }
    }
    const g = Math.max(1, this.p.granularity);
    // a full-prompt match still leaves the last token to compute: nothing caches the whole request
    const usable = Math.min(best, total - 1);
    let read = Math.floor(Math.max(0, usable) / g) * g;
    let reason: MissReason | undefined;
    if (total < this.p.minTokens || read < this.p.minTokens) {
      if (read > 0 || best > 0) reason = 'below-minimum';
      read = 0;
    } else if (read < best) reason = 'granularity';
    const cacheable = total >= this.p.minTokens;
    const ttlMs = this.p.ttlSeconds !== undefined ? this.p.ttlSeconds * 1000 : undefined;
    if (bestEntry && read > 0 && t !== undefined && ttlMs !== undefined) bestEntry.expires = t + ttlMs;
    if (cacheable) {
      this.entries.push({ req: r, ...(t !== undefined && ttlMs !== undefined ? { expires: t + ttlMs } : {}) });
      if (this.entries.length > (this.p.maxEntries ?? 32)) this.entries.shift();
    }
    const written = cacheable ? Math.floor(total / g) * g - read : 0;
    const out: SimOutcome = { seq: r.seq, total, read, write5m: Math.max(0, written), write1h: 0, uncached: 0 };
    out.uncached = Math.max(0, total - read - out.write5m);
    const lost = Math.max(sharedWithEarlier, expiredShare) - read;
    if (lost > 0) {
      const why: MissReason = reason ?? (expiredShare > best ? 'expired' : 'changed');
      out.missed = { tokens: lost, reason: why };
    }
    return out;
  }
}
