// Composes the pipeline: find inputs → detect kind → parse → tokenize → lint → (logs: hash, diff) → Report.
// Reads input files (that is ingest's job) but never touches process, console or the clock; the CLI
// formats the report and derives the exit code from its counts.
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Diagnostic, PromptDoc, Severity, SourceFile } from './model.js';
import type { InputProblem } from './errors.js';
import { KvlintError } from './errors.js';
import type { FileResult, Report, RuleMeta } from './report.js';
import type { Projection } from './project/log-projection.js';
import type { LogJob } from './logs/job.js';
import type { WarmLogWorker } from './logs/isolate.js';
import type { Engine } from './engines.js';
import { compareDiagnostics, countSeverities, summaryOf } from './report.js';
import { discover, hasKnownExtension, type DiscoveredFile } from './ingest/discover.js';
import { isInputProblem, readTextInput, sourceFromBuffer } from './ingest/read.js';
import { parsePrompt, sniffPrompt } from './normalize/prompt/index.js';
import { sourceLanguageOf } from './normalize/source/parser.js';
import type { SourceDoc } from './normalize/source/index.js';
import { loadTokenizer, type Tokenizer } from './tokenize/index.js';
import { lintPrompt } from './engine/lint.js';
import { loadRules, ruleIndex } from './engine/registry.js';
import type { LoadedRule } from './engine/rule.js';
import { findConfig } from './config/find.js';
import { loadConfig } from './config/load.js';
import { resolveForFile, validateRuleNames } from './config/resolve.js';
import { compileGlobs } from './config/glob.js';
import type { KvlintConfig } from './config/types.js';
import { applyDirectives, parseDirectives, type Directive } from './suppress/directives.js';
import { canonicalModelId, findPriceRow, loadPriceTable, minCacheable, withConfigPrices } from './project/prices.js';
import type { PriceTable } from './project/prices.js';
import { closest } from './config/suggest.js';
import { ruleHelpUri } from './formatters/links.js';
import { excerpt, noteSecrets, redact, Redactor, withRedactor } from './redact.js';
import { DEFAULT_LIMITS, type Limits } from './limits.js';
import { depthProblem } from './input-depth.js';
import { checkConfigRegexes } from './config/regex-safety.js';
import { inShard, type Shard } from './shard.js';
import { evaluateAssertions, type Assertion } from './project/assertions.js';

/**
 * The model assumed when neither the command line, the config nor the file names one. Claude Sonnet 4.6:
 * its minimum cacheable prefix (1,024 tokens) is the most common one in the price table, and its
 * tokenizer is not public, so counts are marked ≈ — which is the honest default for an unknown target.
 */
export const DEFAULT_MODEL = 'claude-sonnet-4-6';

/**
 * The model assumed for a provider named without a model (--provider, config `provider`, or what a file
 * says): each provider's mid-range general model in the price table, so its minimum and prices apply.
 * A product default, not a sourced fact; a test checks every one has a price row.
 */
export const DEFAULT_MODEL_BY_PROVIDER: Readonly<Record<string, string>> = {
  anthropic: 'claude-sonnet-4-6',
  bedrock: 'claude-sonnet-4-6',
  vertex: 'claude-sonnet-4-6',
  openai: 'gpt-5.4',
  azure: 'gpt-5.4',
  google: 'gemini-2.5-flash',
  deepseek: 'deepseek-v4-flash',
};

/** The target model for a template: explicit model first, then the provider's default, then DEFAULT_MODEL. */
export function targetModel(models: ReadonlyArray<string | undefined>, providers: ReadonlyArray<string | undefined>): string {
  const model = models.find((m) => m);
  if (model) return model;
  const provider = providers.find((p) => p)?.toLowerCase();
  return (provider && DEFAULT_MODEL_BY_PROVIDER[provider]) || DEFAULT_MODEL;
}

