// The command line: commander turns argv into options, the commands do the work, and the exit code comes
// back to bin/kvlint.js — the only place that touches process.exitCode. Only commander is imported eagerly:
// `kvlint --version` and `--help` must not pay for the tokenizer, yaml or fast-glob.
import { Command, CommanderError, Option } from 'commander';
import type { Io } from './io.js';
import { VERSION } from './version.js';
import { ENGINES, type Engine } from './engines.js';

export { VERSION };

/**
 * The report formats, as src/formatters/index.ts registers them; listed here so `--help` needs no formatter
 * code loaded (a test keeps the two in step).
 */
export const FORMAT_CHOICES = ['stylish', 'json', 'sarif', 'github', 'html', 'gitlab', 'junit', 'unix'] as const;

/** Exit codes, as ESLint, Ruff and markdownlint use them. */
export const EXIT = { clean: 0, findings: 1, usage: 2 } as const;

/** Options of the main lint command, as commander hands them over. */
export interface LintCliOptions {
  config?: string;
  format: string;
  outputFile?: string;
  maxWarnings?: number;
  quiet?: boolean;
  model?: string;
  provider?: string;
  stdinFilename?: string;
  color?: boolean;
  redact: boolean;
  /** false with --no-ignore */
  ignore?: boolean;
  debug?: boolean;
  maxFileSize?: number;
  ttl?: number;
  engine?: Engine;
  kvBudget?: number;
  blockSize?: number;
  pageSize?: number;
  cacheScope?: string;
  price?: string;
  workers?: number;
  /** --shard i/n, as typed */
  shard?: string;
  /** --assert, each as typed */
  assert?: string[];
  /** --group-by, each as typed */
  groupBy?: string[];
  maxLineSize?: number;
  maxDepth?: number;
  maxFiles?: number;
  fix?: boolean;
  fixDryRun?: boolean;
  baseline?: string;
  updateBaseline?: boolean;
  stepSummary?: string;
  progress?: boolean;
}

function intArg(name: string): (v: string) => number {
  return (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new CommanderError(2, 'kvlint.invalidArgument', `${name} takes a whole number, got '${v}'`);
    return n;
  };
}

function positiveIntArg(name: string): (v: string) => number {
  return (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new CommanderError(2, 'kvlint.invalidArgument', `${name} takes a whole number of at least 1, got '${v}'`);
    return n;
  };
}

/** A repeatable option: each use adds to the list. */
function collect(v: string, prev: string[] | undefined): string[] {
  return [...(prev ?? []), v];
}

function sizeArg(v: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmg]i?b?|b)?$/i.exec(v.trim());
  if (!m) throw new CommanderError(2, 'kvlint.invalidArgument', `--max-file-size takes a size like 10MB, got '${v}'`);
  const unit = (m[2] ?? 'b').toLowerCase()[0];
  const mult = unit === 'k' ? 1024 : unit === 'm' ? 1024 ** 2 : unit === 'g' ? 1024 ** 3 : 1;
  return Math.round(Number(m[1]) * mult);
}

// Size flags other than --max-file-size name themselves in their error
function sizeArgFor(name: string): (v: string) => number {
  return (v: string) => {
    try {
      return sizeArg(v);
    } catch {
      throw new CommanderError(2, 'kvlint.invalidArgument', `${name} takes a size like 64MB, got '${v}'`);
    }
  };
}

