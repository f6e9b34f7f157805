// The report as JSON: the same object every other formatter reads, in deterministic form.
import type { Report } from '../report.js';
import { normalizeReport } from './normalize.js';
import type { FormatOptions } from './types.js';

/**
 * The report object, 2-space indented with a trailing newline: findings sorted, keys in a fixed order,
 * paths relative and POSIX, no clock times. Never coloured.
 */
export function formatJson(report: Report, opts: FormatOptions): string {
  return `${JSON.stringify(normalizeReport(report, opts.cwd), null, 2)}\n`;
}