export interface RunOptions {
  /** paths, directories, globs; `-` for stdin */
  paths: string[];
  cwd: string;
  /** --config */
  configPath?: string;
  /** --model / --provider (beat the config and the file) */
  model?: string;
  provider?: string;
  /** stdin's bytes and the name that stands for it */
  stdin?: { bytes: Buffer; filename: string };
  maxFileSize?: number;
  /** --max-line-size, --max-depth, --max-files (defaults and meaning: src/limits.ts) */
  limits?: Partial<Limits>;
  /** --ttl: cache TTL in seconds for gaps between logged requests */
  ttlSeconds?: number;
  /** --engine: replay logs through a self-hosted engine's cache instead of each provider's */
  engine?: Engine;
  /** --kv-budget: the engine's KV cache size in tokens (LRU eviction past it) */
  kvBudgetTokens?: number;
  /** --block-size / --page-size: the engine's KV block or page size in tokens */
  blockTokens?: number;
  /** --cache-scope: the log field that splits traffic into separate caches */
  cacheScope?: string;
  /** --price: prices (USD per million tokens) for models the price table does not know */
  priceFlag?: string;
  /** --workers: tokenizer threads for logs of mostly new text (0 or 1: main thread only) */
  workers?: number;
  /** --shard i/n: analyze only the lineages and templates whose key hashes to shard i */
  shard?: Shard;
  /** --quiet: report errors only */
  quiet?: boolean;
  /** --assert, parsed; the config's `assert:` list is added to them */
  assertions?: Assertion[];
  /** --group-by: fields whose values split the projection's figures into groups */
  groupBy?: string[];
  /** false (--no-ignore): .gitignore, .kvlintignore and the config's `ignores` skip nothing */
  ignore?: boolean;
  /** evidence is redacted unless this is false (--no-redact) */
  redact: boolean;
  version: string;
  /** progress of request-log reading (bytes over all log files, requests so far), for the CLI's bar */
  onLogProgress?: (p: { bytesRead: number; totalBytes: number; requests: number }) => void;
  /** a log worker started ahead of the run (prestartLogWorker): the run uses it for a large log, or ends it */
  logWorker?: WarmLogWorker;
  /** something about the run itself a person should know (not a finding): printed on stderr by the CLI */
  onNotice?: (message: string) => void;
}

/** Turns KV490-worthy directive results into diagnostics. */
function directiveDiagnostics(
  file: string,
  rule: LoadedRule,
  severity: Severity,
  unused: readonly Directive[],
  missingReason: readonly Directive[],
  unknownRule: ReadonlyArray<{ directive: Directive; name: string }>,
): Diagnostic[] {
  const make = (d: Directive, messageId: string, data: Record<string, string>): Diagnostic => {
    let message = rule.messages[messageId] ?? messageId;
    for (const [k, v] of Object.entries(data)) message = message.split(`{{${k}}}`).join(v);
    return {
      ruleId: rule.id,
      code: rule.code,
      severity,
      category: rule.category,
      messageId,
      message,
      file,
      line: d.line,
      column: d.column,
      endLine: d.endLine,
      endColumn: d.endColumn,
      evidence: excerpt(d.text),
    };
  };
  const ids = Object.keys(rule.messages);
  const pick = (want: string): string => (ids.includes(want) ? want : (ids[0] ?? want));
  return [
    ...unused.map((d) => make(d, pick('unused'), { directive: d.text })),
    ...missingReason.map((d) => make(d, pick('missingReason'), { directive: d.text })),
    ...unknownRule.map((u) => make(u.directive, pick('unknownRule'), { directive: u.directive.text, name: u.name })),
  ];
}

/** What the config says about one input: rule settings and target, relative to the config's folder. */
function configFor(config: KvlintConfig | undefined, rel: string, cwd: string, rules: LoadedRule[]) {
  const relToConfig = config ? path.relative(path.dirname(path.resolve(cwd, config.file)), path.resolve(cwd, rel)).split(path.sep).join('/') : rel;
  return resolveForFile(config, relToConfig, rules);
}

async function readConfig(opts: RunOptions): Promise<KvlintConfig | undefined> {
  const file = opts.configPath ? path.resolve(opts.cwd, opts.configPath) : await findConfig(opts.cwd);
  if (!file) return undefined;
  const config = await loadConfig(file);
  return { ...config, file: path.relative(opts.cwd, file).split(path.sep).join('/') || file };
}

