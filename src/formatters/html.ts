// `--format html`: one self-contained page (inline CSS, SVG and a few lines of script; a CSP that forbids
// every fetch) for the person who opens the report after exporting a day of traffic. Per lineage, cached vs
// uncached tokens per request; a map of where in the prompt the prefix breaks and how often; cost now vs if
// fixed when the report carries a projection; the findings with their redacted excerpts.
// Every number shown carries a `data-metric` attribute with its raw value, so a test can compare the page
// with the JSON report. Pure: no clock, no I/O; the same report renders the same bytes.
import { metricRows } from './metrics.js';
import type { MetricName, Metrics } from '../project/metrics.js';
import type { Projection } from '../project/projection-summary.js';
import { pickMetric } from '../project/assertions.js';
import { displayUsd } from '../project/money.js';
import { some } from '../list.js';
import type { LineageView, LogView } from '../logs/types.js';
import type { Diagnostic } from '../model.js';
import type { Report } from '../report.js';
import { lineageChart, segmentStrip, type BreakPoint } from './html/charts.js';
import { diffExcerpt, esc, num, percent, safe } from './html/escape.js';
import { CSS, SCRIPT } from './html/page.js';
import { allDiagnostics, normalizeReport } from './normalize.js';
import type { FormatOptions } from './types.js';

/** Lineages drawn as charts; the rest are listed in one line (a day of traffic has thousands). */
export const MAX_LINEAGE_CHARTS = 20;
/** Findings rows in the table; the JSON report has all of them. */
export const MAX_FINDING_ROWS = 2000;

/** A number card; `raw` null (a metric its source cannot give) leaves data-value empty rather than claim 0. */
function card(label: string, value: string, metric: string, raw: number | null, bad = false): string {
  return `<div class="card${bad ? ' bad' : ''}"><div class="v" data-metric="${esc(metric)}" data-value="${raw ?? ''}">${esc(value)}</div><div class="k">${esc(label)}</div></div>`;
}

function asLogView(v: unknown): LogView | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const l = v as Partial<LogView>;
  return Array.isArray(l.lineages) && l.summary ? (l as LogView) : undefined;
}

/** Lineages worth a chart first: most breaks, then most tokens lost, then most tokens; ties by name. */
function chartOrder(a: LineageView, b: LineageView): number {
  return b.breaks - a.breaks || b.lostTokens - a.lostTokens || b.tokens - a.tokens || (a.lineage < b.lineage ? -1 : a.lineage > b.lineage ? 1 : 0);
}

/** Break points of one lineage: grouped by segment and cause, counted, with the tokens they cost. */
function lineageBreaks(l: LineageView): BreakPoint[] {
  const by = new Map<string, BreakPoint>();
  for (const r of l.requests) {
    const d = r.divergence;
    if (!d) continue;
    const what = `${d.cause}${d.code ? ` ${d.code}` : ''}`;
    const key = `${d.label}\u0000${what}`;
    const p = by.get(key) ?? { offset: d.tokenOffset, where: d.label, what, count: 0, tokens: 0, ...(d.excerpt ? { excerpt: d.excerpt } : {}) };
    p.count++;
    p.tokens += r.lostTokens;
    p.offset = Math.min(p.offset, d.tokenOffset);
    by.set(key, p);
  }
  return [...by.values()].sort((a, b) => a.offset - b.offset || b.count - a.count);
}

function breakTable(points: readonly BreakPoint[], approx: boolean, tokensLabel: string): string {
  if (points.length === 0) return '';
  const rows = points
    .map(
      (p) =>
        `<tr><td>${safe(p.where)}</td><td>${safe(p.what)}</td><td>${p.excerpt ? `<span class="ev">${diffExcerpt(p.excerpt)}</span>` : ''}</td><td class="n">${num(p.offset, approx)}</td><td class="n">${num(p.count)}</td><td class="n">${num(p.tokens, approx)}</td></tr>`,
    )
    .join('');
  return `<table class="breaks"><thead><tr><th>where in the prompt</th><th>cause</th><th>first change there</th><th class="n">at token</th><th class="n">times</th><th class="n">${esc(tokensLabel)}</th></tr></thead><tbody>${rows}</tbody></table>`;
}

const LEGEND = `<div class="legend"><span><i style="background:var(--cached)"></i>cached (prefix reused)</span><span><i style="background:var(--uncached)"></i>uncached</span><span><i style="background:var(--break)"></i>prefix broke</span><span><i style="border-top:2px dashed #344054;height:0;border-radius:0"></i>cache reads the provider reported</span></div>`;

