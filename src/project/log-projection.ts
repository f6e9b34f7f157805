// The projection for request logs: every request, as the log analyzer saw it, replayed through its
// provider's cache model (or an engine's) twice — as it was, and with the diagnosed breakers fixed — then
// priced from the price rows and timed with the TTFT model. Also: predicted vs provider-reported cached
// tokens, and the calibration of stand-in token counts against reported usage.
//
// "Fixed" means: a divergence whose cause is a fixable breaker (a timestamp, id or user datum moved after
// the last cached token, whitespace normalized, keys or tools put in a fixed order) is treated as if the
// request had kept the previous request's prefix through the segments that did not otherwise change.
// Fixes only restore reuse within a lineage: the projection does not assume that fixing a per-session
// value would also let different sessions share a prefix (conservative).
import type { KvRequest } from '../model.js';
import type { DiffInput } from '../prefix/diff.js';
import type { TimelineEntry } from '../logs/types.js';
import { Replayer } from '../simulate/replay.js';
import { HashIds } from '../prefix/hash-ids.js';
import type { SimBreakpoint, SimOutcome, SimRequest } from '../simulate/types.js';
import { cacheParams, type CacheParams, type Regime } from './cache-params.js';
import { priceOutcome, refLabel, savings, toOutcome, totalsOf, type Outcome } from './cost.js';
import {
  summarizeProjection,
  type CalibrationEntry,
  type Finding,
  type ProjectionBasis,
  type Projection,
  type ProjectionTarget,
} from './projection-summary.js';
import type { PriceRow, PriceTable } from './prices.js';
import { predictPrefillMs } from './ttft-model.js';
import { ttftModelFor } from './ttft.js';
import { encodingForModel } from '../tokenize/index.js';
import { RequestColumns, type Recorded, type RecordedInput } from './request-columns.js';
import { OUTCOME, outcomeAt, outcomeValues, RowBuilder, sameAsAt, unpackParts, type PackedProjection, type RowFields } from './row-columns.js';

export type { Projection } from './projection-summary.js';

/** Divergence causes a prompt change can remove, and so the projection can "fix". */
export const FIXABLE_CAUSES: ReadonlySet<string> = new Set(['timestamp', 'identifier', 'user-data', 'whitespace', 'key-order', 'tool-reorder']);

/**
 * Requests shorter than this are not used to calibrate stand-in counts: providers add a fixed overhead per
 * request (Anthropic's tool-use system prompt is a few hundred tokens, plus message framing) that a ratio
 * would wrongly scale up on short prompts.
 */
const CALIBRATE_MIN_TOKENS = 1024;

/** How many leading segments a fixed request shares with the previous one of its lineage. */
function fixedShare(
  d: { segment: number; cause: string },
  r: SegmentIds,
  prev: SegmentIds,
): number {
  const n = Math.min(r.seg.length, prev.seg.length);
  let k = d.segment;
  while (k < n) {
    const same =
      k === d.segment ||
      r.seg[k] === prev.seg[k] ||
      ((d.cause === 'key-order' || d.cause === 'whitespace') && r.canon[k] === prev.canon[k]) ||
      (d.cause === 'tool-reorder' && r.tools[k] === 1 && prev.tools[k] === 1);
    if (!same) break;
    k++;
  }
  return k;
}

/** Per-segment facts of one request: raw and canonical segment hash (hex), 1 for a tool definition, chain id. */
interface SegmentIds {
  seg: readonly string[];
  canon: readonly string[];
  tools: readonly number[];
  chain: readonly number[];
}

export interface ProjectionOptions {
  /** replay through a self-hosted engine instead of each request's provider */
  engine?: 'vllm' | 'sglang';
  ttlSeconds?: number;
  kvBudgetTokens?: number;
  /** a model to price every request with (--model), instead of each request's own */
  model?: string;
  /** prices for models the table does not know (--price) */
  fallbackRow?: PriceRow;
}

/** Collects the log analyzer's requests (ids and counts only) and projects them at the end. */
export class LogProjector {
  /** every request in arrival order, as columns (see request-columns.ts for why) */
  private readonly recorded = new RequestColumns();
  /** chain link → id, off the V8 heap (a Map of the hex strings kept every link's string alive) */
  private readonly chains = new HashIds();
  private readonly lastOfLineage = new Map<string, number>();
  /**
   * Per-segment hashes of the latest request of each lineage, needed only to work out how far a fixed
   * next request would share its prefix. They are the analysis's own strings, compared directly: interning
   * them (as the chains are) would keep a map entry for every distinct segment of the run.
   */
  private readonly lastSegments = new Map<string, SegmentIds>();

