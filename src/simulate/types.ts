// What the cache models replay and what they return. A request is reduced to what caching depends on:
// cumulative token counts at each segment boundary, an id for the prefix through each boundary (equal ids
// ⇔ byte-identical prefixes), where the cache breakpoints sit, when it was sent, and what the provider
// reported. Stages that build these (from a log, or from a planned workload) live in src/project.
import type { ReportedUsage } from '../model.js';

export interface SimBreakpoint {
  /** index of the segment the breakpoint sits after */
  segment: number;
  ttl: '5m' | '1h';
}

export interface SimRequest {
  /** position in arrival order over the whole replay */
  seq: number;
  lineage: string;
  /** epoch ms; undefined = unknown (then every gap is assumed within the TTL) */
  time?: number;
  /** tokens through the end of segment i (non-decreasing); the last one is the prompt's total */
  cum: ArrayLike<number>;
  /** prefix id through segment i: equal ids mean identical prefixes (interned chain hashes) */
  chain: ArrayLike<number>;
  /** segments that end a message (for OpenAI GPT-5.6 implicit lookback), optional */
  messageEnds?: number[];
  /** index of the last segment of the latest user/tool turn (GPT-5.6 implicit breakpoint), optional */
  implicitBreakpoint?: number;
  /** explicit breakpoints in segment order (Anthropic cache_control, Bedrock cachePoint, GPT-5.6 marks) */
  breakpoints: SimBreakpoint[];
  /** Anthropic top-level automatic caching: a breakpoint on the last block */
  autoCache?: boolean;
  /** TTL of the automatic breakpoint */
  autoTtl?: '5m' | '1h';
  /**
   * seq of the nearest prior: the earlier request (any session) that shares this one's longest prefix,
   * from the prefix index (src/prefix/prefix-index.ts)
   */
  priorSeq?: number;
  /** tokens shared with the nearest prior, counted to the token (prefix ids only see whole segments) */
  sharedWithPrior?: number;
  /** cache scope (--cache-scope); requests of different scopes never share */
  scope?: string;
  usage?: ReportedUsage;
  /** output tokens for pricing (from reported usage), when known */
  outputTokens?: number;
}

/** Why a request read fewer tokens than it shares with earlier ones. */
export type MissReason =
  | 'first'
  | 'below-minimum'
  | 'expired'
  | 'no-breakpoint'
  | 'lookback'
  | 'evicted'
  | 'changed'
  | 'granularity';

export interface SimOutcome {
  seq: number;
  total: number;
  /** tokens read from the cache */
  read: number;
  /** tokens written to the cache, by TTL class (5m covers every single-TTL regime) */
  write5m: number;
  write1h: number;
  /** tokens processed and billed at the plain input price */
  uncached: number;
  /** the tokens the request shared with something cached earlier but could not read, and why */
  missed?: { tokens: number; reason: MissReason };
  notes?: string[];
}

/** Options common to every replay. */
export interface ReplayOptions {
  /** TTL override in seconds (--ttl) */
  ttlSeconds?: number;
  /** KV budget for engines, in tokens (--kv-budget); undefined = unbounded */
  kvBudgetTokens?: number;
  /** engine block (vLLM, TensorRT-LLM) or page (SGLang, TGI) size in tokens (--block-size, --page-size) */
  blockTokens?: number;
}
