// The breakpoint cache shared by Anthropic (also Bedrock and Vertex) and OpenAI GPT-5.6+: a breakpoint
// writes ONE entry, keyed by the prefix through its block; a read looks the breakpoint's prefix up and,
// on a miss, walks back over a bounded window of earlier positions for an entry a previous request wrote
// (providers.md §1.2, §2.1). Entries live for their TTL counted from the START of the request that wrote
// or last read them, and a read refreshes them (§1.5).
import type { MissReason, SimOutcome, SimRequest } from './types.js';

export interface BreakpointParams {
  minTokens: number;
  maxBreakpoints: number;
  /** positions searched per breakpoint, the breakpoint itself included (Anthropic: 20) */
  lookback: number;
  /** TTL of a 5m-class entry (also the GPT-5.6 30-minute entry), seconds */
  ttlSeconds: number;
  ttl1hSeconds: number;
}

interface Entry {
  /** epoch ms after which it is gone; undefined when the log has no timestamps */
  expires?: number;
  ttlMs: number;
}

/** One cache scope (Anthropic caches per workspace; the replay scopes it per lineage). */
export class BreakpointCache {
  private readonly entries = new Map<number, Entry>();
  constructor(private readonly p: BreakpointParams) {}

  private live(e: Entry | undefined, t: number | undefined): boolean {
    return e !== undefined && (t === undefined || e.expires === undefined || t <= e.expires);
  }

  /**
   * Replays one request. `positions(bp)` lists the positions a breakpoint may read from, nearest first;
   * `writes` are the breakpoints that write (explicit marks, the automatic one).
   */
  step(r: SimRequest, writes: Array<{ segment: number; ttl: '5m' | '1h' }>, positions: (bp: number) => number[], sharedWithEarlier: number): SimOutcome {
    const total = r.cum[r.cum.length - 1] ?? 0;
    const t = r.time;
    const notes: string[] = [];
    let bps = [...new Map(writes.map((w) => [w.segment, w])).values()].sort((a, b) => a.segment - b.segment);
    if (bps.length > this.p.maxBreakpoints) {
      notes.push(`${bps.length} cache breakpoints: the API accepts at most ${this.p.maxBreakpoints}; replayed with the first ${this.p.maxBreakpoints}`);
      bps = bps.slice(0, this.p.maxBreakpoints);
    }
    const at = (seg: number): number => r.cum[seg] ?? 0;
    let read = 0;
    let readPos = -1;
    let sawExpired = false;
    let sawBeyondWindow = false;
    const eligible = bps.filter((bp) => at(bp.segment) >= this.p.minTokens && at(bp.segment) > 0);
    for (const bp of eligible) {
      const window = positions(bp.segment);
      for (const pos of window) {
        const e = this.entries.get(r.chain[pos] ?? -1);
        if (e && !this.live(e, t)) sawExpired = true;
        if (this.live(e, t)) {
          if (at(pos) > read) {
            read = at(pos);
            readPos = pos;
          }
          break;
        }
      }
      if (readPos < 0 && !sawExpired) {
        // an entry further back than the window would have matched: the lookback limit cost the hit
        const inWindow = new Set(window);
        for (let pos = bp.segment; pos >= 0; pos--) {
          if (!inWindow.has(pos) && this.live(this.entries.get(r.chain[pos] ?? -1), t)) {
            sawBeyondWindow = true;
            break;
          }
        }
      }
    }
    if (readPos >= 0 && t !== undefined) {
      const e = this.entries.get(r.chain[readPos] ?? -1);
      if (e) e.expires = t + e.ttlMs;
    }
    let covered = read;
    let write5m = 0;
    let write1h = 0;
    for (const bp of eligible) {
      const end = at(bp.segment);
      const ttlMs = 1000 * (bp.ttl === '1h' ? this.p.ttl1hSeconds : this.p.ttlSeconds);
      const key = r.chain[bp.segment] ?? -1;
      if (end > covered) {
        if (bp.ttl === '1h') write1h += end - covered;
        else write5m += end - covered;
        covered = end;
        this.entries.set(key, { ttlMs, ...(t !== undefined ? { expires: t + ttlMs } : {}) });
      } else {
        const e = this.entries.get(key);
        if (e && this.live(e, t) && t !== undefined) e.expires = t + e.ttlMs;
      }
    }
    const out: SimOutcome = { seq: r.seq, total, read, write5m, write1h, uncached: Math.max(0, total - read - write5m - write1h) };
    if (sharedWithEarlier > read) {
      let reason: MissReason;
      if (bps.length === 0) reason = 'no-breakpoint';
      else if (eligible.length === 0) reason = 'below-minimum';
      else if (sawExpired) reason = 'expired';
      else if (sawBeyondWindow) reason = 'lookback';
      else reason = 'changed';
      out.missed = { tokens: sharedWithEarlier - read, reason };
    }
    if (notes.length) out.notes = notes;
    return out;
  }
}

/** Anthropic's lookback: the breakpoint and the positions before it, `lookback` in all. */
export function segmentWindow(lookback: number): (bp: number) => number[] {
  return (bp) => {
    const out: number[] = [];
    for (let p = bp; p >= 0 && out.length < lookback; p--) out.push(p);
    return out;
  };
}
