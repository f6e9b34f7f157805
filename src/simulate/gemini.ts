// Gemini implicit caching (providers.md §3.1): automatic, per-model minimum (2,048 / 4,096 tokens as of
// 2026-07), no write surcharge, hits discounted (90% on 2.5+); granularity and lifetime are not documented,
// so the replay matches to the token and never expires an entry (both said in the projection).
import { AutoPrefixCache, type AutoPrefixParams } from './auto-prefix.js';

export class GeminiImplicitCache extends AutoPrefixCache {
  constructor(p: AutoPrefixParams) {
    super(p);
  }
}
