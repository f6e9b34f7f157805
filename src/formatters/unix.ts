// One line per finding, `file:line:col: severity CODE message`, the form compilers print and editors'
// quickfix lists (Vim's errorformat, Emacs compilation-mode) jump from.
import type { Report } from '../report.js';
import { displayPath, normalizeReport } from './normalize.js';
import type { FormatOptions } from './types.js';

/** A message on one line: a line break inside it would start a bogus quickfix entry. */
function oneLine(s: string): string {
  return s.replace(/\r\n|\r|\n/g, ' ');
}

/**
 * Findings in report order (file, line, column), then inputs that could not be checked (as warnings on
 * their line, or line 1), then a fatal error if the run stopped. Nothing else: no summary line to parse around.
 */
export function formatUnix(report: Report, opts: FormatOptions): string {
  const r = normalizeReport(report, opts.cwd);
  const lines: string[] = [];
  for (const f of r.files) {
    for (const d of f.diagnostics) {
      lines.push(`${d.file}:${d.line}:${d.column}: ${d.severity} ${d.code !== '' ? d.code : d.ruleId} ${oneLine(d.message)}`);
    }
  }
  for (const p of r.problems) lines.push(`${p.file}:${p.line ?? 1}:1: warning ${p.code} ${oneLine(p.message)}`);
  if (opts.failure) {
    const f = opts.failure;
    lines.push(`${f.file !== undefined ? displayPath(f.file, opts.cwd) : 'kvlint'}:${f.line ?? 1}:1: error ${f.code} ${oneLine(f.message)}`);
  }
  return lines.length ? `${lines.join('\n')}\n` : '';
}
