// The projection for request logs: every request, as the log analyzer saw it, replayed through its
// provider's cache model (or an engine's) twice — as it was, and with the diagnosed breakers fixed — then
// priced from the price rows and timed with the TTFT model. Also: predicted vs provider-reported cached
// tokens, and the calibration of stand-in token counts against reported usage.
//
// A cache is shared by all traffic in its scope: every request is replayed, in arrival order, through one
// cache per scope and target, reading what its nearest prior (the earlier request, any session, sharing
// its longest prefix) left there. "Fixed" replays the whole log with each breaker neutralized: a request
// whose divergence is a fixable breaker (a timestamp, id or user datum moved after the last cached token,
// whitespace or Unicode form normalized, keys, tools or examples put in a fixed order) shares its prior's
// prefix through the segments that did not otherwise change — so requests of different sessions that would
// share a prefix once the breaker is gone do share it.
import type { KvRequest } from '../model.js';
import type { DiffInput } from '../prefix/diff.js';
import type { TimelineEntry } from '../logs/types.js';
import type { RequestFacts } from '../logs/request-analyzer.js';
import { Replayer } from '../simulate/replay.js';
import type { SimBreakpoint, SimOutcome, SimRequest } from '../simulate/types.js';
import { cacheParams, isEngine, providerFamily, type CacheParams, type Engine, type Regime } from './cache-params.js';
import { priceOutcome, refLabel, savings, toOutcome, totalsOf, type Outcome } from './cost.js';
import { cost, displayUsd, toMicro } from './money.js';
import { EXPLICIT_DEFAULT_TTL_S, storedCaches, type ExplicitCacheUse, type KnownCacheObject } from './explicit-cache.js';
import type { CacheObjectFacts } from '../logs/types.js';
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
import { OUTCOME, PICO_WRITE, outcomeAt, outcomeValues, RowBuilder, sameAsAt, unpackParts, type PackedProjection, type RowFields } from './row-columns.js';

export type { Projection } from './projection-summary.js';

/**
 * Requests shorter than this are not used to calibrate stand-in counts: providers add a fixed overhead per
 * request (Anthropic's tool-use system prompt is a few hundred tokens, plus message framing) that a ratio
 * would wrongly scale up on short prompts.
 */
const CALIBRATE_MIN_TOKENS = 1024;

/** Findings priced one by one (each is a replay of the whole log); the others are covered by their rule's figure. */
const FINDINGS_PRICED = 40;

export interface ProjectionOptions {
  /** replay through a self-hosted engine instead of each request's provider */
  engine?: Engine;
  ttlSeconds?: number;
  kvBudgetTokens?: number;
  /** engine block or page size in tokens (--block-size, --page-size) */
  blockTokens?: number;
  /** a model to price every request with (--model), instead of each request's own */
  model?: string;
  /** prices for models the table does not know (--price) */
  fallbackRow?: PriceRow;
}

/** One (provider, model) the projection prices: its cache model and price row, and its requests by seq. */
interface PricedTarget {
  provider: string;
  model: string;
  params: CacheParams;
  seqs: number[];
}

type TtftModel = ReturnType<typeof ttftModelFor>;

/** Replays one scenario (the requests `fix` accepts with their breakers fixed) and hands `each` every priced request's outcome. */
type Scenario = (fix: (r: Recorded) => boolean, each: (seq: number, o: Outcome, missed: string | undefined) => void) => void;

/** Collects the log analyzer's requests (ids and counts only) and projects them at the end. */
export class LogProjector {
  /** every request in arrival order, as columns (see request-columns.ts for why) */
  private readonly recorded = new RequestColumns();
  /** the finding (first occurrence's file, line, code) each request's break belongs to */
  private readonly findingOf = new Map<number, string>();
  /** the explicit cache object a request reads (Gemini cachedContent), by seq: few logs have any */
  private readonly explicitCaches = new Map<number, string>();
  /** what the log's own cachedContents calls say of each object, by name */
  private readonly cacheObjects = new Map<string, KnownCacheObject>();

