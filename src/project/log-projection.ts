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
import { replay } from '../simulate/replay.js';
import { Interner } from '../simulate/prefix.js';
import type { SimBreakpoint, SimOutcome, SimRequest } from '../simulate/types.js';
import { cacheParams, type CacheParams, type Regime } from './cache-params.js';
import { priceOutcome, refLabel, savings, totals, type Priced, type Savings, type Totals } from './cost.js';
import type { PriceRow, PriceTable } from './prices.js';
import { predictPrefillMs } from './ttft-model.js';
import { ttftModelFor } from './ttft.js';
import { encodingForModel } from '../tokenize/index.js';

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
  r: { seg: Int32Array; canon: Int32Array; tools: Uint8Array },
  prev: { seg: Int32Array; canon: Int32Array; tools: Uint8Array },
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

/** What is kept per request: ids and counts, never texts. */
interface Recorded {
  seq: number;
  file: string;
  line: number;
  lineage: string;
  provider: string;
  model: string;
  time?: number;
  /** tokens through the end of each segment */
  cum: Int32Array;
  /** interned raw chain id through each segment */
  chain: Int32Array;
  /** leading segments a fixed request shares with the previous one, when its divergence is fixable */
  fixedN?: number;
  breakpoints: SimBreakpoint[];
  autoCache: boolean;
  messageEnds: number[];
  implicitBreakpoint?: number;
  /** leading segments equal to the previous request of the lineage (no fix needed) */
  sameAsPrev: number;
  sharedWithPrev: number;
  prevSeq?: number;
  divergence?: { segment: number; cause: string; code?: string };
  usage?: KvRequest['usage'];
  incomplete: boolean;
  counted: number;
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

export interface ProjectionTotals {
  now: Totals;
  fixed: Totals;
  savings: Savings;
}

export interface Agreement {
  /** requests whose reported cached tokens could be compared with the prediction */
  compared: number;
  exact: number;
  within5pct: number;
  /** the largest disagreements, with the likeliest reason */
  disagreements: { file: string; line: number; predicted: number; reported: number; reason: string }[];
  /** every compared request: predicted and reported cached tokens */
  requests: { file: string; line: number; predicted: number; reported: number }[];
  /** requests with reported usage that were not compared, by reason */
  skipped: Record<string, number>;
}

export interface Projection {
  /** what the figures assume, in words */
  assumptions: string[];
  /** one entry per (provider, model) replayed: the cache model and the price row used */
  targets: { provider: string; model: string; regime: Regime; price: string; requests: number }[];
  /** models that could not be priced, with the number of requests left out */
  unpriced: { model: string; requests: number }[];
  ttftBasis: string;
  total: ProjectionTotals;
  /** what fixing each rule's breakers alone would save, most first */
  byRule: { code: string; ruleId?: string; breaks: number; savings: Savings }[];
  /** per log finding (a fixable break): what fixing it alone saves, most first (providers only) */
  byFinding: { file: string; line: number; code: string; savedMicro: number; ttftP50Ms: number }[];
  /** per lineage, now and fixed, most saved first */
  byLineage: { lineage: string; now: Totals; fixed: Totals; savings: Savings }[];
  agreement: Agreement;
  /** stand-in token counts vs reported totals, per model: the factor applied before replay */
  calibration: { model: string; factor: number; requests: number }[];
}

/** Collects the log analyzer's requests (ids and counts only) and projects them at the end. */
export class LogProjector {
  private readonly recorded: Recorded[] = [];
  private readonly chains = new Interner();
  private readonly segs = new Interner();
  private readonly lastOfLineage = new Map<string, number>();
  /**
   * Per-segment ids of the latest request of each lineage, needed only to work out how far a fixed next
   * request would share its prefix; they are dropped as the lineage moves on, so memory stays per request
   * small (two typed arrays).
   */
  private readonly lastSegments = new Map<string, { seg: Int32Array; canon: Int32Array; tools: Uint8Array }>();

