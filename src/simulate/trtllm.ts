// TensorRT-LLM KV-cache block reuse (providers.md §6.4): on by default, only full blocks are shared,
// 128 tokens per block by default (`--tokens_per_block`), reusable blocks evicted LRU. Modelled like vLLM
// with its own block size.
import { engineParams, PagedCache } from './paged.js';

export class TrtllmCache extends PagedCache {
  constructor(opts: { kvBudgetTokens?: number; blockTokens?: number }) {
    super(engineParams('trtllm', { ...opts, ...(opts.blockTokens !== undefined ? { pageTokens: opts.blockTokens } : {}) }));
  }
}