/** Source files read at once during a walk: enough to keep the disk busy, few enough to bound memory. */
const SOURCE_READ_BATCH = 32;

type Classified =
  | { kind: 'prompt'; rel: string; file: SourceFile; explicit: boolean }
  /** `file` is dropped when the cheap look finds no SDK and no prompt: the text is not kept */
  | { kind: 'source'; rel: string; file?: SourceFile }
  | { kind: 'log'; rel: string; abs: string }
  | { kind: 'problem'; problem: InputProblem }
  | { kind: 'skip' };

/** Decides what one discovered file is: a request log (sniffed from content first), a prompt, or neither. */
async function classify(f: DiscoveredFile, opts: RunOptions, detectLog: (abs: string, rel: string) => Promise<string | undefined>): Promise<Classified> {
  if (sourceLanguageOf(f.rel)) {
    // application code is never a request log: no sniffing
    const code = await readTextInput(f.abs, f.rel, opts.maxFileSize !== undefined ? { maxBytes: opts.maxFileSize } : {});
    // a source file over the size limit met while walking is generated or vendored code: not ours
    if (isInputProblem(code)) return f.explicit || (code.code !== 'KVE307' && code.code !== 'KVE304') ? { kind: 'problem', problem: code } : { kind: 'skip' };
    const { mayHoldPrompt } = await import('./normalize/source/precheck.js');
    return mayHoldPrompt(code.text) ? { kind: 'source', rel: f.rel, file: code } : { kind: 'source', rel: f.rel };
  }
  const logFormat = await detectLog(f.abs, f.rel).catch(() => undefined);
  if (logFormat) return { kind: 'log', rel: f.rel, abs: f.abs };
  if (!hasKnownExtension(f.rel)) {
    // only reachable for files named explicitly: directory walks pick known extensions only
    const ext = path.extname(f.rel) || '(none)';
    return {
      kind: 'problem',
      problem: {
        code: 'KVE305',
        file: f.rel,
        message: `unknown extension ${ext}: kvlint reads templates (.txt .md .j2 .hbs .mustache .prompt .prompty), tool files and logs (.json .jsonl .yaml .yml .snap .har .gz), and source code (.py .ts .tsx .js .mjs)`,
      },
    };
  }
  const read = await readTextInput(f.abs, f.rel, opts.maxFileSize !== undefined ? { maxBytes: opts.maxFileSize } : {});
  if (isInputProblem(read)) return f.explicit ? { kind: 'problem', problem: read } : read.code === 'KVE307' ? { kind: 'skip' } : { kind: 'problem', problem: read };
  // A too-deep JSON/YAML file is refused before any recursive parser sees it
  const deep = depthProblem(f.rel, read.text, opts.limits?.maxDepth ?? DEFAULT_LIMITS.maxDepth);
  if (deep) return { kind: 'problem', problem: deep };
  if (sniffPrompt(f.rel, read.text)) return { kind: 'prompt', rel: f.rel, file: read, explicit: f.explicit };
  if (!f.explicit) return { kind: 'skip' }; // a package.json met while walking a folder is not ours
  // a JSON file that nearly matched a log format says which, and what it lacked
  const { explainUnrecognized } = await import('./logs/sniff.js');
  const near = explainUnrecognized(read.text);
  return {
    kind: 'problem',
    problem: {
      code: 'KVE305',
      file: f.rel,
      message: near
        ? `unknown format: ${near}`
        : `unknown format: not a prompt template, tool definition file or request log kvlint can read`,
    },
  };
}

/** The reason src/logs/analyze.ts counts a record under when it could not be read (malformed, over a limit). */
const MALFORMED_RECORD = 'malformed record';

/** True when records were skipped and every one of them was malformed (or over a limit): none was read. */
function allMalformed(skipped: Record<string, number>): boolean {
  const reasons = Object.keys(skipped).filter((r) => (skipped[r] ?? 0) > 0);
  return reasons.length > 0 && reasons.every((r) => r === MALFORMED_RECORD);
}