  constructor(
    private readonly table: PriceTable,
    private readonly opts: ProjectionOptions = {},
  ) {}

  /** Called by analyzeLogs for every request, in arrival order. */
  add(req: KvRequest, input: DiffInput, entry: TimelineEntry, incomplete: boolean): void {
    const cum = new Int32Array(input.tokens.length);
    let acc = 0;
    input.tokens.forEach((t, k) => (cum[k] = acc += t));
    // 16 hex digits (64 bits) identify a chain link or segment well enough and halve the interned keys
    const segs = {
      seg: Int32Array.from(input.hashes, (h) => this.segs.id(h.raw.slice(0, 16))),
      canon: Int32Array.from(input.hashes, (h) => this.segs.id(`c${h.canonical.slice(0, 16)}`)),
      tools: Uint8Array.from(req.segments, (x) => (x.level === 'tools' ? 1 : 0)),
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
    const rec: Recorded = {
      seq: this.recorded.length,
      file: req.file,
      line: req.line,
      lineage: req.lineage,
      provider: req.provider,
      model: this.opts.model ?? req.model ?? 'unknown',
      cum,
      chain: Int32Array.from(input.hashes, (h) => this.chains.id(h.rawChain.slice(0, 16))),
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
      rec.divergence = { segment: entry.divergence.segment, cause: entry.divergence.cause };
      if (entry.divergence.code) rec.divergence.code = entry.divergence.code;
      const prev = this.lastSegments.get(req.lineage);
      if (prev && FIXABLE_CAUSES.has(entry.divergence.cause)) rec.fixedN = fixedShare(rec.divergence, segs, prev);
    }
    if (req.usage) rec.usage = req.usage;
    this.recorded.push(rec);
    this.lastOfLineage.set(req.lineage, rec.seq);
    this.lastSegments.set(req.lineage, segs);
  }

  /**
   * The requests as they were (fix = never) or with the breakers `fix` accepts removed, indexed by seq;
   * only those in `only` (whole lineages) when given.
   */
  private simRequests(fix: (r: Recorded) => boolean, calibration: Map<string, number>, only?: readonly number[]): SimRequest[] {
    const fixedChains: ArrayLike<number>[] = [];
    const out: SimRequest[] = [];
    let fresh = -1; // negative ids never collide with interned ones
    for (const seq of only ?? this.recorded.keys()) {
      const r = this.recorded[seq]!;
      const prev = r.prevSeq !== undefined ? this.recorded[r.prevSeq] : undefined;
      let chain: ArrayLike<number> = r.chain;
      let shared = r.sharedWithPrev;
      if (prev) {
        const prevChain = fixedChains[prev.seq] ?? prev.chain;
        const n = r.fixedN !== undefined && fix(r) ? r.fixedN : r.sameAsPrev;
        if (n !== r.sameAsPrev || prevChain !== prev.chain) {
          const next = Int32Array.from(r.chain, (id, k) => (k < n ? (prevChain[k] ?? id) : id));
          // after a fixed divergence the later ids must not match the unfixed history by accident
          if (n > r.sameAsPrev) for (let k = n; k < next.length; k++) next[k] = fresh--;
          chain = next;
          if (n > r.sameAsPrev) shared = n > 0 ? (r.cum[n - 1] ?? 0) : 0;
        }
      }
      fixedChains[r.seq] = chain;
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
      out[r.seq] = sim;
    }
    return out;
  }

  /**
   * The factor a request's token counts are scaled by: its own reported total when the log has one (the
   * provider counts what it really tokenized, including its own framing and tool-use preamble, which do
   * count toward minimums and the cached prefix), else its model's calibration factor, else 1.
   */
  private scale(r: Recorded, calibration: Map<string, number>): number {
    const u = r.usage;
    if (u && !r.incomplete && r.counted > 0) {
      const reported = (u.inputTokens ?? 0) + (u.cacheReadTokens ?? 0) + (u.cacheWriteTokens ?? 0);
      if (reported > 0) return reported / r.counted;
    }
    return calibration.get(r.model) ?? 1;
  }

  /** Stand-in tokenizer vs reported input totals, per model: median ratio over complete prompts. */
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
      const list = ratios.get(r.model) ?? [];
      list.push(reported / r.counted);
      ratios.set(r.model, list);
    }
    const out = new Map<string, number>();
    for (const [model, list] of ratios) {
      const s = [...list].sort((a, b) => a - b);
      const median = s[Math.floor(s.length / 2)] ?? 1;
      out.set(model, Math.round(median * 1000) / 1000);
    }
    return out;
  }

