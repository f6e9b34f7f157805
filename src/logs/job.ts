// One log analysis as a self-contained job: read the logs, compare consecutive requests, and project cost
// and TTFT. Plain data in, plain data out, so the same job can run on the main thread or in a worker
// with a bounded heap (src/logs/isolate.ts).
import type { InputProblem } from '../errors.js';
import { loadRules, ruleIndex } from '../engine/registry.js';
import { priceRowFromFlag } from '../project/cache-params.js';
import { LogProjector, type Projection } from '../project/log-projection.js';
import { canonicalModelId, loadPriceTable, withConfigPrices } from '../project/prices.js';
import { setRedaction } from '../redact.js';
import { loadTokenizer } from '../tokenize/index.js';
import { analyzeLogsCompact } from './analyze.js';
import { batchPriceNote } from './batch-prices.js';
import { isBatchFormat } from './formats/batch.js';
import { openLogJobResult, type CompactLogJobResult } from './job-result.js';
import type { LogView } from './types.js';
import type { Shard } from '../shard.js';

export interface LogJob {
  inputs: { abs: string; rel: string }[];
  /** model that counts tokens (and, as --model, prices every request) */
  tokenizerModel: string;
  model?: string;
  ttlSeconds?: number;
  engine?: 'vllm' | 'sglang';
  kvBudgetTokens?: number;
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
export async function runLogJobCompact(job: LogJob, onProgress?: LogProgress): Promise<CompactLogJobResult> {
  setRedaction(job.redact);
  const lookup = ruleIndex(loadRules());
  const prices = withConfigPrices(loadPriceTable(), job.config?.prices, job.config?.file ?? 'config');
  const projector = new LogProjector(prices, {
    ...(job.engine ? { engine: job.engine } : {}),
    ...(job.ttlSeconds !== undefined ? { ttlSeconds: job.ttlSeconds } : {}),
    ...(job.kvBudgetTokens !== undefined ? { kvBudgetTokens: job.kvBudgetTokens } : {}),
    ...(job.model ? { model: job.model } : {}),
    ...(job.priceFlag ? { fallbackRow: priceRowFromFlag(job.priceFlag) } : {}),
  });
  const problems: InputProblem[] = [];
  /** (provider, canonical model) of requests sent through a Batch API */
  const batched = new Set<string>();
  const { analysis, timelines } = await analyzeLogsCompact(job.inputs, {
    tokenizer: await loadTokenizer(job.tokenizerModel),
    ...(job.ttlSeconds !== undefined ? { ttlSeconds: job.ttlSeconds } : {}),
    onProblem: (p) => problems.push(p),
    ...(job.maxLineBytes !== undefined ? { maxLineBytes: job.maxLineBytes } : {}),
    ...(job.maxDepth !== undefined ? { maxDepth: job.maxDepth } : {}),
    ...(job.workers !== undefined ? { workers: job.workers } : {}),
    ...(job.shard ? { shard: job.shard } : {}),
    rules: (name) => lookup(name),
    onRequest: (req, input, entry, incomplete) => {
      if (isBatchFormat(req.format) && req.model) batched.add(`${req.provider}\u0000${canonicalModelId(req.model)}`);
      projector.add(req, input, entry, incomplete);
    },
    ...(onProgress ? { onProgress } : {}),
  });
  // summed on the thread that prints them, from rows packed here (see src/logs/job-result.ts)
  const projection = projector.finishPacked(analysis.summary.approx, (code) => lookup(code)?.id);
  // batches are billed at their own rates: each batched model's target says what the table knows of them
  for (const t of projection?.targets ?? []) {
    if (batched.has(`${t.provider}\u0000${canonicalModelId(t.model)}`)) t.assumptions.push(batchPriceNote(prices, t.provider, t.model));
  }
  // each log finding learns what fixing it alone is worth, so findings can be sorted by money
  const worth = new Map((projection?.byFinding ?? []).map((f) => [`${f.file}\u0000${f.line}\u0000${f.code}`, f.savedMicro]));
  for (const d of analysis.diagnostics) {
    const v = worth.get(`${d.file}\u0000${d.line}\u0000${d.code}`);
    if (v !== undefined) d.savedMicro = v;
  }
  return { analysis, ...(projection ? { projection } : {}), problems, timelines };
}
