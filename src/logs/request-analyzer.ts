// One request's analysis, in arrival order: its nearest prior (src/logs/priors.ts), the first divergence
// from it and its cause (src/prefix/diff.ts), the pair pass of the rule a classified break belongs to
// (src/engine/pair.ts) and the finding it joins (src/logs/findings.ts), its timeline entry
// (src/logs/timeline-store.ts) and what the cost projection needs of it (RequestFacts). The read loop
// that feeds it, file by file, is src/logs/analyze.ts.
import type { Diagnostic, KvRequest } from '../model.js';
import { blockChain, loadEncoder, TokenIdCache, type BlockChain } from '../prefix/blocks.js';
import { SegmentHasher, SegmentMemo } from '../prefix/hash.js';
import { comparePrompts, diffInput, isBreak, type DiffInput, type DivergenceCause, type PrefixDiff } from '../prefix/diff.js';
import type { NearestPrior } from '../prefix/prefix-index.js';
import { pairRules, runPair, type PairRules } from '../engine/pair.js';
import type { LoadedRule, RuleSettings } from '../engine/rule.js';
import { encodingForModel, type Tokenizer } from '../tokenize/index.js';
import { inShard, type Shard } from '../shard.js';
import { isSynthetic } from './api/common.js';
import { Findings } from './findings.js';
import { LineageTable } from './lineage-table.js';
import { PriorFinder, type CompactInput, type PrevState } from './priors.js';
import { countAgreement, emptyAgreement, type ProviderAgreement } from './provider-diagnostics.js';
import { TimelineStore, type TimelineTransport } from './timeline-store.js';
import type { LineageTimeline, LogEvent, RequestRecord, TimelineDivergence, TimelineEntry } from './types.js';
import { totalInput } from './usage.js';

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

/** What the per-request analysis needs of the run's options (see AnalyzeOptions in ./analyze.ts). */
export interface RequestAnalyzerOptions {
  tokenizer: Tokenizer;
  ttlSeconds?: number;
  engine?: boolean;
  blockSizes?: number[];
  rules: readonly LoadedRule[];
  settingsFor?: (file: string) => RuleSettings | undefined;
  textBudget?: number;
  shard?: Shard;
  onRequest?: (req: KvRequest, input: DiffInput, entry: TimelineEntry, facts: RequestFacts) => void;
}

export interface RequestAnalyzer {
  /** the run's segment hasher and memo, shared with the batcher that counts tokens ahead */
  run: { hasher: SegmentHasher; memo: SegmentMemo };
  /** Analyzes one request; `textBefore`: request text read before this request's own. */
  process(rec: RequestRecord, textBefore: number): void;
  /** What the requests added up to: the lineages of this shard, the findings, provider agreement, and every entry as columns. */
  finish(): {
    timelines: { timeline: LineageTimeline; first: { file: string; index: number } }[];
    diagnostics: Diagnostic[];
    agreement: ProviderAgreement;
    approx: boolean;
    entries: TimelineTransport;
  };
}

/** A per-request analyzer for one run: all its state (lineages, prefix index, findings) is its own. */
export async function createRequestAnalyzer(opts: RequestAnalyzerOptions): Promise<RequestAnalyzer> {
  const { tokenizer } = opts;
  const count = (t: string): number => tokenizer.count(t);
  const store = new TimelineStore();
  const lineages = new LineageTable();
  const run = { hasher: new SegmentHasher(), memo: new SegmentMemo() };
  const rulesByFile = new Map<string, PairRules>();
  const rulesFor = (file: string): PairRules => {
    let r = rulesByFile.get(file);
    if (!r) {
      r = pairRules(opts.rules, opts.settingsFor?.(file));
      rulesByFile.set(file, r);
    }
    return r;
  };
  const priors = new PriorFinder(opts.textBudget ?? TEXT_BUDGET);
  const findings = new Findings();
  const agreement = emptyAgreement();
  let nextSeq = 0;
  const blockSizes = opts.blockSizes ?? [];
  const idCache = blockSizes.length > 0 ? new TokenIdCache(await loadEncoder(tokenizer.encoding)) : undefined;

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

  return {
    run,
    process: processRequest,
    finish: () => ({
      timelines: lineages.timelines(),
      diagnostics: findings.diagnostics((lineage) => inShard(lineage, opts.shard)),
      agreement,
      approx: store.approx,
      entries: store.transport(),
    }),
  };
}
