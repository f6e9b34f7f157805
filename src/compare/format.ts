// A comparison as text: stylish for a terminal, json for scripts, github annotations plus the Markdown a CI
// job shows on its run page. Values are shares from the reports' metrics; changes are percentage points.
import type { ChalkInstance } from 'chalk';
import { displayUsd } from '../project/money.js';
import { redact } from '../redact.js';
import { jsonChunks } from '../formatters/json.js';
import { workflowCommand } from '../formatters/github.js';
import { METRIC_LABELS } from '../project/metrics.js';
import type { Change, Comparison, CostChange, FindingChange, GateResult } from './compare.js';

/** Findings listed per side in stylish and Markdown; json has them all. */
export const FINDINGS_SHOWN = 20;

function pct(v: number | null): string {
  return v === null ? 'n/a' : `${(v * 100).toFixed(1)}%`;
}

function pts(p: number | null): string {
  if (p === null) return '';
  const r = Math.round(p * 10) / 10;
  return `${r > 0 ? '+' : r < 0 ? '-' : '±'}${Math.abs(r).toFixed(1)} pts`;
}

function cell(c: Change | undefined): string {
  if (!c) return '';
  if (c.before === null && c.after === null) return 'n/a';
  return `${pct(c.before)} → ${pct(c.after)}${c.points !== null ? ` (${pts(c.points)})` : ''}`;
}

function money(d: number): string {
  return `${d > 0 ? '+' : d < 0 ? '-' : ''}${displayUsd(Math.abs(d))}`;
}

function costLine(c: CostChange): string {
  const key = c.key.length > 40 ? `${c.key.slice(0, 12)}…${c.key.slice(-27)}` : c.key;
  const where = c.only === 'after' ? ', new' : c.only === 'before' ? ', gone' : '';
  return `${redact(key)}  ${displayUsd(c.before)} → ${displayUsd(c.after)} (${money(c.delta)}${where})`;
}

function findingLine(f: FindingChange): string {
  const msg = redact(f.message).replace(/\s+/g, ' ');
  return `${f.file}:${f.line}  ${f.severity}  ${f.code} ${msg.length > 120 ? `${msg.slice(0, 119)}…` : msg}`;
}

export function formatGate(g: GateResult): string {
  const moved = g.kind === 'max-drop' ? 'drop' : 'increase';
  if (g.points === null) return `${g.metric} --${g.kind} ${g.limit}: ${g.reason ?? 'no value'}`;
  const verb = g.points < 0 ? 'dropped' : g.points > 0 ? 'rose' : 'did not move';
  const by = g.points !== 0 ? ` ${Math.abs(g.points).toFixed(1)} points` : '';
  return `${g.metric} ${verb}${by} (${g.source}, ${pct(g.before)} → ${pct(g.after)}); ${g.passed ? 'within' : 'more than'} the allowed ${moved} of ${g.limit} points`;
}

function table(rows: string[][], head: string[]): string[] {
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => `  ${r.map((x, i) => (x ?? '').padEnd(w[i]!)).join('   ')}`.trimEnd();
  return [line(head), ...rows.map(line)];
}

export function formatCompareStylish(c: Comparison, ch: ChalkInstance): string {
  const out: string[] = [ch.bold(`kvlint compare: ${c.before.file} (${c.before.requests} requests) → ${c.after.file} (${c.after.requests} requests)`)];
  const hasReported = c.metrics.some((m) => m.reported);
  const head = ['', 'now (simulated)', 'if fixed (simulated)', ...(hasReported ? ['reported by the provider'] : [])];
  const rows = c.metrics.map((m) => [METRIC_LABELS[m.name].text, cell(m.now), cell(m.fixed), ...(hasReported ? [cell(m.reported)] : [])]);
  const [h, ...body] = table(rows, head);
  out.push(ch.dim(h!), ...body);
  out.push(`  cost now: ${displayUsd(c.cost.before)} → ${displayUsd(c.cost.after)} (${money(c.cost.delta)})`);
  const changed: string[] = [];
  const list = (title: string, rows: CostChange[]) => {
    if (rows.length) changed.push(`  ${title}`, ...rows.map((x) => `    ${costLine(x)}`));
  };
  list('rules (what fixing their breakers saves)', c.rules);
  list('lineages (cost now)', c.lineages);
  for (const g of c.groups) list(`by ${g.field} (cost now)`, g.changes);
  if (changed.length) out.push('', ch.bold('Cost changed most'), ...changed);
  out.push('', ch.bold(`Findings: ${c.findings.new.length} new, ${c.findings.gone.length} gone (${c.before.findings} → ${c.after.findings})`));
  for (const f of c.findings.new.slice(0, FINDINGS_SHOWN)) out.push(ch.red(`  + ${findingLine(f)}`));
  if (c.findings.new.length > FINDINGS_SHOWN) out.push(ch.dim(`  …and ${c.findings.new.length - FINDINGS_SHOWN} more new (all in --format json)`));
  for (const f of c.findings.gone.slice(0, FINDINGS_SHOWN)) out.push(ch.green(`  - ${findingLine(f)}`));
  if (c.findings.gone.length > FINDINGS_SHOWN) out.push(ch.dim(`  …and ${c.findings.gone.length - FINDINGS_SHOWN} more gone (all in --format json)`));
  if (c.gates.length) {
    out.push('');
    for (const g of c.gates) out.push(g.passed ? ch.green(`✓ ${formatGate(g)}`) : ch.red(`✗ ${formatGate(g)}`));
  }
  return `${out.join('\n')}\n`;
}

