// Turning a normalized body plus its log context into a KvRequest, including the lineage choice.
import { createHash } from 'node:crypto';
import type { KvRequest, ProviderCacheDiagnostics, ReportedUsage } from '../model.js';
import { segmentHash } from '../prefix/hash.js';
import { redactKey } from '../redact.js';
import { isSynthetic, type NormalizedBody } from './api/common.js';
import type { LogEvent, RequestRecord } from './types.js';

export interface RequestContext {
  file: string;
  line: number;
  format: string;
  time?: number;
  /** a lineage the log itself gives (session id, conversation id, span trace): wins over body keys */
  lineage?: [source: string, value: string];
  requestId?: string;
  usage?: ReportedUsage;
  diagnostics?: ProviderCacheDiagnostics;
  keyOrderUnknown?: boolean;
  notes?: string[];
  events?: LogEvent[];
  promptIncomplete?: boolean;
  responseId?: string;
}

/**
 * The lineage of a request: the log's own session/conversation id, else `prompt_cache_key`,
 * `metadata.user_id`, `user` or conversation from the body, else the hash of the first prompt segment
 * (requests that start the same way are assumed to belong together).
 */
export function chooseLineage(nb: NormalizedBody, given?: [string, string]): [source: string, value: string] {
  if (given) return given;
  const key = nb.lineageKeys[0];
  if (key) return key;
  const first = nb.segments.find((s) => !isSynthetic(s));
  return ['first-segment', first ? segmentHash(first).slice(0, 16) : 'empty'];
}

/** Builds the adapter output for one request. `index` is assigned later, in file order. */
export function makeRequestRecord(nb: NormalizedBody, ctx: RequestContext): RequestRecord {
  const [lineageSource, key] = chooseLineage(nb, ctx.lineage);
  // A lineage guessed from the first segment is scoped to its provider and file: caches never cross
  // providers, and two exports that happen to share a system prompt are not one session (a session id
  // or cache key, by contrast, legitimately joins requests split across files).
  // A key from the log or body (a user id may be an e-mail address) is printed in reports: redacted.
  const lineage =
    lineageSource === 'first-segment'
      ? createHash('sha256').update(`${nb.provider}\u0000${ctx.file}\u0000${key}`).digest('hex').slice(0, 16)
      : redactKey(key);
  const req: KvRequest = {
    file: ctx.file,
    line: ctx.line,
    index: 0,
    format: ctx.format,
    provider: nb.provider,
    api: nb.api,
    lineage,
    lineageSource,
    segments: nb.segments,
  };
  if (nb.model) req.model = nb.model;
  if (ctx.time !== undefined && Number.isFinite(ctx.time)) req.time = ctx.time;
  if (nb.autoCache) req.autoCache = true;
  if (nb.explicitCache) req.explicitCache = nb.explicitCache;
  if (ctx.usage) req.usage = ctx.usage;
  if (ctx.diagnostics) req.diagnostics = ctx.diagnostics;
  if (ctx.keyOrderUnknown) req.keyOrderUnknown = true;
  if (ctx.requestId) req.requestId = ctx.requestId;
  const rec: RequestRecord = { kind: 'request', request: req };
  const notes = [...nb.notes, ...(ctx.notes ?? [])];
  if (notes.length > 0) rec.notes = notes;
  if (nb.promptIncomplete || ctx.promptIncomplete) rec.promptIncomplete = true;
  if (ctx.events && ctx.events.length > 0) rec.events = ctx.events;
  if (ctx.responseId) rec.responseId = ctx.responseId;
  return rec;
}

/** Epoch ms from an ISO string, a number of seconds/ms, or an OTel [seconds, nanos] pair. */
export function toEpochMs(v: unknown): number | undefined {
  if (typeof v === 'number') return v > 1e12 ? v : v * 1000;
  if (typeof v === 'string') {
    const t = Date.parse(v);
    return Number.isNaN(t) ? undefined : t;
  }
  if (Array.isArray(v) && typeof v[0] === 'number') return v[0] * 1000 + Math.floor(((v[1] as number) ?? 0) / 1e6);
  return undefined;
}
