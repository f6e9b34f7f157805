// The default, human format (ESLint's stylish): findings grouped under each file, aligned columns, the
// tokens each finding puts at risk, input problems, and a closing summary.
import type { LogView } from '../logs/types.js';
import { renderTimeline, type ReadOf } from './timeline.js';
import type { Projection } from '../project/projection-summary.js';

/** What the cache model read for each priced request, by file and index (the timeline's `read` column). */
function readsOf(p: Projection | undefined): ReadOf | undefined {
  if (!p || p.requests.length === 0) return undefined;
  const m = new Map<string, number>();
  for (const row of p.requests) m.set(`${row.file}\u0000${row.index}`, row.now.read);
  return (file, index) => m.get(`${file}\u0000${index}`);
}
import { renderGroups, renderProjection, usd } from './projection.js';
import { formatAssertion } from '../project/assertions.js';
import type { ChalkInstance } from 'chalk';
import type { InputProblem } from '../errors.js';
import { makeChalk } from '../io.js';
import type { Diagnostic, Severity } from '../model.js';
import { uncheckedInputs, type FileResult, type Report, type Summary } from '../report.js';
import { formatNumber, normalizeReport, plural } from './normalize.js';
import type { FormatOptions } from './types.js';
import { cellWidth, wrapText } from './wrap.js';

/** Messages are one sentence, but a stray newline from evidence must not break the table. */
function oneLine(s: string): string {
  return s.replace(/\r\n|\r|\n/g, ' ');
}

/** `~3,912 tok`, or `≈3,912 tok` when the count comes from a stand-in tokenizer. */
export function tokensLabel(d: Pick<Diagnostic, 'tokensAtRisk' | 'approx' | 'savedMicro'>): string {
  const money = d.savedMicro !== undefined && d.savedMicro > 0 ? ` · ${usd(d.savedMicro)} if fixed` : '';
  if (d.tokensAtRisk === undefined || d.tokensAtRisk <= 0) return money.replace(/^ · /, '');
  return `${d.approx ? '≈' : '~'}${formatNumber(d.tokensAtRisk)} tok${money}`;
}

function paintSeverity(c: ChalkInstance, sev: Severity, text: string): string {
  return sev === 'error' ? c.red(text) : sev === 'warning' ? c.yellow(text) : c.blue(text);
}

interface Row {
  line: string;
  column: string;
  severity: Severity;
  message: string;
  code: string;
  tokens: string;
}

/** Narrowest message column worth wrapping into; below it the tokens label moves under the message. */
const MIN_MESSAGE_WIDTH = 30;

/**
 * One file's block: the underlined path, then one aligned row per finding. Widths are per file, as ESLint
 * does. With a `width` (a terminal), a message too long for its column wraps inside it, so the rule code
 * and tokens stay on the finding's first line instead of wrapping onto a line of their own; on a narrow
 * terminal the tokens label goes under the message.
 */
function renderFile(f: FileResult, c: ChalkInstance, width: number | undefined): string[] {
  const rows: Row[] = f.diagnostics.map((d) => ({
    line: String(d.line),
    column: String(d.column),
    severity: d.severity,
    message: oneLine(d.message),
    code: d.code,
    tokens: tokensLabel(d),
  }));
  const w = (pick: (r: Row) => string): number => Math.max(0, ...rows.map((r) => cellWidth(pick(r))));
  const wLine = w((r) => r.line);
  const wCol = w((r) => r.column);
  const wSev = w((r) => r.severity);
  const wCode = w((r) => r.code);
  const wTok = w((r) => r.tokens);
  // columns before the message: indent, position, severity, and the gaps between them
  const before = 2 + wLine + 1 + wCol + 2 + wSev + 2;
  let wMsg = w((r) => r.message);
  let tokensBelow = false;
  if (width !== undefined) {
    const after = (withTokens: boolean): number => 2 + wCode + (withTokens && wTok > 0 ? 2 + wTok : 0);
    let budget = width - before - after(true);
    if (budget < MIN_MESSAGE_WIDTH && wTok > 0 && wMsg > budget) {
      tokensBelow = true;
      budget = width - before - after(false);
    }
    wMsg = Math.min(wMsg, Math.max(MIN_MESSAGE_WIDTH, budget));
  }
  const out = [c.underline(f.file)];
  const pad = ' '.repeat(before);
  for (const r of rows) {
    // Pad the plain text, then colour it: escape codes have no width.
    const pos = `${r.line.padStart(wLine)}:${r.column.padEnd(wCol)}`;
    const msgLines = cellWidth(r.message) > wMsg ? wrapText(r.message, wMsg) : [r.message];
    const first = msgLines[0] ?? '';
    const cells = [
      c.dim(pos),
      paintSeverity(c, r.severity, r.severity) + ' '.repeat(wSev - r.severity.length),
      first + ' '.repeat(Math.max(0, wMsg - cellWidth(first))),
      c.dim(r.code) + ' '.repeat(wCode - r.code.length),
      tokensBelow ? '' : c.dim(r.tokens),
    ];
    out.push(`  ${cells.join('  ')}`.replace(/\s+$/, ''));
    for (const more of msgLines.slice(1)) out.push(`${pad}${more}`);
    if (tokensBelow && r.tokens !== '') out.push(`${pad}${c.dim(r.tokens)}`);
  }
  return out;
}

