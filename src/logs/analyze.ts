// Request-log analysis: every file is detected and streamed through its adapter; requests are grouped
// into lineages; each request is compared with the previous one of its lineage (first divergence,
// cause, tokens reused/lost) and breaks become diagnostics on the log record's line. Per-lineage state
// is the previous request's segments, hashes and counts only.
import type { InputProblem } from '../errors.js';
import { KvlintError } from '../errors.js';
import type { Diagnostic, KvRequest, ReportedUsage } from '../model.js';
import { assembleAnalysis } from './assemble.js';
import { expandTimelines, TimelineStore, type TimelineTransport } from './timeline-store.js';
import { blockChain, loadEncoder, TokenIdCache, type BlockChain } from '../prefix/blocks.js';
import { availableParallelism } from 'node:os';
import { SegmentMemo, type MemoEntry } from '../prefix/hash.js';
import { TokenizerPool } from '../tokenize/pool.js';
import { CAUSE_RULES, comparePrompts, diffInput, findTimestamp, isBreak, type DiffInput, type DivergenceCause, type PrefixDiff } from '../prefix/diff.js';
import { segmentHash } from '../prefix/hash.js';
import { excerpt as shorten, redact } from '../redact.js';
import { encodingForModel, type Tokenizer } from '../tokenize/index.js';
import { isSynthetic } from './api/common.js';
import { detectLogFormat, ingestLog, REJECTIONS } from './ingest.js';
import { ruleMeta, type RuleLookup } from './rule-meta.js';
import type { LineageTimeline, LogAnalysis, LogEvent, LogFileSummary, RequestRecord, TimelineDivergence, TimelineEntry } from './types.js';
import { totalInput } from './usage.js';
import { inShard, type Shard } from '../shard.js';

export interface AnalyzeOptions {
  /** called after each request is read: the file, its bytes read so far, requests read in all (progress bar) */
  onProgress?: (p: { file: string; fileBytes: number; requests: number }) => void;
  tokenizer: Tokenizer;
  /** cache TTL to apply to every lineage; default: 300 s for Anthropic and Bedrock (or 3600 when a 1h marker is used), none for others */
  ttlSeconds?: number;
  onProblem?: (p: InputProblem) => void;
  /** token-block sizes to hash (e.g. [16, 64, 128]); none by default */
  blockSizes?: number[];
  /** rule metadata from the engine's registry */
  rules?: RuleLookup;
  /** size limit for whole documents (YAML/JSON), bytes */
  documentLimit?: number;
  /** longest JSONL line, bytes (default DEFAULT_LIMITS.maxLineBytes in src/limits.ts) */
  maxLineBytes?: number;
  /** deepest nesting of a log record or document (default DEFAULT_LIMITS.maxDepth) */
  maxDepth?: number;
  /** how much request text (code units) may be read between two requests of a lineage for the first one's text to be kept (default TEXT_BUDGET) */
  textBudget?: number;
  /** tokenizer worker threads for text never seen before (default: one per core; 0 or 1: main thread only) */
  workers?: number;
  /** unique text (code units) after which workers start (default POOL_AFTER_CHARS) */
  workersAfter?: number;
  /**
   * analyze only the lineages whose key hashes to this shard (src/shard.ts); the other requests are read
   * (their files' counts and problems are the same in every shard) but not tokenized or compared
   */
  shard?: Shard;
  /** every request once analyzed, in arrival order (the cost projection replays them) */
  onRequest?: (req: KvRequest, input: DiffInput, entry: TimelineEntry, promptIncomplete: boolean) => void;
}

/**
 * Once tokenizer workers run, requests are read ahead in batches of about this much text so new text is
 * tokenized in parallel. Without workers each request is processed as soon as it is read: holding
 * parsed requests longer gets them promoted out of V8's young generation, which cost +1.5 s and +300 MB
 * RSS on the 1 GB agent-log benchmark.
 */
const BATCH_CHARS = 1024 * 1024;
/**
 * Worker threads start only after this much unique text (below it, their start-up costs more than it
 * saves), and only when most of the text read is new (UNIQUE_SHARE): a log that resends its prompts is
 * bound by parsing, and batching its requests for the workers costs more than the workers gain.
 */
export const POOL_AFTER_CHARS = 2 * 1024 * 1024;
const UNIQUE_SHARE = 0.5;

