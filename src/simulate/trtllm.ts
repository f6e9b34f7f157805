// TensorRT-LLM KV-cache block reuse (providers.md §6.4): on by default, only full blocks are shared,
// 128 tokens per block by default (`--tokens_per_block`), reusable blocks evicted LRU. Modelled like vLLM
// with its own block size; the last block of a fully cached prompt is recomputed (the engine needs the
// last token's logits).
import { PagedCache } from './paged.js';

/** TensorRT-LLM's default tokens_per_block (providers.md §6.4). */
export const TRTLLM_BLOCK_TOKENS = 128;

export class TrtllmCache extends PagedCache {
  constructor(opts: { kvBudgetTokens?: number; blockTokens?: number }) {
    const size = opts.blockTokens ?? TRTLLM_BLOCK_TOKENS;
    super({
      pageTokens: size,
      recomputeLastPage: true,
      ...(opts.kvBudgetTokens !== undefined ? { capacityPages: Math.floor(opts.kvBudgetTokens / size) } : {}),
    });
  }
}
