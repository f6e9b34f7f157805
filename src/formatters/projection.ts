// The projection block of the stylish report: cost and TTFT now vs with the breakers fixed, what each
// rule's fixes are worth, the price rows used, and how the model's predictions compare with what the
// provider reported. Every figure is labelled with its basis; estimates carry ≈.
import type { ChalkInstance } from 'chalk';
import type { Projection } from '../project/log-projection.js';
import { displayUsd } from '../project/money.js';
import type { Totals } from '../project/cost.js';
import type { LineageEntry } from '../project/lineage-totals.js';
import { metricRows } from './metrics.js';
import { formatMetric, type MetricName, type Metrics } from '../project/metrics.js';
import { pickMetric } from '../project/assertions.js';

/** Money for reading (one rule for every format): see displayUsd. */
export const usd = displayUsd;

function int(n: number): string {
  return n.toLocaleString('en-US');
}

function ms(t: Totals): string {
  return `≈${int(Math.round(t.ttftP50Ms))} / ${int(Math.round(t.ttftP95Ms))} ms`;
}

/** Renders the projection, or an empty string when there is none. */
export function renderProjection(p: Projection | undefined, c: ChalkInstance): string {
  if (!p) return '';
  if (p.targets.length === 0) {
    const lines = p.unpriced.map((u) => c.yellow(`  ${u.model}: no price row, ${int(u.requests)} requests not projected; pass --price input=…,cache_read=… or add a prices: row to the config`));
    return `${[c.bold('Projection: not computed, no request has a priced model'), ...lines].join('\n')}\n`;
  }
  const { now, fixed, savings } = p.total;
  const reported = p.metrics.reported !== undefined;
  const rows: string[][] = [
    [`cost (${int(now.requests)} requests)`, usd(now.cost.total), usd(fixed.cost.total), `${usd(savings.total)} (${savings.pct}%)`],
    ['per 1,000 requests', usd(now.per1000), usd(fixed.per1000), usd(savings.per1000)],
    ...metricRows(p.metrics).map((m) => [m.label, m.now, m.fixed, '', ...(reported ? [m.reported ?? ''] : [])]),
    ['cache writes (tokens)', int(now.writeTokens), int(fixed.writeTokens), ''],
    ['TTFT p50 / p95', ms(now), ms(fixed), `≈${int(Math.round(savings.ttftP50Ms))} / ${int(Math.round(savings.ttftP95Ms))} ms`],
  ];
  const head = ['', 'now', 'if fixed', 'saved', ...(reported ? [`reported (${int(p.metrics.reportedRequests ?? 0)} req.)`] : [])];
  const w = head.map((h, i) => Math.max(...rows.map((r) => (r[i] ?? '').length), h.length));
  const line = (r: string[]) => `  ${r.map((cell, i) => (i === 0 ? cell.padEnd(w[0]!) : cell.padStart(w[i]!))).join('   ')}`.trimEnd();
  const out: string[] = [c.bold('Projection: cost and time to first token, now and with the breakers fixed (simulated; "reported" is the provider\'s usage)')];
  out.push(c.dim(line(head)));
  const split = `  split now: uncached ${usd(now.cost.uncached)}, cache writes ${usd(now.cost.write)}, cache reads ${usd(now.cost.read)}, output ${usd(now.cost.output)}`;
  for (const r of rows) out.push(line(r));
  out.push(c.dim(split));
  if (p.byRule.length) {
    out.push(`  by rule: ${p.byRule.map((r) => `${r.code}${r.ruleId ? ` ${r.ruleId}` : ''} ${usd(r.savings.total)} (${int(r.breaks)} break${r.breaks === 1 ? '' : 's'})`).join(', ')}`);
  }
  // most saved first: the first few with a saving
  const top: LineageEntry[] = [];
  for (const l of p.byLineage) {
    if (top.length === 5 || l.savings.total <= 0) break;
    top.push(l);
  }
  if (top.length) {
    out.push(`  most to gain: ${top.map((l) => `${l.lineage.length > 24 ? `${l.lineage.slice(0, 23)}…` : l.lineage} ${usd(l.savings.total)}`).join(', ')}${p.byLineage.length > top.length ? ` (all ${int(p.byLineage.length)} lineages in --format json)` : ''}`);
  }
  for (const t of p.targets) out.push(c.dim(`  ${t.provider} ${t.model}: ${t.regime} cache model, ${t.price} (${int(t.requests)} requests)`));
  for (const u of p.unpriced) out.push(c.yellow(`  ${u.model}: no price row, ${int(u.requests)} requests left out (pass --price or add a prices: row to the config)`));
  const a = p.agreement;
  if (a.compared > 0) {
    out.push(`  provider-reported cached tokens vs predicted: exact on ${int(a.exact)} of ${int(a.compared)} requests, within 5% on ${int(a.within5pct)}`);
    for (const d of a.disagreements.slice(0, 5)) {
      out.push(c.dim(`    ${d.file}:${d.line}  predicted ${int(d.predicted)}, reported ${int(d.reported)}: ${d.reason}`));
    }
  }
  for (const [why, n] of Object.entries(a.skipped)) out.push(c.dim(`  ${int(n)} request${n === 1 ? '' : 's'} with reported usage not compared: ${why}`));
  for (const x of p.assumptions) out.push(c.dim(`  assumes: ${x}`));
  return `${out.join('\n')}\n`;
}

