// `kvlint merge a.json b.json …`: reads json reports, merges them (src/merge/merge.ts), and prints the
// result in any output format with the exit code a single run would have had.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { VERSION } from '../version.js';
import { KvlintError } from '../errors.js';
import { getFormatter } from '../formatters/index.js';
import type { Io } from '../io.js';
import { mergeReports, type NamedReport } from '../merge/merge.js';
import type { Report } from '../report.js';
import { reportFatal } from './fatal.js';
import { emitReport } from './emit.js';
import { exitCodeFor, noteMaxWarnings, reportFailedAssertions } from './lint.js';

export interface MergeCliOptions {
  format: string;
  outputFile?: string;
  maxWarnings?: number;
  color?: boolean;
  stepSummary?: string;
  baseline?: string;
  updateBaseline?: boolean;
  assert?: string[];
  debug?: boolean;
}

/** A json report written by kvlint, read for `command` (its name goes in the hint of a bad file). */
export async function readReport(file: string, io: Io, command = 'merge'): Promise<NamedReport> {
  let text: string;
  try {
    text = await readFile(path.resolve(io.cwd, file), 'utf8');
  } catch (e) {
    throw new KvlintError('KVE301', `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { file });
  }
  try {
    return { name: file, report: JSON.parse(text) as Report };
  } catch (e) {
    throw new KvlintError('KVE305', `${file} is not JSON: ${(e as Error).message}`, { file, hint: `${command} reads reports written by kvlint --format json` });
  }
}

export async function runMerge(files: string[], opts: MergeCliOptions, io: Io): Promise<number> {
  try {
    getFormatter(opts.format); // an unknown format fails before any work
    const { parseAssertion, evaluateAssertions } = await import('../project/assertions.js');
    const assertions = (opts.assert ?? []).map((e) => parseAssertion(e));
    const inputs: NamedReport[] = [];
    for (const f of files) inputs.push(await readReport(f, io));
    // a baseline applies to the whole run, so to the merged report (shards refuse it)
    const { baselineStep } = await import('../baseline/cli.js');
    const merged = mergeReports(inputs, VERSION);
    if (assertions.length > 0) merged.assertions = evaluateAssertions(assertions, merged.metrics, merged.projection?.unpriced);
    const based = await baselineStep(merged, { ...(opts.baseline ? { baseline: opts.baseline } : {}), ...(opts.updateBaseline ? { updateBaseline: true } : {}), redact: true }, io);
    await emitReport(based.report, opts, io, based.baselined);
    await reportFailedAssertions(based.report, io, opts);
    noteMaxWarnings(based.report, opts.maxWarnings, io);
    return exitCodeFor(based.report, opts.maxWarnings);
  } catch (err) {
    return reportFatal(err, io, Boolean(opts.debug));
  }
}
