// Request-log analysis: every file is detected and streamed through its adapter; each request is compared
// with its nearest prior — the earlier request, in any session, that shares its longest prefix (one prefix
// index per cache scope: src/prefix/prefix-index.ts) — for the first divergence, its cause and the tokens
// reused or lost. Classified breaks go through the one rule engine's pair pass (src/engine/pair.ts) and
// become findings grouped by rule and place. Lineages (sessions, conversations) group the timelines the
// report shows; they are never a cache boundary (spec/providers.md §9.1).
import type { InputProblem } from '../errors.js';
import { KvlintError } from '../errors.js';
import type { Diagnostic, KvRequest } from '../model.js';
import { assembleAnalysis } from './assemble.js';
import { expandTimelines, TimelineStore, type TimelineTransport } from './timeline-store.js';
import { blockChain, loadEncoder, TokenIdCache, type BlockChain } from '../prefix/blocks.js';
import { availableParallelism } from 'node:os';
import { SegmentHasher, SegmentMemo } from '../prefix/hash.js';
import { comparePrompts, diffInput, isBreak, type DiffInput, type DivergenceCause, type PrefixDiff } from '../prefix/diff.js';
import type { NearestPrior } from '../prefix/prefix-index.js';
import { PriorFinder, type CompactInput, type PrevState } from './priors.js';
import { LineageTable } from './lineage-table.js';
import { pairRules, runPair, type PairRules } from '../engine/pair.js';
import type { LoadedRule, RuleSettings } from '../engine/rule.js';
import { loadRules } from '../engine/registry.js';
import { encodingForModel, type Tokenizer } from '../tokenize/index.js';
import { getPath, isSynthetic } from './api/common.js';
import { Batcher } from './batcher.js';
import { Findings } from './findings.js';
import { countAgreement, emptyAgreement } from './provider-diagnostics.js';
import { detectLogFormat, ingestLog, REJECTIONS } from './ingest.js';
import type { PrestartedReaders } from './read.js';
import type { LineageTimeline, LogAnalysis, LogEvent, LogFileSummary, RequestRecord, TimelineDivergence, TimelineEntry } from './types.js';
import { totalInput } from './usage.js';
import { inShard, type Shard } from '../shard.js';

export { POOL_AFTER_CHARS } from './batcher.js';

export interface AnalyzeOptions {
  /** called after each request is read: the file, its bytes read so far, requests read in all (progress bar) */
  onProgress?: (p: { file: string; fileBytes: number; requests: number }) => void;
  tokenizer: Tokenizer;
  /** cache TTL to apply to every request; default: 300 s for Anthropic and Bedrock (or 3600 when a 1h marker is used), none for others */
  ttlSeconds?: number;
  /** the log is replayed through a self-hosted engine: its pool evicts by size (LRU), never by age */
  engine?: boolean;
  onProblem?: (p: InputProblem) => void;
  /** token-block sizes to hash (e.g. [16, 64, 128]); none by default */
  blockSizes?: number[];
  /** the rules (default: the built-in ones) and the settings config resolved for each log file */
  rules?: readonly LoadedRule[];
  settingsFor?: (file: string) => RuleSettings | undefined;
  /** size limit for whole documents (YAML/JSON), bytes */
  documentLimit?: number;
  /** longest JSONL line, bytes (default DEFAULT_LIMITS.maxLineBytes in src/limits.ts) */
  maxLineBytes?: number;
  /** deepest nesting of a log record or document (default DEFAULT_LIMITS.maxDepth) */
  maxDepth?: number;
  /** how much request text (code units) may be read after a request for its text to be kept (default TEXT_BUDGET) */
  textBudget?: number;
  /** tokenizer worker threads for text never seen before (default: one per core; 0 or 1: main thread only) */
  workers?: number;
  /** unique text (code units) after which workers start (default POOL_AFTER_CHARS) */
  workersAfter?: number;
  /**
   * a field (dotted path) that splits the log into cache scopes, e.g. `metadata.api_key_hash`: read from the
   * log record, else its request body; or `:file`, one scope per input file (recordings of separate apps or
   * runs). Requests of different scopes never share a cached prefix.
   */
  cacheScope?: string;
  /** --group-by: fields (as --cache-scope reads them, or `:file`) whose values each request carries in `groups` */
  groupBy?: readonly string[];
  /**
   * report only the lineages whose key hashes to this shard (src/shard.ts). Every request is still read,
   * indexed and replayed — the cache is shared by all traffic — so a shard's figures are exactly its part
   * of the single run's.
   */
  shard?: Shard;
  /** reader threads started ahead for large files (the log worker's; see PrestartedReaders) */
  readers?: PrestartedReaders;
  /** every request once analyzed, in arrival order (the cost projection replays them) */
  onRequest?: (req: KvRequest, input: DiffInput, entry: TimelineEntry, facts: RequestFacts) => void;
}

