// One log file → adapter outputs in file order: detection, then streamed line adapters (JSONL, gzip)
// or whole-document adapters (YAML/JSON) under a size limit. File-level facts become notes/problems.
import { KvlintError } from '../errors.js';
import { bodyRecord, parsePairsDocument } from './formats/bodies.js';
import { createClaudeCodeAdapter } from './formats/claude-code.js';
import { createCodexAdapter } from './formats/codex.js';
import { createLangfuseIngestionAdapter } from './formats/langfuse-ingestion.js';
import { BATCH_COUNTERPART, createBatchInputAdapter, createBatchResultsAdapter, isBatchFormat, isBatchResults, readBatchIds, readBatchResults, type BatchFormat } from './formats/batch.js';
import { bfclRecord, mtbenchRecord, sharegptRecord } from './formats/conversations.js';
import { parseHar } from './formats/har.js';
import { observabilityRecord } from './formats/observability.js';
import { parseSpans } from './formats/spans.js';
import { parseVcrJson, parseVcrYaml } from './formats/vcr.js';
import { arrayElementLines, documentItems } from './json-positions.js';
import { stat } from 'node:fs/promises';
import { DEFAULT_DOCUMENT_LIMIT, readDocument, readHead, readLines, readLinesThreaded, type StreamIssue } from './read.js';
import { sniffLog } from './sniff.js';
import { READER_THREAD_BYTES } from './thresholds.js';
import { DEFAULT_LIMITS, findExcessDepth, formatSize, valueDepthExceeds } from '../limits.js';
import type { AdapterOutput, LogFormat } from './types.js';

/** Formats read line by line (never whole). */
const LINE_FORMATS: ReadonlySet<LogFormat> = new Set(['request-jsonl', 'request-response-pairs', 'claude-code', 'codex-rollout', 'openai-batch', 'openai-batch-output', 'anthropic-batch', 'anthropic-batch-results', 'langfuse-ingestion', 'mtbench', 'bfcl', 'sharegpt', 'litellm', 'langfuse']);

export interface IngestOptions {
  documentLimit?: number;
  /** longest JSONL line, in bytes (default DEFAULT_LIMITS.maxLineBytes) */
  maxLineBytes?: number;
  /** deepest nesting of a record or document (default DEFAULT_LIMITS.maxDepth) */
  maxDepth?: number;
  onFileNote?: (note: string, line?: number) => void;
  /** bytes of the file read so far, for the progress bar (line formats only) */
  onBytes?: (bytesRead: number) => void;
  /** the cache scope of a JSONL record (--cache-scope), set on each request it holds */
  scopeOf?: (record: unknown) => string | undefined;
  /** the --group-by values of a JSONL record, set on each request it holds */
  groupsOf?: (record: unknown) => (string | null)[];
  /** the other files of the run: a batch input pairs with the results files among them, and back */
  siblings?: ReadonlyArray<{ abs: string; rel: string }>;
}

/**
 * Formats of the run's files as batch files see them, by path, size and modification time: a batch
 * split into many input and output files would otherwise sniff every file once per batch file.
 */
const siblingFormats = new Map<string, LogFormat | undefined>();

async function siblingFormat(s: { abs: string; rel: string }, maxLineBytes: number | undefined): Promise<LogFormat | undefined> {
  const st = await stat(s.abs).catch(() => undefined);
  const key = `${s.abs}\u0000${st?.size ?? -1}\u0000${st?.mtimeMs ?? -1}`;
  if (siblingFormats.has(key)) return siblingFormats.get(key);
  const format = await detectLogFormat(s.abs, s.rel, maxLineBytes).catch(() => undefined);
  if (siblingFormats.size >= 4096) siblingFormats.clear(); // bounded: a long-lived process meets many files
  siblingFormats.set(key, format);
  return format;
}

type LineAdapter = { record(v: unknown, line: number): AdapterOutput[]; end?(): { notes: string[] } };

