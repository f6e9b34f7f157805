// The report every formatter renders. Built by run.ts; the exit code is derived from its counts.
import type { InputProblem } from './errors.js';
import type { Category, Diagnostic, Severity } from './model.js';
import type { Projection } from './project/log-projection.js';
import type { Shard } from './shard.js';
import type { AssertionResult } from './project/assertions.js';

/** What a formatter needs to know about each rule that fired (SARIF's tool.driver.rules, explain links). */
export interface RuleMeta {
  id: string;
  code: string;
  category: Category;
  severity: Severity;
  summary: string;
  helpUri: string;
}

export interface FileResult {
  /** relative POSIX path */
  file: string;
  kind: 'template' | 'tools' | 'source' | 'log';
  /** detected format, e.g. `jinja`, `openai-tools`, `vcr-yaml` */
  format: string;
  diagnostics: Diagnostic[];
  errorCount: number;
  warningCount: number;
  infoCount: number;
  fixableCount: number;
  /** tokens in the rendered static prompt (templates) or in all requests (logs) */
  tokens?: number;
}

export interface Summary {
  files: number;
  errors: number;
  warnings: number;
  infos: number;
  fixable: number;
  /** sum over findings of cacheable tokens put at risk, deduplicated per segment position */
  tokensAtRisk: number;
  /** some token counts come from a stand-in tokenizer */
  approx: boolean;
  /** files or records skipped, with reasons in `problems` */
  skipped: number;
}

export interface Report {
  version: string;
  /**
   * --shard i/n: this report covers only the lineages (and templates) of shard i; `kvlint merge` combines
   * the n shards. `run` identifies the split: shards of one run carry the same value.
   */
  shard?: Shard & { run: string };
  files: FileResult[];
  /** inputs that could not be analyzed (unreadable, binary, malformed records, …) */
  problems: InputProblem[];
  /** metadata of every rule that produced a finding, keyed by id */
  rules: Record<string, RuleMeta>;
  summary: Summary;
  /** request-log analysis (lineages, divergences); present when logs were given */
  logs?: unknown;
  /** cost and TTFT now vs with the breakers fixed (src/project/log-projection.ts); present for logs with priced models */
  projection?: Projection;
  /** the five cache metrics (src/project/metrics.ts), now, fixed and reported: the projection's, at the top for scripts */
  metrics?: Projection['metrics'];
  /** --assert and config `assert:`: each threshold on the metrics, with the value it was checked against */
  assertions?: AssertionResult[];
}

const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** Code-unit order of two strings, independent of the machine's locale (output must not vary). */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Deterministic order: file, line, column, rule code. */
export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return (
    (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
    a.line - b.line ||
    a.column - b.column ||
    (a.code < b.code ? -1 : a.code > b.code ? 1 : 0) ||
    SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
    (a.message < b.message ? -1 : a.message > b.message ? 1 : 0)
  );
}

export function countSeverities(diags: readonly Diagnostic[]): Pick<FileResult, 'errorCount' | 'warningCount' | 'infoCount' | 'fixableCount'> {
  let errorCount = 0;
  let warningCount = 0;
  let infoCount = 0;
  let fixableCount = 0;
  for (const d of diags) {
    if (d.severity === 'error') errorCount++;
    else if (d.severity === 'warning') warningCount++;
    else infoCount++;
    if ((d.fix && d.fix.length) || d.fixable) fixableCount++;
  }
  return { errorCount, warningCount, infoCount, fixableCount };
}

/** Tokens at risk, counted once per (file, segment, token offset) so two rules on one value do not add up. */
export function tokensAtRisk(diags: readonly Diagnostic[]): number {
  const seen = new Map<string, number>();
  for (const d of diags) {
    if (!d.tokensAtRisk) continue;
    const key = `${d.file}\u0000${d.request ?? ''}\u0000${d.segment ?? ''}`;
    // within one segment, the earliest break decides what is lost: keep the largest figure
    seen.set(key, Math.max(seen.get(key) ?? 0, d.tokensAtRisk));
  }
  let total = 0;
  for (const v of seen.values()) total += v;
  return total;
}

/**
 * Inputs refused as a whole: named by a problem but with no file result (unreadable, malformed, over a
 * limit, of no known format, a log none of whose records could be analyzed). A run that did not check an
 * input cannot pass. A problem on one record of a log that was otherwise analyzed is not one of these.
 */
export function uncheckedInputs(report: Pick<Report, 'files' | 'problems'>): string[] {
  const checked = new Set(report.files.map((f) => f.file));
  return [...new Set(report.problems.map((p) => p.file))].filter((f) => !checked.has(f)).sort(compareStrings);
}

/** The report's summary from its file results and problems. */
export function summaryOf(results: readonly FileResult[], problems: readonly InputProblem[]): Summary {
  const all = results.flatMap((r) => r.diagnostics);
  const counts = countSeverities(all);
  return {
    files: results.length,
    errors: counts.errorCount,
    warnings: counts.warningCount,
    infos: counts.infoCount,
    fixable: counts.fixableCount,
    tokensAtRisk: tokensAtRisk(all),
    approx: all.some((d) => d.approx),
    skipped: problems.length,
  };
}
