// The report every formatter renders. Built by run.ts; the exit code is derived from its counts.
import type { InputProblem } from './errors.js';
import type { Category, Diagnostic, Severity } from './model.js';
import type { Projection } from './project/log-projection.js';

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
  kind: 'template' | 'tools' | 'log';
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
}

const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

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