/**
 * The adapter of a batch file. An input file reads the results among the run's other files first (by
 * custom_id); a results file only checks its ids against the inputs, since the inputs' requests carry
 * the results. A results file given alone is refused: it holds no prompt.
 */
async function batchAdapter(rel: string, format: BatchFormat, opts: IngestOptions): Promise<LineAdapter> {
  const want = BATCH_COUNTERPART[format];
  const files: Array<{ abs: string; rel: string }> = [];
  for (const s of opts.siblings ?? []) {
    if (s.rel === rel) continue;
    if ((await siblingFormat(s, opts.maxLineBytes)) === want) files.push(s);
  }
  if (isBatchResults(format)) return createBatchResultsAdapter(rel, files.length ? await readBatchIds(files, opts.maxLineBytes) : undefined);
  const results = files.length ? await readBatchResults(files, opts.maxLineBytes) : undefined;
  return createBatchInputAdapter(rel, format as 'openai-batch' | 'anthropic-batch', results);
}

/** Rejection reasons for things that look like logs but cannot be analyzed. */
export const REJECTIONS: Partial<Record<LogFormat, string>> = {
  'response-stream': 'response stream without a request body',
};

/** Detects a file's log format from its first bytes. */
export async function detectLogFormat(abs: string, rel: string, maxLineBytes = FIRST_LINES_CAP): Promise<LogFormat | undefined> {
  const { head } = await readHead(abs);
  const format = sniffLog(rel, head);
  if (format) return format;
  // Agent logs resend a large prompt on every line, so one JSONL record can be longer than the head.
  // When the head is the start of a single unfinished JSON line, read the first two whole lines (up to
  // a cap) and look again.
  const text = head.toString('utf8').trimStart();
  if (!text.startsWith('{') || text.includes('\n')) return undefined;
  // First with a small line cap: a giant first line (which ingest skips anyway) is passed over holding
  // SNIFF_LINE_BYTES, not the whole line limit (the CLI and the log worker each sniff, the worker while
  // its reader thread streams the same line). Only if that finds no line short enough are the first
  // lines read again up to the full limit.
  const small = Math.min(maxLineBytes, SNIFF_LINE_BYTES);
  const first = await sniffFirstLines(abs, rel, small);
  if (first.format !== undefined || !first.passedOver || small === maxLineBytes) return first.format;
  return (await sniffFirstLines(abs, rel, maxLineBytes)).format;
}

/** The first line's format is first looked for in lines of at most this many bytes (an agent log's record is ~100 KB). */
const SNIFF_LINE_BYTES = 4 * 1024 * 1024;

/** The format of the first two lines no longer than `maxLineBytes`, and whether longer lines were passed over. */
async function sniffFirstLines(abs: string, rel: string, maxLineBytes: number): Promise<{ format: LogFormat | undefined; passedOver: boolean }> {
  const lines: string[] = [];
  let bytes = 0;
  let overLong = 0;
  for await (const rec of readLines(abs, { maxLineBytes })) {
    // A line over the limit is skipped (and reported by ingest); the lines after it still decide.
    // Only a few are passed over, so a file of nothing but giant lines is not read to the end here.
    if (rec.overLong !== undefined) {
      if (++overLong > 2) break;
      continue;
    }
    lines.push(rec.text);
    bytes += rec.text.length;
    if (lines.length >= 2 || bytes > FIRST_LINES_CAP) break;
  }
  return { format: lines.length === 0 ? undefined : sniffLog(rel, lines.join('\n')), passedOver: overLong > 0 };
}

/** The most text read to sniff a JSONL file whose first record is longer than the head. */
const FIRST_LINES_CAP = DEFAULT_LIMITS.maxLineBytes;

