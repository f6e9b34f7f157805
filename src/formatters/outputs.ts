// GitHub Actions step outputs of a run: what a later step or job can branch on without parsing a report.
// Written with --format github when $GITHUB_OUTPUT is set, as the step summary is with
// $GITHUB_STEP_SUMMARY, so the action and a plain `npx kvlint --format github` step both have them.
import type { Report } from '../report.js';

export interface ActionOutputs {
  /** findings of every severity */
  findings: number;
  /** share of priced requests that read cached tokens, 0–1; absent without priced log requests */
  'hit-rate'?: number;
  /** USD the projection saves by fixing the breakers; absent without priced log requests */
  'cost-savings'?: number;
}

export function actionOutputs(report: Report): ActionOutputs {
  const s = report.summary;
  const out: ActionOutputs = { findings: s.errors + s.warnings + s.infos };
  const now = report.projection?.total.now;
  if (now && now.requests > 0) {
    out['hit-rate'] = Math.round((now.hits / now.requests) * 10_000) / 10_000;
    // micro-dollars to dollars, kept exact to the micro-dollar
    out['cost-savings'] = report.projection!.total.savings.total / 1_000_000;
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