/** What the analysis established about a request, for the cache replay. */
export interface RequestFacts {
  /** the body is not the whole prompt */
  incomplete: boolean;
  /** reported in this shard (always true without --shard) */
  inShard: boolean;
  /** the prefix index's id of each segment's chain link: equal ids ⇔ identical prefixes in one scope */
  chainIds: Int32Array;
  /** the nearest prior's place in arrival order, and the tokens shared with it (token-exact) */
  prior?: { seq: number; segments: number; tokens: number };
  /**
   * with the breaker of this divergence fixed, the request would share its first `segments` segments with
   * request `seq` (the nearest prior, or the previous request of its lineage when that shares more)
   */
  fixed?: { seq: number; segments: number; cause: DivergenceCause };
  /** the cache scope (--cache-scope), when the log is split */
  scope?: string;
  /** the finding this request's break was reported under: its first occurrence's file, line and code */
  finding?: string;
}

/**
 * The latest request of each lineage keeps its text, for the next requests' comparisons, while less than
 * this much request text (UTF-16 code units) has been read since; after that only its hashes and counts
 * remain. Logs interleave sessions: the texts kept were all read within the last TEXT_BUDGET, so they
 * hold about that much.
 */
export const TEXT_BUDGET = 4 * 1024 * 1024;

/** Anthropic's default cache TTL (providers.md §1.5): 5 minutes, refreshed on each use. */
export const ANTHROPIC_DEFAULT_TTL_S = 300;

/** A drop in cached tokens smaller than this share of the previous cached prefix is noise, not a break. */
const USAGE_TOLERANCE = 0.01;

/** Causes whose breaker a prompt change can remove, and so the projection can "fix". */
export const FIXABLE_CAUSES: ReadonlySet<string> = new Set([
  'timestamp',
  'identifier',
  'user-data',
  'environment',
  'whitespace',
  'line-endings',
  'unicode-normalization',
  'key-order',
  'tool-reorder',
  'few-shot',
]);

/** The TTL that applies to a request, in seconds, or undefined when no TTL gap is modelled. */
function ttlFor(req: KvRequest, override?: number): number | undefined {
  if (override !== undefined) return override;
  if (req.provider !== 'anthropic' && req.provider !== 'bedrock') return undefined;
  let ttl = ANTHROPIC_DEFAULT_TTL_S;
  for (const s of req.segments) if (s.cacheMarker?.ttl === '1h') ttl = 3600;
  return ttl;
}

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
 * cached tokens than the previous request of the conversation had cached. Undefined when usage shows no shrink.
 */
function usageBreak(prev: PrevState, rec: RequestRecord, gapMs: number | undefined, ttl: number | undefined, rules: PairRules): (TimelineDivergence & { lost: number }) | undefined {
  const u = rec.request.usage;
  const prevCached = prev.cached;
  if (!u || prevCached === undefined || u.cacheReadTokens === undefined) return undefined;
  const read = u.cacheReadTokens;
  const lost = prevCached - read;
  if (prevCached === 0 || lost <= Math.max(1, prevCached * USAGE_TOLERANCE)) return undefined;
  const fromEvents = causeFromEvents(rec.events);
  const overTtl = gapMs !== undefined && ttl !== undefined && gapMs / 1000 > ttl;
  const cause: DivergenceCause = fromEvents?.cause ?? (overTtl ? 'ttl-gap' : 'unknown');
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
  const rule = rules.ruleFor(cause)?.rule;
  if (rule) d.code = rule.code;
  return d;
}