function lineageSection(l: LineageView, k: number): string {
  const approx = some(l.requests, (r) => r.approx);
  const first = l.requests.at(0);
  const date = first?.time !== undefined ? new Date(first.time).toISOString().slice(0, 10) : undefined;
  const points = lineageBreaks(l);
  let span = 0; // a loop, not Math.max(...): a lineage can have more requests than a call has arguments
  for (const r of l.requests) span = Math.max(span, r.tokens);
  return [
    `<section class="lineage" data-lineage="${safe(l.lineage)}">`,
    `<h3>lineage ${safe(l.lineage)} <span class="dim">(${safe(l.lineageSource)}, ${safe(l.provider)}${date ? `, ${date}` : ''})</span></h3>`,
    `<div class="cards">`,
    card('requests', num(l.requests.length), `lineage.${k}.requests`, l.requests.length),
    card('tokens sent', num(l.tokens, approx), `lineage.${k}.tokens`, l.tokens),
    card('tokens reused', num(l.reusedTokens, approx), `lineage.${k}.reusedTokens`, l.reusedTokens),
    card('tokens lost to breaks', num(l.lostTokens, approx), `lineage.${k}.lostTokens`, l.lostTokens, l.lostTokens > 0),
    card('breaks', num(l.breaks), `lineage.${k}.breaks`, l.breaks, l.breaks > 0),
    `</div>`,
    lineageChart(l, `lc${k}`),
    LEGEND,
    points.length ? `<h4>Where the prefix breaks</h4>${segmentStrip(points, span, `ls${k}`)}${breakTable(points, approx, 'tokens lost')}` : '',
    `</section>`,
  ].join('\n');
}

/** Template files with findings that put tokens at risk: where in the rendered prompt they sit. */
function templateMaps(report: Report): string {
  const out: string[] = [];
  let k = 0;
  for (const f of report.files) {
    if (f.kind === 'log') continue;
    const ds = f.diagnostics.filter((d) => d.tokenOffset !== undefined && (d.tokensAtRisk ?? 0) > 0);
    if (ds.length === 0) continue;
    const by = new Map<string, BreakPoint>();
    for (const d of ds) {
      const where = d.segment ?? `line ${d.line}`;
      const what = `${d.code} ${d.ruleId}`;
      const key = `${where}\u0000${what}\u0000${d.tokenOffset}`;
      const p = by.get(key) ?? { offset: d.tokenOffset ?? 0, where, what, count: 0, tokens: 0, ...(d.evidence ? { excerpt: d.evidence } : {}) };
      p.count++;
      p.tokens = Math.max(p.tokens, d.tokensAtRisk ?? 0);
      by.set(key, p);
    }
    const points = [...by.values()].sort((a, b) => a.offset - b.offset);
    const approx = ds.some((d) => d.approx);
    const total = Math.max(f.tokens ?? 0, ...ds.map((d) => (d.tokenOffset ?? 0) + (d.tokensAtRisk ?? 0)));
    out.push(`<section class="template-map" data-file="${safe(f.file)}"><h3>${safe(f.file)} <span class="dim">(${safe(f.format)})</span></h3>`);
    out.push(segmentStrip(points, total, `ts${k++}`));
    out.push(breakTable(points, approx, 'tokens at risk'));
    out.push('</section>');
  }
  return out.length ? `<h2>Where templates break the prefix</h2>\n${out.join('\n')}` : '';
}

/** A number at `path` inside an object of unknown shape, or undefined. */
function numAt(v: unknown, path: string[]): number | undefined {
  let cur: unknown = v;
  for (const k of path) cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[k] : undefined;
  return typeof cur === 'number' && Number.isFinite(cur) ? cur : undefined;
}

const usd = displayUsd;

/**
 * Cost now vs if fixed, from `report.projection` (the cost simulation, src/project/log-projection.ts):
 * `total.now` / `total.fixed` costs in micro-dollars and `total.savings`. Read defensively — a projection
 * without those figures renders nothing rather than a wrong number — and with its assumptions shown.
 */
