// The last step of `kvlint` and `kvlint merge` alike: render the report in the chosen format, write it
// (atomically to -o, else to stdout), and append the CI step summary when one is asked for.
import path from 'node:path';
import { VERSION } from '../cli.js';
import { getFormatter, isMachineFormat } from '../formatters/index.js';
import { formatJsonChunks } from '../formatters/json.js';
import { decideColor, type Io } from '../io.js';
import type { Report } from '../report.js';
import { writeAtomic } from '../write-atomic.js';

export interface EmitOptions {
  format: string;
  outputFile?: string;
  color?: boolean;
  stepSummary?: string;
}

export async function emitReport(report: Report, opts: EmitOptions, io: Io, baselined: number): Promise<void> {
  const formatter = getFormatter(opts.format);
  const toTerminal = !opts.outputFile;
  const color = isMachineFormat(opts.format) ? false : decideColor({ flag: opts.color, env: io.env, isTTY: toTerminal ? io.stdout.isTTY : false });
  const fopts = { color, cwd: io.cwd, version: VERSION };
  // json is written in pieces as it is made (a report of many requests runs to hundreds of MB)
  const text = opts.format === 'json' ? formatJsonChunks(report, fopts) : [formatter(report, fopts)];
  if (opts.outputFile) await writeAtomic(path.resolve(io.cwd, opts.outputFile), text);
  else for (const piece of text) io.stdout.write(piece);
  // CI step summary: an explicit file, or $GITHUB_STEP_SUMMARY with --format github
  const summaryFile = opts.stepSummary ?? (opts.format === 'github' ? io.env.GITHUB_STEP_SUMMARY : undefined);
  if (summaryFile) {
    const { formatStepSummary } = await import('../formatters/summary.js');
    const { appendFile } = await import('node:fs/promises');
    await appendFile(path.resolve(io.cwd, summaryFile), formatStepSummary(report, io.cwd, { baselined }));
  }
}
