// The five cache metrics as every format shows them: one row each, simulated now and fixed, and what the
// provider reported. The numbers come from src/project/metrics.ts; only the layout differs per format.
import { formatMetric, METRIC_LABELS, METRIC_NAMES, type Metric, type MetricName, type Metrics } from '../project/metrics.js';

export interface MetricRow {
  name: MetricName;
  label: string;
  now: string;
  fixed: string;
  reported?: string;
  /** the raw values, for machine-readable attributes */
  values: { now: number | null; fixed: number | null; reported?: number | null };
}

/** The metrics a projection carries, one row each; the label says against what a saving is measured. */
export function metricRows(m: Metrics | undefined): MetricRow[] {
  if (!m) return [];
  return METRIC_NAMES.map((name) => {
    const base = METRIC_LABELS[name].text;
    const label = name === 'ttftImprovement' || name === 'costSavings' ? `${base} vs no caching` : base;
    const row: MetricRow = {
      name,
      label,
      now: formatMetric(m.now[name]),
      fixed: formatMetric(m.fixed[name]),
      values: { now: m.now[name].value, fixed: m.fixed[name].value },
    };
    const r: Metric | undefined = m.reported?.[name];
    if (r) {
      row.reported = formatMetric(r);
      row.values.reported = r.value;
    }
    return row;
  });
}

/** The metrics as Markdown table rows (| label | value |), sources named. */
export function metricMarkdownRows(m: Metrics | undefined): string[] {
  return metricRows(m).map((r) => `| ${r.label} | ${r.now} simulated now · ${r.fixed} if fixed${r.reported !== undefined ? ` · ${r.reported} reported by the provider (${m?.reportedRequests ?? 0} requests)` : ''} |`);
}
