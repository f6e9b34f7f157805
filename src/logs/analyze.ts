// Request-log analysis, the read loop: every file is detected and streamed through its adapter, and each
// request, in arrival order, goes to the per-request analysis (src/logs/request-analyzer.ts): compared with
// its nearest prior — the earlier request, in any session, that shares its longest prefix (one prefix index
// per cache scope: src/prefix/prefix-index.ts) — for the first divergence, its cause and the tokens reused
// or lost, and classified breaks become findings grouped by rule and place. Lineages (sessions,
// conversations) group the timelines the report shows; they are never a cache boundary
// (spec/providers.md §9.1).
import type { InputProblem } from '../errors.js';
import { KvlintError } from '../errors.js';
import type { KvRequest } from '../model.js';
import { availableParallelism } from 'node:os';
import type { DiffInput } from '../prefix/diff.js';
import type { LoadedRule, RuleSettings } from '../engine/rule.js';
import { loadRules } from '../engine/registry.js';
import type { Tokenizer } from '../tokenize/index.js';
import { assembleAnalysis } from './assemble.js';
import { getPath } from './api/common.js';
import { Batcher } from './batcher.js';
import { detectLogFormat, ingestLog, REJECTIONS } from './ingest.js';
import type { PrestartedReaders } from './read.js';
import { createRequestAnalyzer, type RequestFacts } from './request-analyzer.js';
import { expandTimelines, type TimelineTransport } from './timeline-store.js';
import type { CacheObjectFacts, LogAnalysis, LogFileSummary, RequestRecord, TimelineEntry } from './types.js';
import { inShard, type Shard } from '../shard.js';

export { POOL_AFTER_CHARS } from './batcher.js';

export interface AnalyzeOptions {
  /** called after each request is read: the file, its bytes read so far, requests read in all (progress bar) */
  onProgress?: (p: { file: string; fileBytes: number; requests: number }) => void;
  tokenizer: Tokenizer;
  /** cache TTL to apply to every request; default: 300 s for Anthropic and Bedrock (or 3600 when a 1h marker is used), none for others */
  ttlSeconds?: number;
  /** the log is replayed through a self-hosted engine: its pool evicts by size (LRU), never by age */
  engine?: boolean;
  onProblem?: (p: InputProblem) => void;
  /** token-block sizes to hash (e.g. [16, 64, 128]); none by default */
  blockSizes?: number[];
  /** the rules (default: the built-in ones) and the settings config resolved for each log file */
  rules?: readonly LoadedRule[];
  settingsFor?: (file: string) => RuleSettings | undefined;
  /** size limit for whole documents (YAML/JSON), bytes */
  documentLimit?: number;
  /** longest JSONL line, bytes (default DEFAULT_LIMITS.maxLineBytes in src/limits.ts) */
  maxLineBytes?: number;
  /** deepest nesting of a log record or document (default DEFAULT_LIMITS.maxDepth) */
  maxDepth?: number;
  /** how much request text (code units) may be read after a request for its text to be kept (default TEXT_BUDGET) */
  textBudget?: number;
  /** tokenizer worker threads for text never seen before (default: one per core; 0 or 1: main thread only) */
  workers?: number;
  /** unique text (code units) after which workers start (default POOL_AFTER_CHARS) */
  workersAfter?: number;
  /**
   * a field (dotted path) that splits the log into cache scopes, e.g. `metadata.api_key_hash`: read from the
   * log record, else its request body; or `:file`, one scope per input file (recordings of separate apps or
   * runs). Requests of different scopes never share a cached prefix.
   */
  cacheScope?: string;
  /** --group-by: fields (as --cache-scope reads them, or `:file`) whose values each request carries in `groups` */
  groupBy?: readonly string[];
  /**
   * report only the lineages whose key hashes to this shard (src/shard.ts). Every request is still read,
   * indexed and replayed — the cache is shared by all traffic — so a shard's figures are exactly its part
   * of the single run's.
   */
  shard?: Shard;
  /** reader threads started ahead for large files (the log worker's; see PrestartedReaders) */
  readers?: PrestartedReaders;
  /** what each explicit-cache call in the log says of its object (the cost projection prices them) */
  onCacheObject?: (facts: CacheObjectFacts) => void;
  /** every request once analyzed, in arrival order (the cost projection replays them) */
  onRequest?: (req: KvRequest, input: DiffInput, entry: TimelineEntry, facts: RequestFacts) => void;
}

/** `--cache-scope :file`: every input file is a cache scope of its own. */
export const FILE_SCOPE = ':file';

/** The value of --cache-scope for a record: on the record, else its request body. */
export function scopeOf(record: unknown, field: string): string | undefined {
  for (const root of [record, getPath(record, 'request'), getPath(record, 'body'), getPath(record, 'request.body')]) {
    const v = root === undefined ? undefined : getPath(root, field);
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v);
  }
  return undefined;
}

/** Analyzes request logs: formats, lineages, timelines, and one diagnostic per rule and place. */
export async function analyzeLogs(inputs: { abs: string; rel: string }[], opts: AnalyzeOptions): Promise<LogAnalysis> {
  const { analysis, timelines } = await analyzeLogsCompact(inputs, opts);
  return expandTimelines(analysis, timelines);
}

/**
 * analyzeLogs with the timelines' entries left as columns (every lineage's `requests` is empty): what a
 * worker hands to the main thread, which expands them (see timeline-store.ts).
 */
