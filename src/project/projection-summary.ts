// The projection's figures, derived from per-request rows. The LogProjector replays and prices every
// request (src/project/log-projection.ts); this pure module sums what it produced: totals, per rule, per
// lineage, agreement with reported usage, and the assumptions in words. Each shard replays all traffic
// (the cache is shared) but keeps the rows of its own lineages only, so `kvlint merge` can concatenate the
// rows of shards and call the same function: a merged report equals a single run by construction.
import { savings, TotalsAcc, type Outcome, type Savings, type Totals } from './cost.js';
import type { List } from '../list.js';
import { LineageTotals, type LineageEntry } from './lineage-totals.js';
import type { Regime } from './cache-params.js';
import { ReportedAcc, simulatedMetrics, type Metrics } from './metrics.js';
import { compareStrings } from '../report.js';

export type { Outcome } from './cost.js';

/** One priced request: where it is, and its outcome now, with every breaker fixed, and per rule fixed. */
export interface ProjectedRequest {
  file: string;
  /** position of the request in its file, 0-based (with the file's place in the input: arrival order) */
  index: number;
  line: number;
  lineage: string;
  provider: string;
  model: string;
  outputTokens: number;
  now: Outcome;
  /** with every fixable breaker fixed; absent when the same as now */
  fixed?: Outcome;
  /** with only one rule's breakers fixed, by rule code; only where that changes this request */
  byRule?: Record<string, Outcome>;
  /** the rule code of this request's own fixable break */
  breaker?: string;
  /** with no caching at all: every token at the input price, prefill from scratch */
  noCache?: { pico: number; ttftMs: number };
  /** cached tokens the provider reported for this request */
  reported?: number;
  /** tokens the provider reported writing to the cache, and its input tokens in all */
  reportedWrite?: number;
  reportedInput?: number;
  /** the request priced at the usage the provider reported, pico-dollars */
  reportedPico?: number;
  /** why `reported` cannot be compared with the prediction */
  notCompared?: string;
  /** --group-by: the request's value of each field grouped by (null: none) */
  groups?: (string | null)[];
  /** the likeliest reason the prediction and the report differ by more than 5% */
  reason?: string;
}

/** Counts the assumptions are stated from (over every request recorded, priced or not). */
export interface ProjectionBasis {
  requests: number;
  /** requests with a timestamp */
  timed: number;
  /** requests whose output tokens the log reports */
  withOutput: number;
  /** requests priced from reported usage because their prompt is not in the log */
  fromUsage: number;
  /** requests replayed at the token total the provider reported */
  atReported: number;
}

export interface ProjectionTarget {
  provider: string;
  model: string;
  regime: Regime;
  price: string;
  requests: number;
  /** what this target's cache model assumes */
  assumptions: string[];
}

/** Stand-in counts scaled by their lineage's median ratio to reported totals, per model. */
export interface CalibrationEntry {
  model: string;
  /** lineages that had reported totals to calibrate from */
  lineages: number;
  /** requests without usage of their own that were scaled */
  requests: number;
  factorMin: number;
  factorMax: number;
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
  /** the largest disagreements (at most DISAGREEMENTS_SHOWN), with the likeliest reason */
  disagreements: { file: string; line: number; predicted: number; reported: number; reason: string }[];
  /** requests with reported usage that were not compared, by reason */
  skipped: Record<string, number>;
}

export interface Finding {
  file: string;
  line: number;
  code: string;
  savedMicro: number;
  ttftP50Ms: number;
  /** cached tokens read with this finding fixed, minus now: 0 means the break costs no cached tokens */
  readDelta?: number;
}

