// vLLM automatic prefix caching (v1 engine, providers.md §6.1): 16-token blocks in a hash chain, full blocks
// only, a full hit still recomputes the last block, LRU eviction of free blocks. `--kv-budget` bounds the
// cache in tokens (rounded down to whole blocks); `--block-size` sets the block size as the server does.
import { engineParams, PagedCache } from './paged.js';

export class VllmCache extends PagedCache {
  constructor(opts: { kvBudgetTokens?: number; blockTokens?: number }) {
    super(engineParams('vllm', { ...opts, ...(opts.blockTokens !== undefined ? { pageTokens: opts.blockTokens } : {}) }));
  }
}
