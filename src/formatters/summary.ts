// The Markdown summary a CI job shows on its run page (GitHub's $GITHUB_STEP_SUMMARY): findings, tokens at
// risk, prefix reuse of the logs, and — when the report carries the cost projection — dollars and TTFT
// that fixing would save. Short by design: the annotations and the SARIF upload carry the details.
import { metricMarkdownRows } from './metrics.js';
import { formatAssertion } from '../project/assertions.js';
import type { Projection } from '../project/projection-summary.js';
import { displayUsd } from '../project/money.js';
import type { LogView } from '../logs/types.js';
import type { Report } from '../report.js';
import { redact } from '../redact.js';
import { allDiagnostics, formatNumber, normalizeReport, plural } from './normalize.js';

/** Rows of the findings table in the summary; the rest are counted. */
export const SUMMARY_FINDINGS = 10;

function n(v: number, approx: boolean): string {
  return `${approx ? '≈' : ''}${formatNumber(Math.round(v))}`;
}

/** Markdown table cells cannot hold `|` or newlines. */
function cell(s: string): string {
  return redact(s).replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function numAt(v: unknown, path: string[]): number | undefined {
  let cur: unknown = v;
  for (const k of path) cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[k] : undefined;
  return typeof cur === 'number' && Number.isFinite(cur) ? cur : undefined;
}

/**
 * Savings rows from `report.projection` (src/project/log-projection.ts: micro-dollars in
 * `total.savings.total`, TTFT in `total.savings.ttftP50Ms`). None when the report has no projection.
 */
function projectionRows(projection: unknown): string[] {
  const rows: string[] = [];
  const saved = numAt(projection, ['total', 'savings', 'total']);
  const pct = numAt(projection, ['total', 'savings', 'pct']);
  if (saved !== undefined) rows.push(`| $ saved if fixed (≈ projection) | ${displayUsd(saved)}${pct !== undefined ? ` (${pct}%)` : ''} |`);
  const ttft = numAt(projection, ['total', 'savings', 'ttftP50Ms']);
  if (ttft !== undefined) rows.push(`| TTFT saved, median (≈ projection) | ${formatNumber(Math.round(ttft))} ms |`);
  return rows;
}

/** The step summary in GitHub-flavoured Markdown, ending with a newline. */
export function formatStepSummary(report: Report, cwd: string, extra: { baselined?: number } = {}): string {
  const r = normalizeReport(report, cwd);
  const s = r.summary;
  const problems = s.errors + s.warnings + s.infos;
  const icon = s.errors > 0 ? '❌' : problems > 0 ? '⚠️' : '✅';
  const out: string[] = [`## ${icon} kvlint`, '', '| | |', '|---|---|'];
  out.push(`| findings | ${plural(s.errors, 'error')}, ${plural(s.warnings, 'warning')}, ${plural(s.infos, 'info')} in ${plural(s.files, 'file')} |`);
  if (extra.baselined) out.push(`| in the baseline (not shown) | ${formatNumber(extra.baselined)} |`);
  out.push(`| cacheable tokens at risk | ${n(s.tokensAtRisk, s.approx)} |`);
  const logs = r.logs as LogView | undefined;
  if (logs && logs.summary) {
    const l = logs.summary;
    out.push(`| requests analyzed | ${formatNumber(l.requests)} in ${plural(l.lineages, 'lineage')}, ${plural(l.breaks, 'prefix break')} |`);
    out.push(`| prompt tokens sharing a prefix with an earlier request | ${n(l.reusedTokens, l.approx)} of ${n(l.tokens, l.approx)} |`);
    out.push(`| tokens lost to breaks | ${n(l.lostTokens, l.approx)} |`);
  }
  out.push(...metricMarkdownRows((report.projection as Projection | undefined)?.metrics));
  out.push(...projectionRows(report.projection));
  for (const a of report.assertions ?? []) out.push(`| ${a.passed ? '✅' : '❌'} assert \`${cell(a.expr)}\` | ${cell(formatAssertion(a))} |`);
  if (s.skipped > 0) out.push(`| inputs skipped | ${formatNumber(s.skipped)} |`);
  const diags = allDiagnostics(r);
  if (diags.length > 0) {
    out.push('', '| severity | rule | where | message |', '|---|---|---|---|');
    for (const d of diags.slice(0, SUMMARY_FINDINGS)) {
      const rule = r.rules[d.ruleId];
      const code = rule ? `[${d.code}](${rule.helpUri})` : d.code;
      out.push(`| ${d.severity} | ${code} | \`${cell(`${d.file}:${d.line}`)}\` | ${cell(d.message)} |`);
    }
    if (diags.length > SUMMARY_FINDINGS) out.push('', `…and ${plural(diags.length - SUMMARY_FINDINGS, 'more finding')} (see the annotations or the SARIF upload).`);
  }
  if (s.approx) out.push('', '≈ marks token counts from a stand-in tokenizer.');
  return `${out.join('\n')}\n\n`;
}
