// Per-lineage timeline table for the stylish formatter: request #, time, tokens, reused, lost, and the
// first divergence with its cause. Counts from stand-in tokenizers or partial bodies carry ≈.
import type { ChalkInstance } from 'chalk';
import type { LogAnalysis, TimelineEntry } from '../logs/types.js';

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

function divergenceCell(r: TimelineEntry): string {
  const d = r.divergence;
  if (!d) return r.previous === undefined ? 'first request' : 'prefix reused';
  const code = d.code ? ` ${d.code}` : '';
  const at = d.segment >= 0 ? `${d.label} @${d.charOffset}` : d.label;
  return `${d.cause}${code} at ${at}`;
}

/** Renders every lineage as a table; empty string when there are no lineages. */
export function renderTimeline(logs: LogAnalysis, chalk: ChalkInstance): string {
  const out: string[] = [];
  for (const l of logs.lineages) {
    const first = l.requests[0];
    const date = first?.time !== undefined ? new Date(first.time).toISOString().slice(0, 10) : undefined;
    out.push(chalk.bold(`lineage ${l.lineage}`) + chalk.dim(` (${l.lineageSource}, ${l.provider}${date ? `, ${date}` : ''})`));
    const rows = l.requests.map((r) => [
      `#${r.index}`,
      clock(r.time),
      n(r.tokens, r.approx),
      n(r.reusedTokens, r.approx),
      n(r.lostTokens, r.approx),
      divergenceCell(r),
      `${r.file}:${r.line}`,
    ]);
    const head = ['req', 'time', 'tokens', 'reused', 'lost', 'first divergence', 'record'];
    const widths = head.map((h, c) => Math.max([...h].length, ...rows.map((row) => [...(row[c] ?? '')].length)));
    const right = [false, false, true, true, true, false, false];
    out.push('  ' + head.map((h, c) => chalk.dim(pad(h, widths[c] ?? 0, right[c]))).join('  '));
    l.requests.forEach((r, k) => {
      const row = rows[k]!;
      const cells = row.map((cell, c) => pad(cell, widths[c] ?? 0, right[c]));
      const brk = r.divergence !== undefined;
      if (brk) {
        cells[4] = chalk.red(cells[4]);
        cells[5] = chalk.yellow(cells[5]);
      }
      out.push('  ' + cells.join('  '));
      if (r.divergence?.excerpt) out.push('  ' + ' '.repeat((widths[0] ?? 0) + 2) + chalk.dim(r.divergence.excerpt));
    });
    const approx = l.requests.some((r) => r.approx);
    out.push(
      chalk.dim(`  ${l.requests.length} requests, ${n(l.tokens, approx)} tokens, ${n(l.reusedTokens, approx)} reusable, ${n(l.lostTokens, approx)} lost, ${l.breaks} break${l.breaks === 1 ? '' : 's'}`),
    );
    out.push('');
  }
  return out.join('\n');
}