/** Is a whole JSON document laid out one record per line even though it sniffed as a dataset? */
function isJsonDocument(first: string): boolean {
  return first.trimStart().startsWith('[') || /^\{\s*$/.test(first.trim());
}

/** Yields the adapter outputs of one file in order. Throws KvlintError only for whole-file failures. */
export async function* ingestLog(abs: string, rel: string, format: LogFormat, opts: IngestOptions = {}): AsyncGenerator<AdapterOutput> {
  if (LINE_FORMATS.has(format)) {
    const { head } = await readHead(abs, 4096);
    const firstLine = head.toString('utf8').split('\n')[0] ?? '';
    if (!isJsonDocument(firstLine)) {
      yield* ingestLines(abs, rel, format, opts);
      return;
    }
  }
  const text = await readDocument(abs, rel, opts.documentLimit ?? DEFAULT_DOCUMENT_LIMIT);
  // The YAML parser and the adapters recurse per level: refuse a too-deep document before parsing it.
  const maxDepth = opts.maxDepth ?? DEFAULT_LIMITS.maxDepth;
  const deep = findExcessDepth(text, maxDepth);
  if (deep) {
    yield { kind: 'bad', line: deep.line, message: `nested more than ${maxDepth} levels deep (--max-depth); the document was not parsed` };
    return;
  }
  switch (format) {
    case 'vcr-yaml':
      yield* parseVcrYaml(text, rel);
      return;
    case 'vcr-json':
      yield* parseVcrJson(text, rel);
      return;
    case 'har':
      yield* parseHar(text, rel);
      return;
    case 'otel-genai-spans':
    case 'openinference-spans':
    case 'vercel-ai-spans':
      yield* parseSpans(text, rel);
      return;
    case 'request-response-pairs':
    case 'request-jsonl':
      yield* parsePairsDocument(text, rel);
      return;
    case 'litellm':
    case 'langfuse': {
      const doc = documentItems(text);
      if ('error' in doc) yield { kind: 'bad', line: 1, message: doc.error };
      else for (const it of doc.items) yield* observabilityRecord(it.value, rel, it.line);
      return;
    }
    case 'openai-batch':
    case 'openai-batch-output':
    case 'anthropic-batch':
    case 'anthropic-batch-results': {
      // a pretty-printed batch: the Message Batches create body `{requests: […]}`, or an array of lines
      const adapter = await batchAdapter(rel, format, opts);
      const doc = documentItems(text);
      if ('error' in doc) yield { kind: 'bad', line: 1, message: doc.error };
      else if (doc.items.length === 1 && doc.items[0]!.value !== null && typeof doc.items[0]!.value === 'object' && Array.isArray((doc.items[0]!.value as { requests?: unknown }).requests)) {
        const reqs = (doc.items[0]!.value as { requests: unknown[] }).requests;
        const lines = arrayElementLines(text, 'requests');
        for (const [i, r] of reqs.entries()) yield* adapter.record(r, lines[i] ?? 1);
      } else for (const it of doc.items) yield* adapter.record(it.value, it.line);
      for (const n of adapter.end?.().notes ?? []) opts.onFileNote?.(n);
      return;
    }
    case 'langfuse-ingestion': {
      const adapter = createLangfuseIngestionAdapter(rel);
      const doc = documentItems(text);
      if ('error' in doc) yield { kind: 'bad', line: 1, message: doc.error };
      else if (doc.items.length === 1) yield* adapter.record(doc.items[0]!.value, 1, arrayElementLines(text, 'batch'));
      else for (const it of doc.items) yield* adapter.record(it.value, it.line);
      yield* adapter.end();
      return;
    }
    case 'sharegpt': {
      const doc = documentItems(text);
      if ('error' in doc) yield { kind: 'bad', line: 1, message: doc.error };
      else for (const [i, it] of doc.items.entries()) yield* sharegptRecord(it.value, rel, it.line, i);
      return;
    }
    default:
      throw new KvlintError('KVE305', `${rel}: ${REJECTIONS[format] ?? `format ${format} cannot be read as a whole document`}`, { file: rel });
  }
}


async function* ingestLines(abs: string, rel: string, format: LogFormat, opts: IngestOptions): AsyncGenerator<AdapterOutput> {
  const issues: StreamIssue[] = [];
  const cc = format === 'claude-code' ? createClaudeCodeAdapter(rel) : format === 'codex-rollout' ? createCodexAdapter(rel) : undefined;
  const batch = isBatchFormat(format) ? await batchAdapter(rel, format, opts) : undefined;
  const ingestion = format === 'langfuse-ingestion' ? createLangfuseIngestionAdapter(rel) : undefined;
  let ordinal = 0;
  const maxLineBytes = opts.maxLineBytes ?? DEFAULT_LIMITS.maxLineBytes;
  const maxDepth = opts.maxDepth ?? DEFAULT_LIMITS.maxDepth;
  const size = await stat(abs).then((st) => st.size, () => 0);
  const read = size >= READER_THREAD_BYTES ? readLinesThreaded : readLines;
  function* recordOutputs(v: unknown, line: number): Generator<AdapterOutput> {
    switch (format) {
      case 'claude-code':
      case 'codex-rollout':
        yield* cc!.record(v, line);
        break;
      case 'openai-batch':
      case 'openai-batch-output':
      case 'anthropic-batch':
      case 'anthropic-batch-results':
        yield* batch!.record(v, line);
        break;
      case 'langfuse-ingestion':
        yield* ingestion!.record(v, line);
        break;
      case 'sharegpt':
        yield* sharegptRecord(v, rel, line, ordinal++);
        break;
      case 'mtbench':
        yield* mtbenchRecord(v, rel, line);
        break;
      case 'bfcl':
        yield* bfclRecord(v, rel, line);
        break;
      case 'litellm':
      case 'langfuse':
        yield* observabilityRecord(v, rel, line);
        break;
      default:
        yield bodyRecord(v, rel, line, format);
    }
  }
  for await (const rec of read(abs, { onIssue: (i) => issues.push(i), maxLineBytes, ...(opts.onBytes ? { onBytes: opts.onBytes } : {}) })) {
    if (rec.overLong !== undefined) {
      yield {
        kind: 'bad',
        line: rec.line,
        message: `line is ${formatSize(rec.overLong)}, over the ${formatSize(maxLineBytes)} line limit (--max-line-size); skipped without reading it whole`,
      };
      continue;
    }
    if (rec.invalidUtf8 !== undefined) {
      yield { kind: 'bad', line: rec.line, message: `line is not valid UTF-8 (first bad byte at byte ${rec.invalidUtf8} of the line); record skipped` };
      continue;
    }
    if (rec.text.trim() === '') continue;
    let v: unknown;
    try {
      v = JSON.parse(rec.text);
    } catch (e) {
      const cut = !rec.terminated;
      yield {
        kind: 'bad',
        line: rec.line,
        message: cut ? 'last line is cut off (no newline, incomplete JSON)' : `invalid JSON: ${(e as Error).message}`,
      };
      if (cut) opts.onFileNote?.(`last line ${rec.line} is cut off; the lines before it were analyzed`, rec.line);
      continue;
    }
    if (valueDepthExceeds(v, maxDepth)) {
      yield { kind: 'bad', line: rec.line, message: `record is nested more than ${maxDepth} levels deep (--max-depth); skipped` };
      continue;
    }
    const outputs = recordOutputs(v, rec.line);
    if (!opts.scopeOf && !opts.groupsOf) yield* outputs;
    else {
      const scope = opts.scopeOf?.(v);
      const groups = opts.groupsOf?.(v);
      for (const o of outputs) {
        if (scope !== undefined && o.kind === 'request') o.request.scope = scope;
        if (groups && o.kind === 'request') o.request.groups = groups;
        yield o;
      }
    }
  }
  if (cc) yield* cc.end();
  for (const n of batch?.end?.().notes ?? []) opts.onFileNote?.(n);
  if (ingestion) yield* ingestion.end();
  for (const i of issues) {
    opts.onFileNote?.(i.message, i.line);
    yield { kind: 'bad', line: i.line + 1, message: i.message };
  }
}