  /** Replays, prices and compares everything recorded. `approx`: counts come from a stand-in tokenizer. */
  finish(approx: boolean, ruleIds: (code: string) => string | undefined): Projection | undefined {
    if (this.recorded.length === 0) return undefined;
    const assumptions: string[] = [];
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
    const unpriced = [...groups.values()].filter((g) => !g.params).map((g) => ({ model: g.model, requests: g.seqs.length }));
    if (priced.length === 0) {
      // nothing to price: say which models lacked a price row rather than print nothing
      const empty = totals([], [], []);
      return {
        assumptions: [],
        targets: [],
        unpriced,
        ttftBasis: ttft.basis,
        total: { now: empty, fixed: empty, savings: savings(empty, empty) },
        byRule: [],
        byFinding: [],
        agreement: { compared: 0, exact: 0, within5pct: 0, disagreements: [], requests: [], skipped: {} },
        byLineage: [],
        calibration: [],
      };
    }
    for (const g of priced) for (const a of g.params!.assumptions) if (!assumptions.includes(a)) assumptions.push(a);
    if (this.recorded.every((r) => r.time === undefined)) assumptions.push('the log has no timestamps: every request was assumed within the cache TTL');
    if (this.recorded.some((r) => r.usage?.outputTokens === undefined)) assumptions.push('output tokens priced only where the log reports them');
    if (this.recorded.some((r) => r.incomplete && r.usage?.cacheReadTokens !== undefined)) {
      assumptions.push('requests whose prompt is not in the log (e.g. Claude Code transcripts) are priced from the usage the provider reported, in both columns');
    }
    if (calibration.size > 0) {
      assumptions.push(
        `token counts come from a stand-in tokenizer; requests without reported usage were scaled by their model's median ratio to reported totals: ${[...calibration].map(([m, f]) => `${m} ×${f}`).join(', ')}`,
      );
    }
    if (this.recorded.some((r) => r.usage && !r.incomplete)) assumptions.push('requests with reported usage are replayed at the token total the provider reported');
    assumptions.push('fixes restore reuse within a lineage only; sessions are not assumed to share prefixes they do not share today');
    assumptions.push(`TTFT: ${ttft.basis}`);

    // Per-finding runs replay one lineage (`only`, ascending): they touch only its requests, never all of
    // them (each used to filter and sort every priced request: ~0.5 s for 600 findings on the 1 GB agent log).
    const groupOf = new Map<number, (typeof priced)[number]>();
    for (const g of priced) for (const x of g.seqs) groupOf.set(x, g);
    const allPriced = priced.flatMap((g) => g.seqs).sort((a, b) => a - b);
    const run = (fix: (r: Recorded) => boolean, only?: readonly number[]): { outcomes: SimOutcome[]; priced: Priced[]; outputs: number[] } => {
      const reqs = this.simRequests(fix, calibration, only);
      const outcomes: SimOutcome[] = [];
      const pricedOut: Priced[] = [];
      const outputs: number[] = [];
      for (const s of only ?? reqs.keys()) outputs[s] = reqs[s]?.outputTokens ?? 0;
      for (const g of priced) {
        const seqs = only ? only.filter((x) => groupOf.get(x) === g) : g.seqs;
        if (seqs.length === 0) continue;
        const subset = seqs.map((s) => reqs[s]!);
        const res = replay(subset, g.params!, {
          ...(this.opts.ttlSeconds !== undefined ? { ttlSeconds: this.opts.ttlSeconds } : {}),
          ...(this.opts.kvBudgetTokens !== undefined ? { kvBudgetTokens: this.opts.kvBudgetTokens } : {}),
        });
        res.forEach((sim, i) => {
          const seq = seqs[i]!;
          const o = this.reportedOutcome(seq) ?? sim;
          outcomes[seq] = o;
          const ms = predictPrefillMs(ttft.shape, ttft.gpu.coefficients, Math.min(o.read, Math.max(0, o.total - 1)), Math.max(1, o.total - o.read));
          pricedOut[seq] = priceOutcome(o, g.params!, outputs[seq] ?? 0, ms);
        });
      }
      const keep = only ? only.filter((x) => groupOf.has(x)) : allPriced;
      return { outcomes: keep.map((s) => outcomes[s]!), priced: keep.map((s) => pricedOut[s]!), outputs: keep.map((s) => outputs[s] ?? 0) };
    };
    const nowRun = run(() => false);
    const fixedRun = run((r) => r.divergence !== undefined);
    const now = totals(nowRun.outcomes, nowRun.priced, nowRun.outputs);
    const fixed = totals(fixedRun.outcomes, fixedRun.priced, fixedRun.outputs);

    const codes = new Map<string, number>();
    for (const r of this.recorded) {
      if (r.divergence?.code && FIXABLE_CAUSES.has(r.divergence.cause)) codes.set(r.divergence.code, (codes.get(r.divergence.code) ?? 0) + 1);
    }
    const byRule = [...codes].map(([code, breaks]) => {
      const one = run((r) => r.divergence?.code === code);
      const t = totals(one.outcomes, one.priced, one.outputs);
      const ruleId = ruleIds(code);
      return { code, ...(ruleId ? { ruleId } : {}), breaks, savings: savings(now, t) };
    });
    byRule.sort((a, b) => b.savings.total - a.savings.total || (a.code < b.code ? -1 : 1));

    // Per finding: fixing one break alone, replayed on its lineage only (a provider's cache is per
    // lineage, so other lineages cannot change). Engines share one cache across lineages: skipped there.
    const byFinding: Projection['byFinding'] = [];
    if (!engine) {
      const lineageSeqs = new Map<string, number[]>();
      for (const r of this.recorded) {
        const list = lineageSeqs.get(r.lineage) ?? [];
        list.push(r.seq);
        lineageSeqs.set(r.lineage, list);
      }
      const baseline = new Map<string, Totals>();
      for (const r of this.recorded) {
        if (r.fixedN === undefined || !r.divergence?.code) continue;
        const only = lineageSeqs.get(r.lineage)!;
        let base = baseline.get(r.lineage);
        if (!base) {
          const b = run(() => false, only);
          base = totals(b.outcomes, b.priced, b.outputs);
          baseline.set(r.lineage, base);
        }
        const f = run((x) => x.seq === r.seq, only);
        const saved = savings(base, totals(f.outcomes, f.priced, f.outputs));
        byFinding.push({ file: r.file, line: r.line, code: r.divergence.code, savedMicro: saved.total, ttftP50Ms: saved.ttftP50Ms });
      }
      byFinding.sort((a, b) => b.savedMicro - a.savedMicro || (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line));
    }

    // per lineage: the same outcomes grouped by lineage (outcome i belongs to the i-th priced request)
    const keep = priced.flatMap((g) => g.seqs).sort((a, b) => a - b);
    const groupsOf = new Map<string, number[]>();
    keep.forEach((seq, i) => {
      const l = this.recorded[seq]!.lineage;
      const list = groupsOf.get(l) ?? [];
      list.push(i);
      groupsOf.set(l, list);
    });
    const pick = <T>(xs: T[], idx: number[]): T[] => idx.map((i) => xs[i]!);
    const byLineage = [...groupsOf].map(([lineage, idx]) => {
      const n = totals(pick(nowRun.outcomes, idx), pick(nowRun.priced, idx), pick(nowRun.outputs, idx));
      const f = totals(pick(fixedRun.outcomes, idx), pick(fixedRun.priced, idx), pick(fixedRun.outputs, idx));
      return { lineage, now: n, fixed: f, savings: savings(n, f) };
    });
    byLineage.sort((a, b) => b.savings.total - a.savings.total || (a.lineage < b.lineage ? -1 : 1));

    return {
      assumptions,
      targets: priced.map((g) => ({ provider: g.provider, model: g.model, regime: g.params!.regime, price: refLabel(g.params!.ref), requests: g.seqs.length })),
      unpriced,
      ttftBasis: ttft.basis,
      total: { now, fixed, savings: savings(now, fixed) },
      byRule,
      byFinding,
      byLineage,
      agreement: this.agreement(nowRun.outcomes, keep, calibration),
      calibration: [...calibration].map(([model, factor]) => ({ model, factor, requests: this.recorded.filter((r) => r.model === model && r.usage).length })),
    };
  }