/** Leading links shared with the previous request of the lineage are not stored again (see TimelineEntry.hashes). */
function deltaChains(input: DiffInput, prev: DiffInput | undefined): TimelineEntry['hashes'] {
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

function sumTokens(tokens: readonly number[], end: number): number {
  let t = 0;
  for (let k = 0; k < end && k < tokens.length; k++) t += tokens[k] ?? 0;
  return t;
}

/**
 * The divergence from a prior whose text is no longer kept: where the chains part is exact (whole
 * segments, plus the characters the index saw shared), but the change cannot be classified or shown.
 */
function compareWithoutText(prior: NearestPrior, priorTotal: number, b: DiffInput, count: (t: string) => number, same: boolean): PrefixDiff {
  const n = b.segments.length;
  const k = prior.segments;
  let tokenOffset = sumTokens(b.tokens, k);
  if (k >= n) {
    return { segment: -1, label: '', charOffset: 0, tokenOffset, reusableTokens: tokenOffset, lostTokens: Math.max(0, priorTotal - tokenOffset), cause: priorTotal > tokenOffset ? 'branch' : 'identical', excerpt: '' };
  }
  const seg = b.segments[k]!;
  if (prior.chars > 0 && !isSynthetic(seg)) tokenOffset += Math.max(0, count(seg.text.slice(0, prior.chars)) - 1);
  return {
    segment: k,
    label: seg.label,
    charOffset: prior.chars,
    tokenOffset,
    reusableTokens: tokenOffset,
    lostTokens: Math.max(0, priorTotal - tokenOffset),
    cause: same ? 'unknown' : 'branch',
    excerpt: 'the earlier request\'s text was not kept (requests read in between exceeded the text budget), so the change cannot be shown',
  };
}

/** Against a compacted request of the same conversation: exact where the chains part, unclassified. */
function compareCompact(a: CompactInput, b: DiffInput, opts: Parameters<typeof comparePrompts>[3], count: (t: string) => number): PrefixDiff {
  const n = Math.min(a.hashes.length, b.hashes.length);
  let i = 0;
  while (i < n && a.hashes[i]?.rawChain === b.hashes[i]?.rawChain) i++;
  if (i === n && b.hashes.length >= a.hashes.length) return comparePrompts(a, b, count, opts); // no text needed
  return compareWithoutText({ seq: -1, segments: i, chars: 0 }, sumTokens(a.tokens, a.tokens.length), b, count, opts?.sameLineage !== false);
}

/**
 * How many leading segments `cur` would share with `prior` once the breaker at `segment` is fixed: the
 * divergent segment itself, then every segment equal to the prior's (or, for reformat causes, equal in
 * canonical form; for a reorder, any tool).
 */
function fixedShare(segment: number, cause: string, cur: DiffInput, prior: DiffInput): number {
  const n = Math.min(cur.hashes.length, prior.hashes.length);
  let k = segment;
  while (k < n) {
    const a = cur.hashes[k]!;
    const b = prior.hashes[k]!;
    const same =
      k === segment ||
      a.raw === b.raw ||
      ((cause === 'key-order' || cause === 'whitespace' || cause === 'line-endings' || cause === 'unicode-normalization') && a.canonical === b.canonical) ||
      (cause === 'tool-reorder' && cur.segments[k]?.level === 'tools' && cur.segments[k]?.role === 'tool' && prior.segments[k]?.role === 'tool');
    if (!same) break;
    k++;
  }
  return k;
}

/** `--cache-scope :file`: every input file is a cache scope of its own. */
export const FILE_SCOPE = ':file';

/** The value of --cache-scope for a record: on the record, else its request body. */
export function scopeOf(record: unknown, field: string): string | undefined {
  for (const root of [record, getPath(record, 'request'), getPath(record, 'body'), getPath(record, 'request.body')]) {
    const v = root === undefined ? undefined : getPath(root, field);
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v);
  }
  return undefined;
}