  constructor(
    private readonly table: PriceTable,
    private readonly opts: ProjectionOptions = {},
  ) {}

  /** Called by analyzeLogs for every request, in arrival order. */
  add(req: KvRequest, input: DiffInput, entry: TimelineEntry, incomplete: boolean): void {
    let acc = 0;
    const cum = input.tokens.map((t) => (acc += t));
    const prevSegs = this.lastSegments.get(req.lineage);
    // links the previous request of the lineage shares (entry.hashes.from) have its ids: only new links are looked up
    const shared = prevSegs && entry.previous !== undefined ? entry.hashes.from : 0;
    const segs: SegmentIds = {
      seg: input.hashes.map((h) => h.raw),
      canon: input.hashes.map((h) => h.canonical),
      tools: req.segments.map((x) => (x.level === 'tools' ? 1 : 0)),
      chain: input.hashes.map((h, k) => (k < shared ? prevSegs!.chain[k]! : this.chains.id(h.rawChain))),
    };
    const breakpoints: SimBreakpoint[] = [];
    const messageEnds: number[] = [];
    let implicitBreakpoint: number | undefined;
    req.segments.forEach((s, k) => {
      if (s.cacheMarker) breakpoints.push({ segment: k, ttl: s.cacheMarker.ttl === '1h' ? '1h' : '5m' });
      if (s.level === 'messages' && s.role !== 'settings' && s.role !== 'server-state') {
        messageEnds.push(k);
        if (s.role === 'user' || s.role === 'tool' || s.role === 'tool_result') implicitBreakpoint = k;
      }
    });
    const prevSeq = this.lastOfLineage.get(req.lineage);
    const rec: RecordedInput = {
      index: req.index,
      file: req.file,
      line: req.line,
      lineage: req.lineage,
      provider: req.provider,
      model: this.opts.model ?? req.model ?? 'unknown',
      cum,
      chain: segs.chain,
      breakpoints,
      autoCache: req.autoCache === true,
      messageEnds,
      sameAsPrev: entry.previous !== undefined ? entry.hashes.from : 0,
      sharedWithPrev: entry.reusedTokens,
      incomplete,
      counted: entry.tokens,
    };
    if (req.time !== undefined) rec.time = req.time;
    if (implicitBreakpoint !== undefined) rec.implicitBreakpoint = implicitBreakpoint;
    if (prevSeq !== undefined) rec.prevSeq = prevSeq;
    if (entry.divergence && entry.divergence.segment >= 0) {
      const divergence: NonNullable<Recorded['divergence']> = { segment: entry.divergence.segment, cause: entry.divergence.cause };
      if (entry.divergence.code) divergence.code = entry.divergence.code;
      rec.divergence = divergence;
      if (prevSegs && FIXABLE_CAUSES.has(entry.divergence.cause)) rec.fixedN = fixedShare(divergence, segs, prevSegs);
    }
    if (req.usage) rec.usage = req.usage;
    this.lastOfLineage.set(req.lineage, this.recorded.add(rec));
    this.lastSegments.set(req.lineage, segs);
  }

