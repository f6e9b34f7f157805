// GitLab Code Quality (artifacts:reports:codequality): a JSON array of issues, the subset of the Code
// Climate spec GitLab reads. The merge-request widget compares the base branch's report with the
// branch's by fingerprint, so a fingerprint must not change when lines above a finding move.
import { createHash } from 'node:crypto';
import type { Severity } from '../model.js';
import type { Report } from '../report.js';
import { displayPath, normalizeReport } from './normalize.js';
import { fingerprints } from './sarif.js';
import type { FormatOptions } from './types.js';

/** GitLab's severity scale is info < minor < major < critical < blocker. */
export type GitlabSeverity = 'info' | 'minor' | 'major' | 'critical' | 'blocker';

/**
 * An error is a certain cache break (it fails the run), a warning a suspicion, an info a hint. `critical`
 * and `blocker` are left free: GitLab sorts by severity, and a prompt that re-bills its cache is not a
 * security hole.
 */
export const GITLAB_SEVERITY: Record<Severity, GitlabSeverity> = { error: 'major', warning: 'minor', info: 'info' };

export interface GitlabIssue {
  description: string;
  check_name: string;
  fingerprint: string;
  severity: GitlabSeverity;
  location: { path: string; lines: { begin: number; end?: number } };
}

/** A 32-hex-digit fingerprint from a key that names no absolute path, line or run order. */
function digest(key: string): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 32);
}

/**
 * One issue per finding (templates and logs alike: a log finding sits on the line of its request record),
 * and one per input that could not be checked (an unreadable or malformed file is not a clean one).
 * The fingerprint is the SARIF one (rule, relative path, redacted evidence, occurrence) hashed again.
 */
export function formatGitlab(report: Report, opts: FormatOptions): string {
  const r = normalizeReport(report, opts.cwd);
  const diags = r.files.flatMap((f) => f.diagnostics);
  const prints = fingerprints(diags);
  const issues: GitlabIssue[] = diags.map((d, i) => {
    const lines: GitlabIssue['location']['lines'] = { begin: Math.max(1, d.line) };
    if (d.endLine !== undefined && d.endLine > d.line) lines.end = d.endLine;
    const code = d.code !== '' ? d.code : d.ruleId;
    return {
      description: d.message,
      check_name: d.code !== '' ? `${d.code} ${d.ruleId}` : d.ruleId,
      fingerprint: digest(`kvlint\0${code}\0${prints[i]}`),
      severity: GITLAB_SEVERITY[d.severity],
      location: { path: d.file, lines },
    };
  });
  const seen = new Map<string, number>();
  for (const p of r.problems) {
    const key = `kvlint\0${p.code}\0${p.file}\0${p.message}`;
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    issues.push({
      description: p.message,
      check_name: p.code,
      fingerprint: digest(`${key}\0${n}`),
      severity: 'minor',
      location: { path: p.file, lines: { begin: p.line !== undefined && p.line >= 1 ? p.line : 1 } },
    });
  }
  if (opts.failure) {
    const f = opts.failure;
    issues.push({
      description: f.message,
      check_name: f.code,
      fingerprint: digest(`kvlint\0${f.code}\0${f.message}`),
      severity: 'major',
      location: { path: f.file !== undefined ? displayPath(f.file, opts.cwd) : '.', lines: { begin: f.line !== undefined && f.line >= 1 ? f.line : 1 } },
    });
  }
  return `${JSON.stringify(issues, null, 2)}\n`;
}