export function formatCompareJson(c: Comparison): string {
  return `${[...jsonChunks(c)].join('')}\n`;
}

/** Annotations: an error per failed gate, then a notice with the headline change. */
export function formatCompareGithub(c: Comparison): string {
  const lines = c.gates.filter((g) => !g.passed).map((g) => workflowCommand('error', { title: 'kvlint compare' }, formatGate(g)));
  const hit = c.metrics.find((m) => m.name === 'cacheHitRate')!;
  const src = hit.reported && hit.reported.points !== null ? hit.reported : hit.now;
  lines.push(workflowCommand('notice', {}, `kvlint compare: cache hit rate ${cell(src)}, cost now ${money(c.cost.delta)}, ${c.findings.new.length} new and ${c.findings.gone.length} gone findings`));
  return `${lines.join('\n')}\n`;
}

function md(s: string): string {
  return redact(s).replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** The step summary: metrics with their changes, gates, costliest changes and findings, in Markdown. */
export function formatCompareSummary(c: Comparison): string {
  const failed = c.gates.some((g) => !g.passed);
  const icon = failed ? '❌' : c.findings.new.length > 0 ? '⚠️' : '✅';
  const hasReported = c.metrics.some((m) => m.reported);
  const out: string[] = [`## ${icon} kvlint compare`, '', `\`${md(c.before.file)}\` (${c.before.requests} requests) → \`${md(c.after.file)}\` (${c.after.requests} requests)`, ''];
  out.push(`| metric | now (simulated) | if fixed (simulated) |${hasReported ? ' reported |' : ''}`, `|---|---|---|${hasReported ? '---|' : ''}`);
  for (const m of c.metrics) out.push(`| ${METRIC_LABELS[m.name].text} | ${cell(m.now)} | ${cell(m.fixed)} |${hasReported ? ` ${cell(m.reported)} |` : ''}`);
  out.push(`| cost now | ${displayUsd(c.cost.before)} → ${displayUsd(c.cost.after)} (${money(c.cost.delta)}) | |${hasReported ? ' |' : ''}`);
  if (c.gates.length) {
    out.push('');
    for (const g of c.gates) out.push(`- ${g.passed ? '✅' : '❌'} ${md(formatGate(g))}`);
  }
  const changed: string[] = [];
  if (c.rules.length) changed.push(`- rules (what fixing them saves): ${c.rules.map((x) => md(costLine(x))).join(', ')}`);
  if (c.lineages.length) changed.push(`- lineages: ${c.lineages.map((x) => md(costLine(x))).join(', ')}`);
  for (const g of c.groups) if (g.changes.length) changed.push(`- ${md(g.field)}: ${g.changes.map((x) => md(costLine(x))).join(', ')}`);
  if (changed.length) out.push('', '**Cost changed most**', '', ...changed);
  out.push('', `**Findings:** ${c.findings.new.length} new, ${c.findings.gone.length} gone (${c.before.findings} → ${c.after.findings})`);
  const rows = [...c.findings.new.slice(0, FINDINGS_SHOWN).map((f) => ['new', f] as const), ...c.findings.gone.slice(0, FINDINGS_SHOWN).map((f) => ['gone', f] as const)];
  if (rows.length) {
    out.push('', '| | rule | where | message |', '|---|---|---|---|');
    for (const [k, f] of rows) out.push(`| ${k} | ${f.code} | \`${md(`${f.file}:${f.line}`)}\` | ${md(f.message)} |`);
  }
  return `${out.join('\n')}\n\n`;
}
