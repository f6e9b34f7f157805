// `kvlint compare before.json after.json`: what changed between two runs over the same kind of traffic —
// the five cache metrics (read from each report's `metrics`, never recomputed), the rules, lineages and
// groups whose cost moved most, the findings that appeared or went away — and the regression gates
// (--max-drop, --max-increase) that fail a CI job. Pure: two reports in, a comparison out.
import { fingerprint } from '../baseline/index.js';
import { suggest } from '../config/suggest.js';
import { KvlintError } from '../errors.js';
import type { Diagnostic, Severity } from '../model.js';
import { METRIC_LABELS, METRIC_NAMES, type Metric, type MetricName, type Metrics } from '../project/metrics.js';
import type { Projection } from '../project/projection-summary.js';
import { compareStrings, type Report } from '../report.js';

/** Rows listed per kind of cost change (rules, lineages, each group field); json has the same cut. */
export const TOP_CHANGES = 5;

export type Scenario = 'now' | 'fixed' | 'reported';

export interface Change {
  before: number | null;
  after: number | null;
  /** after − before, in percentage points (null when either side has no value) */
  points: number | null;
}

export interface MetricComparison {
  name: MetricName;
  /** command-line name, e.g. cache-hit-rate */
  metric: string;
  now: Change;
  fixed: Change;
  /** present when either report has reported usage */
  reported?: Change;
}

export interface CostChange {
  key: string;
  /** micro-dollars */
  before: number;
  after: number;
  delta: number;
  /** only in one report */
  only?: 'before' | 'after';
}

export interface FindingChange {
  code: string;
  ruleId: string;
  severity: Severity;
  file: string;
  line: number;
  message: string;
}

export interface Gate {
  kind: 'max-drop' | 'max-increase';
  expr: string;
  name: MetricName;
  /** allowed change, percentage points */
  points: number;
  source: 'auto' | 'reported' | 'simulated';
}

export interface GateResult {
  expr: string;
  kind: Gate['kind'];
  metric: string;
  limit: number;
  source?: 'reported' | 'simulated';
  before: number | null;
  after: number | null;
  /** after − before, percentage points */
  points: number | null;
  passed: boolean;
  reason?: string;
}

export interface Comparison {
  kvlint: 'compare';
  before: { file: string; version: string; requests: number; findings: number };
  after: { file: string; version: string; requests: number; findings: number };
  metrics: MetricComparison[];
  /** cost of all priced requests now, micro-dollars */
  cost: { before: number; after: number; delta: number };
  /** what fixing each rule's breakers would save (the rule's cost), biggest change first */
  rules: CostChange[];
  /** cost now per lineage, biggest change first */
  lineages: CostChange[];
  /** per --group-by field both reports have: cost now per value, biggest change first */
  groups: { field: string; changes: CostChange[] }[];
  findings: { new: FindingChange[]; gone: FindingChange[] };
  gates: GateResult[];
}

export interface NamedReport {
  name: string;
  report: Report;
}

const FLAGS = METRIC_NAMES.map((n) => METRIC_LABELS[n].flag);
const BY_FLAG = new Map<string, MetricName>(METRIC_NAMES.map((n) => [METRIC_LABELS[n].flag, n]));

/** `cache-hit-rate=5` (points; `5%`, `5pp`, `5pts` alike), optionally `reported:` or `simulated:` first. */
export function parseGate(kind: Gate['kind'], expr: string): Gate {
  const flag = `--${kind}`;
  const hint = `write ${flag} <metric>=<points>, e.g. ${flag} cache-hit-rate=5 (percentage points); metrics: ${FLAGS.join(', ')}`;
  let rest = expr.trim();
  let source: Gate['source'] = 'auto';
  const prefix = /^(reported|simulated):/i.exec(rest);
  if (prefix) {
    source = prefix[1]!.toLowerCase() as Gate['source'];
    rest = rest.slice(prefix[0].length);
  }
  const m = /^([a-z][a-z-]*)\s*=\s*(\d+(?:\.\d+)?)\s*(%|pp|pts?|points?)?$/i.exec(rest.trim());
  if (!m) throw new KvlintError('KVE101', `${flag} '${expr}' is not <metric>=<points>`, { hint });
  const name = BY_FLAG.get(m[1]!.toLowerCase());
  if (!name) {
    const near = suggest(m[1]!, FLAGS) ?? FLAGS.find((f) => f.endsWith(m[1]!.toLowerCase()));
    throw new KvlintError('KVE101', `${flag} '${expr}': unknown metric '${m[1]}'${near ? ` (did you mean ${near}?)` : ''}`, { hint });
  }
  return { kind, expr: expr.trim(), name, points: Number(m[2]), source };
}