/** Why a log yielded no request: its rejection, or what its records were skipped for. */
function notAnalyzed(f: { rejected?: string; skipped: Record<string, number> }): string {
  if (f.rejected) return `not analyzed: ${f.rejected}`;
  const reasons = Object.entries(f.skipped).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const total = reasons.reduce((n, [, k]) => n + k, 0);
  if (total === 0) return 'not analyzed: no request in it';
  return `not analyzed: all ${total} record${total === 1 ? ' was' : 's were'} skipped (${reasons.map(([r, k]) => `${r}: ${k}`).join(', ')})`;
}

/** Throws KVE101 (exit 2) for a model the price table (with the config's rows) does not know, naming the closest. */
function requireKnownModel(prices: PriceTable, model: string, where: string): void {
  const row = findPriceRow(prices, model);
  // A row found by prefix covers a dated or versioned id (`gemini-2.5-flash-preview-05-20`), not a typo
  // after a family name (`gpt-4.1-mnii`): a typed name must match, up to such a suffix.
  const rest = row ? canonicalModelId(model).slice(row.model.length) : '';
  if (row && (rest === '' || /\d/.test(rest))) return;
  const names = [...prices.models, ...(prices.overrides ?? [])].map((r) => r.model);
  const near = closest(model, names, 3);
  throw new KvlintError('KVE101', `unknown model '${model}' (${where}): not in the price table; closest: ${near.join(', ')}`, {
    hint: 'pick a model from data/prices.yaml, add a row under `prices:` in the config, or pass --price input=3,cache_write=3.75,cache_read=0.3 (USD per million tokens)',
  });
}

/** Adapts the analyzer's per-file progress to bytes over all log files (their sizes are stat'ed once). */
async function logProgress(
  files: Array<{ abs: string; rel: string }>,
  report: NonNullable<RunOptions['onLogProgress']>,
): Promise<(p: { file: string; fileBytes: number; requests: number }) => void> {
  const { stat } = await import('node:fs/promises');
  const sizes = new Map<string, number>();
  for (const f of files) sizes.set(f.rel, await stat(f.abs).then((s) => s.size, () => 0));
  const totalBytes = [...sizes.values()].reduce((a, b) => a + b, 0);
  let current: string | undefined;
  let before = 0; // files are read one after another: those before the current one are read whole
  return ({ file, fileBytes, requests }) => {
    if (file !== current) {
      if (current !== undefined) before += sizes.get(current) ?? 0;
      current = file;
    }
    report({ bytesRead: Math.min(totalBytes, before + fileBytes), totalBytes, requests });
  };
}

/**
 * What identifies one split run, so `kvlint merge` can refuse shards of different runs: the inputs, the
 * options that change the figures, and the shard count. A hash, so no path or option value is exposed.
 */
function shardRunId(opts: RunOptions, inputs: readonly Classified[], config: KvlintConfig | undefined): string {
  const files = inputs.flatMap((i) => (i.kind === 'log' || i.kind === 'prompt' || i.kind === 'source' ? [i.rel] : i.kind === 'problem' ? [i.problem.file] : [])).sort();
  // --no-redact changes lineage keys (src/redact.ts redactKey), and so which shard a lineage falls in
  const figures = [opts.model, opts.provider, opts.ttlSeconds, opts.engine, opts.kvBudgetTokens, opts.blockTokens, opts.cacheScope, opts.priceFlag, opts.quiet, opts.redact, opts.version, opts.shard?.count, opts.groupBy ?? null];
  return createHash('sha256').update(JSON.stringify([files, figures, config ?? null])).digest('hex').slice(0, 16);
}

interface SourceLintEnv {
  opts: RunOptions;
  config: KvlintConfig | undefined;
  rules: LoadedRule[];
  lookup: (name: string) => LoadedRule | undefined;
  prices: ReturnType<typeof loadPriceTable>;
  tokenizerFor: (model: string) => Promise<Tokenizer>;
  problems: InputProblem[];
}

/**
 * One source file: a cheap look for an SDK import or a prompt-looking string first (most code has
 * neither and is never parsed), then the parser, then each request it builds through the template
 * rules. A syntax error is one KVE306 problem for the file; the run goes on.
 */
