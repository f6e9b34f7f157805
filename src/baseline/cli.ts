// The CLI side of --baseline / --update-baseline: reading and writing the file, and what is printed.
import { readFile } from 'node:fs/promises';
import { writeAtomic } from '../write-atomic.js';
import path from 'node:path';
import { KvlintError } from '../errors.js';
import type { Io } from '../io.js';
import type { Report } from '../report.js';
import { applyBaseline, buildBaseline, DEFAULT_BASELINE_FILE, describeStale, parseBaseline, serializeBaseline } from './index.js';

export interface BaselineStep {
  report: Report;
  /** findings the baseline accounted for (not shown, not failing) */
  baselined: number;
}

/**
 * --update-baseline writes every current finding to the baseline (so the run then passes); --baseline
 * removes the findings it records and reports stale entries on stderr. Neither: the report as is.
 */
export async function baselineStep(report: Report, opts: { baseline?: string; updateBaseline?: boolean; redact: boolean }, io: Io): Promise<BaselineStep> {
  if (!opts.baseline && !opts.updateBaseline) return { report, baselined: 0 };
  const file = opts.baseline ?? DEFAULT_BASELINE_FILE;
  const abs = path.resolve(io.cwd, file);
  if (opts.updateBaseline) {
    const b = buildBaseline(report, io.cwd, file, opts.redact);
    await writeAtomic(abs, serializeBaseline(b));
    const total = b.entries.reduce((a, e) => a + e.count, 0);
    io.stderr.write(`kvlint: wrote ${total} finding${total === 1 ? '' : 's'} (${b.entries.length} fingerprint${b.entries.length === 1 ? '' : 's'}) to ${file}\n`);
    const out = applyBaseline(report, b, io.cwd, file);
    return { report: out.report, baselined: out.suppressed };
  }
  let text: string;
  try {
    text = await readFile(abs, 'utf8');
  } catch (e) {
    const missing = (e as NodeJS.ErrnoException).code === 'ENOENT';
    throw new KvlintError('KVE101', missing ? `baseline file ${file} does not exist` : `cannot read baseline ${file}: ${(e as Error).message}`, {
      hint: missing ? `create it with --baseline ${file} --update-baseline` : undefined,
    });
  }
  let baseline;
  try {
    baseline = parseBaseline(text);
  } catch (e) {
    throw new KvlintError('KVE101', `baseline ${file}: ${(e as Error).message}`, { hint: `recreate it with --baseline ${file} --update-baseline` });
  }
  const out = applyBaseline(report, baseline, io.cwd, file);
  io.stderr.write(describeStale(out.stale, file));
  if (out.suppressed > 0) io.stderr.write(`kvlint: ${out.suppressed} finding${out.suppressed === 1 ? '' : 's'} in the baseline ${file} not shown\n`);
  return { report: out.report, baselined: out.suppressed };
}