/** `path:line  KVE303  message` for an input that could not be analyzed. */
function renderProblem(p: InputProblem, c: ChalkInstance): string {
  const where = p.line !== undefined ? `${p.file}:${p.line}` : p.file;
  return `${where}  ${c.yellow(p.code)}  ${oneLine(p.message)}`;
}

function renderSummary(s: Summary, unchecked: number, c: ChalkInstance): string[] {
  const problems = s.errors + s.warnings + s.infos;
  const checked = plural(s.files, 'file');
  const skipped = s.skipped > 0 ? `, ${plural(s.skipped, 'input')} skipped` : '';
  // an input refused as a whole was not checked: never a ✓
  const notChecked = unchecked > 0 ? `${plural(unchecked, 'input')} not checked (see above)` : '';
  if (problems === 0) {
    if (notChecked) return [c.red.bold(`✖ ${notChecked}`), `  ${checked} checked, no problems${skipped}`];
    return [c.green(`✓ ${checked} checked, no problems`) + skipped];
  }
  const head = `✖ ${plural(problems, 'problem')} (${plural(s.errors, 'error')}, ${plural(s.warnings, 'warning')}, ${plural(s.infos, 'info')})`;
  const paint = s.errors > 0 ? c.red.bold : s.warnings > 0 ? c.yellow.bold : c.blue.bold;
  const out = [paint(head)];
  if (s.fixable > 0) out.push(`  ${plural(s.fixable, 'problem')} fixable with --fix`);
  if (s.tokensAtRisk > 0) out.push(`  ${s.approx ? '≈' : ''}${plural(s.tokensAtRisk, 'cacheable token')} at risk`);
  if (notChecked) out.push(`  ${notChecked}`);
  out.push(`  ${checked} checked${skipped}`);
  return out;
}

/**
 * ESLint-style output. Files without findings are not listed; a clean run prints one ✓ line.
 * Colour comes only from `opts.color` (decided in io.ts), never from chalk's own detection.
 */
export function formatStylish(report: Report, opts: FormatOptions): string {
  const c = makeChalk(opts.color);
  const r = normalizeReport(report, opts.cwd);
  const blocks: string[][] = [];
  for (const f of r.files) if (f.diagnostics.length > 0) blocks.push(renderFile(f, c, opts.width));
  if (r.problems.length > 0) blocks.push(r.problems.map((p) => renderProblem(p, c)));
  // The request-log timeline sits between the input problems and the summary.
  if (r.logs !== undefined) {
    const timeline = renderTimeline(r.logs as LogView, c, readsOf(r.projection)).trimEnd();
    if (timeline) blocks.push([timeline]);
  }
  // then what the breaks cost, and what fixing them would save
  const projection = renderProjection(r.projection, c).trimEnd();
  if (projection) blocks.push([projection]);
  const groups = renderGroups(r.projection, c).trimEnd();
  if (groups) blocks.push([groups]);
  if (r.assertions?.length) blocks.push(r.assertions.map((a) => (a.passed ? c.green(`✓ assert ${formatAssertion(a)}`) : c.red(`✗ assert ${formatAssertion(a)}`))));
  blocks.push(renderSummary(r.summary, uncheckedInputs(r).length, c));
  return `${blocks.map((b) => b.join('\n')).join('\n\n')}\n`;
}
