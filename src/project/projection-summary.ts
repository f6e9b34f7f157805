// The projection's figures, derived from per-request rows. The LogProjector replays and prices every
// request (src/project/log-projection.ts); this pure module sums what it produced: totals, per rule, per
// lineage, agreement with reported usage, and the assumptions in words. Every row belongs to one lineage
// and a provider's cache is scoped per lineage, so `kvlint merge` can concatenate the rows of shards and
// call the same function: a merged report equals a single run by construction, not by approximation.
import { savings, totalsOf, type Outcome, type Savings, type Totals } from './cost.js';
import type { Regime } from './cache-params.js';
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
  /** cached tokens the provider reported for this request */
  reported?: number;
  /** why `reported` cannot be compared with the prediction */
  notCompared?: string;
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
}

export interface Projection {
  /** what the figures assume, in words (derived from `basis`, `targets` and `calibration`) */
  assumptions: string[];
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
  /** per lineage, now and fixed, most saved first */
  byLineage: { lineage: string; now: Totals; fixed: Totals; savings: Savings }[];
  agreement: Agreement;
  calibration: CalibrationEntry[];
  basis: ProjectionBasis;
  /** every priced request in arrival order: what the figures above are sums of */
  requests: ProjectedRequest[];
}

/** What the summary is computed from: everything but the sums. */
export type ProjectionParts = Pick<Projection, 'targets' | 'unpriced' | 'ttftBasis' | 'byFinding' | 'calibration' | 'basis' | 'requests'> & {
  /** rule id of each rule code that has breaks */
  ruleIds: Record<string, string>;
};

const DISAGREEMENTS_SHOWN = 20;

/** Totals of rows in one scenario. */
export function rowTotals(rows: readonly ProjectedRequest[], pick: (r: ProjectedRequest) => Outcome): Totals {
  return totalsOf(rows, pick, (r) => r.outputTokens);
}

const now = (r: ProjectedRequest): Outcome => r.now;
const fixed = (r: ProjectedRequest): Outcome => r.fixed ?? r.now;

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
  out.push('fixes restore reuse within a lineage only; sessions are not assumed to share prefixes they do not share today');
  out.push(`TTFT: ${parts.ttftBasis}`);
  return out;
}

function agreementOf(rows: readonly ProjectedRequest[]): Agreement {
  const a: Agreement = { compared: 0, exact: 0, within5pct: 0, disagreements: [], skipped: {} };
  const all: (Agreement['disagreements'][number] & { index: number })[] = [];
  for (const r of rows) {
    if (r.reported === undefined) continue;
    if (r.notCompared) {
      a.skipped[r.notCompared] = (a.skipped[r.notCompared] ?? 0) + 1;
      continue;
    }
    a.compared++;
    const predicted = r.now.read;
    if (predicted === r.reported) a.exact++;
    if (r.reason === undefined) a.within5pct++;
    else all.push({ file: r.file, line: r.line, predicted, reported: r.reported, reason: r.reason, index: r.index });
  }
  all.sort((x, y) => Math.abs(y.predicted - y.reported) - Math.abs(x.predicted - x.reported) || compareStrings(x.file, y.file) || x.index - y.index);
  a.disagreements = all.slice(0, DISAGREEMENTS_SHOWN).map(({ index: _index, ...d }) => d);
  return a;
}

/** The projection from its parts. Pure: the same rows give the same figures, wherever they were computed. */
export function summarizeProjection(parts: ProjectionParts): Projection {
  const rows = parts.requests;
  const nowT = rowTotals(rows, now);
  const fixedT = rowTotals(rows, fixed);

  const breaks = new Map<string, number>();
  for (const r of rows) if (r.breaker) breaks.set(r.breaker, (breaks.get(r.breaker) ?? 0) + 1);
  const byRule = [...breaks].map(([code, n]) => {
    const t = rowTotals(rows, (r) => r.byRule?.[code] ?? r.now);
    const ruleId = parts.ruleIds[code];
    return { code, ...(ruleId ? { ruleId } : {}), breaks: n, savings: savings(nowT, t) };
  });
  byRule.sort((a, b) => b.savings.total - a.savings.total || compareStrings(a.code, b.code));

  const lineages = new Map<string, ProjectedRequest[]>();
  for (const r of rows) {
    const list = lineages.get(r.lineage);
    if (list) list.push(r);
    else lineages.set(r.lineage, [r]);
  }
  const byLineage = [...lineages].map(([lineage, list]) => {
    const n = rowTotals(list, now);
    const f = rowTotals(list, fixed);
    return { lineage, now: n, fixed: f, savings: savings(n, f) };
  });
  byLineage.sort((a, b) => b.savings.total - a.savings.total || compareStrings(a.lineage, b.lineage));

  const byFinding = [...parts.byFinding].sort((a, b) => b.savedMicro - a.savedMicro || compareStrings(a.file, b.file) || a.line - b.line || compareStrings(a.code, b.code));
  const targets = [...parts.targets].sort((a, b) => compareStrings(a.provider, b.provider) || compareStrings(a.model, b.model));
  const unpriced = [...parts.unpriced].sort((a, b) => compareStrings(a.model, b.model));
  const calibration = [...parts.calibration].sort((a, b) => compareStrings(a.model, b.model));
  return {
    assumptions: targets.length > 0 ? assumptionsFor({ ...parts, targets, calibration }) : [],
    targets,
    unpriced,
    ttftBasis: parts.ttftBasis,
    total: { now: nowT, fixed: fixedT, savings: savings(nowT, fixedT) },
    byRule,
    byFinding,
    byLineage,
    agreement: agreementOf(rows),
    calibration,
    basis: parts.basis,
    requests: rows as ProjectedRequest[],
  };
}