function major(version: string): string {
  return /^(\d+)\./.exec(version)?.[1] ?? version;
}

/** Refuses what cannot be compared: not a report, a lone shard, different major versions, no metrics. */
function check(before: NamedReport, after: NamedReport): void {
  for (const { name, report } of [before, after]) {
    const r = report as Partial<Report>;
    if (typeof r !== 'object' || r === null || typeof r.version !== 'string' || !Array.isArray(r.files) || typeof r.summary !== 'object') {
      throw new KvlintError('KVE305', `${name} is not a kvlint json report`, { file: name, hint: 'compare reads reports written by kvlint --format json' });
    }
    if (r.shard) {
      throw new KvlintError('KVE101', `${name} is shard ${r.shard.index}/${r.shard.count} of a split run: it holds part of the traffic`, {
        file: name,
        hint: 'merge the shards first (kvlint merge shard-*.json -f json -o report.json) and compare the merged report',
      });
    }
  }
  if (major(before.report.version) !== major(after.report.version)) {
    throw new KvlintError('KVE101', `${before.name} was written by kvlint ${before.report.version}, ${after.name} by kvlint ${after.report.version}: reports of different major versions do not measure alike`, {
      hint: 'write both reports with the same kvlint major version (pin it in CI, e.g. npx kvlint@<version>)',
    });
  }
  for (const { name, report } of [before, after]) {
    if (!report.metrics) {
      throw new KvlintError('KVE101', `${name} has no cache metrics: its run had no request log with a priced model (or its kvlint predates metrics)`, {
        file: name,
        hint: 'compare json reports of runs over request logs, e.g. kvlint logs/ -f json -o report.json',
      });
    }
  }
}

function change(before: Metric | undefined, after: Metric | undefined): Change {
  const b = before?.value ?? null;
  const a = after?.value ?? null;
  return { before: b, after: a, points: a === null || b === null ? null : Math.round((a - b) * 10000) / 100 };
}

function compareMetrics(b: Metrics, a: Metrics): MetricComparison[] {
  return METRIC_NAMES.map((name) => {
    const row: MetricComparison = { name, metric: METRIC_LABELS[name].flag, now: change(b.now[name], a.now[name]), fixed: change(b.fixed[name], a.fixed[name]) };
    if (b.reported || a.reported) row.reported = change(b.reported?.[name], a.reported?.[name]);
    return row;
  });
}

/** Cost per key in both reports, biggest absolute change first (ties by key), at most TOP_CHANGES. */
function costChanges(before: Map<string, number>, after: Map<string, number>): CostChange[] {
  const out: CostChange[] = [];
  for (const key of new Set([...before.keys(), ...after.keys()])) {
    const b = before.get(key);
    const a = after.get(key);
    const c: CostChange = { key, before: b ?? 0, after: a ?? 0, delta: (a ?? 0) - (b ?? 0) };
    if (b === undefined) c.only = 'after';
    if (a === undefined) c.only = 'before';
    if (c.delta !== 0) out.push(c);
  }
  out.sort((x, y) => Math.abs(y.delta) - Math.abs(x.delta) || compareStrings(x.key, y.key));
  return out.slice(0, TOP_CHANGES);
}

function ruleCosts(p: Projection | undefined): Map<string, number> {
  return new Map((p?.byRule ?? []).map((r) => [`${r.code}${r.ruleId ? ` ${r.ruleId}` : ''}`, r.savings.total]));
}

function lineageCosts(p: Projection | undefined): Map<string, number> {
  return new Map(Array.from(p?.byLineage ?? [], (l) => [l.lineage, l.now.cost.total]));
}

