// One deterministic view of a report for every formatter: sorted files, findings, problems and rules,
// relative POSIX paths and a fixed key order, so two runs over the same input print the same bytes.
import { isAbsolute, relative, sep } from 'node:path';
import type { InputProblem } from '../errors.js';
import type { Diagnostic } from '../model.js';
import { compareDiagnostics, compareStrings, type FileResult, type Report, type RuleMeta, type Summary } from '../report.js';

/**
 * A path as formatters print it: relative to `cwd` with `/` separators. Relative paths and pseudo paths
 * such as `<stdin>` pass through; an absolute path (which the report should not hold, but a stray one must
 * not leak a home directory into a public CI log) is made relative.
 */
export function displayPath(file: string, cwd: string): string {
  if (!isAbsolute(file)) return file;
  const rel = relative(cwd, file);
  return rel === '' ? '.' : rel.split(sep).join('/');
}

// Known keys first in the order the model declares them, anything else (a field added later) after,
// sorted, so adding a field never reorders the existing ones.
const DIAGNOSTIC_KEYS = [
  'ruleId',
  'code',
  'severity',
  'category',
  'messageId',
  'message',
  'file',
  'line',
  'column',
  'endLine',
  'endColumn',
  'segment',
  'tokenOffset',
  'tokensAtRisk',
  'approx',
  'evidence',
  'request',
  'savedMicro',
  'alsoRules',
  'affected',
  'providerConfirmed',
  'note',
  'occurrences',
  'fix',
  'fixable',
] as const;

function orderKeys<T extends object>(value: T, known: readonly string[]): T {
  const src = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of known) if (src[k] !== undefined) out[k] = src[k];
  const extra = Object.keys(src)
    .filter((k) => !known.includes(k) && src[k] !== undefined)
    .sort(compareStrings);
  for (const k of extra) out[k] = src[k];
  return out as T;
}

function normalizeDiagnostic(d: Diagnostic, cwd: string): Diagnostic {
  const fix = d.fix ? [...d.fix].sort((a, b) => a.start - b.start || a.end - b.end).map((f) => ({ start: f.start, end: f.end, text: f.text })) : undefined;
  const occurrences = d.occurrences?.map((o) => ({ file: displayPath(o.file, cwd), line: o.line, request: o.request }));
  return orderKeys({ ...d, file: displayPath(d.file, cwd), fix, occurrences }, DIAGNOSTIC_KEYS);
}

/** Deterministic order of input problems: file, line (missing first), code, message. */
export function compareProblems(a: InputProblem, b: InputProblem): number {
  return (
    compareStrings(a.file, b.file) ||
    (a.line ?? 0) - (b.line ?? 0) ||
    compareStrings(a.code, b.code) ||
    compareStrings(a.message, b.message)
  );
}

function normalizeProblem(p: InputProblem, cwd: string): InputProblem {
  return orderKeys({ ...p, file: displayPath(p.file, cwd) }, ['code', 'file', 'line', 'message']);
}

function normalizeFile(f: FileResult, cwd: string): FileResult {
  const diagnostics = f.diagnostics.map((d) => normalizeDiagnostic(d, cwd)).sort(compareDiagnostics);
  return orderKeys(
    { ...f, file: displayPath(f.file, cwd), diagnostics },
    ['file', 'kind', 'format', 'diagnostics', 'errorCount', 'warningCount', 'infoCount', 'fixableCount', 'tokens'],
  );
}

function normalizeRules(rules: Record<string, RuleMeta>): Record<string, RuleMeta> {
  const out: Record<string, RuleMeta> = {};
  for (const id of Object.keys(rules).sort(compareStrings)) {
    const meta = rules[id];
    if (meta) out[id] = orderKeys({ ...meta }, ['id', 'code', 'category', 'severity', 'summary', 'helpUri']);
  }
  return out;
}

function normalizeSummary(s: Summary): Summary {
  return orderKeys({ ...s }, ['files', 'errors', 'warnings', 'infos', 'fixable', 'tokensAtRisk', 'approx', 'skipped']);
}

/**
 * The report in deterministic form: files by path, diagnostics by {@link compareDiagnostics}, problems by
 * file and line, rules by id, every object's keys in a fixed order, paths relative to `cwd`.
 * The input is not modified.
 */
export function normalizeReport(report: Report, cwd: string): Report {
  const out: Report = {
    version: report.version,
    ...(report.shard ? { shard: { index: report.shard.index, count: report.shard.count, run: report.shard.run } } : {}),
    files: report.files.map((f) => normalizeFile(f, cwd)).sort((a, b) => compareStrings(a.file, b.file)),
    problems: report.problems.map((p) => normalizeProblem(p, cwd)).sort(compareProblems),
    rules: normalizeRules(report.rules),
    summary: normalizeSummary(report.summary),
  };
  if (report.metrics !== undefined) out.metrics = report.metrics;
  if (report.assertions !== undefined) out.assertions = report.assertions;
  if (report.logs !== undefined) out.logs = report.logs;
  if (report.projection !== undefined) out.projection = report.projection;
  return out;
}

/** `1 error`, `2 errors`; `plural` defaults to the word plus `s`. */
export function plural(n: number, word: string, pluralWord = `${word}s`): string {
  return `${formatNumber(n)} ${n === 1 ? word : pluralWord}`;
}

/** A count with `,` thousands separators, independent of the machine's locale (output must not vary). */
export function formatNumber(n: number): string {
  const [int = '', frac] = String(n).split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return frac === undefined ? grouped : `${grouped}.${frac}`;
}

/** All diagnostics of a normalized report, in report order. */
export function allDiagnostics(report: Report): Diagnostic[] {
  return report.files.flatMap((f) => f.diagnostics);
}