async function lintSourceFile(rel: string, file: SourceFile | undefined, parsed: Promise<SourceDoc> | undefined, env: SourceLintEnv): Promise<FileResult | undefined> {
  const { opts, config, rules, lookup, prices, tokenizerFor, problems } = env;
  const empty: FileResult = { file: rel, kind: 'source', format: sourceLanguageOf(rel) ?? 'source', diagnostics: [], ...countSeverities([]), tokens: 0 };
  const { mayHoldPrompt } = await import('./normalize/source/precheck.js');
  if (!file || !mayHoldPrompt(file.text)) return empty;
  const { parseSource } = await import('./normalize/source/index.js');
  noteSecrets(file.text);
  let sd;
  try {
    sd = await (parsed ?? parseSource(file));
  } catch (err) {
    if (!(err instanceof KvlintError)) throw err;
    problems.push({ code: err.code, file: file.path, ...(err.line ? { line: err.line } : {}), message: err.message });
    return undefined;
  }
  const resolved = configFor(config, file.path, opts.cwd, rules);
  const { lintSourceRequests } = await import('./engine/lint-source.js');
  let tokens = 0;
  let diags = await lintSourceRequests(sd.requests, rules, resolved.settings, async (req) => {
    const model = targetModel([opts.model, resolved.model, config?.model, req.doc.model], [opts.provider, resolved.provider, config?.provider, req.doc.provider]);
    const tokenizer = await tokenizerFor(model);
    tokens += req.doc.segments.reduce((n, s) => n + tokenizer.count(s.text), 0);
    const min = minCacheable(prices, model);
    return { tokenizer, ...(min ? { minCacheable: min } : {}) };
  });
  const directives = parseDirectives(file.text, sd.syntax, sd.comments.filter((c) => c.body.includes('kvlint-')));
  if (directives.length) {
    const applied = applyDirectives(diags, directives, (name) => lookup(name));
    diags = applied.kept;
    const kv490 = lookup('KV490');
    const sev = kv490 ? resolved.settings.get(kv490.id)?.severity ?? kv490.severity : 'off';
    if (kv490 && sev !== 'off') diags.push(...directiveDiagnostics(file.path, kv490, sev, applied.unused, applied.missingReason, applied.unknownRule));
  }
  if (opts.quiet) diags = diags.filter((d) => d.severity === 'error');
  diags.sort(compareDiagnostics);
  return { ...empty, format: sd.requests.length ? sd.language : empty.format, diagnostics: diags, ...countSeverities(diags), tokens };
}

/** Runs kvlint over the inputs and returns the report. Throws KvlintError for usage and config errors. */
export async function run(opts: RunOptions): Promise<Report> {
  // the run's redaction setting and the secrets it notes are its own, whatever else runs in this process
  return withRedactor(new Redactor(opts.redact), () => runScoped(opts));
}