  constructor(
    private readonly table: PriceTable,
    private readonly opts: ProjectionOptions = {},
  ) {}

  /** Called by analyzeLogs for every request, in arrival order. */
  add(req: KvRequest, input: DiffInput, entry: TimelineEntry, facts: RequestFacts): void {
    let acc = 0;
    const cum = input.tokens.map((t) => (acc += t));
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
    const rec: RecordedInput = {
      index: req.index,
      file: req.file,
      line: req.line,
      lineage: req.lineage,
      provider: req.provider,
      model: this.opts.model ?? req.model ?? 'unknown',
      cum,
      chain: Array.from(facts.chainIds),
      breakpoints,
      autoCache: req.autoCache === true,
      messageEnds,
      sharedSegments: facts.prior?.segments ?? 0,
      sharedTokens: facts.prior?.tokens ?? 0,
      incomplete: facts.incomplete,
      inShard: facts.inShard,
      counted: entry.tokens,
    };
    if (req.time !== undefined) rec.time = req.time;
    if (implicitBreakpoint !== undefined) rec.implicitBreakpoint = implicitBreakpoint;
    if (facts.prior) rec.priorSeq = facts.prior.seq;
    if (facts.scope !== undefined) rec.scope = facts.scope;
    if (entry.divergence && entry.divergence.segment >= 0) {
      const divergence: NonNullable<Recorded['divergence']> = { segment: entry.divergence.segment, cause: entry.divergence.cause };
      if (entry.divergence.code) divergence.code = entry.divergence.code;
      rec.divergence = divergence;
    }
    if (facts.fixed) {
      rec.fixedN = facts.fixed.segments;
      rec.fixedSeq = facts.fixed.seq;
    }
    if (req.usage) rec.usage = req.usage;
    const seq = this.recorded.add(rec);
    if (facts.finding) this.findingOf.set(seq, facts.finding);
    if (req.explicitCache) this.explicitCaches.set(seq, req.explicitCache);
  }

  /**
   * The requests as they were (fix = never) or with the breakers `fix` accepts removed, in arrival order.
   * Built one at a time as the replay takes them: a log of hundreds of thousands of requests is replayed
   * several times, and holding every request of a run at once outgrew the capped worker's heap.
   */
  private *simRequests(fix: (r: Recorded) => boolean, calibration: Map<string, number>, lastUse: Int32Array): Generator<{ r: Recorded; sim: SimRequest }> {
    /** chains a fix changed, by seq, until the last request that takes its prefix from them */
    const changed = new Map<number, Int32Array>();
    let fresh = -1; // negative ids never collide with interned ones
    for (const seq of this.recorded.keys()) {
      const r = this.recorded.get(seq);
      let chain: ArrayLike<number> = r.chain;
      let shared = r.sharedTokens;
      let prior = r.priorSeq;
      const fixing = r.fixedN !== undefined && r.fixedSeq !== undefined && fix(r);
      const base = fixing ? r.fixedSeq : r.priorSeq;
      if (base !== undefined) {
        const n = fixing ? r.fixedN! : r.sharedSegments;
        const baseChanged = changed.get(base);
        if (fixing || baseChanged) {
          const baseChain = baseChanged ?? this.recorded.chainOf(base);
          const next = Int32Array.from(r.chain, (id, k) => (k < n ? (baseChain[k] ?? id) : id));
          // past a fixed divergence the ids must not match the unfixed history by accident
          if (fixing) for (let k = n; k < next.length; k++) next[k] = fresh--;
          chain = next;
          changed.set(seq, next);
          if (fixing) {
            prior = base;
            shared = Math.max(shared, n > 0 ? (r.cum[n - 1] ?? 0) : 0);
          }
        }
      }
      // a changed chain is kept only while a later request may take its prefix from it
      for (const s of [r.priorSeq, r.fixedSeq]) if (s !== undefined && lastUse[s] === seq) changed.delete(s);
      if (lastUse[seq] === -1) changed.delete(seq);
      const factor = this.scale(r, calibration);
      const sim: SimRequest = {
        seq: r.seq,
        lineage: r.lineage,
        cum: factor === 1 ? r.cum : Int32Array.from(r.cum, (c) => Math.round(c * factor)),
        chain,
        breakpoints: r.breakpoints,
        messageEnds: r.messageEnds,
        sharedWithPrior: Math.round(shared * factor),
      };
      if (r.autoCache) sim.autoCache = true;
      if (r.time !== undefined) sim.time = r.time;
      if (r.implicitBreakpoint !== undefined) sim.implicitBreakpoint = r.implicitBreakpoint;
      if (prior !== undefined) sim.priorSeq = prior;
      if (r.scope !== undefined) sim.scope = r.scope;
      if (r.usage) sim.usage = r.usage;
      if (r.usage?.outputTokens !== undefined) sim.outputTokens = r.usage.outputTokens;
      yield { r, sim };
    }
  }