  /**
   * The requests as they were (fix = never) or with the breakers `fix` accepts removed, in arrival order;
   * only those in `only` (whole lineages, ascending) when given. Built one at a time as the replay takes
   * them: a log of hundreds of thousands of requests is replayed several times, and holding every request
   * of a run at once was what outgrew the capped worker's heap.
   */
  private *simRequests(fix: (r: Recorded) => boolean, calibration: Map<string, number>, only?: readonly number[]): Generator<{ r: Recorded; sim: SimRequest }> {
    /** chains a fix changed, by seq, until the lineage's next request has continued from them */
    const changed = new Map<number, Int32Array>();
    let fresh = -1; // negative ids never collide with interned ones
    for (const seq of only ?? this.recorded.keys()) {
      const r = this.recorded.get(seq);
      let chain: ArrayLike<number> = r.chain;
      let shared = r.sharedWithPrev;
      if (r.prevSeq !== undefined) {
        const prevChanged = changed.get(r.prevSeq);
        changed.delete(r.prevSeq);
        const n = r.fixedN !== undefined && fix(r) ? r.fixedN : r.sameAsPrev;
        if (n !== r.sameAsPrev || prevChanged) {
          const prevChain = prevChanged ?? this.recorded.chainOf(r.prevSeq);
          const next = Int32Array.from(r.chain, (id, k) => (k < n ? (prevChain[k] ?? id) : id));
          // after a fixed divergence the later ids must not match the unfixed history by accident
          if (n > r.sameAsPrev) for (let k = n; k < next.length; k++) next[k] = fresh--;
          chain = next;
          changed.set(seq, next);
          if (n > r.sameAsPrev) shared = n > 0 ? (r.cum[n - 1] ?? 0) : 0;
        }
      }
      const factor = this.scale(r, calibration);
      const sim: SimRequest = {
        seq: r.seq,
        lineage: r.lineage,
        cum: factor === 1 ? r.cum : Int32Array.from(r.cum, (c) => Math.round(c * factor)),
        chain,
        breakpoints: r.breakpoints,
        messageEnds: r.messageEnds,
        sharedWithPrev: Math.round(shared * factor),
        routeKey: r.lineage,
      };
      if (r.autoCache) sim.autoCache = true;
      if (r.time !== undefined) sim.time = r.time;
      if (r.implicitBreakpoint !== undefined) sim.implicitBreakpoint = r.implicitBreakpoint;
      if (r.prevSeq !== undefined) sim.prevSeq = r.prevSeq;
      if (r.usage) sim.usage = r.usage;
      if (r.usage?.outputTokens !== undefined) sim.outputTokens = r.usage.outputTokens;
      yield { r, sim };
    }
  }

  /**
   * The factor a request's token counts are scaled by: its own reported total when the log has one (the
   * provider counts what it really tokenized, including its own framing and tool-use preamble, which do
   * count toward minimums and the cached prefix), else its lineage's calibration factor, else 1.
   */
  private scale(r: Recorded, calibration: Map<string, number>): number {
    const u = r.usage;
    if (u && !r.incomplete && r.counted > 0) {
      const reported = (u.inputTokens ?? 0) + (u.cacheReadTokens ?? 0) + (u.cacheWriteTokens ?? 0);
      if (reported > 0) return reported / r.counted;
    }
    return calibration.get(r.lineage) ?? 1;
  }

  /**
   * Stand-in tokenizer vs reported input totals, per lineage: the median ratio over its complete prompts.
   * Per lineage rather than per model so that every figure stays a function of one lineage's requests:
   * `--shard` splits a log by lineage, and a merged report must equal a single run.
   */
  private calibrate(approx: boolean): Map<string, number> {
    const ratios = new Map<string, number[]>();
    if (!approx) return new Map();
    for (const r of this.recorded) {
      const u = r.usage;
      // only stand-in counts are calibrated: an exact tokenizer's gap to the reported total is the
      // provider's own message framing, which the prefix arithmetic should not absorb
      if (!u || r.incomplete || r.counted < CALIBRATE_MIN_TOKENS || !encodingForModel(r.model).approx) continue;
      const reported = (u.inputTokens ?? 0) + (u.cacheReadTokens ?? 0) + (u.cacheWriteTokens ?? 0);
      if (reported <= 0) continue;
      const list = ratios.get(r.lineage) ?? [];
      list.push(reported / r.counted);
      ratios.set(r.lineage, list);
    }
    const out = new Map<string, number>();
    for (const [lineage, list] of ratios) {
      const s = [...list].sort((a, b) => a - b);
      const median = s[Math.floor(s.length / 2)] ?? 1;
      out.set(lineage, Math.round(median * 1000) / 1000);
    }
    return out;
  }