export async function analyzeLogsCompact(inputs: { abs: string; rel: string }[], opts: AnalyzeOptions): Promise<{ analysis: LogAnalysis; timelines: TimelineTransport }> {
  const analyzer = await createRequestAnalyzer({
    tokenizer: opts.tokenizer,
    rules: opts.rules ?? loadRules(),
    ...(opts.settingsFor ? { settingsFor: opts.settingsFor } : {}),
    ...(opts.ttlSeconds !== undefined ? { ttlSeconds: opts.ttlSeconds } : {}),
    ...(opts.engine ? { engine: true } : {}),
    ...(opts.blockSizes ? { blockSizes: opts.blockSizes } : {}),
    ...(opts.textBudget !== undefined ? { textBudget: opts.textBudget } : {}),
    ...(opts.shard ? { shard: opts.shard } : {}),
    ...(opts.onRequest ? { onRequest: opts.onRequest } : {}),
  });
  const files: LogFileSummary[] = [];
  const problems: InputProblem[] = [];
  let textRead = 0;
  const responseLineage = new Map<string, string>();
  let requestsRead = 0; // for opts.onProgress
  const problem = (p: InputProblem): void => {
    problems.push(p);
    opts.onProblem?.(p);
  };
  const batcher = new Batcher({
    tokenizer: opts.tokenizer,
    ...analyzer.run,
    workers: opts.workers ?? availableParallelism(),
    ...(opts.workersAfter !== undefined ? { workersAfter: opts.workersAfter } : {}),
    process: analyzer.process,
  });

  for (const input of inputs) {
    const summary: LogFileSummary = { file: input.rel, requests: 0, skipped: {} };
    files.push(summary);
    let format;
    try {
      format = await detectLogFormat(input.abs, input.rel, opts.maxLineBytes);
    } catch (e) {
      summary.rejected = `cannot read: ${(e as Error).message}`;
      problem({ code: 'KVE301', file: input.rel, message: summary.rejected });
      continue;
    }
    if (!format) {
      summary.rejected = 'not a recognized request-log format';
      problem({ code: 'KVE305', file: input.rel, message: summary.rejected });
      continue;
    }
    const rejection = REJECTIONS[format];
    if (rejection) {
      summary.rejected = rejection;
      problem({ code: 'KVE305', file: input.rel, message: rejection });
      continue;
    }
    summary.format = format;
    const notes: string[] = [];
    let fileBytes = 0;
    let index = 0; // every request's place in its file, in every shard alike
    try {
      for await (const out of ingestLog(input.abs, input.rel, format, {
        ...(opts.documentLimit !== undefined ? { documentLimit: opts.documentLimit } : {}),
        ...(opts.maxLineBytes !== undefined ? { maxLineBytes: opts.maxLineBytes } : {}),
        ...(opts.maxDepth !== undefined ? { maxDepth: opts.maxDepth } : {}),
        ...(opts.readers ? { readers: opts.readers } : {}),
        ...(opts.cacheScope !== undefined && opts.cacheScope !== FILE_SCOPE ? { scopeOf: (record: unknown) => scopeOf(record, opts.cacheScope!) } : {}),
        ...(opts.groupBy?.length ? { groupsOf: (record: unknown) => opts.groupBy!.map((f) => (f === FILE_SCOPE ? null : (scopeOf(record, f) ?? null))) } : {}),
        onFileNote: (n) => notes.push(n),
        onBytes: (n) => (fileBytes = n),
        siblings: inputs,
      })) {
        if (out.kind === 'skip') {
          summary.skipped[out.reason] = (summary.skipped[out.reason] ?? 0) + 1;
          if (out.cacheObject) opts.onCacheObject?.(out.cacheObject);
          continue;
        }
        if (out.kind === 'bad') {
          summary.skipped['malformed record'] = (summary.skipped['malformed record'] ?? 0) + 1;
          problem({ code: 'KVE306', file: input.rel, line: out.line, message: out.message });
          continue;
        }
        out.request.index = index++;
        if (opts.cacheScope === FILE_SCOPE) out.request.scope = input.rel;
        if (opts.groupBy?.length) out.request.groups = opts.groupBy.map((f, k) => (f === FILE_SCOPE ? input.rel : (out.request.groups?.[k] ?? null)));
        opts.onProgress?.({ file: input.rel, fileBytes, requests: ++requestsRead });
        followResponseChain(out);
        let size = 0;
        for (const seg of out.request.segments) size += seg.text.length;
        textRead += size;
        if (inShard(out.request.lineage, opts.shard)) summary.requests++;
        await batcher.add(out, textRead - size, size);
      }
    } catch (e) {
      const err = e instanceof KvlintError ? e : new KvlintError('KVE301', (e as Error).message, { file: input.rel });
      summary.rejected = err.message;
      problem({ code: err.code, file: input.rel, ...(err.line !== undefined ? { line: err.line } : {}), message: err.message });
    }
    // what was read before a broken stream is still analyzed
    await batcher.flush(true);
    if (notes.length > 0) summary.notes = notes;
  }
  await batcher.close();

  /**
   * Responses API chains: a request continuing a recorded response joins that response's lineage. Done
   * as each request is read, before the shard filter, so a chain stays whole in the shard of its start.
   */
  function followResponseChain(rec: RequestRecord): void {
    const req = rec.request;
    const chained = req.segments.find((s) => s.role === 'server-state')?.text;
    const chainedLineage = chained !== undefined ? responseLineage.get(chained) : undefined;
    if (chainedLineage !== undefined) {
      req.lineage = chainedLineage;
      req.lineageSource = 'previous_response_id';
    }
    if (rec.responseId) responseLineage.set(rec.responseId, req.lineage);
  }

  const done = analyzer.finish();
  const first = new Map(done.timelines.map((s) => [s.timeline, s.first]));
  const analysis = assembleAnalysis(
    files,
    done.timelines.map((s) => s.timeline),
    done.diagnostics,
    problems,
    { first: (t) => first.get(t), approx: done.approx },
    done.agreement,
  );
  return { analysis, timelines: done.entries };
}