export interface Projection {
  /** what the figures assume, in words (derived from `basis`, `targets` and `calibration`) */
  assumptions: string[];
  /** the five cache metrics, simulated now and fixed, and from reported usage (src/project/metrics.ts) */
  metrics: Metrics;
  /** one entry per (provider, model) replayed: the cache model and the price row used */
  targets: ProjectionTarget[];
  /** models that could not be priced, with the number of requests left out */
  unpriced: { model: string; requests: number }[];
  ttftBasis: string;
  total: ProjectionTotals;
  /** what fixing each rule's breakers alone would save, most first */
  byRule: { code: string; ruleId?: string; breaks: number; savings: Savings }[];
  /** per log finding (a fixable break): what fixing it alone saves, most first (providers only) */
  byFinding: Finding[];
  /** per lineage, now and fixed, most saved first (a LazyList: each entry is summed when read) */
  byLineage: List<LineageEntry>;
  /** --group-by: per field, the metrics and cost of each of its values, costliest first */
  byGroup?: GroupBreakdown[];
  agreement: Agreement;
  calibration: CalibrationEntry[];
  basis: ProjectionBasis;
  /** every priced request in arrival order: what the figures above are sums of (a LazyList when unpacked from columns) */
  requests: List<ProjectedRequest>;
}

/** One value of a --group-by field: its requests' cost (micro-dollars) and metrics. */
export interface GroupEntry {
  /** null: the requests that have no value for the field */
  value: string | null;
  requests: number;
  cost: { now: number; fixed: number; saved: number };
  metrics: Metrics;
}

/** The groups of one --group-by field. */
export interface GroupBreakdown {
  field: string;
  /** the costliest MAX_GROUPS values (now), most first */
  groups: GroupEntry[];
  /** the values past the first MAX_GROUPS, summed */
  more?: { groups: number; requests: number; cost: { now: number; fixed: number; saved: number } };
  /** why the field was not grouped by (a distinct value on every request) */
  refused?: string;
}

/** Groups listed per --group-by field; the rest are summed into "…and N more". */
export const MAX_GROUPS = 20;

/** What the summary is computed from: everything but the sums. */
export type ProjectionParts = Pick<Projection, 'targets' | 'unpriced' | 'ttftBasis' | 'byFinding' | 'calibration' | 'basis' | 'requests'> & {
  /** rule id of each rule code that has breaks */
  ruleIds: Record<string, string>;
  /** --group-by: the fields whose values the rows carry in `groups`, in order */
  groupBy?: string[];
};

const DISAGREEMENTS_SHOWN = 20;

/** The assumptions, in a fixed order, from the counts and targets. */
export function assumptionsFor(parts: Pick<ProjectionParts, 'targets' | 'basis' | 'calibration' | 'ttftBasis'>): string[] {
  const out: string[] = [];
  for (const t of parts.targets) for (const a of t.assumptions) if (!out.includes(a)) out.push(a);
  const b = parts.basis;
  if (b.timed === 0) out.push('the log has no timestamps: every request was assumed within the cache TTL');
  if (b.withOutput < b.requests) out.push('output tokens priced only where the log reports them');
  if (b.fromUsage > 0) {
    out.push('requests whose prompt is not in the log (e.g. Claude Code transcripts) are priced from the usage the provider reported, in both columns');
  }
  if (parts.calibration.length > 0) {
    const factors = parts.calibration.map((c) => `${c.model} ×${c.factorMin}${c.factorMax !== c.factorMin ? `–${c.factorMax}` : ''} (${c.lineages} lineage${c.lineages === 1 ? '' : 's'})`);
    out.push(
      `token counts come from a stand-in tokenizer; requests without reported usage were scaled by the median ratio of their lineage's reported totals to counted tokens: ${factors.join(', ')}; lineages with no reported usage are not scaled`,
    );
  }
  if (b.atReported > 0) out.push('requests with reported usage are replayed at the token total the provider reported');
  out.push('one cache per provider scope (a workspace or organization; --cache-scope splits a log), shared by every session: each request reads what its nearest prior — the earlier request sharing its longest prefix, in any session — left there; fixes are replayed across all traffic');
  out.push(`TTFT: ${parts.ttftBasis}`);
  return out;
}

