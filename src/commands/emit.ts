// The last step of `kvlint` and `kvlint merge` alike: render the report in the chosen format, write it
// (atomically to -o, else to stdout), and append the CI step summary when one is asked for.
import path from 'node:path';
import { VERSION } from '../cli.js';
import { formatPieces, isMachineFormat } from '../formatters/index.js';
import { decideColor, terminalWidth, type Io, type OutStream } from '../io.js';
import type { Report } from '../report.js';
import { writeAtomic } from '../write-atomic.js';

export interface EmitOptions {
  format: string;
  outputFile?: string;
  color?: boolean;
  stepSummary?: string;
}

/** Writes pieces to a stream, waiting when its buffer is full (a pipe to a slow reader must not queue the whole report). */
export async function writePieces(out: OutStream, pieces: Iterable<string>): Promise<void> {
  for (const piece of pieces) {
    if (out.write(piece) === false && out.once) await new Promise<void>((resolve) => out.once!('drain', resolve));
  }
}

export async function emitReport(report: Report, opts: EmitOptions, io: Io, baselined: number): Promise<void> {
  const toTerminal = !opts.outputFile;
  const color = isMachineFormat(opts.format) ? false : decideColor({ flag: opts.color, env: io.env, isTTY: toTerminal ? io.stdout.isTTY : false });
  // a file written with -o is read whole, not in a terminal: it keeps one finding per line
  const width = toTerminal ? terminalWidth(io.env, io.stdout) : undefined;
  const fopts = { color, cwd: io.cwd, version: VERSION, width };
  // json and sarif are written in pieces as they are made (a report of many requests runs to hundreds of MB)
  const text = formatPieces(opts.format, report, fopts);
  if (opts.outputFile) await writeAtomic(path.resolve(io.cwd, opts.outputFile), text);
  else await writePieces(io.stdout, text);
  // step outputs (findings, hit-rate, cost-savings) for the steps after this one
  if (opts.format === 'github' && io.env.GITHUB_OUTPUT) {
    const { actionOutputs, formatActionOutputs } = await import('../formatters/outputs.js');
    const { appendFile } = await import('node:fs/promises');
    await appendFile(path.resolve(io.cwd, io.env.GITHUB_OUTPUT), formatActionOutputs(actionOutputs(report)));
  }
  // CI step summary: an explicit file, or $GITHUB_STEP_SUMMARY with --format github
  const summaryFile = opts.stepSummary ?? (opts.format === 'github' ? io.env.GITHUB_STEP_SUMMARY : undefined);
  if (summaryFile) {
    const { formatStepSummary } = await import('../formatters/summary.js');
    const { appendFile } = await import('node:fs/promises');
    await appendFile(path.resolve(io.cwd, summaryFile), formatStepSummary(report, io.cwd, { baselined }));
  }
}
