// `kvlint compare before.json after.json`: reads two json reports, compares them (src/compare/compare.ts),
// prints the comparison, appends the CI step summary, and exits 1 when a --max-drop or --max-increase gate
// fails (2 when the reports cannot be compared).
import path from 'node:path';
import { decideColor, makeChalk, type Io } from '../io.js';
import { writeAtomic } from '../write-atomic.js';
import { reportFatal } from './fatal.js';
import { readReport } from './merge.js';
import { writePieces } from './emit.js';

export const COMPARE_FORMATS = ['stylish', 'json', 'github'] as const;

export interface CompareCliOptions {
  format: (typeof COMPARE_FORMATS)[number];
  outputFile?: string;
  maxDrop?: string[];
  maxIncrease?: string[];
  stepSummary?: string;
  color?: boolean;
  debug?: boolean;
}

export async function runCompare(beforeFile: string, afterFile: string, opts: CompareCliOptions, io: Io): Promise<number> {
  try {
    const { compareReports, parseGate } = await import('../compare/compare.js');
    // a malformed gate is a usage error before any file is read
    const gates = [...(opts.maxDrop ?? []).map((e) => parseGate('max-drop', e)), ...(opts.maxIncrease ?? []).map((e) => parseGate('max-increase', e))];
    const c = compareReports(await readReport(beforeFile, io, 'compare'), await readReport(afterFile, io, 'compare'), gates);
    const f = await import('../compare/format.js');
    let text: string;
    if (opts.format === 'json') text = f.formatCompareJson(c);
    else if (opts.format === 'github') text = f.formatCompareGithub(c);
    else {
      text = f.formatCompareStylish(c, makeChalk(decideColor({ flag: opts.color, env: io.env, isTTY: opts.outputFile ? false : io.stdout.isTTY })));
    }
    if (opts.outputFile) await writeAtomic(path.resolve(io.cwd, opts.outputFile), [text]);
    else await writePieces(io.stdout, [text]);
    const summaryFile = opts.stepSummary ?? (opts.format === 'github' ? io.env.GITHUB_STEP_SUMMARY : undefined);
    if (summaryFile) {
      const { appendFile } = await import('node:fs/promises');
      await appendFile(path.resolve(io.cwd, summaryFile), f.formatCompareSummary(c));
    }
    // a machine format on stdout must not hide why the job failed
    if (opts.format === 'json' || opts.outputFile) for (const g of c.gates) if (!g.passed) io.stderr.write(`kvlint: compare gate failed: ${f.formatGate(g)}\n`);
    return c.gates.some((g) => !g.passed) ? 1 : 0;
  } catch (err) {
    return reportFatal(err, io, Boolean(opts.debug));
  }
}
