// The cache metrics, each defined once, read by every format (stylish, json, sarif, github, html) and by
// assertions. The five the monitoring advice names:
//   cache hit rate       requests that read ≥ 1 cached token / requests
//   cached-token ratio   cached input tokens / input tokens
//   cache creation rate  requests that write to the cache / requests
//   TTFT improvement     1 − Σ predicted TTFT / Σ TTFT with no caching (the same requests)
//   cost savings         1 − cost / cost with no caching (input and output; `vsFixed` compares with the fixed replay)
// Each comes from the simulation (`now`, `fixed`) or from the usage the provider reported (`reported`,
// over the requests whose log carries it); a figure the source cannot give is null, with the reason.
import type { Totals } from './cost.js';
import type { ProjectedRequest } from './projection-summary.js';

export type MetricName = 'cacheHitRate' | 'cachedTokenRatio' | 'cacheCreationRate' | 'ttftImprovement' | 'costSavings';
export const METRIC_NAMES: readonly MetricName[] = ['cacheHitRate', 'cachedTokenRatio', 'cacheCreationRate', 'ttftImprovement', 'costSavings'];

/** How each metric is named on the command line and in text. */
export const METRIC_LABELS: Readonly<Record<MetricName, { flag: string; text: string }>> = {
  cacheHitRate: { flag: 'cache-hit-rate', text: 'cache hit rate' },
  cachedTokenRatio: { flag: 'cached-token-ratio', text: 'cached-token ratio' },
  cacheCreationRate: { flag: 'cache-creation-rate', text: 'cache creation rate' },
  ttftImprovement: { flag: 'ttft-improvement', text: 'TTFT improvement' },
  costSavings: { flag: 'cost-savings', text: 'cost savings' },
};

export interface Metric {
  /** a share, 0–1 (cost savings and TTFT improvement may be negative); null when the source cannot give it */
  value: number | null;
  numerator: number;
  denominator: number;
  /** what the numerator and denominator count */
  unit: 'requests' | 'tokens' | 'ms' | 'micro-USD';
  source: 'simulated' | 'reported';
  /** why value is null */
  reason?: string;
}

export type MetricSet = Record<MetricName, Metric>;

export interface Metrics {
  now: MetricSet;
  fixed: MetricSet;
  /** from the usage the provider reported, when the log carries any */
  reported?: MetricSet;
  /** requests the reported figures cover */
  reportedRequests?: number;
}

function share(numerator: number, denominator: number, unit: Metric['unit'], source: Metric['source'], reason = 'nothing to count'): Metric {
  const m: Metric = { value: denominator > 0 ? Math.round((numerator / denominator) * 10000) / 10000 : null, numerator, denominator, unit, source };
  if (m.value === null) m.reason = reason;
  return m;
}

/** 1 − a/b as a metric (savings, improvements). */
function saving(actual: number, baseline: number, unit: Metric['unit'], source: Metric['source']): Metric {
  return share(baseline - actual, baseline, unit, source);
}

/** The five metrics of one simulated scenario. */
export function simulatedMetrics(t: Totals): MetricSet {
  return {
    cacheHitRate: share(t.hits, t.requests, 'requests', 'simulated'),
    cachedTokenRatio: share(t.readTokens, t.inputTokens, 'tokens', 'simulated'),
    cacheCreationRate: share(t.writers, t.requests, 'requests', 'simulated'),
    ttftImprovement: saving(t.ttftSumMs, t.noCache.ttftSumMs, 'ms', 'simulated'),
    costSavings: saving(t.cost.total, t.noCache.cost, 'micro-USD', 'simulated'),
  };
}

/** Sums the reported usage of rows as they are read. */
export class ReportedAcc {
  requests = 0;
  hits = 0;
  read = 0;
  input = 0;
  withWrites = 0;
  writers = 0;
  private pico = 0n;
  private cold = 0n;

  add(r: ProjectedRequest): void {
    if (r.reported === undefined) return;
    this.requests++;
    if (r.reported > 0) this.hits++;
    if (r.reportedInput !== undefined) {
      this.read += r.reported;
      this.input += r.reportedInput;
    }
    if (r.reportedWrite !== undefined) {
      this.withWrites++;
      if (r.reportedWrite > 0) this.writers++;
    }
    if (r.reportedPico !== undefined && r.noCache) {
      this.pico += BigInt(r.reportedPico);
      this.cold += BigInt(r.noCache.pico);
    }
  }

  result(): MetricSet | undefined {
    if (this.requests === 0) return undefined;
    const micro = (p: bigint): number => Number(p / 1_000_000n);
    return {
      cacheHitRate: share(this.hits, this.requests, 'requests', 'reported'),
      cachedTokenRatio: share(this.read, this.input, 'tokens', 'reported', 'the log reports no input totals'),
      cacheCreationRate: share(this.writers, this.withWrites, 'requests', 'reported', 'the provider does not report cache writes (OpenAI, Gemini, DeepSeek bill none)'),
      ttftImprovement: { value: null, numerator: 0, denominator: 0, unit: 'ms', source: 'reported', reason: 'the log carries no measured TTFT' },
      costSavings: saving(micro(this.pico), micro(this.cold), 'micro-USD', 'reported'),
    };
  }
}

/** A metric as text: "95.0% (19/20 requests, simulated)". */
export function formatMetric(m: Metric): string {
  if (m.value === null) return `n/a (${m.reason ?? 'not available'})`;
  const pct = `${(m.value * 100).toFixed(1)}%`;
  const counts = m.unit === 'requests' ? ` (${m.numerator.toLocaleString('en-US')}/${m.denominator.toLocaleString('en-US')} requests)` : '';
  return `${pct}${counts}`;
}
