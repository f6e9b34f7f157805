// SGLang RadixAttention (providers.md §6.2): a radix tree over token ids, token-granular by default
// (page_size = 1), LRU leaf eviction. Modelled as a paged cache with one-token pages: a request reuses
// exactly its longest cached token prefix, minus the last token, which is always computed.
import { engineParams, PagedCache } from './paged.js';

export class SglangCache extends PagedCache {
  constructor(opts: { kvBudgetTokens?: number; pageTokens?: number }) {
    super(engineParams('sglang', opts));
  }
}

/**
 * TGI 3 (providers.md §6.3): prefix caching on by default, one cache per replica, with the flashinfer
 * attention backend's radix trie at one token per block (its paged-attention backends use 16: pass
 * --page-size). Modelled as SGLang's token-granular pool.
 */
export class TgiCache extends PagedCache {
  constructor(opts: { kvBudgetTokens?: number; pageTokens?: number }) {
    super(engineParams('tgi', opts));
  }
}
