// The library API (`import … from 'kvlint'`): the CLI's checks as functions for an app's own scripts and
// tests. Every call is self-contained: its options (model, redaction, config, cwd) and everything it
// learns (noted secrets, loaded config, worker threads) belong to that call, so calls with different
// options may run one after another or at once in one process. The CLI is a client of the same run().
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { exitCodeFor } from './commands/lint.js';
import { findConfig } from './config/find.js';
import { parseAssertion } from './project/assertions.js';
import { KvlintError } from './errors.js';
import { formatPieces, FORMATTER_NAMES, isMachineFormat, type FormatterName } from './formatters/index.js';
import type { Engine } from './engines.js';
import type { Limits } from './limits.js';
import { Redactor, withRedactor } from './redact.js';
import type { Report } from './report.js';
import { describeDiff, hashRows, requestFromBody, type RequestDiff, type SegmentHashRow } from './requests.js';
import { run, type RunOptions } from './run.js';
import { loadTokenizer } from './tokenize/index.js';
import { VERSION } from './version.js';

export { VERSION, KvlintError, FORMATTER_NAMES };
export type { Report, FileResult, RuleMeta, Summary } from './report.js';
export type { Diagnostic, Severity, Category, Level, KvRequest, Segment } from './model.js';
export type { InputProblem, ErrorCode } from './errors.js';
export type { Projection } from './project/log-projection.js';
/** What `report.logs` holds for request logs (typed `unknown` on Report): `report.logs as LogView`. */
export type { LogView } from './logs/types.js';
export type { PrefixDiff, DivergenceCause } from './prefix/diff.js';
export type { RequestDiff, SegmentHashRow, FormatterName, Limits, Engine };

/** Options every checking call takes; each is the CLI flag of the same name. */
export interface KvlintOptions {
  /** directory paths are resolved and shown relative to, and where the config search starts (default: process.cwd()) */
  cwd?: string;
  /** a config file to use instead of searching for kvlint.config.yaml, .kvlintrc.* or package.json#kvlint */
  config?: string;
  /** target model: tokenizer, minimum cacheable length and prices (--model) */
  model?: string;
  /** target provider when the model does not say (--provider) */
  provider?: string;
  /** print evidence unredacted (default true: emails, keys and tokens are replaced) */
  redact?: boolean;
  /** keep errors only */
  quiet?: boolean;
  /** cache TTL in seconds for gaps between logged requests (--ttl) */
  ttlSeconds?: number;
  /** replay logs through a self-hosted engine's cache (--engine), its KV budget and block or page size in tokens (--kv-budget, --block-size, --page-size) */
  engine?: Engine;
  kvBudgetTokens?: number;
  blockTokens?: number;
  /** a log field that splits traffic into separate caches, e.g. `metadata.api_key_hash`, or `:file` (--cache-scope) */
  cacheScope?: string;
  /** prices for models the price table lacks, e.g. `input=3,cache_write=3.75,cache_read=0.3` (--price) */
  price?: string;
  /** tokenizer threads for logs of mostly new text (--workers; 0: none) */
  workers?: number;
  /** input limits (--max-file-size, --max-line-size, --max-depth, --max-files) */
  limits?: Partial<Limits>;
  /** metric thresholds checked on the report, e.g. `'cache-hit-rate>=90%'` (--assert); results in `report.assertions` */
  assert?: string[];
  /** fields whose values split the projection's figures into groups, e.g. `metadata.tenant` (--group-by) */
  groupBy?: string[];
  /** false: .gitignore, .kvlintignore and the config's `ignores` skip nothing (--no-ignore) */
  ignore?: boolean;
}

function runOptions(paths: string[], o: KvlintOptions, extra: Partial<RunOptions> = {}): RunOptions {
  const limits = o.limits ?? {};
  const assertions = (o.assert ?? []).map((e) => parseAssertion(e, 'assert '));
  return {
    paths,
    cwd: path.resolve(o.cwd ?? process.cwd()),
    ...(o.config !== undefined ? { configPath: path.resolve(o.cwd ?? process.cwd(), o.config) } : {}),
    ...(o.model ? { model: o.model } : {}),
    ...(o.provider ? { provider: o.provider } : {}),
    ...(limits.maxFileBytes !== undefined ? { maxFileSize: limits.maxFileBytes } : {}),
    ...(o.ttlSeconds !== undefined ? { ttlSeconds: o.ttlSeconds } : {}),
    ...(o.engine ? { engine: o.engine } : {}),
    ...(o.kvBudgetTokens !== undefined ? { kvBudgetTokens: o.kvBudgetTokens } : {}),
    ...(o.blockTokens !== undefined ? { blockTokens: o.blockTokens } : {}),
    ...(o.cacheScope !== undefined ? { cacheScope: o.cacheScope } : {}),
    ...(o.price ? { priceFlag: o.price } : {}),
    ...(o.workers !== undefined ? { workers: o.workers } : {}),
    limits,
    ...(o.quiet ? { quiet: true } : {}),
    ...(assertions.length ? { assertions } : {}),
    ...(o.groupBy?.length ? { groupBy: [...o.groupBy] } : {}),
    ...(o.ignore === false ? { ignore: false } : {}),
    redact: o.redact !== false,
    version: VERSION,
    ...extra,
  };
}