/** Runs kvlint with the given arguments; resolves to the exit code. Never calls process.exit. */
export async function main(argv: string[], io: Io): Promise<number> {
  let exitCode: number = EXIT.clean;
  const program = new Command('kvlint');
  program
    .description('Audit LLM prompts and request logs for prompt-cache breakers and price what they cost')
    .version(VERSION, '-v, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    })
    .exitOverride()
    // subcommands own their options (`kvlint rules --format json` is not the lint command's --format)
    .enablePositionalOptions()
    .showSuggestionAfterError(true);

  program
    .argument('[paths...]', 'files, directories or globs to check; - reads stdin')
    .option('-c, --config <path>', 'use this config file instead of searching for one')
    .addOption(
      new Option('-f, --format <name>', 'output format').choices([...FORMAT_CHOICES]).default('stylish'),
    )
    .option('-o, --output-file <path>', 'write the report to a file instead of stdout')
    .option('--max-warnings <n>', 'exit 1 when there are more warnings than this', intArg('--max-warnings'))
    .option('--quiet', 'report errors only')
    .option('-m, --model <name>', 'target model: picks the tokenizer, minimum cacheable length and prices')
    .option('--provider <name>', 'target provider when the model does not say')
    .option('--stdin-filename <name>', 'name (and so format) of the input read from stdin')
    .option('--color', 'force colour')
    .option('--no-color', 'disable colour')
    .option('--no-redact', 'print evidence unredacted (local use only: CI logs are public)')
    .option('--no-ignore', 'check files that .gitignore, .kvlintignore or the config\'s ignores list')
    .option('--max-file-size <size>', 'largest template read whole (e.g. 10MB)', sizeArg)
    .option('--ttl <seconds>', 'cache TTL assumed for gaps between logged requests', intArg('--ttl'))
    .addOption(new Option('--engine <name>', 'project logs through a self-hosted engine cache instead of each provider').choices([...ENGINES]))
    .option('--kv-budget <tokens>', 'KV cache size of the --engine, in tokens (LRU eviction past it)', positiveIntArg('--kv-budget'))
    .option('--block-size <tokens>', 'KV block size of --engine vllm or trtllm (default 16 / 128)', positiveIntArg('--block-size'))
    .option('--page-size <tokens>', 'KV page size of --engine sglang or tgi (default 1)', positiveIntArg('--page-size'))
    .option('--cache-scope <field>', 'a log field that splits traffic into separate caches (an organization, workspace or API key), e.g. metadata.api_key_hash')
    .option('--workers <n>', 'tokenizer threads for logs of mostly new text (default: one per core; 0: none)', intArg('--workers'))
    .option('--price <spec>', 'prices for models the price table lacks, USD per million tokens: input=3,cache_write=3.75,cache_read=0.3,output=15')
    .option('--shard <i/n>', 'analyze only the lineages and templates of shard i of n (combine the json reports with kvlint merge)')
    .option('--assert <expr>', "fail (exit 1) unless a cache metric holds, e.g. 'cache-hit-rate>=90%' (repeatable; reported: or simulated: picks the source)", collect)
    .option('--group-by <path>', 'metrics and cost per value of a request field, e.g. metadata.tenant, user, or :file (repeatable)', collect)
    .option('--debug', 'print stack traces of internal errors')
    // Limits (defaults in src/limits.ts, listed in the README)
    .option('--max-line-size <size>', 'longest request-log line read (default 64MB); longer lines are reported and skipped', sizeArgFor('--max-line-size'))
    .option('--max-depth <n>', 'deepest JSON/YAML nesting read (default 1000); deeper inputs are reported as malformed', intArg('--max-depth'))
    .option('--max-files <n>', 'most input files checked (default 10000); the rest are reported', intArg('--max-files'))
    .option('--fix', 'fix what can be fixed safely in templates and tool files (never logs), then report the rest')
    .option('--fix-dry-run', 'print the fixes --fix would make as a unified diff; change nothing')
    .option('--baseline <file>', 'report only findings not recorded in this baseline file (e.g. kvlint-baseline.json)')
    .option('--update-baseline', 'write the current findings to the baseline file (--baseline, default kvlint-baseline.json)')
    .option('--step-summary <file>', 'append a Markdown summary to this file (default in --format github: $GITHUB_STEP_SUMMARY)')
    .option('--no-progress', 'never show the progress bar for long log runs')
    .action(async (paths: string[], opts: LintCliOptions) => {
      // a large log's capped worker starts now, so its start-up overlaps loading the lint pipeline
      const { prestartLogWorker } = await import('./logs/isolate.js');
      const logWorker = prestartLogWorker(paths, io.cwd, opts.model, undefined, opts.maxLineSize);
      const { runLint } = await import('./commands/lint.js');
      exitCode = await runLint(paths, opts, io, logWorker);
    });

  program
    .command('explain')
    .description('explain a rule: why it matters, a bad and a good example')
    .argument('<rule>', 'rule id or code, e.g. KV101 or no-timestamp-in-prefix')
    .option('--color', 'force colour')
    .option('--no-color', 'disable colour')
    .action(async (rule: string, opts: { color?: boolean }) => {
      const { runExplain } = await import('./commands/explain.js');
      exitCode = await runExplain(rule, opts, io);
    });

  program
    .command('rules')
    .description('list the built-in rules')
    .addOption(new Option('-f, --format <name>', 'output format').choices(['table', 'json']).default('table'))
    .action(async (opts: { format: 'table' | 'json' }) => {
      const { runRules } = await import('./commands/rules.js');
      exitCode = await runRules(opts, io);
    });

  program
    .command('hash')
    .description('print the SHA-256 of each segment and the chained prefix hashes')
    .argument('<file>', 'a template, tool file or single request body')
    .option('--json', 'print JSON')
    .option('-m, --model <name>', 'model whose tokenizer counts the tokens')
    .action(async (file: string, opts: { json?: boolean; model?: string }) => {
      const { runHash } = await import('./commands/hash.js');
      exitCode = await runHash(file, opts, io);
    });

  program
    .command('diff')
    .description('compare two requests: the first divergence, its cause and the tokens it costs')
    .argument('<a>', 'earlier request: a template, a request body, or log.jsonl#N (0-based)')
    .argument('<b>', 'later request, same forms')
    .option('--json', 'print JSON')
    .option('-m, --model <name>', 'model whose tokenizer counts the tokens')
    .option('--color', 'force colour')
    .option('--no-color', 'disable colour')
    .action(async (a: string, b: string, opts: { json?: boolean; model?: string; color?: boolean }) => {
      const { runDiff } = await import('./commands/diff.js');
      exitCode = await runDiff(a, b, opts, io);
    });

  program
    .command('merge')
    .description('combine json reports: the shards of a --shard run, or runs over different files')
    .argument('<reports...>', 'json reports written by kvlint --format json')
    .addOption(new Option('-f, --format <name>', 'output format').choices([...FORMAT_CHOICES]).default('stylish'))
    .option('-o, --output-file <path>', 'write the merged report to a file instead of stdout')
    .option('--max-warnings <n>', 'exit 1 when there are more warnings than this', intArg('--max-warnings'))
    .option('--step-summary <file>', 'append a Markdown summary to this file (default in --format github: $GITHUB_STEP_SUMMARY)')
    .option('--baseline <file>', 'report only findings not recorded in this baseline file')
    .option('--update-baseline', 'write the merged findings to the baseline file (--baseline, default kvlint-baseline.json)')
    .option('--assert <expr>', "fail (exit 1) unless a cache metric of the merged report holds, e.g. 'cache-hit-rate>=90%' (repeatable)", collect)
    .option('--color', 'force colour')
    .option('--no-color', 'disable colour')
    .option('--debug', 'print stack traces of internal errors')
    .action(async (reports: string[], opts: import('./commands/merge.js').MergeCliOptions) => {
      const { runMerge } = await import('./commands/merge.js');
      exitCode = await runMerge(reports, opts, io);
    });

  program
    .command('compare')
    .description('compare two json reports: cache metrics side by side, the costs that moved, new and gone findings; gate on regressions')
    .argument('<before>', 'json report of the baseline run (e.g. kept from the default branch)')
    .argument('<after>', 'json report of this run')
    .addOption(new Option('-f, --format <name>', 'output format').choices(['stylish', 'json', 'github']).default('stylish'))
    .option('-o, --output-file <path>', 'write the comparison to a file instead of stdout')
    .option('--max-drop <metric=points>', 'exit 1 when a metric drops by more than this many percentage points, e.g. cache-hit-rate=5 (repeatable)', collect)
    .option('--max-increase <metric=points>', 'exit 1 when a metric rises by more than this many percentage points, e.g. cache-creation-rate=5 (repeatable)', collect)
    .option('--step-summary <file>', 'append a Markdown summary to this file (default in --format github: $GITHUB_STEP_SUMMARY)')
    .option('--color', 'force colour')
    .option('--no-color', 'disable colour')
    .option('--debug', 'print stack traces of internal errors')
    .action(async (before: string, after: string, opts: import('./commands/compare.js').CompareCliOptions) => {
      const { runCompare } = await import('./commands/compare.js');
      exitCode = await runCompare(before, after, opts, io);
    });

  // Cache simulation and projection (estimate, ttft)
  program
    .command('estimate')
    .description('cost and TTFT with and without caching for a planned workload')
    .requiredOption('--prefix-tokens <n>', 'tokens of the shared prefix (system prompt, tools)', intArg('--prefix-tokens'))
    .requiredOption('--requests <n>', 'number of requests', intArg('--requests'))
    .option('--suffix-tokens <n>', 'tokens after the prefix that differ per request', intArg('--suffix-tokens'))
    .option('--interval <seconds>', 'seconds between requests (default: all within the TTL)', intArg('--interval'))
    .option('--output-tokens <n>', 'output tokens per request', intArg('--output-tokens'))
    .option('-m, --model <name>', 'model whose price row and cache rules apply (default claude-sonnet-4-6)')
    .option('--price <spec>', 'prices per million tokens instead of a row, e.g. input=3,cache_write=3.75,cache_read=0.3')
    .option('--provider <name>', 'cache rules for --price (anthropic, openai, google, deepseek)')
    .addOption(new Option('--engine <name>', 'replay through a self-hosted engine instead').choices([...ENGINES]))
    .option('--kv-budget <tokens>', 'engine KV cache size in tokens (LRU eviction beyond it)', positiveIntArg('--kv-budget'))
    .option('--block-size <tokens>', 'KV block size of --engine vllm or trtllm (default 16 / 128)', positiveIntArg('--block-size'))
    .option('--page-size <tokens>', 'KV page size of --engine sglang or tgi (default 1)', positiveIntArg('--page-size'))
    .option('--ttl <seconds>', 'cache TTL override (with --explicit-cache: how long the cache object lives)', intArg('--ttl'))
    .option('--explicit-cache', "Gemini explicit caching (cachedContent): cached once, read by every request, billed for storage per token-hour")
    .option('--gpu <name>', 'TTFT calibration to use (h200)')
    .option('--json', 'print JSON')
    .option('--debug', 'print stack traces of internal errors')
    .action(async (opts: import('./commands/estimate.js').EstimateCliOptions) => {
      const { runEstimate } = await import('./commands/estimate.js');
      exitCode = await runEstimate(opts, io);
    });

  program
    .command('ttft')
    .description('predicted prefill time (TTFT) with N tokens cached and M new')
    .option('-m, --model <name|shape.json>', 'open-model name from data/model-shapes.yaml, a shape JSON file, or a hosted model (≈)')
    .requiredOption('--cached <n>', 'tokens already in the KV cache', intArg('--cached'))
    .requiredOption('--new <n>', 'tokens to prefill', intArg('--new'))
    .option('--gpu <name>', 'calibration to use (h200)')
    .option('--json', 'print JSON')
    .option('--debug', 'print stack traces of internal errors')
    .action(async (opts: import('./commands/ttft.js').TtftCliOptions) => {
      const { runTtft } = await import('./commands/ttft.js');
      exitCode = await runTtft(opts, io);
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end here with exit code 0; bad usage with 1 from commander: ours is 2.
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.exitCode === 0) return EXIT.clean;
      if (err.code === 'kvlint.invalidArgument') io.stderr.write(`kvlint: ${err.message}\n`);
      return EXIT.usage;
    }
    const { reportFatal } = await import('./commands/fatal.js');
    return reportFatal(err, io, argv.includes('--debug'));
  }
  return exitCode;
}
