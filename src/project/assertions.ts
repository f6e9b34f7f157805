// Thresholds on the cache metrics (`--assert 'cache-hit-rate>=90%'`, config `assert:`): parsed before any
// work, so a typo is a usage error; evaluated on the report's metrics (src/project/metrics.ts), never on a
// figure computed here. A metric nothing could measure fails with the reason: a gate that passes on an
// empty log would hide exactly the regression it is there to catch.
import { KvlintError } from '../errors.js';
import { suggest } from '../config/suggest.js';
import { METRIC_LABELS, METRIC_NAMES, type Metric, type MetricName, type Metrics } from './metrics.js';

export type AssertOp = '>=' | '<=' | '>' | '<';
/** `reported`/`simulated` as written; `auto`: reported where the log has usage for the metric, else simulated */
export type AssertSource = 'auto' | 'reported' | 'simulated';

export interface Assertion {
  /** the expression as written */
  expr: string;
  metric: MetricName;
  op: AssertOp;
  /** a share, 0–1 */
  threshold: number;
  source: AssertSource;
}

export interface AssertionResult {
  expr: string;
  /** the metric's command-line name, e.g. cache-hit-rate */
  metric: string;
  /** where the value came from; absent when there was none */
  source?: 'reported' | 'simulated';
  value: number | null;
  threshold: number;
  op: AssertOp;
  passed: boolean;
  /** requests the value counts */
  requests: number;
  /** why the assertion failed without a value */
  reason?: string;
}

const BY_FLAG = new Map<string, MetricName>(METRIC_NAMES.map((n) => [METRIC_LABELS[n].flag, n]));
const FLAGS = METRIC_NAMES.map((n) => METRIC_LABELS[n].flag);

/** A threshold as written: `90%` or `0.9` (a share); a bare number over 1 is taken as a mistake, not 9000%. */
function parseValue(text: string, expr: string, where: string): number {
  const m = /^(-?\d+(?:\.\d+)?|-?\.\d+)(%?)$/.exec(text.trim());
  if (!m) throw usage(`${where}'${expr}': the value must be a share like 90% or 0.9, got '${text.trim()}'`);
  const n = Number(m[1]);
  if (m[2]) return n / 100;
  if (Math.abs(n) > 1) throw usage(`${where}'${expr}': ${n} is not a share; write ${n}% or ${n / 100}`);
  return n;
}

function usage(message: string): KvlintError {
  return new KvlintError('KVE101', message, { hint: `write <metric><op><value>, e.g. cache-hit-rate>=90%; metrics: ${FLAGS.join(', ')}; operators >=, <=, >, <; prefix reported: or simulated: to pick the source` });
}

/** Parses one expression; throws a usage error (exit 2) naming it. `where`: e.g. `--assert ` or `config.yml: assert[0]: `. */
export function parseAssertion(expr: string, where = '--assert '): Assertion {
  let rest = expr.trim();
  let source: AssertSource = 'auto';
  const prefix = /^(reported|simulated):/i.exec(rest);
  if (prefix) {
    source = prefix[1]!.toLowerCase() as AssertSource;
    rest = rest.slice(prefix[0].length).trim();
  }
  const m = /^([a-z][a-z-]*)\s*(>=|<=|>|<)\s*(.+)$/i.exec(rest);
  if (!m) throw usage(`${where}'${expr}' is not an assertion`);
  const flag = m[1]!.toLowerCase();
  const metric = BY_FLAG.get(flag);
  if (!metric) {
    const near = suggest(flag, FLAGS) ?? FLAGS.find((f) => f.endsWith(flag));
    throw usage(`${where}'${expr}': unknown metric '${m[1]}'${near ? ` (did you mean ${near}?)` : ''}`);
  }
  return { expr: expr.trim(), metric, op: m[2] as AssertOp, threshold: parseValue(m[3]!, expr, where), source };
}

function holds(value: number, op: AssertOp, threshold: number): boolean {
  // metric values are rounded to 4 decimals; compare at that precision so 0.9 >= 90% holds
  const v = Math.round(value * 10000);
  const t = Math.round(threshold * 10000);
  return op === '>=' ? v >= t : op === '<=' ? v <= t : op === '>' ? v > t : v < t;
}

/** The requests a metric's value counts: its own denominator when it counts requests, else the source's requests. */
function requestsOf(m: Metric, metrics: Metrics): number {
  if (m.unit === 'requests') return m.denominator;
  return m.source === 'reported' ? (metrics.reportedRequests ?? 0) : metrics.now.cacheHitRate.denominator;
}

/**
 * A metric from the source asked for; `auto`: what the provider reported where the log carries it for
 * this metric, else the simulation of the log as it is. Undefined: `reported` asked of a log without usage.
 */
export function pickMetric(metrics: Metrics, name: MetricName, source: AssertSource = 'auto'): Metric | undefined {
  const reported = metrics.reported?.[name];
  if (source === 'reported') return reported;
  if (source === 'simulated') return metrics.now[name];
  return reported && reported.value !== null ? reported : metrics.now[name];
}

/** Evaluates assertions on a report's metrics; `metrics` is absent when no log request was priced. */
export function evaluateAssertions(list: readonly Assertion[], metrics: Metrics | undefined, unpriced: ReadonlyArray<{ model: string; requests: number }> = []): AssertionResult[] {
  const left = unpriced.map((u) => `${u.requests} request${u.requests === 1 ? '' : 's'} of ${u.model}`).join(', ');
  const none = `no priced or measurable request${left ? ` (${left} without a price row: --price or the config's prices: adds one)` : ''}`;
  return list.map((a) => {
    const result = (source: AssertionResult['source'], value: number | null, requests: number, reason?: string): AssertionResult => ({
      expr: a.expr,
      metric: METRIC_LABELS[a.metric].flag,
      ...(source ? { source } : {}),
      value,
      threshold: a.threshold,
      op: a.op,
      passed: value !== null && holds(value, a.op, a.threshold),
      requests,
      ...(reason !== undefined ? { reason } : {}),
    });
    if (!metrics) return result(undefined, null, 0, left ? none : 'no priced or measurable request: the inputs hold no request log');
    const m = pickMetric(metrics, a.metric, a.source);
    if (!m) return result('reported', null, 0, 'the log carries no usage reported by the provider');
    const requests = requestsOf(m, metrics);
    if (requests === 0) return result(m.source, null, 0, none);
    return m.value === null ? result(m.source, null, requests, m.reason ?? 'not measurable') : result(m.source, m.value, requests);
  });
}

function pct(v: number): string {
  return `${Math.round(v * 1000) / 10}%`;
}

/** One line per assertion: `cache-hit-rate 42.5% (reported, 120 requests) is not >= 90%`. */
export function formatAssertion(r: AssertionResult): string {
  const want = `${r.op} ${pct(r.threshold)}`;
  const from = r.source ? `${r.source}, ${r.requests.toLocaleString('en-US')} request${r.requests === 1 ? '' : 's'}` : 'no requests';
  if (r.value === null) return `${r.metric} ${want} failed: ${r.reason ?? 'no value'} (${from})`;
  return `${r.metric} ${pct(r.value)} (${from}) ${r.passed ? 'is' : 'is not'} ${want}`;
}
