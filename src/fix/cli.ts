// The CLI side of --fix / --fix-dry-run: usage checks, running the fixer with a re-lint callback, and
// what is printed. Dry runs print the unified diff on stdout and change nothing.
import { KvlintError } from '../errors.js';
import type { Io } from '../io.js';
import type { Diagnostic } from '../model.js';
import type { Report } from '../report.js';
import { fixFiles, type FileFix } from './index.js';

/** Refuses flag combinations that cannot work, as usage errors (exit 2). */
export function checkFixUsage(opts: { fix?: boolean; fixDryRun?: boolean }, paths: readonly string[]): void {
  if (!opts.fix && !opts.fixDryRun) return;
  if (opts.fix && opts.fixDryRun) throw new KvlintError('KVE101', '--fix and --fix-dry-run exclude each other', { hint: 'use --fix-dry-run to see the diff, --fix to apply it' });
  if (paths.includes('-')) {
    throw new KvlintError('KVE101', `${opts.fix ? '--fix' : '--fix-dry-run'} cannot fix standard input`, { hint: 'name the files to fix, or pipe the input through a file' });
  }
}

export interface FixStepResult {
  fixes: FileFix[];
  /** a dry run ends here with this exit code: 1 when something would change, 0 when nothing would */
  dryRunExit?: number;
}

/**
 * Runs the fixer over the report's files. `relint` lints candidate bytes of one file with the run's
 * settings. Writes the dry-run diff to stdout, and for --fix a one-line account and any refusals to stderr.
 */
export async function fixStep(
  report: Report,
  dryRun: boolean,
  io: Io,
  relint: (file: string, bytes: Buffer) => Promise<Diagnostic[]>,
): Promise<FixStepResult> {
  const fixes = await fixFiles(report.files, { cwd: io.cwd, dryRun, lint: relint });
  for (const f of fixes) if (f.error) io.stderr.write(`kvlint: ${f.error}\n`);
  const changed = fixes.filter((f) => f.changed);
  if (dryRun) {
    for (const f of changed) io.stdout.write(f.diff.endsWith('\n') ? f.diff : `${f.diff}\n`);
    io.stderr.write(`kvlint: --fix-dry-run: ${changed.length} file${changed.length === 1 ? '' : 's'} would change\n`);
    return { fixes, dryRunExit: fixes.some((f) => f.error) ? 1 : changed.length > 0 ? 1 : 0 };
  }
  if (changed.length > 0) {
    const codes = new Map<string, number>();
    for (const f of changed) for (const [c, k] of Object.entries(f.fixed)) codes.set(c, (codes.get(c) ?? 0) + k);
    const detail = [...codes.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([c, k]) => `${c}×${k}`).join(', ');
    io.stderr.write(`kvlint: fixed ${changed.length} file${changed.length === 1 ? '' : 's'} (${detail})\n`);
  }
  return { fixes };
}
