// One log analysis as a self-contained job: read the logs, compare consecutive requests, and project cost
// and TTFT. Plain data in, plain data out, so the same job can run on the main thread or in a worker
// with a bounded heap (src/logs/isolate.ts).
import type { InputProblem } from '../errors.js';
import { loadRules, ruleIndex } from '../engine/registry.js';
import type { RuleSettings } from '../engine/rule.js';
import type { Engine } from '../project/cache-params.js';
import { priceRowFromFlag } from '../project/cache-params.js';
import { LogProjector, type Projection } from '../project/log-projection.js';
import { attachGroups } from '../project/row-columns.js';
import { canonicalModelId, loadPriceTable, withConfigPrices } from '../project/prices.js';
import { Redactor, redactKey, withRedactor } from '../redact.js';
import { loadTokenizer } from '../tokenize/index.js';
import { analyzeLogsCompact } from './analyze.js';
import { batchPriceNote } from './batch-prices.js';
import { isBatchFormat } from './formats/batch.js';
import { openLogJobResult, type CompactLogJobResult } from './job-result.js';
import type { LogView } from './types.js';
import type { Shard } from '../shard.js';
import type { PrestartedReaders } from './read.js';

export interface LogJob {
  inputs: { abs: string; rel: string }[];
  /** model that counts tokens (and, as --model, prices every request) */
  tokenizerModel: string;
  model?: string;
  ttlSeconds?: number;
  engine?: Engine;
  kvBudgetTokens?: number;
  /** engine block or page size (--block-size, --page-size) */
  blockTokens?: number;
  /** --cache-scope: the field that splits the log into cache scopes */
  cacheScope?: string;
  /** --group-by: fields whose values split the projection's figures into groups */
  groupBy?: string[];
  /** the rule settings config resolves for each log file (plain data: the job may run in a worker) */
  ruleSettings?: Record<string, [string, { severity: string; options?: Record<string, unknown> }][]>;
  priceFlag?: string;
  config?: { file: string; prices?: Record<string, unknown> };
  maxLineBytes?: number;
  maxDepth?: number;
  /** tokenizer worker threads (--workers); default: one per core */
  workers?: number;
  /** --shard: analyze only the lineages of this shard */
  shard?: Shard;
  redact: boolean;
}

export interface LogJobResult {
  /** timeline entries and projection rows are lists that build each item when it is read */
  analysis: LogView;
  projection?: Projection;
  problems: InputProblem[];
}


export type LogProgress = (p: { file: string; fileBytes: number; requests: number }) => void;

/** Runs a log job on the current thread. */
export async function runLogJob(job: LogJob, onProgress?: LogProgress): Promise<LogJobResult> {
  return openLogJobResult(await runLogJobCompact(job, onProgress));
}

/** Runs a log job on the current thread, leaving timelines and projection rows as columns for the thread that prints them. */
export async function runLogJobCompact(job: LogJob, onProgress?: LogProgress, readers?: PrestartedReaders): Promise<CompactLogJobResult> {
  return withRedactor(new Redactor(job.redact), () => runScoped(job, onProgress, readers));
}

