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

/** What the log's own cachedContents calls say of an object (see CacheObjectFacts in src/logs/types.ts). */
export interface KnownCacheObject {
  createdAt?: number;
  expiresAt?: number;
  deletedAt?: number;
  tokens?: number;
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
  /** its size and lifetime come from its own calls in the log (creation, expiry or deletion), not assumed */
  fromLog: boolean;
  /** undefined when the tokens or the storage price are unknown */
  pico?: bigint;
}

/**
 * The cache objects `uses` read (in arrival order), priced at `perMtokHour` (undefined: the price row has
 * no storage fee). An object whose creation and expiry (or deletion) are in the log (`known`) is sized and
 * stored as they say, through its last use when that is later (an update the log missed). Otherwise the
 * first use stands for the creation and it is stored for storageHours(first to last use): a lower bound
 * when a TTL longer than the default was set.
 */
export function storedCaches(uses: readonly ExplicitCacheUse[], perMtokHour: number | undefined, ttlSeconds?: number, known?: ReadonlyMap<string, KnownCacheObject>): StoredCache[] {
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
    const k = known?.get(c.first.name);
    const start = k?.createdAt ?? c.from;
    const end = k?.deletedAt ?? k?.expiresAt;
    const fromLog = start !== undefined && end !== undefined && k?.createdAt !== undefined;
    const hours = fromLog ? (Math.max(end!, c.to ?? end!) - start!) / 3_600_000 : storageHours(start !== undefined && c.to !== undefined ? (c.to - start) / 1000 : 0, ttlSeconds);
    const tokens = k?.tokens ?? c.tokens;
    const out: StoredCache = { name: c.first.name, firstSeq: c.first.seq, requests: c.requests, hours, fromLog };
    if (tokens !== undefined) out.tokens = tokens;
    if (tokens !== undefined && perMtokHour !== undefined) out.pico = storagePico(tokens, hours, perMtokHour);
    return out;
  });
}