/** A group's value as printed: none shown as such, long values cut in the middle. */
export function groupLabel(v: string | null, max = 40): string {
  if (v === null) return '(none)';
  return v.length > max ? `${v.slice(0, 12)}…${v.slice(-(max - 13))}` : v;
}

/** The metric a group shows: what the provider reported where its requests carry it, else the replay. */
function groupMetric(m: Metrics, name: MetricName): string {
  const x = pickMetric(m, name);
  return x ? formatMetric(x).replace(/ \(.*\)$/, '') : 'n/a';
}

/** One table per --group-by field: requests, cost now and fixed, and the metrics, costliest groups first. */
export function renderGroups(p: Projection | undefined, c: ChalkInstance): string {
  if (!p?.byGroup?.length || p.targets.length === 0) return '';
  const out: string[] = [];
  for (const b of p.byGroup) {
    if (b.refused) {
      out.push(c.bold(`By ${b.field}: not grouped`), c.yellow(`  ${b.refused}`));
      continue;
    }
    const total = b.groups.length + (b.more?.groups ?? 0);
    out.push(c.bold(`By ${b.field}: ${int(total)} group${total === 1 ? '' : 's'}, costliest first (metrics as reported where the log has usage, else simulated)`));
    const head = [b.field, 'requests', 'cost now', 'if fixed', 'saved', 'hit rate', 'cached tokens', 'creation', 'cost savings'];
    const rows = b.groups.map((g) => [
      groupLabel(g.value),
      int(g.requests),
      usd(g.cost.now),
      usd(g.cost.fixed),
      usd(g.cost.saved),
      groupMetric(g.metrics, 'cacheHitRate'),
      groupMetric(g.metrics, 'cachedTokenRatio'),
      groupMetric(g.metrics, 'cacheCreationRate'),
      groupMetric(g.metrics, 'costSavings'),
    ]);
    const w = head.map((h, i) => Math.max(...rows.map((r) => r[i]!.length), h.length));
    const line = (r: string[]) => `  ${r.map((cell, i) => (i === 0 ? cell.padEnd(w[0]!) : cell.padStart(w[i]!))).join('  ')}`.trimEnd();
    out.push(c.dim(line(head)));
    for (const r of rows) out.push(line(r));
    if (b.more) {
      out.push(c.dim(`  …and ${int(b.more.groups)} more: ${int(b.more.requests)} requests, ${usd(b.more.cost.now)} now, ${usd(b.more.cost.saved)} saved if fixed`));
    }
  }
  return `${out.join('\n')}\n`;
}
