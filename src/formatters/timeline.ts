// Per-lineage timeline table for the stylish formatter: request #, time, tokens, the prefix shared with
// its nearest prior and what the cache model read of it, lost, and the first divergence with its cause.
// A lineage is how a conversation is shown; the prior may be another session's request, and then it is
// named. Counts from stand-in tokenizers or partial bodies carry ≈.
import type { ChalkInstance } from 'chalk';
import { some } from '../list.js';
import { describeProviderDiagnostics } from '../logs/provider-diagnostics.js';
import type { LineageView, LogView, TimelineEntry } from '../logs/types.js';

function n(v: number, approx: boolean): string {
  return `${approx ? '≈' : ''}${v.toLocaleString('en-US')}`;
}

/** UTC time of day (the date is shown once per lineage); deterministic, no local timezone. */
function clock(ms: number | undefined): string {
  if (ms === undefined) return '-';
  return new Date(ms).toISOString().slice(11, 19);
}

function pad(s: string, w: number, right = false): string {
  const len = [...s].length;
  return len >= w ? s : right ? ' '.repeat(w - len) + s : s + ' '.repeat(w - len);
}

/** What the cache model read for a request (file, index) — the projection's `now.read` — when priced. */
export type ReadOf = (file: string, index: number) => number | undefined;

function divergenceCell(r: TimelineEntry): string {
  const d = r.divergence;
  if (!d) return r.previous === undefined && r.prior === undefined ? 'first request' : 'prefix reused';
  const code = d.code ? ` ${d.code}` : '';
  const at = d.segment >= 0 ? `${d.label} @${d.charOffset}` : d.label;
  return `${d.cause}${code} at ${at}`;
}

/** Lineages shown as full tables before the rest are summarized (a day of traffic has thousands). */
export const MAX_LINEAGE_TABLES = 20;
/** Longest run of unremarkable requests shown row by row inside a table; longer runs are folded. */
const MAX_QUIET_RUN = 3;
/** Small logs show every lineage with more than one request, breaks or not: it is all there is. */
const SMALL_LOG_LINEAGES = 5;

function lineageTable(l: LineageView, chalk: ChalkInstance, readOf: ReadOf | undefined): string[] {
  const out: string[] = [];
  const reqs = l.requests;
  const first = reqs.at(0);
  const date = first?.time !== undefined ? new Date(first.time).toISOString().slice(0, 10) : undefined;
  out.push(chalk.bold(`lineage ${l.lineage}`) + chalk.dim(` (${l.lineageSource}, ${l.provider}${date ? `, ${date}` : ''})`));
  const readCell = (r: TimelineEntry): string => {
    const read = readOf?.(r.file, r.index);
    return read === undefined ? '-' : n(read, r.approx);
  };
  const cellsOf = (r: TimelineEntry): string[] => [`#${r.index}`, clock(r.time), n(r.tokens, r.approx), n(r.reusedTokens, r.approx), readCell(r), n(r.lostTokens, r.approx), divergenceCell(r), `${r.file}:${r.line}`];
  const head = ['req', 'time', 'tokens', 'shared', 'read', 'lost', 'first divergence', 'record'];
  // First pass: column widths over every request, and which rows are shown (a lineage can have hundreds
  // of thousands of requests, each built as it is read: none is kept)
  const widths = head.map((h) => [...h].length);
  const keep = new Uint8Array(reqs.length);
  let approx = false;
  let k = 0;
  for (const r of reqs) {
    cellsOf(r).forEach((cell, c) => (widths[c] = Math.max(widths[c]!, [...cell].length)));
    keep[k] = k === 0 || k === reqs.length - 1 || r.divergence !== undefined || (r.providerDiagnostics !== undefined && r.providerDiagnostics.type !== 'none' && r.providerDiagnostics.type !== 'cache_hit') ? 1 : 0;
    if (r.approx) approx = true;
    k++;
  }
  const right = [false, false, true, true, true, true, false, false];
  const padded = (cells: string[]): string[] => cells.map((cell, c) => pad(cell, widths[c] ?? 0, right[c]));
  out.push('  ' + head.map((h, c) => chalk.dim(pad(h, widths[c] ?? 0, right[c]))).join('  '));
  // Fold long runs of requests that reused the prefix: the breaks are what the reader is looking for.
  k = 0;
  while (k < reqs.length) {
    if (keep[k]) {
      const r = reqs.at(k)!;
      const cells = padded(cellsOf(r));
      if (r.divergence !== undefined) {
        cells[5] = chalk.red(cells[5]);
        cells[6] = chalk.yellow(cells[6]);
      }
      out.push('  ' + cells.join('  ').trimEnd());
      const indent = '  ' + ' '.repeat((widths[0] ?? 0) + 2);
      if (r.prior) out.push(indent + chalk.dim(`compared with ${r.prior.file}:${r.prior.line} (lineage ${r.prior.lineage}): the earlier request sharing the longest prefix`));
      const read = readOf?.(r.file, r.index);
      if (read !== undefined && read < r.reusedTokens) out.push(indent + chalk.dim(`shared ${n(r.reusedTokens, r.approx)} · read ${n(read, r.approx)}: the cache model reads only up to a live cache entry (breakpoint, minimum, TTL, granularity)`));
      if (r.divergence?.excerpt) out.push(indent + chalk.dim(r.divergence.excerpt));
      if (r.providerDiagnostics) out.push(indent + chalk.dim(describeProviderDiagnostics(r.providerDiagnostics)));
      k++;
      continue;
    }
    let end = k;
    while (end < reqs.length && !keep[end]) end++;
    if (end - k > MAX_QUIET_RUN) {
      out.push(chalk.dim(`  … ${end - k} requests (#${reqs.at(k)!.index}–#${reqs.at(end - 1)!.index}) reused the prefix`));
    } else {
      for (let q = k; q < end; q++) out.push('  ' + padded(cellsOf(reqs.at(q)!)).join('  ').trimEnd());
    }
    k = end;
  }
  out.push(chalk.dim(`  ${reqs.length} request${reqs.length === 1 ? '' : 's'}, ${n(l.tokens, approx)} tokens, ${n(l.reusedTokens, approx)} shared with an earlier request, ${n(l.lostTokens, approx)} lost, ${l.breaks} break${l.breaks === 1 ? '' : 's'}`));
  out.push('');
  return out;
}