async function runScoped(opts: RunOptions): Promise<Report> {
  if (opts.kvBudgetTokens !== undefined && !opts.engine) {
    throw new KvlintError('KVE101', '--kv-budget needs --engine', { hint: "a provider's cache size is not the user's to set; name the engine whose KV pool the budget is, e.g. --engine vllm" });
  }
  if (opts.blockTokens !== undefined && !opts.engine) {
    throw new KvlintError('KVE101', '--block-size and --page-size need --engine', { hint: 'they set the KV block size of a self-hosted engine, e.g. --engine vllm --block-size 32' });
  }
  const rules = loadRules();
  const lookup = ruleIndex(rules);
  const config = await readConfig(opts);
  if (config) validateRuleNames(config, rules);
  if (config) checkConfigRegexes(config, rules); // refuse catastrophic-backtracking patterns
  const prices = withConfigPrices(loadPriceTable(), config?.prices, config?.file ?? 'config');
  // A misspelt model would silently change the tokenizer and drop the minimum-length check: refuse it.
  if (!opts.priceFlag) {
    if (opts.model) requireKnownModel(prices, opts.model, '-m/--model');
    if (config?.model) requireKnownModel(prices, config.model, `model: in ${config.file}`);
  }

  const problems: InputProblem[] = [];
  const inputs: Classified[] = [];
  const { detectLogFormat } = await import('./logs/ingest.js');

  const diskPaths = opts.paths.filter((p) => p !== '-');
  if (diskPaths.length) {
    const found = await discover(diskPaths, {
      cwd: opts.cwd,
      ...(opts.ignore === false ? { ignore: false } : {}),
      ...(opts.limits?.maxFiles !== undefined ? { maxFiles: opts.limits.maxFiles } : {}),
    });
    problems.push(...found.problems);
    // --no-ignore sets aside every ignore list, the config's `ignores` too (as ESLint's does)
    const ignored = config?.ignores.length && opts.ignore !== false ? compileGlobs(config.ignores) : undefined;
    const configDir = config ? path.dirname(path.resolve(opts.cwd, config.file)) : opts.cwd;
    const wanted = found.files.filter((f) => !ignored || !ignored(path.relative(configDir, f.abs).split(path.sep).join('/')));
    for (let i = 0; i < wanted.length; ) {
      // A run of source files (a repository walk is mostly code) is read a batch at a time; a file that
      // may be a log is sniffed on its own.
      let j = i;
      while (j < wanted.length && j - i < SOURCE_READ_BATCH && sourceLanguageOf((wanted[j] as DiscoveredFile).rel)) j++;
      if (j === i) j = i + 1;
      inputs.push(...(await Promise.all(wanted.slice(i, j).map((f) => classify(f, opts, detectLogFormat)))));
      i = j;
    }
  }
  if (opts.paths.includes('-')) {
    if (!opts.stdin) throw new KvlintError('KVE101', 'no standard input to read', { hint: 'pipe a file into kvlint, or drop the -' });
    const read = sourceFromBuffer(opts.stdin.bytes, opts.stdin.filename, opts.maxFileSize !== undefined ? { maxBytes: opts.maxFileSize } : {});
    const deepStdin = isInputProblem(read) ? undefined : depthProblem(opts.stdin.filename, read.text, opts.limits?.maxDepth ?? DEFAULT_LIMITS.maxDepth);
    if (isInputProblem(read)) inputs.push({ kind: 'problem', problem: read });
    else if (deepStdin) inputs.push({ kind: 'problem', problem: deepStdin });
    else if (sourceLanguageOf(opts.stdin.filename)) inputs.push({ kind: 'source', rel: opts.stdin.filename, file: read });
    else if (sniffPrompt(opts.stdin.filename, read.text)) inputs.push({ kind: 'prompt', rel: opts.stdin.filename, file: read, explicit: true });
    else
      inputs.push({
        kind: 'problem',
        problem: { code: 'KVE305', file: opts.stdin.filename, message: 'unknown format on stdin: name it with --stdin-filename (e.g. prompt.j2, tools.json)' },
      });
  }

  const results: FileResult[] = [];
  const tokenizers = new Map<string, Tokenizer>();
  const tokenizerFor = async (model: string): Promise<Tokenizer> => {
    let t = tokenizers.get(model);
    if (!t) {
      t = await loadTokenizer(model);
      tokenizers.set(model, t);
    }
    return t;
  };
  const kv490 = lookup('KV490');

  // Many source files to parse (a repository walk): a pool parses them on every core, ahead of linting.
  const toParse = inputs.filter((i): i is { kind: 'source'; rel: string; file: SourceFile } => i.kind === 'source' && i.file !== undefined && inShard(i.rel, opts.shard));
  const parsing = new Map<string, Promise<SourceDoc>>();
  let sourcePool: { close(): Promise<void> } | undefined;
  if (toParse.length) {
    const { POOL_MIN_FILES, SourcePool } = await import('./normalize/source/pool.js');
    if (toParse.length >= POOL_MIN_FILES) {
      const pool = new SourcePool();
      sourcePool = pool;
      for (const i of toParse) {
        const p = pool.parse(i.file);
        p.catch(() => undefined); // handled where it is awaited
        parsing.set(i.rel, p);
      }
    }
  }

  for (const input of inputs) {
    if (input.kind === 'problem') problems.push(input.problem);
    if (input.kind === 'source') {
      if (!inShard(input.rel, opts.shard)) continue;
      const result = await lintSourceFile(input.rel, input.file, parsing.get(input.rel), { opts, config, rules, lookup, prices, tokenizerFor, problems });
      if (result) results.push(result);
      continue;
    }
    if (input.kind !== 'prompt') continue;
    if (!inShard(input.rel, opts.shard)) continue; // templates are split by path
    noteSecrets(input.file.text); // a token reported without its `Bearer` is still redacted
    let doc: PromptDoc;
    try {
      doc = parsePrompt(input.file);
    } catch (err) {
      if (!(err instanceof KvlintError)) throw err;
      problems.push({ code: err.code, file: input.rel, ...(err.line ? { line: err.line } : {}), message: err.message });
      continue;
    }
    const resolved = configFor(config, input.rel, opts.cwd, rules);
    const model = targetModel([opts.model, resolved.model, config?.model, doc.model], [opts.provider, resolved.provider, config?.provider, doc.provider]);
    const tokenizer = await tokenizerFor(model);
    const min = minCacheable(prices, model);
    let diags = lintPrompt(doc, rules, resolved.settings, { tokenizer, ...(min ? { minCacheable: min } : {}) });
    const directives = parseDirectives(doc.file.text, doc.syntax);
    if (directives.length) {
      const applied = applyDirectives(diags, directives, (name) => lookup(name));
      diags = applied.kept;
      const sev = kv490 ? resolved.settings.get(kv490.id)?.severity ?? kv490.severity : 'off';
      if (kv490 && sev !== 'off') {
        // a directive without a reason is the directive check's own finding (lintPrompt above): only what
        // needs every rule's findings first is reported here
        diags.push(...directiveDiagnostics(input.rel, kv490, sev, applied.unused, [], applied.unknownRule));
      }
    }
    if (opts.quiet) diags = diags.filter((d) => d.severity === 'error');
    diags.sort(compareDiagnostics);
    const tokens = doc.segments.reduce((n, s) => n + tokenizer.count(s.text), 0);
    results.push({ file: input.rel, kind: doc.kind, format: doc.format, diagnostics: diags, ...countSeverities(diags), tokens });
  }

  await sourcePool?.close();

  let logs: unknown;
  let projection: Projection | undefined;
  const logInputs = inputs.filter((i): i is Extract<Classified, { kind: 'log' }> => i.kind === 'log');
  if (logInputs.length) {
    // logs run as one self-contained job: in a worker with a capped heap when they are large
    const { runLogJobIsolated, ISOLATE_BYTES, DEFAULT_LOG_TOKENIZER_MODEL } = await import('./logs/isolate.js');
    const job: LogJob = {
      inputs: logInputs.map((l) => ({ abs: l.abs, rel: l.rel })),
      tokenizerModel: opts.model ?? config?.model ?? DEFAULT_LOG_TOKENIZER_MODEL,
      redact: opts.redact,
      ...(opts.model ? { model: opts.model } : {}),
      ...(opts.ttlSeconds !== undefined ? { ttlSeconds: opts.ttlSeconds } : {}),
      ...(opts.engine ? { engine: opts.engine } : {}),
      ...(opts.kvBudgetTokens !== undefined ? { kvBudgetTokens: opts.kvBudgetTokens } : {}),
      ...(opts.blockTokens !== undefined ? { blockTokens: opts.blockTokens } : {}),
      ...(opts.cacheScope !== undefined ? { cacheScope: opts.cacheScope } : {}),
      ...(opts.groupBy?.length ? { groupBy: opts.groupBy } : {}),
      // config (off, severities, options, overrides) reaches log findings through the same settings
      ruleSettings: Object.fromEntries(logInputs.map((l) => [l.rel, [...configFor(config, l.rel, opts.cwd, rules).settings].map(([id, v]) => [id, { severity: v.severity, ...(v.options ? { options: v.options } : {}) }])])),
      ...(opts.priceFlag ? { priceFlag: opts.priceFlag } : {}),
      ...(opts.workers !== undefined ? { workers: opts.workers } : {}),
      ...(opts.shard ? { shard: opts.shard } : {}),
      ...(config ? { config: { file: config.file, ...(config.prices ? { prices: { ...config.prices } } : {}) } } : {}),
      ...(opts.limits?.maxLineBytes !== undefined ? { maxLineBytes: opts.limits.maxLineBytes } : {}),
      ...(opts.limits?.maxDepth !== undefined ? { maxDepth: opts.limits.maxDepth } : {}),
    };
    const progress = opts.onLogProgress ? await logProgress(logInputs, opts.onLogProgress) : undefined;
    const { stat } = await import('node:fs/promises');
    let bytes = 0;
    for (const l of logInputs) bytes += await stat(l.abs).then((st) => st.size, () => 0);
    const isolated = { ...(progress ? { onProgress: progress } : {}), ...(opts.onNotice ? { onFallback: opts.onNotice } : {}), ...(opts.logWorker ? { warm: opts.logWorker } : {}) };
    const result = bytes >= ISOLATE_BYTES ? await runLogJobIsolated(job, isolated) : await (await import('./logs/job.js')).runLogJob(job, progress);
    problems.push(...result.problems);
    const analysis = result.analysis;
    logs = analysis;
    projection = result.projection;
    for (const g of projection?.byGroup ?? []) {
      if (g.refused) opts.onNotice?.(`--group-by ${g.field}: not grouped: ${g.refused}`);
      else if (g.groups.length === 1 && g.groups[0]!.value === null && !g.more) {
        opts.onNotice?.(`--group-by ${g.field}: no request carries this field (it is read from each JSONL record and its request body, as --cache-scope is; :file groups by input file)`);
      }
    }
    const tokensByFile = new Map<string, number>();
    for (const lin of analysis.lineages) {
      for (const r of lin.requests) tokensByFile.set(r.file, (tokensByFile.get(r.file) ?? 0) + r.tokens);
    }
    for (const f of analysis.files) {
      // Nothing in it could be read: the file is not checked, and the run cannot pass on it. Records skipped
      // on purpose (not an LLM call, a batch result read with its request) were read; malformed or over-long
      // ones were not. Under --shard a file may hold no request of this shard: only its rejection counts.
      if (f.rejected !== undefined || (!opts.shard && f.requests === 0 && allMalformed(f.skipped))) {
        // one refused record already says why; several get a line for the file as a whole
        const own = problems.filter((p) => p.file === f.file).length;
        if (own !== 1) problems.push({ code: 'KVE308', file: f.file, message: notAnalyzed(f) });
        continue;
      }
      let diags = analysis.diagnostics.filter((d) => d.file === f.file);
      if (opts.quiet) diags = diags.filter((d) => d.severity === 'error');
      diags.sort(compareDiagnostics);
      results.push({ file: f.file, kind: 'log', format: f.format ?? 'unknown', diagnostics: diags, ...countSeverities(diags), tokens: tokensByFile.get(f.file) ?? 0 });
    }
  }

  // a log worker the CLI started for a large file that turned out not to be a log
  opts.logWorker?.discard();
  results.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  for (const p of problems) p.message = redact(p.message);
  problems.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : (a.line ?? 0) - (b.line ?? 0)));

  const all = results.flatMap((r) => r.diagnostics);
  const fired: Record<string, RuleMeta> = {};
  for (const d of all) {
    if (fired[d.ruleId]) continue;
    const rule = lookup(d.ruleId);
    if (!rule) continue;
    fired[d.ruleId] = { id: rule.id, code: rule.code, category: rule.category, severity: rule.severity, summary: rule.docs.summary, helpUri: ruleHelpUri(rule.code) };
  }
  const summary = summaryOf(results, problems);
  const report: Report = { version: opts.version, files: results, problems, rules: fired, summary };
  if (opts.shard) report.shard = { ...opts.shard, run: shardRunId(opts, inputs, config) };
  if (logs !== undefined) report.logs = logs;
  if (projection !== undefined) {
    report.projection = projection;
    report.metrics = projection.metrics;
  }
  // a shard sees part of the traffic: its metrics are no gate (kvlint merge --assert checks the whole)
  const assertions = [...(opts.assertions ?? []), ...(config?.assert ?? [])];
  if (assertions.length > 0 && !opts.shard) report.assertions = evaluateAssertions(assertions, report.metrics, report.projection?.unpriced);
  return report;
}
