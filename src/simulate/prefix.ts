// Shared-prefix length between two simulated requests. Prefix ids compare whole segments (binary search:
// equal ids at a boundary imply equal ids at every earlier one); when the two are consecutive requests of
// one lineage the diff's token-exact count also applies, so a timestamp inside a segment keeps the text
// before it.
import type { SimRequest } from './types.js';

/** Number of leading segments whose prefix ids agree. */
export function sharedSegments(a: SimRequest, b: SimRequest): number {
  let lo = 0;
  let hi = Math.min(a.chain.length, b.chain.length);
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (a.chain[mid - 1] === b.chain[mid - 1]) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

export function totalOf(r: SimRequest): number {
  return r.cum[r.cum.length - 1] ?? 0;
}

/** Tokens at the start of `b` that are identical to the start of `a`. */
export function sharedTokens(a: SimRequest, b: SimRequest): number {
  const s = sharedSegments(a, b);
  let t = s > 0 ? (b.cum[s - 1] ?? 0) : 0;
  if (b.prevSeq === a.seq && b.sharedWithPrev !== undefined) t = Math.max(t, b.sharedWithPrev);
  if (a.prevSeq === b.seq && a.sharedWithPrev !== undefined) t = Math.max(t, a.sharedWithPrev);
  return Math.min(t, totalOf(a), totalOf(b));
}
