// A paged prefix cache with LRU eviction under a KV budget, the core of the vLLM and SGLang models.
// Pages are keyed by the whole prefix through them (vLLM: hash of parent hash + the block's token ids,
// providers.md §6.1), so two requests share page k exactly when they share the first (k+1)·size tokens.
// Only full pages are cached. Freed pages join an LRU queue; among the pages of one request the tail is
// evicted first (they are touched tail-first, so the head is the most recently used).
import { IntLru } from './lru.js';
import { sharedTokens } from './prefix.js';
import type { SimOutcome, SimRequest } from './types.js';

export interface PagedParams {
  pageTokens: number;
  /** pages the cache may hold; undefined = unbounded */
  capacityPages?: number;
  /**
   * a request that hits every one of its full pages still recomputes the last page (vLLM needs the
   * logits of the last prompt token); with page size 1 (SGLang) that is the last token
   */
  recomputeLastPage: boolean;
  /** earlier requests kept as candidates for page sharing (a bound on work) */
  maxCandidates?: number;
}

export class PagedCache {
  /** cached page keys in LRU order (page keys are small integers handed out in sequence) */
  private readonly lru = new IntLru();
  private readonly pages = new Map<number, number[]>();
  private readonly candidates: SimRequest[] = [];
  private nextKey = 1;
  evictions = 0;

  constructor(private readonly p: PagedParams) {}

  step(r: SimRequest, sharedWithEarlier: number): SimOutcome {
    const size = this.p.pageTokens;
    const total = r.cum[r.cum.length - 1] ?? 0;
    const full = Math.floor(total / size);
    // the earlier request sharing the most tokens donates its page keys for the shared full pages
    let donor: SimRequest | undefined;
    let shared = 0;
    for (const c of this.candidates) {
      const s = sharedTokens(c, r);
      if (s > shared) {
        shared = s;
        donor = c;
      }
    }
    const donorKeys = donor ? (this.pages.get(donor.seq) ?? []) : [];
    const keys: number[] = [];
    const sharedPages = Math.min(Math.floor(shared / size), donorKeys.length, full);
    for (let k = 0; k < full; k++) keys.push(k < sharedPages ? (donorKeys[k] as number) : this.nextKey++);
    let hitPages = 0;
    while (hitPages < keys.length && this.lru.has(keys[hitPages] as number)) hitPages++;
    let read = hitPages * size;
    if (read >= total && this.p.recomputeLastPage) read = Math.max(0, read - size);
    // touch tail first so that, among this request's pages, the tail is evicted first
    for (let k = keys.length - 1; k >= 0; k--) {
      this.lru.touch(keys[k] as number);
    }
    const cap = this.p.capacityPages;
    if (cap !== undefined) {
      while (this.lru.size > cap) {
        this.lru.evictOldest();
        this.evictions++;
      }
    }
    this.pages.set(r.seq, keys);
    this.candidates.push(r);
    if (this.candidates.length > (this.p.maxCandidates ?? 64)) {
      const old = this.candidates.shift();
      if (old) this.pages.delete(old.seq);
    }
    const written = Math.max(0, keys.length * size - read);
    const out: SimOutcome = { seq: r.seq, total, read, write5m: written, write1h: 0, uncached: Math.max(0, total - read - written) };
    const could = Math.max(sharedWithEarlier, shared);
    if (could > read) {
      const evicted = hitPages < sharedPages;
      out.missed = { tokens: could - read, reason: evicted ? 'evicted' : 'granularity' };
    }
    return out;
  }
}