/** Agreement with reported cached tokens, from rows added one at a time. */
class AgreementAcc {
  private readonly a: Agreement = { compared: 0, exact: 0, within5pct: 0, disagreements: [], skipped: {} };
  private readonly all: (Agreement['disagreements'][number] & { index: number })[] = [];

  add(r: ProjectedRequest): void {
    const a = this.a;
    if (r.reported === undefined) return;
    if (r.notCompared) {
      a.skipped[r.notCompared] = (a.skipped[r.notCompared] ?? 0) + 1;
      return;
    }
    a.compared++;
    const predicted = r.now.read;
    if (predicted === r.reported) a.exact++;
    if (r.reason === undefined) a.within5pct++;
    else this.all.push({ file: r.file, line: r.line, predicted, reported: r.reported, reason: r.reason, index: r.index });
  }

  result(): Agreement {
    const all = this.all;
    all.sort((x, y) => Math.abs(y.predicted - y.reported) - Math.abs(x.predicted - x.reported) || compareStrings(x.file, y.file) || x.index - y.index);
    this.a.disagreements = all.slice(0, DISAGREEMENTS_SHOWN).map(({ index: _index, ...d }) => d);
    return this.a;
  }
}

/** Sums of the rows of one --group-by value: the same accumulators as the totals. */
interface GroupAcc {
  now: TotalsAcc;
  fixed: TotalsAcc;
  reported: ReportedAcc;
}

/** Per field, per value: rows summed as they are read. */
class GroupsAcc {
  private readonly byField: Map<string | null, GroupAcc>[];
  constructor(private readonly fields: readonly string[]) {
    this.byField = fields.map(() => new Map());
  }

  add(r: ProjectedRequest, fixed: Outcome): void {
    this.fields.forEach((_, j) => {
      const v = r.groups?.[j] ?? null;
      const m = this.byField[j]!;
      let g = m.get(v);
      if (!g) m.set(v, (g = { now: new TotalsAcc(), fixed: new TotalsAcc(), reported: new ReportedAcc() }));
      g.now.add(r.now, r.outputTokens, r.noCache);
      g.fixed.add(fixed, r.outputTokens, r.noCache);
      g.reported.add(r);
    });
  }

  result(): GroupBreakdown[] {
    return this.fields.map((field, j) => {
      const m = this.byField[j]!;
      let valued = 0;
      for (const [v, g] of m) if (v !== null) valued += g.now.requests;
      const distinct = m.size - (m.has(null) ? 1 : 0);
      // one value per request groups nothing: a request id or a timestamp, not a tenant
      if (distinct > MAX_GROUPS && distinct === valued) {
        return {
          field,
          groups: [],
          refused: `every request has its own ${field} (${distinct} values): group by a field requests share, e.g. metadata.user_id, metadata.tenant, user or :file`,
        };
      }
      const entries: GroupEntry[] = [...m].map(([value, g]) => {
        const now = g.now.totals();
        const fixed = g.fixed.totals();
        const reported = g.reported.result();
        return {
          value,
          requests: now.requests,
          cost: { now: now.cost.total, fixed: fixed.cost.total, saved: now.cost.total - fixed.cost.total },
          metrics: { now: simulatedMetrics(now), fixed: simulatedMetrics(fixed), ...(reported ? { reported, reportedRequests: g.reported.requests } : {}) },
        };
      });
      entries.sort((a, b) => b.cost.now - a.cost.now || (a.value === null ? 1 : b.value === null ? -1 : compareStrings(a.value, b.value)));
      const rest = entries.slice(MAX_GROUPS);
      const out: GroupBreakdown = { field, groups: entries.slice(0, MAX_GROUPS) };
      if (rest.length > 0) {
        const sum = (f: (e: GroupEntry) => number): number => rest.reduce((a, e) => a + f(e), 0);
        out.more = { groups: rest.length, requests: sum((e) => e.requests), cost: { now: sum((e) => e.cost.now), fixed: sum((e) => e.cost.fixed), saved: sum((e) => e.cost.saved) } };
      }
      return out;
    });
  }
}

