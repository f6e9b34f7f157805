// Baselines: a legacy project records today's findings once (--update-baseline) and from then on only new
// findings fail (--baseline). A finding is identified by rule, file and its normalized evidence — never by
// line or column, so inserting lines above a known finding does not turn it into a "new" one. Identical
// fingerprints are counted: a second copy of a known timestamp in the same file is new.
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Diagnostic } from '../model.js';
import type { FileResult, Report } from '../report.js';
import { tokensAtRisk } from '../report.js';

export const BASELINE_VERSION = 1;
export const DEFAULT_BASELINE_FILE = 'kvlint-baseline.json';

export interface BaselineEntry {
  fingerprint: string;
  code: string;
  rule: string;
  /** POSIX path relative to the baseline file's folder */
  file: string;
  /** redacted evidence, for a reader of the file (absent when the run was --no-redact) */
  evidence?: string;
  count: number;
}

export interface Baseline {
  kvlint: 'baseline';
  version: number;
  entries: BaselineEntry[];
}

/** Paths in a baseline are relative to its own folder, so it works from any working directory. */
export function baselinePath(file: string, cwd: string, baselineFile: string): string {
  const abs = path.resolve(cwd, file);
  return path.relative(path.dirname(path.resolve(cwd, baselineFile)), abs).split(path.sep).join('/');
}

/**
 * What identifies a finding across edits: whitespace runs collapsed, and for findings without evidence
 * the message id and segment label (the message itself carries token counts that move with the text).
 */
export function normalizedEvidence(d: Diagnostic): string {
  const ev = d.evidence !== undefined ? d.evidence : `${d.messageId}\u0000${d.segment ?? ''}`;
  return ev.replace(/\s+/g, ' ').trim();
}

export function fingerprint(d: Diagnostic, file: string): string {
  return createHash('sha256').update(`${d.code}\u0000${d.ruleId}\u0000${file}\u0000${normalizedEvidence(d)}`).digest('hex').slice(0, 32);
}

function compareEntries(a: BaselineEntry, b: BaselineEntry): number {
  return a.file < b.file ? -1 : a.file > b.file ? 1 : a.code < b.code ? -1 : a.code > b.code ? 1 : a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : 0;
}

/** The baseline recording every finding of `report`. Deterministic: entries sorted, no timestamps. */
export function buildBaseline(report: Report, cwd: string, baselineFile: string, keepEvidence: boolean): Baseline {
  const by = new Map<string, BaselineEntry>();
  for (const f of report.files) {
    const file = baselinePath(f.file, cwd, baselineFile);
    for (const d of f.diagnostics) {
      const fp = fingerprint(d, file);
      const e = by.get(fp);
      if (e) e.count++;
      else by.set(fp, { fingerprint: fp, code: d.code, rule: d.ruleId, file, ...(keepEvidence && d.evidence !== undefined ? { evidence: d.evidence } : {}), count: 1 });
    }
  }
  return { kvlint: 'baseline', version: BASELINE_VERSION, entries: [...by.values()].sort(compareEntries) };
}

export function serializeBaseline(b: Baseline): string {
  return `${JSON.stringify(b, null, 2)}\n`;
}

/** Parses a baseline file; throws an Error naming what is wrong (the CLI turns it into exit 2). */
export function parseBaseline(text: string): Baseline {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new Error(`not JSON: ${(e as Error).message}`);
  }
  const b = v as Partial<Baseline>;
  if (!b || typeof b !== 'object' || b.kvlint !== 'baseline' || !Array.isArray(b.entries)) throw new Error('not a kvlint baseline (expected {"kvlint": "baseline", "entries": [...]})');
  if (b.version !== BASELINE_VERSION) throw new Error(`baseline version ${String(b.version)} is not supported (expected ${BASELINE_VERSION})`);
  for (const [k, e] of b.entries.entries()) {
    if (!e || typeof e.fingerprint !== 'string' || typeof e.file !== 'string' || typeof e.code !== 'string' || !Number.isInteger(e.count) || e.count < 1) {
      throw new Error(`entry ${k} needs fingerprint, code, file and a positive count`);
    }
  }
  return b as Baseline;
}

export interface BaselineOutcome {
  /** the report with baselined findings removed and its counts recomputed */
  report: Report;
  /** findings the baseline accounted for */
  suppressed: number;
  /** baseline entries (or parts of their counts) that no finding matched any more */
  stale: Array<BaselineEntry & { missing: number }>;
}

function recount(f: FileResult, diagnostics: Diagnostic[]): FileResult {
  const n = (s: Diagnostic['severity']): number => diagnostics.filter((d) => d.severity === s).length;
  return { ...f, diagnostics, errorCount: n('error'), warningCount: n('warning'), infoCount: n('info'), fixableCount: diagnostics.filter((d) => (d.fix && d.fix.length) || d.fixable).length };
}

/**
 * Removes the findings a baseline accounts for: per fingerprint, the first `count` occurrences in report
 * order are known, any beyond are new. Entries for files not in this run are not called stale (the run
 * may cover part of the project); entries for files in the run with fewer matches than recorded are.
 */
export function applyBaseline(report: Report, baseline: Baseline, cwd: string, baselineFile: string): BaselineOutcome {
  const left = new Map<string, number>();
  for (const e of baseline.entries) left.set(e.fingerprint, (left.get(e.fingerprint) ?? 0) + e.count);
  let suppressed = 0;
  const checked = new Set<string>();
  const files = report.files.map((f) => {
    const file = baselinePath(f.file, cwd, baselineFile);
    checked.add(file);
    const kept = f.diagnostics.filter((d) => {
      const fp = fingerprint(d, file);
      const n = left.get(fp) ?? 0;
      if (n <= 0) return true;
      left.set(fp, n - 1);
      suppressed++;
      return false;
    });
    return recount(f, kept);
  });
  const stale: BaselineOutcome['stale'] = [];
  for (const e of baseline.entries) {
    const n = left.get(e.fingerprint) ?? 0;
    if (n > 0 && checked.has(e.file)) {
      const missing = Math.min(n, e.count);
      stale.push({ ...e, missing });
      left.set(e.fingerprint, n - missing);
    }
  }
  const all = files.flatMap((f) => f.diagnostics);
  const summary = {
    ...report.summary,
    errors: files.reduce((a, f) => a + f.errorCount, 0),
    warnings: files.reduce((a, f) => a + f.warningCount, 0),
    infos: files.reduce((a, f) => a + f.infoCount, 0),
    fixable: files.reduce((a, f) => a + f.fixableCount, 0),
    tokensAtRisk: tokensAtRisk(all),
    approx: all.some((d) => d.approx === true),
  };
  return { report: { ...report, files, summary }, suppressed, stale };
}

/** One line per stale entry, for stderr. */
export function describeStale(stale: BaselineOutcome['stale'], baselineFile: string): string {
  if (stale.length === 0) return '';
  const total = stale.reduce((a, s) => a + s.missing, 0);
  const lines = stale.map((s) => `  ${s.code} ${s.file}${s.evidence ? ` '${s.evidence}'` : ''}${s.missing > 1 ? ` (×${s.missing})` : ''}`);
  return `kvlint: ${total} baseline entr${total === 1 ? 'y' : 'ies'} in ${baselineFile} no longer match a finding (fixed or moved to another file); run --update-baseline to drop ${total === 1 ? 'it' : 'them'}:\n${lines.join('\n')}\n`;
}