/**
 * Renders the lineages: a table for each lineage with a break (the first MAX_LINEAGE_TABLES of them), and
 * one summary line for the rest. A small log shows every lineage that has more than one request.
 * Empty string when there are no lineages.
 */
export function renderTimeline(logs: LogView, chalk: ChalkInstance, readOf?: ReadOf): string {
  const small = logs.lineages.length <= SMALL_LOG_LINEAGES;
  // a one-request session's break is a finding already (grouped with every session it affects): its table
  // would repeat it, once per user
  const tables = logs.lineages.filter((l) => (l.breaks > 0 && (l.requests.length > 1 || small)) || (small && l.requests.length > 1));
  const shown = tables.slice(0, MAX_LINEAGE_TABLES);
  const out: string[] = [];
  for (const l of shown) out.push(...lineageTable(l, chalk, readOf));
  const pd = logs.summary.providerDiagnostics;
  if (pd) {
    out.push(chalk.dim(`provider cache diagnostics vs kvlint's cause: the same change on ${pd.agree.toLocaleString('en-US')} of ${pd.compared.toLocaleString('en-US')} requests`));
    for (const d of pd.disagreements.slice(0, 5)) out.push(chalk.dim(`  ${d.file}:${d.line}  provider: ${d.provider}; kvlint: ${d.kvlint}`));
    out.push('');
  }
  const rest = logs.lineages.filter((l) => !shown.includes(l));
  if (rest.length > 0) {
    const approx = rest.some((l) => some(l.requests, (r) => r.approx));
    const requests = rest.reduce((a, l) => a + l.requests.length, 0);
    const breaks = rest.reduce((a, l) => a + l.breaks, 0);
    const tokens = rest.reduce((a, l) => a + l.tokens, 0);
    const reused = rest.reduce((a, l) => a + l.reusedTokens, 0);
    const what = breaks > 0 ? `${breaks} more break${breaks === 1 ? '' : 's'} (all in --format json)` : 'no breaks';
    out.push(
      chalk.dim(`${shown.length ? 'and ' : ''}${rest.length} lineage${rest.length === 1 ? '' : 's'} not shown: ${requests.toLocaleString('en-US')} requests, ${n(tokens, approx)} tokens, ${n(reused, approx)} reused, ${what}`),
      '',
    );
  }
  return out.join('\n');
}
