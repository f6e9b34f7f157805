// A paged prefix cache with LRU eviction under a KV budget, the core of the engine models (vLLM, SGLang,
// TGI, TensorRT-LLM). Pages are keyed by the whole prefix through them (vLLM: hash of parent hash + the
// block's token ids, providers.md §6.1), so two requests share page k exactly when they share the first
// (k+1)·size tokens. Only full pages are cached. Freed pages join an LRU queue; among the pages of one
// request the tail is evicted first (they are touched tail-first, so the head is the most recently used).
//
// One pool serves every request of the run. A request's nearest prior (the earlier request sharing its
// longest prefix, from the prefix index) donates the keys of the pages they share; every other page gets
// a new key. A request's keys are stored as (prior, pages taken from it, its first own key), so the pool
// remembers every request — an unbounded cache never forgets — in a few numbers each.
import type { Engine } from '../engines.js';
import { IntLru } from './lru.js';
import { SeqColumns } from './seq-columns.js';
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
}

/** Page keys kept whole for recent requests (16 MB of Int32). */
const RECENT_KEYS = 4 * 1024 * 1024;

/**
 * Each engine's default page (block) size in tokens (providers.md §6): vLLM's DEFAULT_BLOCK_SIZE 16
 * (vllm/config/cache.py), TensorRT-LLM's tokens_per_block 128, SGLang's radix tree at page_size 1, and
 * TGI 3's flashinfer radix trie at one token (its paged-attention backends use 16: --page-size).
 */
export const ENGINE_PAGE_TOKENS: Readonly<Record<Engine, number>> = { vllm: 16, trtllm: 128, sglang: 1, tgi: 1 };

/**
 * An engine's pool parameters: its page size (or --block-size / --page-size), the budget in whole pages,
 * and the last page of a fully cached prompt computed again (the engine needs the last token's logits).
 */
export function engineParams(engine: Engine, opts: { kvBudgetTokens?: number; pageTokens?: number }): PagedParams {
  const size = opts.pageTokens ?? ENGINE_PAGE_TOKENS[engine];
  return { pageTokens: size, recomputeLastPage: true, ...(opts.kvBudgetTokens !== undefined ? { capacityPages: Math.floor(opts.kvBudgetTokens / size) } : {}) };
}

const PRIOR = 0;
/** pages taken from the prior */
const TAKEN = 1;
/** the key of its first own page */
const FIRST = 2;
/** its full pages */
const FULL = 3;

export class PagedCache {
  /** cached page keys in LRU order (page keys are small integers handed out in sequence) */
  private readonly lru = new IntLru();
  private readonly cols = new SeqColumns(4, -1);
  private nextKey = 1;
  evictions = 0;

  constructor(private readonly p: PagedParams) {}

  /**
   * The page keys of recent requests, whole: a request's prior is usually recent, and resolving keys
   * through the chain of priors is as deep as the number of requests that shared a prefix before it (a
   * system prompt served 10,000 times). At most RECENT_KEYS keys in all, oldest dropped first.
   */
  private readonly recent = new Map<number, Int32Array>();
  private recentKeys = 0;

  /** The page keys of `seq`'s pages [0, upto), written into `keys`. */
  private keysOf(seq: number, upto: number, keys: Int32Array): void {
    let s = seq;
    let end = upto;
    while (end > 0 && s >= 0) {
      const known = this.recent.get(s);
      if (known) {
        keys.set(known.subarray(0, end));
        return;
      }
      const taken = this.cols.get(TAKEN, s);
      const first = this.cols.get(FIRST, s);
      for (let k = Math.max(0, taken); k < end; k++) keys[k] = first + (k - taken);
      end = Math.min(end, taken);
      s = this.cols.get(PRIOR, s);
    }
  }

  private remember(seq: number, keys: Int32Array): void {
    this.recent.set(seq, keys);
    this.recentKeys += keys.length;
    while (this.recentKeys > RECENT_KEYS) {
      const [oldest, k] = this.recent.entries().next().value as [number, Int32Array];
      this.recent.delete(oldest);
      this.recentKeys -= k.length;
    }
  }

  step(r: SimRequest, sharedWithEarlier: number): SimOutcome {
    const size = this.p.pageTokens;
    const total = r.cum[r.cum.length - 1] ?? 0;
    const full = Math.floor(total / size);
    const donor = r.priorSeq ?? -1;
    const shared = donor >= 0 ? (r.sharedWithPrior ?? 0) : 0;
    const sharedPages = donor >= 0 ? Math.max(0, Math.min(Math.floor(shared / size), this.cols.get(FULL, donor), full)) : 0;
    const keys = new Int32Array(full);
    if (sharedPages > 0) this.keysOf(donor, sharedPages, keys);
    const first = this.nextKey;
    for (let k = sharedPages; k < full; k++) keys[k] = this.nextKey++;
    this.cols.set(PRIOR, r.seq, sharedPages > 0 ? donor : -1);
    this.cols.set(TAKEN, r.seq, sharedPages);
    this.cols.set(FIRST, r.seq, first);
    this.cols.set(FULL, r.seq, full);
    let hitPages = 0;
    while (hitPages < full && this.lru.has(keys[hitPages]!)) hitPages++;
    let read = hitPages * size;
    if (read >= total && this.p.recomputeLastPage) read = Math.max(0, read - size);
    // touch tail first so that, among this request's pages, the tail is evicted first
    for (let k = full - 1; k >= 0; k--) this.lru.touch(keys[k]!);
    this.remember(r.seq, keys);
    const cap = this.p.capacityPages;
    if (cap !== undefined) {
      while (this.lru.size > cap) {
        this.lru.evictOldest();
        this.evictions++;
      }
    }
    const written = Math.max(0, full * size - read);
    const out: SimOutcome = { seq: r.seq, total, read, write5m: written, write1h: 0, uncached: Math.max(0, total - read - written) };
    const could = Math.max(sharedWithEarlier, shared);
    if (could > read) {
      const evicted = hitPages < sharedPages;
      out.missed = { tokens: could - read, reason: evicted ? 'evicted' : 'granularity' };
    }
    return out;
  }
}
