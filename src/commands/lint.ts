// The main command: run the pipeline, render the report, write it, and turn its counts into an exit code.
import type { LintCliOptions } from '../cli.js';
import { VERSION } from '../version.js';
import { KvlintError } from '../errors.js';
import { getFormatter } from '../formatters/index.js';
import type { Io } from '../io.js';
import { uncheckedInputs, type Report } from '../report.js';
import { run } from '../run.js';
import { reportFatal } from './fatal.js';
import { emitReport } from './emit.js';
import { parseShard } from '../shard.js';
import { Redactor, withRedactor } from '../redact.js';
import type { WarmLogWorker } from '../logs/isolate.js';

/** Reads all of stdin, refusing more than `limit` bytes so a runaway pipe cannot exhaust memory. */
async function readStdin(io: Io, limit: number): Promise<Buffer> {
  if (!io.stdin) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of io.stdin) {
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk);
    size += b.length;
    if (size > limit) {
      throw new KvlintError('KVE304', `standard input is over the ${limit} byte limit`, { hint: 'raise it with --max-file-size' });
    }
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}

/**
 * The exit code a report earns: 1 for any error-severity finding, for an input that could not be checked
 * (a file kvlint could not read is not a clean file), or for more warnings than --max-warnings; else 0.
 */
export function exitCodeFor(report: Report, maxWarnings: number | undefined): number {
  if (report.summary.errors > 0) return 1;
  if (report.assertions?.some((a) => !a.passed)) return 1;
  // a malformed record of a log that was otherwise analyzed is reported, not fatal; an input refused whole is
  if (report.problems.some((p) => p.code !== 'KVE306')) return 1;
  if (uncheckedInputs(report).length > 0) return 1;
  if (tooManyWarnings(report, maxWarnings)) return 1;
  return 0;
}

/** Whether the warnings exceed --max-warnings. */
export function tooManyWarnings(report: Report, maxWarnings: number | undefined): boolean {
  return maxWarnings !== undefined && report.summary.warnings > maxWarnings;
}

/** One line on stderr when the warnings alone fail the run (ESLint prints the same). */
export function noteMaxWarnings(report: Report, maxWarnings: number | undefined, io: Io): void {
  if (!tooManyWarnings(report, maxWarnings) || report.summary.errors > 0) return;
  const n = report.summary.warnings;
  io.stderr.write(`kvlint: too many warnings (${n}): more than --max-warnings ${maxWarnings}, so the run fails\n`);
}

/**
 * Stops with exit 2 when a path named on the command line matched nothing (a missing file, a glob or
 * directory without inputs), as ESLint does: a typo in CI must not pass as "nothing to report".
 */
function refuseUnmatched(report: Report): void {
  const unmatched = report.problems.filter((p) => p.code === 'KVE102');
  if (unmatched.length === 0) return;
  throw new KvlintError('KVE102', unmatched.map((p) => p.message).join('; '), {
    hint: 'check the path; quote a glob so the shell does not expand it (kvlint "prompts/**/*.txt")',
  });
}

/**
 * One stderr line per failed assertion, unless the stylish report on the terminal already lists it: a
 * machine format on stdout (or a report written to a file) must not hide why the run failed.
 */
export async function reportFailedAssertions(report: Report, io: Io, opts: { format: string; outputFile?: string }): Promise<void> {
  const failed = report.assertions?.filter((a) => !a.passed) ?? [];
  if (failed.length === 0 || (opts.format === 'stylish' && !opts.outputFile)) return;
  const { formatAssertion } = await import('../project/assertions.js');
  for (const a of failed) io.stderr.write(`kvlint: assertion failed: ${formatAssertion(a)}\n`);
}

