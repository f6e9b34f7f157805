// The automatic prefix cache of OpenAI before GPT-5.6, Gemini implicit caching and DeepSeek: no markers;
// a request reads the longest prefix it shares with a live earlier prompt of its scope, counted in whole
// units (OpenAI reports 128-token steps, DeepSeek stores 64-token units), and nothing below the minimum
// length is cached. Every cacheable prompt becomes an entry; a read refreshes the entry it used.
//
// The earlier prompt sharing the longest prefix is the request's nearest prior (from the prefix index,
// over all traffic of the scope). When the prior's entry has expired, its own prior holds a prefix of it:
// the walk goes back through priors, each sharing at least the smaller of the two shares, until a live one.
import { SeqColumns } from './seq-columns.js';
import type { MissReason, SimOutcome, SimRequest } from './types.js';

export interface AutoPrefixParams {
  minTokens: number;
  granularity: number;
  /** idle lifetime in seconds; undefined = not expired during the replay */
  ttlSeconds?: number;
}

/** Priors looked at behind an expired one (a bound on work, not a provider limit). */
const MAX_WALK = 64;
const PRIOR = 0;
const SHARED = 1;
/** epoch ms the entry expires; Infinity when it never does in this replay; NaN when it was never cached */
const EXPIRES = 2;

export class AutoPrefixCache {
  private readonly cols = new SeqColumns(3, NaN);
  constructor(private readonly p: AutoPrefixParams) {}

  step(r: SimRequest, sharedWithEarlier: number): SimOutcome {
    const total = r.cum[r.cum.length - 1] ?? 0;
    const t = r.time;
    const ttlMs = this.p.ttlSeconds !== undefined ? this.p.ttlSeconds * 1000 : undefined;
    let best = 0;
    let bestSeq = -1;
    let expiredShare = 0;
    let seq = r.priorSeq ?? -1;
    let share = r.sharedWithPrior ?? 0;
    // below the minimum nothing is read, however live the entry: no walk needed
    for (let walk = 0; seq >= 0 && share > 0 && share >= this.p.minTokens && walk < MAX_WALK; walk++) {
      const expires = this.cols.get(EXPIRES, seq);
      if (!Number.isNaN(expires)) {
        if (t === undefined || t <= expires) {
          best = share;
          bestSeq = seq;
          break;
        }
        expiredShare = Math.max(expiredShare, share);
      }
      share = Math.min(share, this.cols.get(SHARED, seq) || 0);
      const next = this.cols.get(PRIOR, seq);
      seq = Number.isNaN(next) ? -1 : next;
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
    if (bestSeq >= 0 && read > 0 && t !== undefined && ttlMs !== undefined) this.cols.set(EXPIRES, bestSeq, t + ttlMs);
    if (r.priorSeq !== undefined) {
      this.cols.set(PRIOR, r.seq, r.priorSeq);
      this.cols.set(SHARED, r.seq, r.sharedWithPrior ?? 0);
    }
    if (cacheable) this.cols.set(EXPIRES, r.seq, t !== undefined && ttlMs !== undefined ? t + ttlMs : Infinity);
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
