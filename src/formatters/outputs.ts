// GitHub Actions step outputs of a run: what a later step or job can branch on without parsing a report.
// Written with --format github when $GITHUB_OUTPUT is set, as the step summary is with
// $GITHUB_STEP_SUMMARY, so the action and a plain `npx kvlint --format github` step both have them.
import type { Report } from '../report.js';
import { pickMetric } from '../project/assertions.js';

export interface ActionOutputs {
  /** findings of every severity */
  findings: number;
  /** the cache hit rate, 0–1: reported by the provider where the log has usage, else simulated; absent when not measurable */
  'hit-rate'?: number;
  /** the cost savings vs no caching, a share (may be negative): reported where the log has usage, else simulated */
  'cost-savings'?: number;
}

export function actionOutputs(report: Report): ActionOutputs {
  const s = report.summary;
  const out: ActionOutputs = { findings: s.errors + s.warnings + s.infos };
  // the same metric and source an --assert without a prefix reads (src/project/assertions.ts)
  const metrics = report.metrics ?? report.projection?.metrics;
  if (metrics) {
    const hit = pickMetric(metrics, 'cacheHitRate')?.value;
    const saved = pickMetric(metrics, 'costSavings')?.value;
    if (hit !== null && hit !== undefined) out['hit-rate'] = hit;
    if (saved !== null && saved !== undefined) out['cost-savings'] = saved;
  }
  return out;
}

/**
 * The outputs in $GITHUB_OUTPUT's `name=value` lines. A value the run could not measure is written empty,
 * so an expression reading it sees '' rather than a stale value from another step.
 */
export function formatActionOutputs(o: ActionOutputs): string {
  const value = (n: number | undefined): string => (n === undefined ? '' : String(n));
  return `findings=${o.findings}\nhit-rate=${value(o['hit-rate'])}\ncost-savings=${value(o['cost-savings'])}\n`;
}