/**
 * The projection from its parts. Pure: the same rows give the same figures, wherever they were computed.
 * The rows are read once, in order (they may be built as they are read: see rowList), into sums.
 */
export function summarizeProjection(parts: ProjectionParts): Projection {
  const nowAcc = new TotalsAcc();
  const fixedAcc = new TotalsAcc();
  const breaks = new Map<string, number>();
  // per rule: how its fix alone moves the sums off `now`, and the TTFTs of the rows it changes
  const ruleFixes = new Map<string, { delta: TotalsAcc; at: number[]; ttfts: number[] }>();
  const lineages = new LineageTotals();
  const agreement = new AgreementAcc();
  const reportedAcc = new ReportedAcc();
  const groups = parts.groupBy?.length ? new GroupsAcc(parts.groupBy) : undefined;
  let k = 0;
  for (const r of parts.requests) {
    const f = r.fixed ?? r.now;
    nowAcc.add(r.now, r.outputTokens, r.noCache);
    fixedAcc.add(f, r.outputTokens, r.noCache);
    reportedAcc.add(r);
    if (r.breaker) breaks.set(r.breaker, (breaks.get(r.breaker) ?? 0) + 1);
    if (r.byRule) {
      for (const [code, o] of Object.entries(r.byRule)) {
        let fix = ruleFixes.get(code);
        if (!fix) ruleFixes.set(code, (fix = { delta: new TotalsAcc(), at: [], ttfts: [] }));
        fix.delta.shift(r.now, o);
        fix.at.push(k);
        fix.ttfts.push(o.ttftMs);
      }
    }
    lineages.add(r);
    agreement.add(r);
    groups?.add(r, f);
    k++;
  }
  const nowT = nowAcc.totals();
  const fixedT = fixedAcc.totals();

  const byRule = [...breaks].map(([code, n]) => {
    const fix = ruleFixes.get(code);
    let t = nowT;
    if (fix) {
      const ttfts = nowAcc.ttfts.slice();
      fix.at.forEach((row, j) => (ttfts[row] = fix.ttfts[j]!));
      t = nowAcc.totals(ttfts, fix.delta);
    }
    const ruleId = parts.ruleIds[code];
    return { code, ...(ruleId ? { ruleId } : {}), breaks: n, savings: savings(nowT, t) };
  });
  byRule.sort((a, b) => b.savings.total - a.savings.total || compareStrings(a.code, b.code));

  const byLineage = lineages.list(parts.requests);

  const byFinding = [...parts.byFinding].sort((a, b) => b.savedMicro - a.savedMicro || compareStrings(a.file, b.file) || a.line - b.line || compareStrings(a.code, b.code));
  const targets = [...parts.targets].sort((a, b) => compareStrings(a.provider, b.provider) || compareStrings(a.model, b.model));
  const unpriced = [...parts.unpriced].sort((a, b) => compareStrings(a.model, b.model));
  const calibration = [...parts.calibration].sort((a, b) => compareStrings(a.model, b.model));
  const reported = reportedAcc.result();
  const metrics: Metrics = { now: simulatedMetrics(nowT), fixed: simulatedMetrics(fixedT), ...(reported ? { reported, reportedRequests: reportedAcc.requests } : {}) };
  return {
    assumptions: targets.length > 0 ? assumptionsFor({ ...parts, targets, calibration }) : [],
    metrics,
    targets,
    unpriced,
    ttftBasis: parts.ttftBasis,
    total: { now: nowT, fixed: fixedT, savings: savings(nowT, fixedT) },
    byRule,
    byFinding,
    byLineage,
    ...(groups ? { byGroup: groups.result() } : {}),
    agreement: agreement.result(),
    calibration,
    basis: parts.basis,
    requests: parts.requests,
  };
}