  /** Calibration per model, for the report: which lineages were scaled, by how much, and how many requests. */
  private calibrationEntries(calibration: Map<string, number>): CalibrationEntry[] {
    const byModel = new Map<string, CalibrationEntry & { seen: Set<string> }>();
    for (const r of this.recorded) {
      const f = calibration.get(r.lineage);
      if (f === undefined) continue;
      let e = byModel.get(r.model);
      if (!e) {
        e = { model: r.model, lineages: 0, requests: 0, factorMin: f, factorMax: f, seen: new Set() };
        byModel.set(r.model, e);
      }
      if (!e.seen.has(r.lineage)) {
        e.seen.add(r.lineage);
        e.lineages++;
        e.factorMin = Math.min(e.factorMin, f);
        e.factorMax = Math.max(e.factorMax, f);
      }
      if (!r.usage || r.incomplete) e.requests++;
    }
    // a model none of whose requests needed scaling has nothing to say
    return [...byModel.values()].filter((e) => e.requests > 0).map(({ seen: _seen, ...e }) => e);
  }

  /** Replays, prices and compares everything recorded. `approx`: counts come from a stand-in tokenizer. */
  finish(approx: boolean, ruleIds: (code: string) => string | undefined): Projection | undefined {
    const parts = this.finishPacked(approx, ruleIds);
    return parts && summarizeProjection(unpackParts(parts));
  }