export async function runLint(paths: string[], opts: LintCliOptions, io: Io, logWorker?: WarmLogWorker): Promise<number> {
  try {
    getFormatter(opts.format); // an unknown format fails before any work
    const { parseAssertion } = await import('../project/assertions.js');
    const assertions = (opts.assert ?? []).map((e) => parseAssertion(e));
    if (assertions.length > 0 && opts.shard !== undefined) {
      throw new KvlintError('KVE101', '--assert cannot be combined with --shard', { hint: 'a shard sees part of the traffic: pass --assert to kvlint merge, which sees all of it' });
    }
    for (const g of opts.groupBy ?? []) {
      if (!/^(?::file|[\w$-]+(?:\.[\w$-]+)*)$/.test(g)) {
        throw new KvlintError('KVE101', `--group-by '${g}' is not a field path`, { hint: 'name a dotted field of the log record or its request body, e.g. metadata.tenant or user, or :file for one group per input file' });
      }
    }
    const inputs = paths.length ? paths : ['.'];
    const wantsStdin = inputs.includes('-');
    const stdin = wantsStdin
      ? { bytes: await readStdin(io, opts.maxFileSize ?? 10 * 1024 * 1024), filename: opts.stdinFilename ?? '<stdin>' }
      : undefined;
    // Usage checks, then the progress bar
    const { checkFixUsage } = await import('../fix/cli.js');
    checkFixUsage(opts, inputs);
    if (opts.shard !== undefined && (opts.updateBaseline || opts.baseline)) {
      // a baseline counts findings over the whole run; a shard sees 1/n of them
      const flag = opts.updateBaseline ? '--update-baseline' : '--baseline';
      throw new KvlintError('KVE101', `${flag} cannot be combined with --shard`, { hint: `pass ${flag} to kvlint merge, which sees every shard's findings` });
    }
    const { ProgressBar, shouldShowProgress } = await import('../progress.js');
    let bar: InstanceType<typeof ProgressBar> | undefined;
    const progress = shouldShowProgress({ isTTY: io.stderr.isTTY, env: io.env, format: opts.format, enabled: opts.progress !== false })
      ? {
          onLogProgress: (p: { bytesRead: number; totalBytes: number; requests: number }) => {
            bar ??= new ProgressBar(io.stderr, p.totalBytes);
            bar.update(p.bytesRead, p.requests);
          },
        }
      : {};
    const runOpts = {
      paths: inputs,
      cwd: io.cwd,
      ...(opts.config ? { configPath: opts.config } : {}),
      ...(opts.model ? { model: opts.model } : {}),
      ...(opts.provider ? { provider: opts.provider } : {}),
      ...(stdin ? { stdin } : {}),
      ...(opts.maxFileSize !== undefined ? { maxFileSize: opts.maxFileSize } : {}),
      ...(opts.ttl !== undefined ? { ttlSeconds: opts.ttl } : {}),
      ...(opts.engine ? { engine: opts.engine } : {}),
      ...(opts.kvBudget !== undefined ? { kvBudgetTokens: opts.kvBudget } : {}),
      ...(opts.blockSize ?? opts.pageSize) !== undefined ? { blockTokens: (opts.blockSize ?? opts.pageSize)! } : {},
      ...(opts.cacheScope !== undefined ? { cacheScope: opts.cacheScope } : {}),
      ...(opts.price ? { priceFlag: opts.price } : {}),
      ...(opts.workers !== undefined ? { workers: opts.workers } : {}),
      ...(opts.shard !== undefined ? { shard: parseShard(opts.shard) } : {}),
      limits: {
        ...(opts.maxLineSize !== undefined ? { maxLineBytes: opts.maxLineSize } : {}),
        ...(opts.maxDepth !== undefined ? { maxDepth: opts.maxDepth } : {}),
        ...(opts.maxFiles !== undefined ? { maxFiles: opts.maxFiles } : {}),
      },
      ...(opts.quiet ? { quiet: true } : {}),
      ...(assertions.length > 0 ? { assertions } : {}),
      ...(opts.groupBy?.length ? { groupBy: opts.groupBy } : {}),
      ...(opts.ignore === false ? { ignore: false } : {}),
      redact: opts.redact !== false,
      version: VERSION,
      onNotice: (message: string) => io.stderr.write(`kvlint: note: ${message}\n`),
      ...(logWorker ? { logWorker } : {}),
    };
    let report = await run({ ...runOpts, ...progress });
    (bar as InstanceType<typeof ProgressBar> | undefined)?.done();
    refuseUnmatched(report);
    let fixRefused = false;
    if (opts.fix || opts.fixDryRun) {
      const { fixStep } = await import('../fix/cli.js');
      const relint = async (file: string, bytes: Buffer) => {
        const { quiet: _quiet, ...rest } = runOpts;
        const r = await run({ ...rest, paths: ['-'], stdin: { bytes, filename: file } });
        return r.files[0]?.diagnostics ?? [];
      };
      const step = await fixStep(report, Boolean(opts.fixDryRun), io, relint);
      if (step.dryRunExit !== undefined) return step.dryRunExit;
      if (step.fixes.some((f) => f.changed)) report = await run(runOpts);
      fixRefused = step.fixes.some((f) => f.error !== undefined); // printed on stderr; the run cannot pass
    }
    const { baselineStep } = await import('../baseline/cli.js');
    const based = await baselineStep(report, { ...opts, redact: opts.redact !== false }, io);
    report = based.report;
    // the HTML report and step summary redact what they print as the run did (--no-redact)
    const printed = report;
    await withRedactor(new Redactor(opts.redact !== false), () => emitReport(printed, opts, io, based.baselined));
    noteMaxWarnings(report, opts.maxWarnings, io);
    await reportFailedAssertions(report, io, opts);
    if (fixRefused) return Math.max(1, exitCodeFor(report, opts.maxWarnings));
    return exitCodeFor(report, opts.maxWarnings);
  } catch (err) {
    return reportFatal(err, io, Boolean(opts.debug));
  } finally {
    logWorker?.discard(); // a run that failed before its log job must not leave the worker running
  }
}
