// DeepSeek context caching (providers.md §4): on disk, on for everyone, whole 64-token units from token 0
// (the 2024 rules; the current guide describes prefix units without a size, and a third party measured
// 128), content under one unit not cached, entries kept hours to days.
import { AutoPrefixCache, type AutoPrefixParams } from './auto-prefix.js';

export class DeepSeekCache extends AutoPrefixCache {
  constructor(p: AutoPrefixParams) {
    super(p);
  }
}