/**
 * A lineage keeps its previous request's text, to classify its next divergence, while less than this
 * much request text (UTF-16 code units, of every lineage) has been read since; after that it keeps
 * hashes and counts only (see CompactInput). Logs interleave sessions, and keeping every session's last
 * prompt would grow memory with the number of sessions: the texts kept were all read within the last
 * TEXT_BUDGET, so they hold about that much. The measure counts every request read, in every shard
 * alike (before the --shard filter), so whether a lineage's text is kept never depends on which other
 * lineages share its run: n shards merge into exactly the one run. A lineage's consecutive requests with
 * none between always compare in full.
 */
export const TEXT_BUDGET = 4 * 1024 * 1024;

/** Anthropic's default cache TTL (providers.md §1.5): 5 minutes, refreshed on each use. */
export const ANTHROPIC_DEFAULT_TTL_S = 300;

/** Words that introduce a clock value an application injected into a turn. */
const INJECTED_DATE = /\b(current|today'?s?|now|as of|date|time)\b[^\n]{0,24}$/i;

/** A drop in cached tokens smaller than this share of the previous cached prefix is noise, not a break. */
const USAGE_TOLERANCE = 0.01;

/**
 * A previous request whose texts were dropped to bound memory: hashes, token counts and labels remain,
 * enough to find where the next request diverges and to count tokens, not to classify the change.
 */
interface CompactInput extends DiffInput {
  compact: true;
}

interface PrevState {
  input: DiffInput | CompactInput;
  total: number;
  time?: number;
  usage?: ReportedUsage;
  chains?: Map<number, BlockChain>;
  timelineIndex: number;
}

interface LineageState {
  timeline: LineageTimeline;
  /** requests in the timeline so far (their entries are in the TimelineStore) */
  count: number;
  /** the first request, which orders the lineages in the report */
  first: { file: string; index: number };
  prev?: PrevState;
}

/** The TTL that applies to a request, in seconds, or undefined when no TTL gap is modelled. */
function ttlFor(req: KvRequest, override?: number): number | undefined {
  if (override !== undefined) return override;
  if (req.provider !== 'anthropic' && req.provider !== 'bedrock') return undefined;
  let ttl = ANTHROPIC_DEFAULT_TTL_S;
  for (const s of req.segments) if (s.cacheMarker?.ttl === '1h') ttl = 3600;
  return ttl;
}

const CAUSE_TEXT: Record<DivergenceCause, string> = {
  timestamp: 'a timestamp changed',
  identifier: 'an identifier changed',
  'user-data': 'user data changed',
  whitespace: 'whitespace changed',
  'key-order': 'JSON key order changed',
  'tool-reorder': 'the tools were reordered',
  'tool-set-change': 'the tool set changed',
  'model-change': 'the model changed',
  'settings-change': 'a prefix-changing setting changed',
  'system-edit': 'the system prompt was edited',
  'history-rewrite': 'earlier messages were rewritten or removed',
  branch: 'the last message was replaced',
  'ttl-gap': 'the gap since the previous request exceeds the cache TTL',
  'append-only': 'append-only',
  identical: 'identical',
  unknown: 'the prompt changed',
};

function causeFromEvents(events: readonly LogEvent[] | undefined): { cause: DivergenceCause; note: string } | undefined {
  for (const e of events ?? []) {
    if (e.kind === 'mcp-reconnect') return { cause: 'tool-set-change', note: `inferred from ${e.detail} at line ${e.line}` };
    if (e.kind === 'compaction') return { cause: 'history-rewrite', note: `inferred from ${e.detail} at line ${e.line}` };
    if (e.kind === 'model-switch') return { cause: 'model-change', note: `inferred from ${e.detail} at line ${e.line}` };
    if (e.kind === 'clear') return { cause: 'history-rewrite', note: `inferred from ${e.detail} at line ${e.line}` };
  }
  return undefined;
}

/**
 * A break the body cannot show (the transcript lacks system prompt and tools): the provider read fewer
 * cached tokens than the previous request had cached. Returns undefined when usage shows no shrink.
 */
function usageBreak(prev: PrevState, rec: RequestRecord, gapMs: number | undefined, ttl: number | undefined): TimelineDivergence & { lost: number } | undefined {
  const u = rec.request.usage;
  const pu = prev.usage;
  if (!u || !pu || u.cacheReadTokens === undefined) return undefined;
  const prevCached = (pu.cacheReadTokens ?? 0) + (pu.cacheWriteTokens ?? 0);
  const read = u.cacheReadTokens;
  const lost = prevCached - read;
  if (prevCached === 0 || lost <= Math.max(1, prevCached * USAGE_TOLERANCE)) return undefined;
  const fromEvents = causeFromEvents(rec.events);
  const overTtl = gapMs !== undefined && ttl !== undefined && gapMs / 1000 > ttl;
  const cause: DivergenceCause = fromEvents?.cause ?? (overTtl ? 'ttl-gap' : 'unknown');
  const rule = CAUSE_RULES[cause];
  const base = `cache read fell from ${prevCached} to ${read} tokens (${lost} tokens of the previous cached prefix not reused)`;
  const d: TimelineDivergence & { lost: number } = {
    segment: -1,
    label: 'prefix not in the log (system prompt / tools)',
    charOffset: 0,
    tokenOffset: read,
    cause,
    excerpt: fromEvents ? `${base}; ${fromEvents.note}` : base,
    note: 'detected from the reported usage: the log does not contain the whole prompt',
    lost,
  };
  if (rule) d.code = rule.code;
  return d;
}

/** Leading links shared with the previous request are not stored again (see TimelineEntry.hashes). */
function deltaChains(input: DiffInput, prev: DiffInput | CompactInput | undefined): TimelineEntry['hashes'] {
  const n = input.hashes.length;
  let from = 0;
  let canonicalFrom = 0;
  if (prev) {
    while (from < n && input.hashes[from]?.rawChain === prev.hashes[from]?.rawChain) from++;
    while (canonicalFrom < n && input.hashes[canonicalFrom]?.canonicalChain === prev.hashes[canonicalFrom]?.canonicalChain) canonicalFrom++;
  }
  return {
    segments: n,
    from,
    rawChain: input.hashes.slice(from).map((h) => h.rawChain),
    canonicalFrom,
    canonicalChain: input.hashes.slice(canonicalFrom).map((h) => h.canonicalChain),
  };
}

/** Rebuilds every request's full raw and canonical chains from the delta-encoded timeline. */
export function expandChains(timeline: LineageTimeline): { rawChain: string[]; canonicalChain: string[] }[] {
  const out: { rawChain: string[]; canonicalChain: string[] }[] = [];
  for (const entry of timeline.requests) {
    const prev = entry.previous !== undefined ? out[entry.previous] : undefined;
    const h = entry.hashes;
    out.push({
      rawChain: [...(prev?.rawChain.slice(0, h.from) ?? []), ...h.rawChain],
      canonicalChain: [...(prev?.canonicalChain.slice(0, h.canonicalFrom) ?? []), ...h.canonicalChain],
    });
  }
  return out;
}

/** Drops the texts of a previous request, keeping what locating the next divergence needs. */
function compactInput(input: DiffInput): CompactInput {
  return {
    compact: true,
    segments: input.segments.map((seg) => ({ level: seg.level, role: seg.role, label: seg.label, text: '' })),
    hashes: input.hashes,
    tokens: input.tokens,
    ...(input.keyOrderUnknown ? { keyOrderUnknown: true } : {}),
  };
}

/**
 * Compares against a compacted previous request: where the chains part is exact, but without the old
 * text the change cannot be classified or excerpted, and the report says so.
 */
function compareCompact(a: CompactInput, b: DiffInput, opts: { gapMs?: number; ttlSeconds?: number }, count: (t: string) => number): PrefixDiff {
  const n = Math.min(a.hashes.length, b.hashes.length);
  let i = 0;
  while (i < n && a.hashes[i]?.rawChain === b.hashes[i]?.rawChain) i++;
  if (i === n && b.hashes.length >= a.hashes.length) return comparePrompts(a, b, count, opts); // no text needed
  let tokenOffset = 0;
  for (let k = 0; k < i; k++) tokenOffset += b.tokens[k] ?? 0;
  let totalA = 0;
  for (const t of a.tokens) totalA += t;
  return {
    segment: i,
    label: b.segments[i]?.label ?? a.segments[i]?.label ?? `segment ${i}`,
    charOffset: 0,
    tokenOffset,
    reusableTokens: tokenOffset,
    lostTokens: Math.max(0, totalA - tokenOffset),
    cause: 'unknown',
    excerpt: `the previous request's text was not kept (other lineages' requests in between exceeded the text budget), so the change cannot be shown`,
  };
}

function newTimeline(req: KvRequest): LineageTimeline {
  return { lineage: req.lineage, lineageSource: req.lineageSource, provider: req.provider, requests: [], tokens: 0, reusedTokens: 0, lostTokens: 0, breaks: 0 };
}

function diagnosticFor(
  req: KvRequest,
  d: TimelineDivergence,
  lost: number,
  approx: boolean,
  rules: RuleLookup | undefined,
): Diagnostic | undefined {
  const rule = CAUSE_RULES[d.cause];
  if (!rule) return undefined;
  const code = d.code ?? rule.code;
  const ruleId = code === rule.code ? rule.ruleId : code === 'KV401' ? 'no-crlf' : rule.ruleId;
  const meta = ruleMeta(ruleId, code, rules);
  const where = d.segment >= 0 ? `at '${d.label}' (char ${d.charOffset}, token ${d.tokenOffset})` : `at token ${d.tokenOffset}`;
  const diag: Diagnostic = {
    ruleId: meta.id,
    code: meta.code,
    severity: meta.severity,
    category: meta.category,
    messageId: `log-${d.cause}`,
    message: `Request ${req.index} breaks the cached prefix ${where}: ${CAUSE_TEXT[d.cause]}; ${lost.toLocaleString('en-US')} tokens of the previous request cannot be reused`,
    file: req.file,
    line: req.line,
    column: 1,
    tokenOffset: d.tokenOffset,
    tokensAtRisk: lost,
    request: req.index,
    evidence: d.excerpt,
  };
  if (d.segment >= 0) diag.segment = d.label;
  if (approx) diag.approx = true;
  return diag;
}

/** KV101 findings for timestamps anywhere in a lineage's first prompt (later ones show up as divergences). */
function timestampFindings(req: KvRequest, input: DiffInput, count: (t: string) => number, approx: boolean, rules: RuleLookup | undefined): Diagnostic[] {
  const out: Diagnostic[] = [];
  const total = input.tokens.reduce((a, b) => a + b, 0);
  let before = 0;
  req.segments.forEach((seg, i) => {
    const tokens = input.tokens[i] ?? 0;
    if (!isSynthetic(seg) && out.length < 3) {
      const hit = findTimestamp(seg.text);
      // In conversation turns only an injected, labelled date counts ("Current Date: …"); a date a user
      // writes in a question is content, not a clock.
      const injected = hit && (seg.level !== 'messages' || INJECTED_DATE.test(seg.text.slice(Math.max(0, hit.index - 48), hit.index)));
      if (hit && injected) {
        const tokenOffset = before + count(seg.text.slice(0, hit.index));
        const meta = ruleMeta('no-timestamp-in-prefix', 'KV101', rules);
        const d: Diagnostic = {
          ruleId: meta.id,
          code: meta.code,
          severity: meta.severity,
          category: meta.category,
          messageId: 'log-timestamp',
          message: `'${redact(hit.match)}' in '${seg.label}' (char ${hit.index}, token ${tokenOffset}) changes between runs and precedes ${(total - tokenOffset).toLocaleString('en-US')} prompt tokens`,
          file: req.file,
          line: req.line,
          column: 1,
          segment: seg.label,
          tokenOffset,
          tokensAtRisk: Math.max(0, total - tokenOffset),
          request: req.index,
          evidence: redact(shorten(seg.text.slice(Math.max(0, hit.index - 40), hit.index + hit.match.length + 40), 120)),
        };
        if (approx) d.approx = true;
        out.push(d);
      }
    }
    before += tokens;
  });
  return out;
}

/** Analyzes request logs: formats, lineages, timelines, and one diagnostic per classified break. */
export async function analyzeLogs(inputs: { abs: string; rel: string }[], opts: AnalyzeOptions): Promise<LogAnalysis> {
  const { analysis, timelines } = await analyzeLogsCompact(inputs, opts);
  return expandTimelines(analysis, timelines);
}

/**
 * analyzeLogs with the timelines' entries left as columns (every lineage's `requests` is empty): what a
 * worker hands to the main thread, which expands them (see timeline-store.ts).
 */
export async function analyzeLogsCompact(inputs: { abs: string; rel: string }[], opts: AnalyzeOptions): Promise<{ analysis: LogAnalysis; timelines: TimelineTransport }> {
  const { tokenizer } = opts;
  const store = new TimelineStore();
  const count = (t: string): number => tokenizer.count(t);
  const files: LogFileSummary[] = [];
  const problems: InputProblem[] = [];
  const diagnostics: Diagnostic[] = [];
  const lineages = new Map<string, LineageState>();
  /** canonical hash and token count per distinct segment, so repeated prompts are processed once */
  const memo = new SegmentMemo();
  /** lineages whose previous request still has its texts (→ textRead at its end), least recently active first */
  const withText = new Map<string, number>();
  /** request text read so far, every request counted, in shard or not (see TEXT_BUDGET) */
  let textRead = 0;
  const textBudget = opts.textBudget ?? TEXT_BUDGET;
  const responseLineage = new Map<string, string>();
  let requestsRead = 0; // for opts.onProgress
  const problem = (p: InputProblem): void => {
    problems.push(p);
    opts.onProblem?.(p);
  };
  const blockSizes = opts.blockSizes ?? [];
  let batch: RequestRecord[] = [];
  /** textRead before each request of `batch` */
  let batchTextBefore: number[] = [];
  let batchChars = 0;
  let uniqueChars = 0;
  let totalChars = 0;
  const workers = opts.workers ?? availableParallelism();
  let pool: TokenizerPool | undefined;
  let inflight: { counting: Promise<void>; batch: RequestRecord[]; textBefore: number[] } | undefined;
  const idCache = blockSizes.length > 0 ? new TokenIdCache(await loadEncoder(tokenizer.encoding)) : undefined;

  for (const input of inputs) {
    const summary: LogFileSummary = { file: input.rel, requests: 0, skipped: {} };
    files.push(summary);
    let format;
    try {
      format = await detectLogFormat(input.abs, input.rel, opts.maxLineBytes);
    } catch (e) {
      summary.rejected = `cannot read: ${(e as Error).message}`;
      problem({ code: 'KVE301', file: input.rel, message: summary.rejected });
      continue;
    }
    if (!format) {
      summary.rejected = 'not a recognized request-log format';
      problem({ code: 'KVE305', file: input.rel, message: summary.rejected });
      continue;
    }
    const rejection = REJECTIONS[format];
    if (rejection) {
      summary.rejected = rejection;
      problem({ code: 'KVE305', file: input.rel, message: rejection });
      continue;
    }
    summary.format = format;
    const notes: string[] = [];
    let fileBytes = 0;
    let index = 0; // every request's place in its file, in every shard alike
    try {
      for await (const out of ingestLog(input.abs, input.rel, format, {
        ...(opts.documentLimit !== undefined ? { documentLimit: opts.documentLimit } : {}),
        ...(opts.maxLineBytes !== undefined ? { maxLineBytes: opts.maxLineBytes } : {}),
        ...(opts.maxDepth !== undefined ? { maxDepth: opts.maxDepth } : {}),
        onFileNote: (n) => notes.push(n),
        onBytes: (n) => (fileBytes = n),
        siblings: inputs,
      })) {
        if (out.kind === 'skip') {
          summary.skipped[out.reason] = (summary.skipped[out.reason] ?? 0) + 1;
          continue;
        }
        if (out.kind === 'bad') {
          summary.skipped['malformed record'] = (summary.skipped['malformed record'] ?? 0) + 1;
          problem({ code: 'KVE306', file: input.rel, line: out.line, message: out.message });
          continue;
        }
        out.request.index = index++;
        opts.onProgress?.({ file: input.rel, fileBytes, requests: ++requestsRead });
        followResponseChain(out);
        let size = 0;
        for (const seg of out.request.segments) size += seg.text.length;
        textRead += size;
        if (!inShard(out.request.lineage, opts.shard)) continue;
        summary.requests++;
        batch.push(out);
        batchTextBefore.push(textRead - size);
        batchChars += size;
        if (!pool || batchChars >= BATCH_CHARS) await flush();
      }
    } catch (e) {
      const err = e instanceof KvlintError ? e : new KvlintError('KVE301', (e as Error).message, { file: input.rel });
      summary.rejected = err.message;
      problem({ code: err.code, file: input.rel, ...(err.line !== undefined ? { line: err.line } : {}), message: err.message });
    }
    // what was read before a broken stream is still analyzed
    await flush(true);
    if (notes.length > 0) summary.notes = notes;
  }
  await pool?.close();

  /**
   * Hands the current batch to the counter and processes the previous one once its counts are in, so
   * the workers tokenize batch N while the main thread parses batch N+1. Requests are processed in
   * read order; counts are the same as on the main thread. `final` drains everything.
   */
  async function flush(final = false): Promise<void> {
    const current = batch;
    const currentTextBefore = batchTextBefore;
    batch = [];
    batchTextBefore = [];
    batchChars = 0;
    const counting = current.length ? countNewTexts(current) : undefined;
    if (inflight) {
      await inflight.counting;
      inflight.batch.forEach((rec, k) => processRequest(rec, inflight!.textBefore[k]!));
      inflight = undefined;
    }
    if (counting) inflight = { counting, batch: current, textBefore: currentTextBefore };
    if (final && inflight) {
      await inflight.counting;
      inflight.batch.forEach((rec, k) => processRequest(rec, inflight!.textBefore[k]!));
      inflight = undefined;
    }
  }

  /** Counts the tokens of every segment text of a batch not seen (or sent) before: in workers when it pays. */
  async function countNewTexts(recs: RequestRecord[]): Promise<void> {
    const todo: { entry: MemoEntry; text: string }[] = [];
    for (const rec of recs) {
      for (const seg of rec.request.segments) {
        totalChars += seg.text.length;
        if (isSynthetic(seg)) continue;
        const entry = memo.get(segmentHash(seg));
        if (entry.tokens === undefined && !entry.pending) {
          entry.pending = true;
          todo.push({ entry, text: seg.text });
        }
      }
    }
    uniqueChars += todo.reduce((n, t) => n + t.text.length, 0);
    if (!pool && workers > 1 && uniqueChars >= (opts.workersAfter ?? POOL_AFTER_CHARS) && uniqueChars >= UNIQUE_SHARE * totalChars) {
      pool = new TokenizerPool(tokenizer.encoding, workers);
    }
    const counts = pool && todo.length > 1 ? await pool.countMany(todo.map((t) => t.text)) : todo.map((t) => count(t.text));
    todo.forEach((t, k) => {
      t.entry.tokens = counts[k];
      t.entry.pending = false;
    });
  }

  /**
   * Responses API chains: a request continuing a recorded response joins that response's lineage. Done
   * as each request is read, before the shard filter, so a chain stays whole in the shard of its start.
   */
  function followResponseChain(rec: RequestRecord): void {
    const req = rec.request;
    const chained = req.segments.find((s) => s.role === 'server-state')?.text;
    const chainedLineage = chained !== undefined ? responseLineage.get(chained) : undefined;
    if (chainedLineage !== undefined) {
      req.lineage = chainedLineage;
      req.lineageSource = 'previous_response_id';
    }
    if (rec.responseId) responseLineage.set(rec.responseId, req.lineage);
  }

  /** `textBefore`: textRead when the request was read, before its own text. */
  function processRequest(rec: RequestRecord, textBefore: number): void {
    const req = rec.request;
    // Texts read longer ago than the budget are dropped (first the lineages idle longest), this one's
    // previous request's among them if so: decided by text read, never by what else is kept.
    for (const [lineage, end] of withText) {
      if (end >= textBefore - textBudget) break;
      withText.delete(lineage);
      const o = lineages.get(lineage)?.prev;
      if (o && !('compact' in o.input)) o.input = compactInput(o.input);
    }
    const input = diffInput(req, count, memo);
    const counted = input.tokens.reduce((a, b) => a + b, 0);
    const incomplete = rec.promptIncomplete === true;
    const approx = tokenizer.approx || encodingForModel(req.model).approx || incomplete;
    const total = incomplete && req.usage ? totalInput(req.usage) : counted;
    let state = lineages.get(req.lineage);
    if (!state) {
      state = { timeline: newTimeline(req), count: 0, first: { file: req.file, index: req.index } };
      lineages.set(req.lineage, state);
    }
    const tl = state.timeline;
    const prev = state.prev;
    const entry: TimelineEntry = {
      index: req.index,
      file: req.file,
      line: req.line,
      tokens: total,
      approx,
      reusedTokens: 0,
      lostTokens: 0,
      hashes: deltaChains(input, prev?.input),
    };
    if (req.time !== undefined) entry.time = req.time;
    if (req.model) entry.model = req.model;
    if (req.usage) entry.usage = req.usage;
    if (rec.notes) entry.notes = rec.notes;
    if (req.diagnostics) entry.providerDiagnostics = req.diagnostics;

    let shared = 0;
    if (prev) {
      entry.previous = prev.timelineIndex;
      const gapMs = req.time !== undefined && prev.time !== undefined ? req.time - prev.time : undefined;
      const ttl = ttlFor(req, opts.ttlSeconds);
      const copts = { ...(gapMs !== undefined ? { gapMs } : {}), ...(ttl !== undefined ? { ttlSeconds: ttl } : {}) };
      const diff: PrefixDiff = 'compact' in prev.input ? compareCompact(prev.input, input, copts, count) : comparePrompts(prev.input, input, count, copts);
      shared = diff.cause === 'ttl-gap' ? Math.min(prev.total, counted) : diff.reusableTokens;
      const ub = incomplete && (diff.cause === 'append-only' || diff.cause === 'identical') ? usageBreak(prev, rec, gapMs, ttl) : undefined;
      let div: TimelineDivergence | undefined;
      let lost: number;
      if (ub) {
        const { lost: l, ...d } = ub;
        div = d;
        lost = l;
        entry.reusedTokens = req.usage?.cacheReadTokens ?? 0;
      } else if (incomplete && req.usage && prev.usage && !isBreak(diff.cause)) {
        // the body shows nothing new and usage shows no shrink: reuse is what the provider reported
        entry.reusedTokens = req.usage.cacheReadTokens ?? diff.reusableTokens;
        lost = 0;
      } else {
        entry.reusedTokens = diff.reusableTokens;
        lost = diff.lostTokens;
        if (isBreak(diff.cause)) {
          div = { segment: diff.segment, label: diff.label, charOffset: diff.charOffset, tokenOffset: diff.tokenOffset, cause: diff.cause, excerpt: diff.excerpt };
          if (diff.code) div.code = diff.code;
        }
      }
      entry.lostTokens = lost;
      if (div) {
        entry.divergence = div;
        tl.breaks++;
        const d = diagnosticFor(req, div, lost, approx, opts.rules);
        if (d) diagnostics.push(d);
      }
    } else {
      diagnostics.push(...timestampFindings(req, input, count, approx, opts.rules));
    }

    let chains: Map<number, BlockChain> | undefined;
    if (idCache && blockSizes.length > 0) {
      const ids = req.segments.map((s) => (isSynthetic(s) ? new Uint32Array(0) : idCache.get(segmentHash(s), s.text)));
      chains = new Map();
      const blocks: NonNullable<TimelineEntry['hashes']['blocks']> = {};
      for (const size of blockSizes) {
        const p = prev?.chains?.get(size);
        const chain = blockChain(ids, size, p ? { chain: p, sharedTokens: shared } : undefined);
        chains.set(size, chain);
        const last = chain.hashes[chain.hashes.length - 1];
        blocks[String(size)] = { count: chain.hashes.length, reused: chain.reused, ...(last ? { last } : {}) };
      }
      entry.hashes.blocks = blocks;
    }

    store.add(req.lineage, entry);
    const timelineIndex = state.count++;
    opts.onRequest?.(req, input, entry, incomplete);
    tl.tokens += entry.tokens;
    tl.reusedTokens += entry.reusedTokens;
    tl.lostTokens += entry.lostTokens;
    // Keep only what the next comparison needs; the older request's texts are dropped here.
    const textEnd = textBefore + req.segments.reduce((n, seg) => n + seg.text.length, 0);
    const next: PrevState = { input, total: counted, timelineIndex };
    if (req.time !== undefined) next.time = req.time;
    if (req.usage) next.usage = req.usage;
    if (chains) next.chains = chains;
    state.prev = next;
    withText.delete(req.lineage);
    withText.set(req.lineage, textEnd);
  }

  const states = [...lineages.values()];
  const first = new Map(states.map((s) => [s.timeline, s.first]));
  const analysis = assembleAnalysis(files, states.map((s) => s.timeline), diagnostics, problems, { first: (t) => first.get(t), approx: store.approx });
  return { analysis, timelines: store.transport() };
}