function projectionSection(projection: unknown): string {
  const now = numAt(projection, ['total', 'now', 'cost', 'total']);
  const fixed = numAt(projection, ['total', 'fixed', 'cost', 'total']);
  if (now === undefined || fixed === undefined) return '';
  if (!numAt(projection, ['total', 'now', 'requests'])) return ''; // no priced model: nothing to compare
  const pct = numAt(projection, ['total', 'savings', 'pct']);
  const ttft = numAt(projection, ['total', 'savings', 'ttftP50Ms']);
  const max = Math.max(now, fixed, 1);
  const bar = (label: string, v: number, cls: string, metric: string): string =>
    `<div class="pbar"><span class="dim" style="display:inline-block;width:70px">${esc(label)}</span><svg viewBox="0 0 400 18" width="400" height="18"><rect class="${cls}" x="0" y="2" width="${((400 * v) / max).toFixed(1)}" height="14"/></svg> <b data-metric="${metric}" data-value="${v}">${usd(v)}</b></div>`;
  const cards = [card('saved if fixed', `${usd(now - fixed)}${pct !== undefined ? ` (${pct}%)` : ''}`, 'projection.savedMicroUsd', now - fixed)];
  if (ttft !== undefined) cards.push(card('TTFT p50 saved', `${num(ttft)} ms`, 'projection.ttftP50MsSaved', ttft));
  const assumptions = (projection as { assumptions?: unknown }).assumptions;
  const notes = Array.isArray(assumptions) ? `<ul class="dim">${assumptions.filter((a): a is string => typeof a === 'string').map((a) => `<li>${safe(a)}</li>`).join('')}</ul>` : '';
  return `<h2>Cost now vs if fixed <span class="dim">(≈ projection)</span></h2>\n<section id="projection">${bar('now', now, 'uncached', 'projection.nowMicroUsd')}${bar('if fixed', fixed, 'cached', 'projection.fixedMicroUsd')}<div class="cards">${cards.join('')}</div>${notes}</section>`;
}

/** One table per --group-by field: the costliest groups with their cost and metrics (reported where present). */
function groupsSection(p: Projection | undefined): string {
  if (!p?.byGroup?.length || p.targets.length === 0) return '';
  const out: string[] = [];
  for (const b of p.byGroup) {
    if (b.refused) {
      out.push(`<h2>By ${esc(b.field)}</h2><p class="dim">${safe(b.refused)}</p>`);
      continue;
    }
    const metric = (m: Metrics, name: MetricName): string => {
      const x = pickMetric(m, name);
      return x && x.value !== null ? `<td data-metric="group.${esc(name)}" data-value="${x.value}">${(x.value * 100).toFixed(1)}%</td>` : '<td class="dim">n/a</td>';
    };
    const rows = b.groups.map(
      (g) =>
        `<tr><td>${g.value === null ? '<span class="dim">(none)</span>' : safe(g.value)}</td><td>${num(g.requests)}</td><td data-metric="group.costNow" data-value="${g.cost.now}">${usd(g.cost.now)}</td><td>${usd(g.cost.fixed)}</td><td>${usd(g.cost.saved)}</td>${metric(g.metrics, 'cacheHitRate')}${metric(g.metrics, 'cachedTokenRatio')}${metric(g.metrics, 'cacheCreationRate')}${metric(g.metrics, 'costSavings')}</tr>`,
    );
    const more = b.more ? `<p class="dim">…and ${num(b.more.groups)} more: ${num(b.more.requests)} requests, ${usd(b.more.cost.now)} now, ${usd(b.more.cost.saved)} saved if fixed</p>` : '';
    out.push(
      `<h2>By ${esc(b.field)} <span class="dim">(metrics as reported where the log has usage, else simulated)</span></h2>`,
      `<table><thead><tr><th>${esc(b.field)}</th><th>requests</th><th>cost now</th><th>if fixed</th><th>saved</th><th>hit rate</th><th>cached tokens</th><th>creation</th><th>cost savings</th></tr></thead><tbody>${rows.join('')}</tbody></table>${more}`,
    );
  }
  return out.join('\n');
}

function location(d: Diagnostic): string {
  const req = d.request !== undefined ? ` <span class="dim">req #${d.request}</span>` : '';
  return `${safe(d.file)}:${d.line}:${d.column}${req}`;
}

function findingsTable(report: Report): string {
  const diags = allDiagnostics(report);
  if (diags.length === 0) return `<h2>Findings</h2><p data-metric="findings.rows" data-value="0">No findings.</p>`;
  const shown = diags.slice(0, MAX_FINDING_ROWS);
  const rows = shown.map((d) => {
    const rule = report.rules[d.ruleId];
    const code = rule ? `<a href="${esc(rule.helpUri)}" rel="noreferrer">${esc(d.code)}</a>` : esc(d.code);
    const risk = d.tokensAtRisk !== undefined ? num(d.tokensAtRisk, d.approx === true) : '';
    return `<tr class="sev-row-${d.severity}"><td class="sev sev-${d.severity}">${d.severity}</td><td>${code}<br><span class="dim">${esc(d.ruleId)}</span></td><td class="loc">${location(d)}</td><td>${safe(d.message)}</td><td>${d.evidence ? `<span class="ev">${diffExcerpt(d.evidence)}</span>` : ''}</td><td class="n">${risk}</td></tr>`;
  });
  const more = diags.length > shown.length ? `<p class="dim">${num(diags.length - shown.length)} more findings are in <code>--format json</code>.</p>` : '';
  return [
    `<h2>Findings <span class="dim">(<span id="findings-shown">${shown.length}</span> of <span data-metric="findings.rows" data-value="${shown.length}">${num(shown.length)}</span> shown)</span></h2>`,
    `<input id="findings-filter" class="filter" type="search" placeholder="filter findings (rule, file, text)" aria-label="filter findings">`,
    `<table id="findings"><thead><tr><th>severity</th><th>rule</th><th>where</th><th>message</th><th>excerpt</th><th class="n">tokens at risk</th></tr></thead><tbody>`,
    rows.join('\n'),
    `</tbody></table>${more}`,
  ].join('\n');
}