  /**
   * finish() up to the sums, with the per-request rows packed: what the log worker hands over, and the
   * main thread unpacks and sums (see src/logs/job-result.ts).
   */
  finishPacked(approx: boolean, ruleIds: (code: string) => string | undefined): PackedProjection | undefined {
    if (this.recorded.length === 0) return undefined;
    const calibration = this.calibrate(approx);
    const engine = this.opts.engine;
    const ttft = ttftModelFor(engine ? { engine: true } : {});
    // one cache model and price row per (provider, model); unknown models are left out, and said so
    const groups = new Map<string, { provider: string; model: string; params?: CacheParams; seqs: number[] }>();
    for (const r of this.recorded) {
      const key = `${r.provider}\u0000${r.model}`;
      let g = groups.get(key);
      if (!g) {
        g = { provider: r.provider, model: r.model, seqs: [] };
        const regime = engine ? { regime: engine as Regime } : {};
        try {
          g.params = cacheParams(this.table, { model: r.model, provider: r.provider, ...regime });
        } catch {
          // no price row: --price supplies one, else the model is reported below as unpriced
          if (this.opts.fallbackRow) g.params = cacheParams(this.table, { model: r.model, provider: r.provider, row: { ...this.opts.fallbackRow, provider: r.provider }, ...regime });
        }
        groups.set(key, g);
      }
      g.seqs.push(r.seq);
    }
    const priced = [...groups.values()].filter((g) => g.params);
    const unpricedByModel = new Map<string, number>();
    for (const g of groups.values()) if (!g.params) unpricedByModel.set(g.model, (unpricedByModel.get(g.model) ?? 0) + g.seqs.length);
    const targets: ProjectionTarget[] = priced.map((g) => ({
      provider: g.provider,
      model: g.model,
      regime: g.params!.regime,
      price: refLabel(g.params!.ref),
      requests: g.seqs.length,
      assumptions: [...g.params!.assumptions],
    }));

    // Per-finding runs replay one lineage (`only`, ascending): they touch only its requests, never all of
    // them (filtering every priced request per run cost ~0.5 s for 600 findings on the 1 GB agent log).
    /** each request's target, by seq: an index into `priced`, -1 when unpriced */
    const groupOf = new Int32Array(this.recorded.length).fill(-1);
    priced.forEach((g, k) => {
      for (const x of g.seqs) groupOf[x] = k;
    });
    const replayOpts = {
      ...(this.opts.ttlSeconds !== undefined ? { ttlSeconds: this.opts.ttlSeconds } : {}),
      ...(this.opts.kvBudgetTokens !== undefined ? { kvBudgetTokens: this.opts.kvBudgetTokens } : {}),
    };
    /**
     * Replays one scenario (all priced requests, or `only`) and hands each priced request's outcome to
     * `each`, with why the simulation missed where it did; the caller keeps only what it needs (a log
     * of many requests cannot hold every scenario's outcomes at once). Each target replays its own
     * requests in arrival order, as a replay of its requests alone would.
     */
    const run = (fix: (r: Recorded) => boolean, each: (seq: number, o: Outcome, missed: string | undefined) => void, only?: readonly number[]): void => {
      const replayers = priced.map((g) => new Replayer(g.params!, replayOpts));
      for (const { r, sim: req } of this.simRequests(fix, calibration, only)) {
        const k = groupOf[r.seq]!;
        if (k < 0) continue;
        const g = priced[k]!;
        const sim = replayers[k]!.step(req);
        const o = this.reportedOutcome(r) ?? sim;
        const ms = predictPrefillMs(ttft.shape, ttft.gpu.coefficients, Math.min(o.read, Math.max(0, o.total - 1)), Math.max(1, o.total - o.read));
        each(r.seq, toOutcome(o, priceOutcome(o, g.params!, req.outputTokens ?? 0, ms)), o.missed?.reason);
      }
    };
    // The current outcomes, in columns (OUTCOME numbers per request, by seq): the rows are built from them
    // straight into columns too, so a log of many requests never holds a row object in this thread.
    const nowRun = new Float64Array(this.recorded.length * OUTCOME);
    const missed = new Map<number, string>();
    run(
      () => false,
      (seq, o, m) => {
        nowRun.set(outcomeValues(o), seq * OUTCOME);
        if (m) missed.set(seq, m);
      },
    );
    const nowOf = (seq: number): Float64Array => nowRun.subarray(seq * OUTCOME, (seq + 1) * OUTCOME);
    /** with every breaker fixed, only where that changes the outcome */
    const fixedRun = new Map<number, Outcome>();
    run(
      (r) => r.divergence !== undefined,
      (seq, o) => {
        if (!sameAsAt(o, nowRun, seq)) fixedRun.set(seq, o);
      },
    );
    const kept = priced.flatMap((g) => g.seqs).sort((a, b) => a - b);
    const rows = new RowBuilder();
    /** each seq's row (-1: not priced) */
    const rowOf = new Int32Array(this.recorded.length).fill(-1);
    for (const seq of kept) {
      const r = this.recorded.get(seq);
      const row: RowFields = {
        file: r.file,
        index: r.index,
        line: r.line,
        lineage: r.lineage,
        provider: r.provider,
        model: r.model,
        outputTokens: r.usage?.outputTokens ?? 0,
      };
      if (r.fixedN !== undefined && r.divergence?.code) row.breaker = r.divergence.code;
      const reported = r.usage?.cacheReadTokens;
      if (reported !== undefined) {
        row.reported = reported;
        if (r.incomplete) row.notCompared = 'the log does not hold the whole prompt';
        else {
          const reason = this.disagreement(r, nowRun[seq * OUTCOME + 1]!, reported, calibration.has(r.lineage), missed.get(seq));
          if (reason) row.reason = reason;
        }
      }
      rowOf[seq] = rows.add(row, nowOf(seq), fixedRun.get(seq));
    }

    // Per rule: every break of one rule fixed, the rest as they are. Only requests whose outcome changes
    // carry the rule's outcome, so the rows stay small.
    /** the rule code of each fixable break, by seq */
    const breakCode = (seq: number): string | undefined => (this.recorded.hasFix(seq) ? this.recorded.divergenceOf(seq)?.code : undefined);
    const codes = new Set<string>();
    for (const seq of this.recorded.keys()) {
      const code = breakCode(seq);
      if (code) codes.add(code);
    }
    for (const code of [...codes].sort()) {
      run(
        (r) => r.divergence?.code === code,
        (seq, o) => {
          if (!sameAsAt(o, nowRun, seq)) rows.setByRule(rowOf[seq]!, code, o);
        },
      );
    }

    // Per finding: fixing one break alone, replayed on its lineage only (a provider's cache is per
    // lineage, so other lineages cannot change). Engines share one cache across lineages: skipped there.
    // Findings are taken a lineage at a time, so only one lineage's outcomes are ever objects here.
    const byFinding: Finding[] = [];
    if (!engine) {
      const lineageSeqs = new Map<string, number[]>();
      const findings = new Map<string, Recorded[]>();
      for (const seq of this.recorded.keys()) {
        const lineage = this.recorded.lineageOf(seq);
        const list = lineageSeqs.get(lineage) ?? [];
        list.push(seq);
        lineageSeqs.set(lineage, list);
        if (!breakCode(seq) || rowOf[seq]! < 0) continue;
        const f = findings.get(lineage) ?? [];
        f.push(this.recorded.get(seq));
        findings.set(lineage, f);
      }
      /** an outcome with the output tokens it is priced with, as summarizeProjection sums rows */
      const withOutput = (seq: number, o: Outcome): { outputTokens: number; o: Outcome } => ({ outputTokens: this.recorded.usageOf(seq)?.outputTokens ?? 0, o });
      for (const [lineage, list] of findings) {
        const only = lineageSeqs.get(lineage)!;
        const pricedSeqs = only.filter((x) => rowOf[x]! >= 0);
        const nowRows = pricedSeqs.map((x) => withOutput(x, outcomeAt(nowRun, x)));
        const base = totalsOf(nowRows, (x) => x.o, (x) => x.outputTokens);
        for (const r of list) {
          const fixedOne = new Map<number, Outcome>();
          run(
            (x) => x.seq === r.seq,
            (seq, o) => fixedOne.set(seq, o),
            only,
          );
          const fixedRows = pricedSeqs.map((x, k) => ({ outputTokens: nowRows[k]!.outputTokens, o: fixedOne.get(x) ?? nowRows[k]!.o }));
          const saved = savings(base, totalsOf(fixedRows, (x) => x.o, (x) => x.outputTokens));
          byFinding.push({ file: r.file, line: r.line, code: r.divergence!.code!, savedMicro: saved.total, ttftP50Ms: saved.ttftP50Ms });
        }
      }
    }

    const ids: Record<string, string> = {};
    for (const code of codes) {
      const id = ruleIds(code);
      if (id) ids[code] = id;
    }
    const basis: ProjectionBasis = { requests: this.recorded.length, timed: 0, withOutput: 0, fromUsage: 0, atReported: 0 };
    for (const r of this.recorded) {
      if (r.time !== undefined) basis.timed++;
      const u = r.usage;
      if (!u) continue;
      if (u.outputTokens !== undefined) basis.withOutput++;
      if (r.incomplete && u.cacheReadTokens !== undefined) basis.fromUsage++;
      if (!r.incomplete && r.counted > 0 && totalOf(u) > 0) basis.atReported++;
    }
    return {
      targets,
      unpriced: [...unpricedByModel].map(([model, requests]) => ({ model, requests })),
      ttftBasis: ttft.basis,
      byFinding,
      calibration: this.calibrationEntries(calibration),
      basis,
      rows: rows.transport(),
      ruleIds: ids,
    };
  }