  /**
   * A request whose prompt is not in the log (a Claude Code transcript holds no system prompt or tools)
   * cannot be replayed: its outcome is what the provider reported, in both variants.
   */
  private reportedOutcome(seq: number): SimOutcome | undefined {
    const r = this.recorded[seq]!;
    const u = r.usage;
    if (!r.incomplete || !u || u.cacheReadTokens === undefined) return undefined;
    const uncached = u.inputTokens ?? 0;
    const read = u.cacheReadTokens;
    const w1h = u.cacheWrite1hTokens ?? 0;
    const w5m = Math.max(0, (u.cacheWriteTokens ?? 0) - w1h);
    return { seq: r.seq, total: uncached + read + w5m + w1h, read, write5m: w5m, write1h: w1h, uncached, notes: ['from reported usage: the prompt is not in the log'] };
  }

  /** Predicted vs reported cached tokens, with the likeliest reason for each disagreement. */
  private agreement(outcomes: SimOutcome[], seqs: number[], calibration: Map<string, number>): Agreement {
    const a: Agreement = { compared: 0, exact: 0, within5pct: 0, disagreements: [], requests: [], skipped: {} };
    const skip = (why: string) => (a.skipped[why] = (a.skipped[why] ?? 0) + 1);
    const all: Agreement['disagreements'] = [];
    seqs.forEach((seq, i) => {
      const r = this.recorded[seq]!;
      const reported = r.usage?.cacheReadTokens;
      if (reported === undefined) return;
      if (r.incomplete) return void skip('the log does not hold the whole prompt');
      const o = outcomes[i]!;
      a.compared++;
      const predicted = o.read;
      a.requests.push({ file: r.file, line: r.line, predicted, reported });
      if (predicted === reported) a.exact++;
      if (Math.abs(predicted - reported) <= 0.05 * Math.max(predicted, reported)) {
        a.within5pct++;
        return;
      }
      let reason = 'unexplained';
      if (reported > predicted && r.prevSeq === undefined) reason = 'the cache was already warm when the log starts (an earlier request is not in the log)';
      else if (reported > predicted && calibration.size === 0 && r.provider !== 'openai') reason = 'stand-in token counts (no reported totals to calibrate them)';
      else if (predicted > reported && (r.provider === 'openai' || r.provider === 'azure')) reason = 'OpenAI caching is best-effort: a request routed to another machine misses';
      else if (o.missed) reason = `simulated ${o.missed.reason}`;
      else if (predicted > reported) reason = 'the provider did not reuse a prefix the model expects it to (TTL, routing or eviction)';
      all.push({ file: r.file, line: r.line, predicted, reported, reason });
    });
    all.sort((x, y) => Math.abs(y.predicted - y.reported) - Math.abs(x.predicted - x.reported));
    a.disagreements = all.slice(0, 20);
    return a;
  }
}