function groupChanges(b: Projection | undefined, a: Projection | undefined): Comparison['groups'] {
  const out: Comparison['groups'] = [];
  for (const gb of b?.byGroup ?? []) {
    const ga = a?.byGroup?.find((g) => g.field === gb.field);
    if (!ga || gb.refused || ga.refused) continue;
    const costs = (g: typeof gb) => new Map(g.groups.map((e) => [e.value ?? '(none)', e.cost.now]));
    out.push({ field: gb.field, changes: costChanges(costs(gb), costs(ga)) });
  }
  return out;
}

function diagnostics(r: Report): Diagnostic[] {
  return r.files.flatMap((f) => f.diagnostics);
}

function asChange(d: Diagnostic): FindingChange {
  return { code: d.code, ruleId: d.ruleId, severity: d.severity, file: d.file, line: d.line, message: d.message };
}

/**
 * Findings in one report and not the other, matched as the baseline matches them (rule, file and the
 * finding's evidence, not its line: a finding that moved is the same finding), counted per match.
 */
function findingChanges(before: Report, after: Report): Comparison['findings'] {
  const left = new Map<string, number>();
  for (const d of diagnostics(before)) {
    const k = fingerprint(d, d.file);
    left.set(k, (left.get(k) ?? 0) + 1);
  }
  const added: FindingChange[] = [];
  for (const d of diagnostics(after)) {
    const k = fingerprint(d, d.file);
    const n = left.get(k) ?? 0;
    if (n > 0) left.set(k, n - 1);
    else added.push(asChange(d));
  }
  const gone: FindingChange[] = [];
  for (const d of diagnostics(before)) {
    const k = fingerprint(d, d.file);
    const n = left.get(k) ?? 0;
    if (n > 0) {
      left.set(k, n - 1);
      gone.push(asChange(d));
    }
  }
  return { new: added, gone };
}

/** Both reports' values of a gate's metric, from the same source: reported only when both have it. */
function gateResult(g: Gate, b: Metrics, a: Metrics): GateResult {
  const base = { expr: g.expr, kind: g.kind, metric: METRIC_LABELS[g.name].flag, limit: g.points };
  const rb = b.reported?.[g.name];
  const ra = a.reported?.[g.name];
  const bothReported = rb?.value != null && ra?.value != null;
  const source: 'reported' | 'simulated' = g.source === 'reported' || (g.source === 'auto' && bothReported) ? 'reported' : 'simulated';
  const c = source === 'reported' ? change(rb, ra) : change(b.now[g.name], a.now[g.name]);
  if (c.points === null) {
    const missing = source === 'reported' ? (rb?.value == null ? (rb?.reason ?? 'no reported usage') : (ra?.reason ?? 'no reported usage')) : ((c.before === null ? b.now[g.name].reason : a.now[g.name].reason) ?? 'nothing to count');
    const which = (source === 'reported' ? rb?.value == null : c.before === null) ? 'before' : 'after';
    return { ...base, source, before: c.before, after: c.after, points: null, passed: false, reason: `no ${source} value in the ${which} report: ${missing}` };
  }
  const moved = g.kind === 'max-drop' ? -c.points : c.points;
  return { ...base, source, before: c.before, after: c.after, points: c.points, passed: moved <= g.points };
}

export function compareReports(before: NamedReport, after: NamedReport, gates: readonly Gate[] = []): Comparison {
  check(before, after);
  const b = before.report;
  const a = after.report;
  const bm = b.metrics!;
  const am = a.metrics!;
  const count = (r: Report) => r.summary.errors + r.summary.warnings + r.summary.infos;
  const costOf = (r: Report) => r.projection?.total.now.cost.total ?? 0;
  return {
    kvlint: 'compare',
    before: { file: before.name, version: b.version, requests: bm.now.cacheHitRate.denominator, findings: count(b) },
    after: { file: after.name, version: a.version, requests: am.now.cacheHitRate.denominator, findings: count(a) },
    metrics: compareMetrics(bm, am),
    cost: { before: costOf(b), after: costOf(a), delta: costOf(a) - costOf(b) },
    rules: costChanges(ruleCosts(b.projection), ruleCosts(a.projection)),
    lineages: costChanges(lineageCosts(b.projection), lineageCosts(a.projection)),
    groups: groupChanges(b.projection, a.projection),
    findings: findingChanges(b, a),
    gates: gates.map((g) => gateResult(g, bm, am)),
  };
}
