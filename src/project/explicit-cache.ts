// Gemini explicit caching (`cachedContent`, providers.md §3.2): a cache object is created once and billed
// for storage per token-hour while it exists, on top of the cached-token price of every request that
// reads it. `kvlint estimate --explicit-cache` prices a planned one; a log prices the ones its requests
// reference. One definition of the lifetime and the fee for both.

/** Gemini explicit caching's default lifetime: one hour when the cache is created without a TTL (providers.md §3.2). */
export const EXPLICIT_DEFAULT_TTL_S = 3600;

/**
 * Hours a cache object is stored: its TTL (`ttlSeconds`, default one hour), or the span over which it is
 * used when that is longer (the TTL was extended to cover it, or the object would have expired).
 */
export function storageHours(spanSeconds: number, ttlSeconds: number = EXPLICIT_DEFAULT_TTL_S): number {
  return Math.max(ttlSeconds, spanSeconds) / 3600;
}

/** Storage fee in pico-dollars: tokens × hours × (USD per million token-hours) × 1e6 pico per micro-dollar. */
export function storagePico(tokens: number, hours: number, perMtokHour: number): bigint {
  return BigInt(Math.round(tokens * hours * perMtokHour * 1e6));
}

/** One request of a log that reads an explicit cache object. */
export interface ExplicitCacheUse {
  seq: number;
  /** the object's name (`cachedContents/…`) */
  name: string;
  /** epoch ms, when the log says */
  time?: number;
  /** the cached tokens the provider reported for it (`cachedContentTokenCount`) */
  cachedTokens?: number;
}

/** A cache object as the log shows it, with its storage fee. */
export interface StoredCache {
  name: string;
  /** the request that first reads it: its fee is added to that request's write cost */
  firstSeq: number;
  requests: number;
  /** the most cached tokens any of its requests reported; undefined when none reported usage */
  tokens?: number;
  hours: number;
  /** undefined when the tokens or the storage price are unknown */
  pico?: bigint;
}

/**
 * The cache objects `uses` read (in arrival order), each stored for storageHours(first to last use in the
 * log) and priced at `perMtokHour` (undefined: the price row has no storage fee). Creation and TTL are
 * not in a log: the first use stands for the creation, which makes the fee a lower bound when a TTL longer
 * than the default was set.
 */
export function storedCaches(uses: readonly ExplicitCacheUse[], perMtokHour: number | undefined, ttlSeconds?: number): StoredCache[] {
  const byName = new Map<string, { first: ExplicitCacheUse; from?: number; to?: number; requests: number; tokens?: number }>();
  for (const u of uses) {
    let c = byName.get(u.name);
    if (!c) byName.set(u.name, (c = { first: u, requests: 0 }));
    c.requests++;
    if (u.time !== undefined) {
      c.from = Math.min(c.from ?? u.time, u.time);
      c.to = Math.max(c.to ?? u.time, u.time);
    }
    if (u.cachedTokens !== undefined) c.tokens = Math.max(c.tokens ?? 0, u.cachedTokens);
  }
  return [...byName.values()].map((c) => {
    const span = c.from !== undefined && c.to !== undefined ? (c.to - c.from) / 1000 : 0;
    const hours = storageHours(span, ttlSeconds);
    const out: StoredCache = { name: c.first.name, firstSeq: c.first.seq, requests: c.requests, hours };
    if (c.tokens !== undefined) out.tokens = c.tokens;
    if (c.tokens !== undefined && perMtokHour !== undefined) out.pico = storagePico(c.tokens, hours, perMtokHour);
    return out;
  });
}
