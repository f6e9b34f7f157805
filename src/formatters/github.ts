// GitHub Actions workflow commands: one annotation per finding on the right file and line, input problems
// as warnings, and a closing notice with the totals.
import { formatAssertion } from '../project/assertions.js';
import type { Severity } from '../model.js';
import type { Report, Summary } from '../report.js';
import { displayPath, formatNumber, normalizeReport, plural } from './normalize.js';
import type { FormatOptions } from './types.js';

const COMMAND: Record<Severity, 'error' | 'warning' | 'notice'> = { error: 'error', warning: 'warning', info: 'notice' };

/** Escapes a command's message the way @actions/core does: `%`, CR and LF. */
export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escapes a property value (`file=`, `title=`): as data, plus `:` and `,` which delimit properties. */
export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** `::name k=v,k=v::message` with both parts escaped; properties with undefined values are left out. */
export function workflowCommand(name: string, props: Record<string, string | number | undefined>, message: string): string {
  const list = Object.entries(props)
    .filter((e): e is [string, string | number] => e[1] !== undefined)
    .map(([k, v]) => `${k}=${escapeProperty(String(v))}`)
    .join(',');
  return `::${name}${list ? ` ${list}` : ''}::${escapeData(message)}`;
}

function summaryText(s: Summary): string {
  const problems = s.errors + s.warnings + s.infos;
  const parts =
    problems === 0
      ? [`${plural(s.files, 'file')} checked, no problems`]
      : [
          `${plural(problems, 'problem')} (${plural(s.errors, 'error')}, ${plural(s.warnings, 'warning')}, ${plural(s.infos, 'info')}) in ${plural(s.files, 'file')}`,
        ];
  if (s.fixable > 0) parts.push(`${formatNumber(s.fixable)} fixable with --fix`);
  if (s.tokensAtRisk > 0) parts.push(`${s.approx ? '≈' : ''}${plural(s.tokensAtRisk, 'cacheable token')} at risk`);
  if (s.skipped > 0) parts.push(`${plural(s.skipped, 'input')} skipped`);
  return `kvlint: ${parts.join(', ')}`;
}

/**
 * Workflow commands for GitHub Actions annotations: `::error|warning|notice file=,line=,col=,endLine=,
 * endColumn=,title=KV101 rule-id::message`, `::warning` for each input problem, and a closing `::notice::`.
 */
export function formatGithub(report: Report, opts: FormatOptions): string {
  const r = normalizeReport(report, opts.cwd);
  const lines: string[] = [];
  for (const f of r.files) {
    for (const d of f.diagnostics) {
      const title = d.code !== '' ? `${d.code} ${d.ruleId}` : d.ruleId;
      lines.push(
        workflowCommand(
          COMMAND[d.severity],
          { file: d.file, line: d.line, col: d.column, endLine: d.endLine, endColumn: d.endColumn, title },
          d.message,
        ),
      );
    }
  }
  for (const p of r.problems) lines.push(workflowCommand('warning', { file: p.file, line: p.line }, `${p.code} ${p.message}`));
  if (opts.failure) {
    const f = opts.failure;
    lines.push(workflowCommand('error', { file: f.file !== undefined ? displayPath(f.file, opts.cwd) : undefined, line: f.line }, `${f.code} ${f.message}`));
  }
  for (const a of r.assertions ?? []) if (!a.passed) lines.push(workflowCommand('error', { title: 'kvlint assert' }, `assertion failed: ${formatAssertion(a)}`));
  lines.push(workflowCommand('notice', {}, summaryText(r.summary)));
  return `${lines.join('\n')}\n`;
}