/**
 * Lints one prompt template or tool file given as text. `filePath` names it (its extension picks the
 * format: `.j2`, `.hbs`, `.md`, `tools.json`, …) and is matched against the config's per-file settings;
 * the file need not exist.
 */
export async function lintText(text: string, options: KvlintOptions & { filePath: string }): Promise<Report> {
  const { filePath, ...rest } = options;
  if (!filePath) throw new KvlintError('KVE101', 'lintText needs a filePath: its extension says what the text is (prompt.j2, tools.json, …)');
  return run(runOptions(['-'], rest, { stdin: { bytes: Buffer.from(text, 'utf8'), filename: filePath } }));
}

/** Lints templates, tool files and request logs: paths, directories or globs, as on the command line. */
export async function lintFiles(patterns: string | readonly string[], options: KvlintOptions = {}): Promise<Report> {
  const paths = typeof patterns === 'string' ? [patterns] : [...patterns];
  if (paths.length === 0) throw new KvlintError('KVE101', 'lintFiles needs at least one path, directory or glob');
  return run(runOptions(paths, options));
}

/**
 * Analyzes request logs: paths of exported logs (any format the CLI reads), or the requests themselves —
 * an iterable or async iterable of request bodies, or of records `{ request, response?, usage?, timestamp? }`
 * such as the recorder (`kvlint/recorder`) writes. Requests are analyzed in the order given; `name`
 * stands for them in the report (default `requests.jsonl`).
 */
export async function analyzeLogs(
  input: string | readonly string[] | Iterable<unknown> | AsyncIterable<unknown>,
  options: KvlintOptions & { name?: string } = {},
): Promise<Report> {
  const { name = 'requests.jsonl', ...rest } = options;
  if (typeof input === 'string' || (Array.isArray(input) && input.every((p) => typeof p === 'string'))) {
    return lintFiles(input as string | string[], rest);
  }
  // Requests in memory go through the same reader as a log file, so both give the same report.
  if (path.basename(name) !== name || !/\.jsonl$/i.test(name)) throw new KvlintError('KVE101', `analyzeLogs: name must be a plain file name ending in .jsonl, got '${name}'`);
  const dir = await mkdtemp(path.join(tmpdir(), 'kvlint-requests-'));
  try {
    const lines: string[] = [];
    for await (const item of input as AsyncIterable<unknown>) {
      if (item === null || typeof item !== 'object') throw new KvlintError('KVE101', `analyzeLogs: request ${lines.length} is not an object`);
      lines.push(JSON.stringify(item));
    }
    await writeFile(path.join(dir, name), lines.length ? `${lines.join('\n')}\n` : '');
    // the config is the one of the caller's folder (as for a log file there), not of the temporary one
    const home = path.resolve(rest.cwd ?? process.cwd());
    const configPath = rest.config !== undefined ? path.resolve(home, rest.config) : await findConfig(home);
    return await run(runOptions([name], { ...rest, ...(configPath ? { config: configPath } : {}), cwd: dir }));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The SHA-256 hash chain of a request body's segments (as `kvlint hash --json`), with token counts. */
export async function hashRequest(body: unknown, options: { model?: string } = {}): Promise<{ tokenizer: string; approx: boolean; segments: SegmentHashRow[] }> {
  const request = requestFromBody(body);
  const tokenizer = await loadTokenizer(options.model ?? request.model);
  return { tokenizer: tokenizer.encoding, approx: tokenizer.approx, segments: hashRows(request, tokenizer) };
}

/**
 * Where request body `b` stops sharing `a`'s prefix (as `kvlint diff`): the segment and character of the
 * first divergence (`segment` -1 when b reuses all of a), its cause and rule, and the tokens reusable and
 * lost. The excerpt of the change is redacted unless `redact: false`.
 */
export async function diffRequests(a: unknown, b: unknown, options: { model?: string; redact?: boolean } = {}): Promise<RequestDiff> {
  const ra = requestFromBody(a, 'a');
  const rb = requestFromBody(b, 'b');
  const tokenizer = await loadTokenizer(options.model ?? rb.model ?? ra.model);
  return withRedactor(new Redactor(options.redact !== false), () => describeDiff(ra, rb, tokenizer));
}

/**
 * Renders a report as the CLI would print it: `stylish` (default), `json`, `sarif`, `github` or `html`.
 * `cwd` is the directory paths are shown relative to; `color` applies to stylish only.
 */
export function formatReport(report: Report, format: FormatterName = 'stylish', options: { color?: boolean; cwd?: string; redact?: boolean } = {}): string {
  const color = isMachineFormat(format) ? false : options.color === true;
  const fopts = { color, cwd: path.resolve(options.cwd ?? process.cwd()), version: VERSION };
  return withRedactor(new Redactor(options.redact !== false), () => [...formatPieces(format, report, fopts)].join(''));
}

/** The exit code the CLI would give this report: 1 for an error finding, an unreadable input or too many warnings; else 0. */
export function exitCode(report: Report, maxWarnings?: number): 0 | 1 {
  return exitCodeFor(report, maxWarnings) === 0 ? 0 : 1;
}