  /**
   * A request whose prompt is not in the log (a Claude Code transcript holds no system prompt or tools)
   * cannot be replayed: its outcome is what the provider reported, in both variants.
   */
  private reportedOutcome(r: Recorded): SimOutcome | undefined {
    const u = r.usage;
    if (!r.incomplete || !u || u.cacheReadTokens === undefined) return undefined;
    const uncached = u.inputTokens ?? 0;
    const read = u.cacheReadTokens;
    const w1h = u.cacheWrite1hTokens ?? 0;
    const w5m = Math.max(0, (u.cacheWriteTokens ?? 0) - w1h);
    return { seq: r.seq, total: uncached + read + w5m + w1h, read, write5m: w5m, write1h: w1h, uncached, notes: ['from reported usage: the prompt is not in the log'] };
  }

  /** The likeliest reason predicted and reported cached tokens differ by more than 5%; undefined within 5%. */
  private disagreement(r: Recorded, predicted: number, reported: number, calibrated: boolean, missed: string | undefined): string | undefined {
    if (Math.abs(predicted - reported) <= 0.05 * Math.max(predicted, reported)) return undefined;
    if (reported > predicted && r.prevSeq === undefined) return 'the cache was already warm when the log starts (an earlier request is not in the log)';
    if (reported > predicted && !calibrated && r.provider !== 'openai') return 'stand-in token counts (no reported totals to calibrate them)';
    if (predicted > reported && (r.provider === 'openai' || r.provider === 'azure')) return 'OpenAI caching is best-effort: a request routed to another machine misses';
    if (missed) return `simulated ${missed}`;
    if (predicted > reported) return 'the provider did not reuse a prefix the model expects it to (TTL, routing or eviction)';
    return 'unexplained';
  }
}

function totalOf(u: NonNullable<KvRequest['usage']>): number {
  return (u.inputTokens ?? 0) + (u.cacheReadTokens ?? 0) + (u.cacheWriteTokens ?? 0);
}
