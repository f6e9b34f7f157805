// Shared-prefix length between two simulated requests by their prefix ids (binary search: equal ids at a
// boundary imply equal ids at every earlier one). The replay itself reads the token-exact count the prefix
// index measured against each request's nearest prior (SimRequest.sharedWithPrior).
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
  if (b.priorSeq === a.seq && b.sharedWithPrior !== undefined) t = Math.max(t, b.sharedWithPrior);
  if (a.priorSeq === b.seq && a.sharedWithPrior !== undefined) t = Math.max(t, a.sharedWithPrior);
  return Math.min(t, totalOf(a), totalOf(b));
}