async function runScoped(job: LogJob, onProgress?: LogProgress, readers?: PrestartedReaders): Promise<CompactLogJobResult> {
  const rules = loadRules();
  const lookup = ruleIndex(rules);
  const settings = new Map<string, RuleSettings>();
  for (const [file, entries] of Object.entries(job.ruleSettings ?? {})) settings.set(file, new Map(entries) as RuleSettings);
  const prices = withConfigPrices(loadPriceTable(), job.config?.prices, job.config?.file ?? 'config');
  const projector = new LogProjector(prices, {
    ...(job.engine ? { engine: job.engine } : {}),
    ...(job.ttlSeconds !== undefined ? { ttlSeconds: job.ttlSeconds } : {}),
    ...(job.kvBudgetTokens !== undefined ? { kvBudgetTokens: job.kvBudgetTokens } : {}),
    ...(job.blockTokens !== undefined ? { blockTokens: job.blockTokens } : {}),
    ...(job.model ? { model: job.model } : {}),
    ...(job.priceFlag ? { fallbackRow: priceRowFromFlag(job.priceFlag) } : {}),
  });
  const problems: InputProblem[] = [];
  // --group-by: each request's values, joined to its projection row (file and place in the file) at the end
  const groupBy = job.groupBy?.length ? job.groupBy : undefined;
  const groupsOf = new Map<string, (string | null)[]>();
  /** (provider, canonical model) of requests sent through a Batch API */
  const batched = new Set<string>();
  const { analysis, timelines } = await analyzeLogsCompact(job.inputs, {
    tokenizer: await loadTokenizer(job.tokenizerModel),
    ...(job.ttlSeconds !== undefined ? { ttlSeconds: job.ttlSeconds } : {}),
    ...(job.engine ? { engine: true } : {}),
    onProblem: (p) => problems.push(p),
    ...(job.maxLineBytes !== undefined ? { maxLineBytes: job.maxLineBytes } : {}),
    ...(job.maxDepth !== undefined ? { maxDepth: job.maxDepth } : {}),
    ...(job.workers !== undefined ? { workers: job.workers } : {}),
    ...(job.shard ? { shard: job.shard } : {}),
    ...(readers ? { readers } : {}),
    rules,
    settingsFor: (file) => settings.get(file),
    ...(job.cacheScope !== undefined ? { cacheScope: job.cacheScope } : {}),
    ...(groupBy ? { groupBy } : {}),
    onCacheObject: (facts) => projector.addCacheObject(facts),
    onRequest: (req, input, entry, facts) => {
      if (isBatchFormat(req.format) && req.model) batched.add(`${req.provider}\u0000${canonicalModelId(req.model)}`);
      projector.add(req, input, entry, facts);
      // a value is printed like a lineage key: redacted, with a hash so two users stay two groups
      if (groupBy && req.groups) groupsOf.set(`${req.file}\u0000${req.index}`, req.groups.map((v) => (v === null ? null : redactKey(v))));
    },
    ...(onProgress ? { onProgress } : {}),
  });
  // summed on the thread that prints them, from rows packed here (see src/logs/job-result.ts)
  // the findings this run reports (a shard reports those whose first request is in its lineages)
  const reportedFindings = new Set(analysis.diagnostics.map((d) => `${d.file}\u0000${d.line}\u0000${d.code}`));
  const projection = projector.finishPacked(analysis.summary.approx, (code) => lookup(code)?.id, reportedFindings);
  // batches are billed at their own rates: each batched model's target says what the table knows of them
  for (const t of projection?.targets ?? []) {
    if (batched.has(`${t.provider}\u0000${canonicalModelId(t.model)}`)) t.assumptions.push(batchPriceNote(prices, t.provider, t.model));
  }
  if (projection && groupBy) {
    attachGroups(projection.rows, groupBy.length, (file, index) => groupsOf.get(`${file}\u0000${index}`));
    projection.groupBy = groupBy;
  }
  // each log finding learns what fixing it is worth, so findings can be sorted by money; and severity is
  // certainty: a proven difference that costs no cached tokens (nothing after it is read from the cache)
  // is not an error
  const worth = new Map((projection?.byFinding ?? []).map((f) => [`${f.file}\u0000${f.line}\u0000${f.code}`, f]));
  for (const d of analysis.diagnostics) {
    const f = worth.get(`${d.file}\u0000${d.line}\u0000${d.code}`);
    if (f) d.savedMicro = f.savedMicro;
    // the replay says fixing it reads nothing more, and the provider did not say otherwise
    const free = !d.providerConfirmed && ((f !== undefined && f.readDelta !== undefined && f.readDelta <= 0) || d.tokensAtRisk === 0);
    if (free && d.severity === 'error') {
      d.severity = 'warning';
      d.message += '; it costs no cached tokens here (nothing after it is read from the cache), so it is not an error';
    }
  }
  return { analysis, ...(projection ? { projection } : {}), problems, timelines };
}