  /** For each seq, the last later request that takes its prefix from it (as prior or fixed prior); -1: none. */
  private lastUses(): Int32Array {
    const last = new Int32Array(this.recorded.length).fill(-1);
    for (let seq = 0; seq < this.recorded.length; seq++) {
      const p = this.recorded.priorOf(seq);
      if (p >= 0) last[p] = seq;
      const f = this.recorded.fixedSeqOf(seq);
      if (f >= 0) last[f] = seq;
    }
    return last;
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
      if (f === undefined || !r.inShard) continue;
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
   * main thread unpacks and sums (see src/logs/job-result.ts). The steps: the targets, the current and
   * the fixed replay, the rows, then what fixing each rule and each finding alone is worth.
   */
  finishPacked(approx: boolean, ruleIds: (code: string) => string | undefined, reportedFindings?: ReadonlySet<string>): PackedProjection | undefined {
    if (this.recorded.length === 0) return undefined;
    const calibration = this.calibrate(approx);
    const ttft = ttftModelFor(this.opts.engine ? { engine: true } : {});
    const { priced, unpricedByModel } = this.pricedTargets();
    const targets = this.projectionTargets(priced);
    const run = this.scenarioRunner(priced, calibration, ttft);
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
    /** with every breaker fixed, only where that changes the outcome */
    const fixedRun = new Map<number, Outcome>();
    run(
      (r) => r.divergence !== undefined,
      (seq, o) => {
        if (!sameAsAt(o, nowRun, seq)) fixedRun.set(seq, o);
      },
    );
    const fees = this.explicitCacheFees(priced, (k) => targets.find((t) => t.provider === priced[k]!.provider && t.model === priced[k]!.model));
    const { rows, rowOf } = this.buildRows(priced, { nowRun, fixedRun, missed, fees }, calibration, ttft);
    const codes = this.priceRules(run, rows, rowOf, nowRun);
    const byFinding = this.priceFindings(run, priced, nowRun, reportedFindings);
    const ids: Record<string, string> = {};
    for (const code of codes) {
      const id = ruleIds(code);
      if (id) ids[code] = id;
    }
    return {
      targets,
      unpriced: [...unpricedByModel].map(([model, requests]) => ({ model, requests })),
      ttftBasis: ttft.basis,
      byFinding,
      calibration: this.calibrationEntries(calibration),
      basis: this.basis(),
      rows: rows.transport(),
      ruleIds: ids,
    };
  }

  /** Requests of `seqs` this run reports (a shard's share), so shards add up to the single run. */
  private reportedIn(seqs: readonly number[]): number {
    return seqs.reduce((n, x) => n + (this.recorded.inShard(x) ? 1 : 0), 0);
  }

  /** One cache model and price row per (provider, model); models with no price row are left out, and counted. */
  private pricedTargets(): { priced: PricedTarget[]; unpricedByModel: Map<string, number> } {
    const engine = this.opts.engine;
    const groups = new Map<string, { provider: string; model: string; params?: CacheParams; seqs: number[] }>();
    for (const r of this.recorded) {
      const key = `${r.provider}\u0000${r.model}`;
      let g = groups.get(key);
      if (!g) {
        g = { provider: r.provider, model: r.model, seqs: [] };
        const regime: { regime?: Regime } = engine ? { regime: engine } : {};
        try {
          g.params = cacheParams(this.table, { model: r.model, provider: r.provider, ...regime });
        } catch {
          // no price row: --price supplies one, else the model is reported as unpriced
          if (this.opts.fallbackRow) g.params = cacheParams(this.table, { model: r.model, provider: r.provider, row: { ...this.opts.fallbackRow, provider: r.provider }, ...regime });
        }
        groups.set(key, g);
      }
      g.seqs.push(r.seq);
    }
    const unpricedByModel = new Map<string, number>();
    for (const g of groups.values()) if (!g.params && this.reportedIn(g.seqs) > 0) unpricedByModel.set(g.model, (unpricedByModel.get(g.model) ?? 0) + this.reportedIn(g.seqs));
    const priced = [...groups.values()].filter((g): g is PricedTarget => g.params !== undefined);
    return { priced, unpricedByModel };
  }

  /** The targets this run reports, each with what its replay assumes. */
  private projectionTargets(priced: readonly PricedTarget[]): ProjectionTarget[] {
    // a KV budget smaller than one request evicts that request's own pages before the next can read them
    const budget = this.opts.kvBudgetTokens;
    let largest = 0;
    if (this.opts.engine && budget !== undefined) for (const r of this.recorded) largest = Math.max(largest, r.cum[r.cum.length - 1] ?? 0);
    const budgetNote = this.opts.engine && budget !== undefined && largest > budget ? [`--kv-budget ${budget} tokens is smaller than the largest request (${largest} tokens): such a request evicts its own pages`] : [];
    return priced
      .filter((g) => this.reportedIn(g.seqs) > 0)
      .map((g) => ({ provider: g.provider, model: g.model, regime: g.params.regime, price: refLabel(g.params.ref), requests: this.reportedIn(g.seqs), assumptions: [...g.params.assumptions, ...budgetNote] }));
  }

  /**
   * A function that replays one scenario over every request (the cache is shared by all traffic) and
   * hands each priced request's outcome to `each`, with why the simulation missed where it did; the
   * caller keeps only what it needs (a log of many requests cannot hold every scenario's outcomes at
   * once). Each target replays its own requests in arrival order.
   */
  private scenarioRunner(priced: readonly PricedTarget[], calibration: Map<string, number>, ttft: TtftModel): Scenario {
    /** each request's target, by seq: an index into `priced`, -1 when unpriced */
    const groupOf = new Int32Array(this.recorded.length).fill(-1);
    priced.forEach((g, k) => {
      for (const x of g.seqs) groupOf[x] = k;
    });
    const replayOpts = {
      ...(this.opts.ttlSeconds !== undefined ? { ttlSeconds: this.opts.ttlSeconds } : {}),
      ...(this.opts.kvBudgetTokens !== undefined ? { kvBudgetTokens: this.opts.kvBudgetTokens } : {}),
      ...(this.opts.blockTokens !== undefined ? { blockTokens: this.opts.blockTokens } : {}),
    };
    const lastUse = this.lastUses();
    return (fix, each) => {
      const replayers = priced.map((g) => new Replayer(g.params, replayOpts));
      for (const { r, sim: req } of this.simRequests(fix, calibration, lastUse)) {
        const k = groupOf[r.seq]!;
        if (k < 0) continue;
        const sim = replayers[k]!.step(req);
        const o = this.reportedOutcome(r) ?? sim;
        const ms = predictPrefillMs(ttft.shape, ttft.gpu.coefficients, Math.min(o.read, Math.max(0, o.total - 1)), Math.max(1, o.total - o.read));
        each(r.seq, toOutcome(o, priceOutcome(o, priced[k]!.params, req.outputTokens ?? 0, ms)), o.missed?.reason);
      }
    };
  }

  /**
   * The rows of the requests this run reports (the shards' rows together are the single run's), with the
   * no-cache price, the provider's reported figures and, where they differ from the prediction, why; and
   * each seq's row (-1: not priced).
   */
  private buildRows(
    priced: readonly PricedTarget[],
    s: { nowRun: Float64Array; fixedRun: Map<number, Outcome>; missed: Map<number, string>; fees: Map<number, number> },
    calibration: Map<string, number>,
    ttft: TtftModel,
  ): { rows: RowBuilder; rowOf: Int32Array } {
    const rows = new RowBuilder();
    const rowOf = new Int32Array(this.recorded.length).fill(-1);
    const kept: { seq: number; params: CacheParams }[] = [];
    for (const g of priced) for (const seq of g.seqs) if (this.recorded.inShard(seq)) kept.push({ seq, params: g.params });
    kept.sort((a, b) => a.seq - b.seq);
    for (const { seq, params } of kept) {
      const r = this.recorded.get(seq);
      const row: RowFields = { file: r.file, index: r.index, line: r.line, lineage: r.lineage, provider: r.provider, model: r.model, outputTokens: r.usage?.outputTokens ?? 0 };
      if (r.fixedN !== undefined && r.divergence?.code) row.breaker = r.divergence.code;
      const tokens = s.nowRun[seq * OUTCOME]!;
      row.noCache = {
        pico: Number(cost(tokens, params.rates.input) + cost(row.outputTokens, params.rates.output)),
        ttftMs: predictPrefillMs(ttft.shape, ttft.gpu.coefficients, 0, Math.max(1, tokens)),
      };
      const u = r.usage;
      if (u && !r.incomplete && u.cacheWriteTokens !== undefined) row.reportedWrite = u.cacheWriteTokens;
      if (u && totalOf(u) > 0) {
        row.reportedInput = totalOf(u);
        const w1h = u.cacheWrite1hTokens ?? 0;
        const w5m = Math.max(0, (u.cacheWriteTokens ?? 0) - w1h);
        row.reportedPico = Number(
          cost(u.inputTokens ?? 0, params.rates.input) + cost(u.cacheReadTokens ?? 0, params.rates.read) + cost(w5m, params.rates.write5m) + cost(w1h, params.rates.write1h) + cost(row.outputTokens, params.rates.output),
        );
      }
      const reported = u?.cacheReadTokens;
      if (reported !== undefined) {
        row.reported = reported;
        if (r.incomplete) row.notCompared = 'the log does not hold the whole prompt';
        else {
          const reason = this.disagreement(r, s.nowRun[seq * OUTCOME + 1]!, reported, calibration.has(r.lineage), s.missed.get(seq));
          if (reason) row.reason = reason;
        }
      }
      const now = s.nowRun.subarray(seq * OUTCOME, (seq + 1) * OUTCOME);
      const fixed = s.fixedRun.get(seq);
      const fee = s.fees.get(seq);
      if (fee === undefined) rowOf[seq] = rows.add(row, now, fixed);
      else {
        // the same cache objects in every scenario, and on the provider's bill
        const withFee = now.slice();
        withFee[PICO_WRITE] = withFee[PICO_WRITE]! + fee;
        if (row.reportedPico !== undefined) row.reportedPico += fee;
        rowOf[seq] = rows.add(row, withFee, fixed && { ...fixed, pico: { ...fixed.pico, write: fixed.pico.write + fee } });
      }
    }
    return { rows, rowOf };
  }

  /**
   * Per rule: every break of one rule fixed, the rest as they are. Only requests whose outcome changes
   * carry the rule's outcome, so the rows stay small. Returns the codes of the rules with fixable breaks.
   */
  private priceRules(run: Scenario, rows: RowBuilder, rowOf: Int32Array, nowRun: Float64Array): Set<string> {
    const codes = new Set<string>();
    for (const seq of this.recorded.keys()) {
      const code = this.recorded.hasFix(seq) ? this.recorded.divergenceOf(seq)?.code : undefined;
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
    return codes;
  }

  /**
   * Per finding (a rule at one place in the shared prefix, with all the requests it breaks): every break
   * of that finding fixed, the rest as they are, replayed over all traffic — the other shards' requests
   * included, since a fix changes what they read too. The findings that break the most requests are
   * priced; each is one replay of the whole log.
   */
  private priceFindings(run: Scenario, priced: readonly PricedTarget[], nowRun: Float64Array, reportedFindings: ReadonlySet<string> | undefined): Finding[] {
    const byFinding: Finding[] = [];
    const members = new Map<string, number>();
    for (const [seq, key] of this.findingOf) if (this.recorded.hasFix(seq) && (!reportedFindings || reportedFindings.has(key))) members.set(key, (members.get(key) ?? 0) + 1);
    const pricedFindings = [...members].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, FINDINGS_PRICED);
    const pricedRows = priced.flatMap((g) => g.seqs).sort((a, b) => a - b);
    const nowRows = pricedRows.map((x) => ({ outputTokens: this.recorded.usageOf(x)?.outputTokens ?? 0, o: outcomeAt(nowRun, x) }));
    const base = totalsOf(nowRows, (x) => x.o, (x) => x.outputTokens);
    for (const [key] of pricedFindings) {
      const fixedOne = new Map<number, Outcome>();
      run(
        (x) => this.findingOf.get(x.seq) === key,
        (seq, o) => {
          if (!sameAsAt(o, nowRun, seq)) fixedOne.set(seq, o);
        },
      );
      const fixedRows = pricedRows.map((x, k) => ({ outputTokens: nowRows[k]!.outputTokens, o: fixedOne.get(x) ?? nowRows[k]!.o }));
      const saved = savings(base, totalsOf(fixedRows, (x) => x.o, (x) => x.outputTokens));
      const [file, line, code] = key.split('\u0000');
      byFinding.push({ file: file!, line: Number(line), code: code!, savedMicro: saved.total, ttftP50Ms: saved.ttftP50Ms, readDelta: fixedRows.reduce((n, x) => n + x.o.read, 0) - nowRows.reduce((n, x) => n + x.o.read, 0) });
    }
    return byFinding;
  }

  /** What the figures rest on: requests timed, with output counts, priced from usage, at reported totals. */
  private basis(): ProjectionBasis {
    const basis: ProjectionBasis = { requests: 0, timed: 0, withOutput: 0, fromUsage: 0, atReported: 0 };
    for (const r of this.recorded) {
      if (!r.inShard) continue;
      basis.requests++;
      if (r.time !== undefined) basis.timed++;
      const u = r.usage;
      if (!u) continue;
      if (u.outputTokens !== undefined) basis.withOutput++;
      if (r.incomplete && u.cacheReadTokens !== undefined) basis.fromUsage++;
      if (!r.incomplete && r.counted > 0 && totalOf(u) > 0) basis.atReported++;
    }
    return basis;
  }

  /**
   * Gemini explicit cache objects (cachedContent) the priced requests read: each one's creation (its
   * tokens at the input price) and its storage, in pico-dollars, by the seq of the request that first
   * reads it, whose write cost carries them. Each target's assumptions say what was priced and what could
   * not be. Engines have no such objects.
   */
  private explicitCacheFees(priced: readonly PricedTarget[], targetOf: (k: number) => ProjectionTarget | undefined): Map<number, number> {
    const fees = new Map<number, number>();
    if ((this.explicitCaches.size === 0 && this.cacheObjects.size === 0) || this.opts.engine) return fees;
    const objects = (n: number): string => `${n} object${n === 1 ? '' : 's'}`;
    /** names of the objects priced requests read */
    const read = new Set<string>();
    priced.forEach((g, k) => {
      const uses: ExplicitCacheUse[] = [];
      for (const seq of g.seqs) {
        const name = this.explicitCaches.get(seq);
        if (name === undefined) continue;
        const r = this.recorded.get(seq);
        uses.push({ seq, name, ...(r.time !== undefined ? { time: r.time } : {}), ...(r.usage?.cacheReadTokens !== undefined ? { cachedTokens: r.usage.cacheReadTokens } : {}) });
      }
      if (uses.length === 0) return;
      const params = g.params!;
      const per = params.storagePerMtokHour;
      const caches = storedCaches(uses, per, this.opts.ttlSeconds, this.cacheObjects);
      for (const c of caches) read.add(c.name);
      const sized = caches.filter((c) => c.tokens !== undefined);
      const unsized = caches.length - sized.length;
      let total = 0n;
      for (const c of sized) {
        const fee = cost(c.tokens!, params.rates.input) + (c.pico ?? 0n);
        fees.set(c.firstSeq, Number(fee));
        total += fee;
      }
      const notes = targetOf(k)?.assumptions;
      if (!notes) return;
      const assumed = sized.filter((c) => !c.fromLog).length;
      if (sized.length > 0) {
        const lifetime = this.opts.ttlSeconds !== undefined ? `its --ttl of ${this.opts.ttlSeconds} s` : `its ${EXPLICIT_DEFAULT_TTL_S / 3600} h default TTL`;
        const storage = per !== undefined ? `and storage at $${per} per million token-hours` : `(storage not priced: the price row ${params.ref.model} has no storage fee; --price …,storage=<USD per million token-hours> adds one)`;
        const how =
          assumed === 0
            ? 'each sized and stored as its own calls in the log say'
            : `${assumed === sized.length ? 'their' : `for ${assumed} of them`} creation and TTL are not in the log: each is stored from its first use for ${lifetime}, or to its last use when longer, and sized by the cached tokens its requests report`;
        notes.push(
          `Gemini explicit caches (cachedContent): ${objects(sized.length)} read by ${uses.length} request${uses.length === 1 ? '' : 's'}; each one's creation (its tokens at the input price) ${storage} come to ${assumed > 0 ? '≈ ' : ''}${displayUsd(toMicro(total))} in all, in the write cost of the request that first reads it (${assumed > 0 ? '≈: ' : ''}${how})`,
        );
      }
      if (unsized > 0) notes.push(`Gemini explicit caches (cachedContent): ${objects(unsized)} with no reported cached tokens: their size, and so their creation and storage, are not priced`);
    });
    // objects the log creates that none of its priced requests read are billed all the same
    const unread = [...this.cacheObjects.keys()].filter((name) => !read.has(name)).length;
    if (unread > 0) {
      const note = `Gemini explicit caches (cachedContent): ${objects(unread)} created in the log ${unread === 1 ? 'is' : 'are'} read by none of its priced requests: ${unread === 1 ? 'its' : 'their'} creation and storage are not in these totals`;
      priced.forEach((g, k) => {
        if (providerFamily(g.provider) === 'google') targetOf(k)?.assumptions.push(note);
      });
    }
    return fees;
  }

  /** Records what a cachedContents call says of an explicit cache object (several calls of one object merge). */
  addCacheObject(facts: CacheObjectFacts): void {
    const k = this.cacheObjects.get(facts.name) ?? {};
    if (facts.createdAt !== undefined) k.createdAt = Math.min(k.createdAt ?? facts.createdAt, facts.createdAt);
    // an update moves the expiry: the latest one stands
    if (facts.expiresAt !== undefined) k.expiresAt = Math.max(k.expiresAt ?? facts.expiresAt, facts.expiresAt);
    if (facts.deletedAt !== undefined) k.deletedAt = Math.min(k.deletedAt ?? facts.deletedAt, facts.deletedAt);
    if (facts.tokens !== undefined) k.tokens = facts.tokens;
    this.cacheObjects.set(facts.name, k);
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
    // the provider read a prefix no earlier request of the log shares: a request outside the log wrote it
    if (reported > predicted && (r.priorSeq === undefined || r.sharedTokens * this.scale(r, new Map()) < reported * 0.95)) {
      return 'the cache was already warm when the log starts: no earlier request in the log shares the prefix the provider read';
    }
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
