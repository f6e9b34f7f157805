// vLLM automatic prefix caching (v1 engine, providers.md §6.1): 16-token blocks in a hash chain, full blocks
// only, a full hit still recomputes the last block, LRU eviction of free blocks. `--kv-budget` bounds the
// cache in tokens (rounded down to whole blocks); `--block-size` sets the block size as the server does.
import { PagedCache } from './paged.js';

/** vLLM's DEFAULT_BLOCK_SIZE (providers.md §6.1, vllm/config/cache.py). */
export const VLLM_BLOCK_TOKENS = 16;

export class VllmCache extends PagedCache {
  constructor(opts: { kvBudgetTokens?: number; blockTokens?: number }) {
    const size = opts.blockTokens ?? VLLM_BLOCK_TOKENS;
    super({
      pageTokens: size,
      recomputeLastPage: true,
      ...(opts.kvBudgetTokens !== undefined ? { capacityPages: Math.floor(opts.kvBudgetTokens / size) } : {}),
    });
  }
}
