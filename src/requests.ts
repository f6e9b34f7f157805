// One request at a time, for `kvlint hash`, `kvlint diff`, the library API and the test helper: a request
// body of a known API as kvlint's KvRequest, the hash chain of its segments, and where a second request
// stops sharing the first one's prefix.
import { KvlintError } from './errors.js';
import type { KvRequest, Level } from './model.js';
import { pairRules } from './engine/pair.js';
import { loadRules, ruleIndex } from './engine/registry.js';
import { normalizeBody } from './logs/api/index.js';
import { makeRequestRecord } from './logs/request.js';
import { diffRequests as comparePrefix, type PrefixDiff } from './prefix/diff.js';
import { hashSegments } from './prefix/hash.js';
import type { Tokenizer } from './tokenize/index.js';

/**
 * A request body (Anthropic Messages, OpenAI Chat Completions or Responses, Gemini, Bedrock) as kvlint's
 * request: its segments in the provider's render order. `name` stands for the file in messages.
 * @throws KvlintError KVE305 when the body is not a request of a known API
 */
export function requestFromBody(body: unknown, name = 'request'): KvRequest {
  const nb = normalizeBody(body);
  if (!nb) {
    throw new KvlintError('KVE305', `${name} is not a request body of a known API`, { file: name, hint: 'expected an Anthropic, OpenAI, Gemini or Bedrock request' });
  }
  return makeRequestRecord(nb, { file: name, line: 1, format: 'request-body' }).request;
}

/** One segment's hashes, as `kvlint hash --json` prints them. */
export interface SegmentHashRow {
  index: number;
  label: string;
  level: Level;
  /** tokens of this segment, and of the prefix through it */
  tokens: number;
  prefixTokens: number;
  /** SHA-256 of the segment (level, role and text) */
  sha256: string;
  /** SHA-256 chained through every segment up to this one: the prefix's identity */
  chain: string;
  /** the same chain over the canonical form (sorted keys, normalized whitespace) */
  canonicalChain: string;
}

/** The hash chain of a request's segments, with token counts. */
export function hashRows(request: KvRequest, tokenizer: Tokenizer): SegmentHashRow[] {
  let tokens = 0;
  return hashSegments(request.segments).map((h, i) => {
    const n = tokenizer.count(request.segments[i]!.text);
    tokens += n;
    return { index: i, label: h.label, level: request.segments[i]!.level, tokens: n, prefixTokens: tokens, sha256: h.raw, chain: h.rawChain, canonicalChain: h.canonicalChain };
  });
}

/** Where b stops sharing a's prefix, why, what it costs, and the rule that names the cause. */
export interface RequestDiff extends PrefixDiff {
  /** the tokenizer that counted, and whether its counts stand in for the model's own (≈) */
  tokenizer: string;
  approx: boolean;
  rule?: { id: string; code: string; summary: string };
  /** the prefix chain through each segment of either request */
  chains: { a: Array<{ label: string; chain: string }>; b: Array<{ label: string; chain: string }> };
}

/** Compares two requests: `segment` is -1 when b reuses all of a. Evidence is redacted by the current run's redactor. */
export function describeDiff(a: KvRequest, b: KvRequest, tokenizer: Tokenizer): RequestDiff {
  // the rules' own patterns classify the change (a timestamp, an id, …) and name the rule, as in a log
  const rules = loadRules();
  const d = comparePrefix(a, b, tokenizer, { rules: pairRules(rules) });
  const rule = d.code ? ruleIndex(rules)(d.code) : undefined;
  const chain = (r: KvRequest) => hashSegments(r.segments).map((h) => ({ label: h.label, chain: h.rawChain }));
  return {
    ...d,
    tokenizer: tokenizer.encoding,
    approx: tokenizer.approx,
    ...(rule ? { rule: { id: rule.id, code: rule.code, summary: rule.docs.summary } } : {}),
    chains: { a: chain(a), b: chain(b) },
  };
}