function problemsList(report: Report): string {
  if (report.problems.length === 0) return '';
  const items = report.problems.map((p) => `<li><code>${esc(p.code)}</code> ${safe(p.file)}${p.line !== undefined ? `:${p.line}` : ''} — ${safe(p.message)}</li>`);
  return `<h2>Inputs not analyzed</h2><ul>${items.join('')}</ul>`;
}

function logsSection(logs: LogView, metrics: Metrics | undefined): string {
  const s = logs.summary;
  const cards = [
    card('requests', num(s.requests), 'logs.requests', s.requests),
    card('lineages', num(s.lineages), 'logs.lineages', s.lineages),
    card('prefix breaks', num(s.breaks), 'logs.breaks', s.breaks, s.breaks > 0),
    card('prompt tokens', num(s.tokens, s.approx), 'logs.tokens', s.tokens),
    card('tokens shared with an earlier request', num(s.reusedTokens, s.approx), 'logs.reusedTokens', s.reusedTokens),
    card('tokens lost to breaks', num(s.lostTokens, s.approx), 'logs.lostTokens', s.lostTokens, s.lostTokens > 0),
  ];
  // the five cache metrics, defined once (src/project/metrics.ts): simulated, and reported where the log has usage
  for (const m of metricRows(metrics)) {
    cards.push(card(`${m.label} (simulated)`, m.now, `metrics.now.${m.name}`, m.values.now));
    if (m.reported !== undefined) cards.push(card(`${m.label} (provider usage)`, m.reported, `metrics.reported.${m.name}`, m.values.reported ?? null));
  }
  const ordered = [...logs.lineages].sort(chartOrder);
  const charted = ordered.slice(0, MAX_LINEAGE_CHARTS);
  const rest = ordered.slice(MAX_LINEAGE_CHARTS);
  const restLine = rest.length
    ? `<p class="dim">${num(rest.length)} more lineages not drawn: ${num(rest.reduce((a, l) => a + l.requests.length, 0))} requests, ${num(rest.reduce((a, l) => a + l.breaks, 0))} breaks (all in <code>--format json</code>).</p>`
    : '';
  return [`<h2>Request logs</h2>`, `<div class="cards">${cards.join('')}</div>`, ...charted.map((l, k) => lineageSection(l, k)), restLine].join('\n');
}

/** Renders the report as one self-contained HTML page. */
export function formatHtml(report: Report, opts: FormatOptions): string {
  const r = normalizeReport(report, opts.cwd);
  const s = r.summary;
  const logs = asLogView(r.logs);
  const projection: unknown = report.projection;
  const findings = s.errors + s.warnings + s.infos;
  const cards = [
    card('files checked', num(s.files), 'summary.files', s.files),
    card('errors', num(s.errors), 'summary.errors', s.errors, s.errors > 0),
    card('warnings', num(s.warnings), 'summary.warnings', s.warnings),
    card('infos', num(s.infos), 'summary.infos', s.infos),
    card('fixable with --fix', num(s.fixable), 'summary.fixable', s.fixable),
    card('cacheable tokens at risk', num(s.tokensAtRisk, s.approx), 'summary.tokensAtRisk', s.tokensAtRisk, s.tokensAtRisk > 0),
  ];
  const body = [
    `<header><h1>kvlint report</h1><div class="dim">kvlint ${esc(r.version)} · ${num(findings)} findings in ${num(s.files)} files${s.skipped ? ` · ${num(s.skipped)} inputs skipped` : ''}${s.approx ? ' · ≈ marks counts from a stand-in tokenizer' : ''}</div></header>`,
    `<main>`,
    `<div class="cards">${cards.join('')}</div>`,
    // the cost projection, rendered from report.projection when the simulation adds it
    `<!-- kvlint:projection -->`,
    projectionSection(projection),
    groupsSection(report.projection),
    logs ? logsSection(logs, (projection as { metrics?: Metrics } | undefined)?.metrics) : '',
    templateMaps(r),
    findingsTable(r),
    problemsList(r),
    `</main>`,
  ];
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<title>kvlint report</title>',
    `<style>${CSS}</style>`,
    '</head><body>',
    ...body.filter((b) => b !== ''),
    `<script>${SCRIPT}</script>`,
    '</body></html>',
    '',
  ].join('\n');
}