/** Analyzes request logs: formats, lineages, timelines, and one diagnostic per rule and place. */
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
  const lineages = new LineageTable();
  const run = { hasher: new SegmentHasher(), memo: new SegmentMemo() };
  const allRules = opts.rules ?? loadRules();
  const rulesByFile = new Map<string, PairRules>();
  const rulesFor = (file: string): PairRules => {
    let r = rulesByFile.get(file);
    if (!r) {
      r = pairRules(allRules, opts.settingsFor?.(file));
      rulesByFile.set(file, r);
    }
    return r;
  };
  const priors = new PriorFinder(opts.textBudget ?? TEXT_BUDGET);
  const findings = new Findings();
  const agreement = emptyAgreement();
  let nextSeq = 0;
  let textRead = 0;
  const responseLineage = new Map<string, string>();
  let requestsRead = 0; // for opts.onProgress
  const problem = (p: InputProblem): void => {
    problems.push(p);
    opts.onProblem?.(p);
  };
  const blockSizes = opts.blockSizes ?? [];
  const idCache = blockSizes.length > 0 ? new TokenIdCache(await loadEncoder(tokenizer.encoding)) : undefined;
  const batcher = new Batcher({
    tokenizer,
    ...run,
    workers: opts.workers ?? availableParallelism(),
    ...(opts.workersAfter !== undefined ? { workersAfter: opts.workersAfter } : {}),
    process: processRequest,
  });

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
        ...(opts.readers ? { readers: opts.readers } : {}),
        ...(opts.cacheScope !== undefined && opts.cacheScope !== FILE_SCOPE ? { scopeOf: (record: unknown) => scopeOf(record, opts.cacheScope!) } : {}),
        ...(opts.groupBy?.length ? { groupsOf: (record: unknown) => opts.groupBy!.map((f) => (f === FILE_SCOPE ? null : (scopeOf(record, f) ?? null))) } : {}),
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
        if (opts.cacheScope === FILE_SCOPE) out.request.scope = input.rel;
        if (opts.groupBy?.length) out.request.groups = opts.groupBy.map((f, k) => (f === FILE_SCOPE ? input.rel : (out.request.groups?.[k] ?? null)));
        opts.onProgress?.({ file: input.rel, fileBytes, requests: ++requestsRead });
        followResponseChain(out);
        let size = 0;
        for (const seg of out.request.segments) size += seg.text.length;
        textRead += size;
        if (inShard(out.request.lineage, opts.shard)) summary.requests++;
        await batcher.add(out, textRead - size, size);
      }
    } catch (e) {
      const err = e instanceof KvlintError ? e : new KvlintError('KVE301', (e as Error).message, { file: input.rel });
      summary.rejected = err.message;
      problem({ code: err.code, file: input.rel, ...(err.line !== undefined ? { line: err.line } : {}), message: err.message });
    }
    // what was read before a broken stream is still analyzed
    await batcher.flush(true);
    if (notes.length > 0) summary.notes = notes;
  }
  await batcher.close();

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

  /** Runs the pair pass for one classified break and records what the rule reports. */
  function lintBreak(req: KvRequest, div: TimelineDivergence, lost: number, approx: boolean, prior: { lineage: string }, gapMs: number | undefined, ttl: number | undefined): string | undefined {
    const pair = rulesFor(req.file).ruleFor(div.cause);
    if (!pair || pair.severity === 'off') return undefined;
    const subject = {
      divergence: div,
      prior: { lineage: prior.lineage, sameLineage: prior.lineage === req.lineage },
      current: { lineage: req.lineage },
      lostTokens: lost,
      ...(gapMs !== undefined ? { gapSeconds: gapMs / 1000 } : {}),
      ...(ttl !== undefined ? { ttlSeconds: ttl } : {}),
    };
    const messageId = runPair(pair.rule, subject);
    return messageId ? findings.add(pair.rule, pair.severity as Diagnostic['severity'], messageId, req, div, lost, approx) : undefined;
  }

  /** `textBefore`: request text read before this request's own. */
  function processRequest(rec: RequestRecord, textBefore: number): void {
    const req = rec.request;
    priors.dropOld(textBefore, (lineage, seq) => lineages.pack(lineage, seq));
    const rules = rulesFor(req.file);
    const input = diffInput(req, count, run);
    const counted = sumTokens(input.tokens, input.tokens.length);
    const incomplete = rec.promptIncomplete === true;
    const approx = tokenizer.approx || encodingForModel(req.model).approx || incomplete;
    const total = incomplete && req.usage ? totalInput(req.usage) : counted;
    const seq = nextSeq++;
    const scope = req.scope;
    const reported = inShard(req.lineage, opts.shard);
    // lineages outside this shard are read and indexed too (not reported): their requests may be priors
    const lineage = lineages.find(req.lineage) ?? lineages.open(req, reported);
    const prev = lineages.prev(lineage);
    const choice = priors.choose(seq, req, input, prev);
    const { prior, priorInput, priorLineage, same, prevInput } = choice;
    const gapMs = prior?.lastUsed !== undefined && req.time !== undefined ? req.time - prior.lastUsed : undefined;
    const ttl = opts.engine ? undefined : ttlFor(req, opts.ttlSeconds);
    const copts = { ...(gapMs !== undefined ? { gapMs } : {}), ...(ttl !== undefined ? { ttlSeconds: ttl } : {}), sameLineage: same, rules };
    let diff: PrefixDiff | undefined;
    if (prior) {
      if (priorInput) diff = 'compact' in priorInput ? compareCompact(priorInput as CompactInput, input, copts, count) : comparePrompts(priorInput, input, count, copts);
      else diff = compareWithoutText(prior, priors.totalOf(prior.seq), input, count, same);
    }
    const textEnd = textBefore + req.segments.reduce((n, seg) => n + seg.text.length, 0);
    const chainIds = priors.record(choice, req, input, counted, textEnd, prev?.seq);

    const entry: TimelineEntry = {
      index: req.index,
      file: req.file,
      line: req.line,
      tokens: total,
      approx,
      reusedTokens: 0,
      lostTokens: 0,
      hashes: deltaChains(input, prevInput),
    };
    if (req.time !== undefined) entry.time = req.time;
    if (req.model) entry.model = req.model;
    if (req.usage) entry.usage = req.usage;
    if (rec.notes) entry.notes = rec.notes;
    if (req.diagnostics) entry.providerDiagnostics = req.diagnostics;
    if (prev && reported) entry.previous = prev.timelineIndex;
    if (prior && prior.seq !== prev?.seq) entry.prior = priors.whereOf(prior.seq);

    const facts: RequestFacts = { incomplete, inShard: reported, chainIds };
    if (scope !== undefined) facts.scope = scope;
    if (prior && diff) {
      entry.reusedTokens = diff.reusableTokens;
      entry.lostTokens = diff.lostTokens;
      // what the two share, whatever the TTL did to it (the replay decides what is still cached)
      const sharedTokens = diff.cause === 'ttl-gap' ? Math.min(priors.totalOf(prior.seq), counted) : diff.reusableTokens;
      facts.prior = { seq: prior.seq, segments: diff.segment >= 0 && diff.cause !== 'ttl-gap' ? diff.segment : Math.min(prior.segments, input.hashes.length), tokens: sharedTokens };
      let div: TimelineDivergence | undefined;
      let lost = diff.lostTokens;
      const ub = incomplete && prev && (diff.cause === 'append-only' || diff.cause === 'identical') ? usageBreak(prev, rec, gapMs, ttl, rules) : undefined;
      if (ub) {
        const { lost: l, ...d } = ub;
        div = d;
        lost = l;
        entry.reusedTokens = req.usage?.cacheReadTokens ?? 0;
      } else if (incomplete && req.usage && prev?.cached !== undefined && !isBreak(diff.cause)) {
        // the body shows nothing new and usage shows no shrink: reuse is what the provider reported
        entry.reusedTokens = req.usage.cacheReadTokens ?? diff.reusableTokens;
        lost = 0;
      } else if (diff.cause !== 'append-only' && diff.cause !== 'identical' && (diff.cause !== 'branch' || priorLineage === req.lineage)) {
        // (a new conversation on another lineage's shared prefix is no divergence of its own: it reuses that
        // prefix, and on a log of one-request sessions a record for each was most of the timeline's memory)
        div = { segment: diff.segment, label: diff.label, charOffset: diff.charOffset, tokenOffset: diff.tokenOffset, cause: diff.cause, excerpt: diff.excerpt };
        if (diff.code) div.code = diff.code;
      }
      entry.lostTokens = lost;
      if (div) entry.divergence = div;
      if (req.diagnostics && reported) countAgreement(agreement, req.diagnostics, div, div && div.segment >= 0 ? input.segments[div.segment]?.level : undefined, req);
      if (div && isBreak(div.cause)) {
        if (reported) lineages.addBreak(lineage);
        // every shard finds every finding (its requests may be in any lineage); each is reported by the
        // shard of its first request's lineage, so shards merge into the single run
        const finding = lintBreak(req, div, lost, approx, { lineage: priorLineage }, gapMs, ttl);
        if (finding) facts.finding = finding;
        if (FIXABLE_CAUSES.has(div.cause) && div.segment >= 0 && priorInput) {
          let best = { seq: prior.seq, segments: fixedShare(div.segment, div.cause, input, priorInput) };
          // the previous request of the conversation may share more once the breaker is gone
          if (prev && prev.seq !== prior.seq && choice.sharedWithPrev === div.segment) {
            const n = fixedShare(div.segment, div.cause, input, prevInput!);
            if (n > best.segments) best = { seq: prev.seq, segments: n };
          }
          facts.fixed = { ...best, cause: div.cause };
        }
      }
      // A content break and an expired cache are both true of one request: a TTL gap is its own finding.
      const expired = gapMs !== undefined && ttl !== undefined && gapMs / 1000 > ttl && diff.reusableTokens > 0;
      if (expired && diff.cause !== 'ttl-gap' && div?.cause !== 'ttl-gap') {
        const ttlDiv: TimelineDivergence = {
          segment: 0,
          label: 'whole prompt',
          charOffset: 0,
          tokenOffset: 0,
          cause: 'ttl-gap',
          excerpt: `${Math.round(gapMs / 1000)} s since the shared prefix was last used, over the ${ttl} s cache TTL`,
        };
        lintBreak(req, ttlDiv, diff.reusableTokens, approx, { lineage: priorLineage }, gapMs, ttl);
      }
    }

    let chains: Map<number, BlockChain> | undefined;
    if (idCache && blockSizes.length > 0) {
      const ids = req.segments.map((s) => (isSynthetic(s) ? new Uint32Array(0) : idCache.get(run.hasher.segmentHash(s), s.text)));
      chains = new Map();
      const blocks: NonNullable<TimelineEntry['hashes']['blocks']> = {};
      for (const size of blockSizes) {
        const p = prev?.chains?.get(size);
        const chain = blockChain(ids, size, p && prior?.seq === prev?.seq ? { chain: p, sharedTokens: entry.reusedTokens } : undefined);
        chains.set(size, chain);
        const last = chain.hashes[chain.hashes.length - 1];
        blocks[String(size)] = { count: chain.hashes.length, reused: chain.reused, ...(last ? { last } : {}) };
      }
      entry.hashes.blocks = blocks;
    }

    opts.onRequest?.(req, input, entry, facts);
    const next: PrevState = {
      seq,
      input,
      ids: chainIds,
      scope,
      total: counted,
      time: req.time,
      cached: req.usage ? (req.usage.cacheReadTokens ?? 0) + (req.usage.cacheWriteTokens ?? 0) : undefined,
      chains,
      timelineIndex: lineages.entries(lineage),
    };
    if (reported) {
      store.add(req.lineage, entry);
      lineages.addEntry(lineage, entry);
    }
    lineages.setPrev(lineage, next);
  }

  const states = lineages.timelines();
  const first = new Map(states.map((s) => [s.timeline, s.first]));
  const diagnostics = findings.diagnostics((lineage) => inShard(lineage, opts.shard));
  const analysis = assembleAnalysis(files, states.map((s) => s.timeline), diagnostics, problems, { first: (t) => first.get(t), approx: store.approx }, agreement);
  return { analysis, timelines: store.transport() };
}
