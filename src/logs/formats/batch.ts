// Batch API files. A batch is where one long shared prefix meets thousands of requests.
// - OpenAI Batch input JSONL: `{custom_id, method, url, body}` per line (url /v1/chat/completions,
//   /v1/responses, …); output JSONL: `{id, custom_id, response: {status_code, request_id, body}, error}`.
// - Anthropic Message Batches: requests `{custom_id, params}` (one per line, or the create body
//   `{requests: […]}`); results JSONL: `{custom_id, result: {type: succeeded|errored|canceled|expired,
//   message?, error?}}`.
// The input holds the prompts, the output what the provider reported. Given together, they are paired
// by custom_id: the input file's requests carry the usage and cache diagnostics of their results.
import { KvlintError } from '../../errors.js';
import type { ProviderCacheDiagnostics, ReportedUsage } from '../../model.js';
import { asArray, asString, isObject } from '../api/common.js';
import { normalizeAnthropic } from '../api/anthropic.js';
import { isGenerationPath, normalizeBody } from '../api/index.js';
import { stat } from 'node:fs/promises';
import { readLines } from '../read.js';
import { makeRequestRecord, type RequestContext } from '../request.js';
import type { AdapterOutput, LogFormat } from '../types.js';
import { cacheDiagnosticsFrom, usageFromObject, usageFromResponse } from '../usage.js';

export type BatchFormat = 'openai-batch' | 'openai-batch-output' | 'anthropic-batch' | 'anthropic-batch-results';

/** Each batch format's counterpart: inputs pair with outputs and back. */
export const BATCH_COUNTERPART: Readonly<Record<BatchFormat, BatchFormat>> = {
  'openai-batch': 'openai-batch-output',
  'openai-batch-output': 'openai-batch',
  'anthropic-batch': 'anthropic-batch-results',
  'anthropic-batch-results': 'anthropic-batch',
};

export function isBatchFormat(f: LogFormat | string): f is BatchFormat {
  return f in BATCH_COUNTERPART;
}

/** The formats that hold results, not prompts. */
export function isBatchResults(f: BatchFormat): boolean {
  return f === 'openai-batch-output' || f === 'anthropic-batch-results';
}

/** The batch format of one parsed record, if it is a line of one. */
export function batchRecordFormat(v: unknown): BatchFormat | undefined {
  if (!isObject(v)) return undefined;
  if (Array.isArray(v.requests) && v.requests.length > 0 && v.requests.every((r) => isObject(r) && typeof r.custom_id === 'string' && isObject(r.params))) {
    return 'anthropic-batch';
  }
  if (typeof v.custom_id !== 'string') return undefined;
  if (isObject(v.params)) return 'anthropic-batch';
  if (isObject(v.result) && typeof v.result.type === 'string') return 'anthropic-batch-results';
  if (typeof v.url === 'string' && isObject(v.body)) return 'openai-batch';
  if ('response' in v && !('request' in v) && (v.response === null || (isObject(v.response) && ('body' in v.response || 'status_code' in v.response)))) return 'openai-batch-output';
  return undefined;
}

/** What a batch output line says about its request. */
export interface BatchResult {
  /** `succeeded` / `errored` / `canceled` / `expired` (Anthropic), or the HTTP status as text (OpenAI) */
  status: string;
  ok: boolean;
  usage?: ReportedUsage;
  diagnostics?: ProviderCacheDiagnostics;
  responseId?: string;
  error?: string;
}

/** A batch output line as a result, keyed by its custom_id; undefined when the line is not one. */
export function batchResult(v: unknown): [string, BatchResult] | undefined {
  if (!isObject(v) || typeof v.custom_id !== 'string') return undefined;
  const fmt = batchRecordFormat(v);
  if (fmt === 'anthropic-batch-results') {
    const r = v.result as Record<string, unknown>;
    const status = asString(r.type) ?? 'unknown';
    const out: BatchResult = { status, ok: status === 'succeeded' };
    const msg = isObject(r.message) ? r.message : undefined;
    if (msg) {
      const usage = usageFromObject(msg.usage);
      if (usage) out.usage = usage;
      const d = cacheDiagnosticsFrom(msg);
      if (d) out.diagnostics = d;
      const id = asString(msg.id);
      if (id) out.responseId = id;
    }
    const err = isObject(r.error) ? r.error : undefined;
    if (err) out.error = (isObject(err.error) ? asString(err.error.message) ?? asString(err.error.type) : undefined) ?? asString(err.type) ?? 'error';
    return [v.custom_id, out];
  }
  if (fmt === 'openai-batch-output') {
    const resp = isObject(v.response) ? v.response : undefined;
    const code = resp && typeof resp.status_code === 'number' ? resp.status_code : undefined;
    const body = resp && isObject(resp.body) ? resp.body : undefined;
    const err = isObject(v.error) ? v.error : body && isObject(body.error) ? body.error : undefined;
    const ok = err === undefined && (code === undefined || (code >= 200 && code < 300));
    const out: BatchResult = { status: code !== undefined ? String(code) : ok ? 'ok' : 'error', ok };
    if (body) {
      const usage = usageFromResponse(body);
      if (usage) out.usage = usage;
      const d = cacheDiagnosticsFrom(body);
      if (d) out.diagnostics = d;
      const id = asString(body.id);
      if (id) out.responseId = id;
    }
    if (err) out.error = asString(err.message) ?? asString(err.code) ?? 'error';
    return [v.custom_id, out];
  }
  return undefined;
}

const CUSTOM_ID = /"custom_id"\s*:\s*"((?:[^"\\]|\\.)*)"/g;

/** A file's identity for the memo: same path, size and modification time. */
async function fileKey(abs: string): Promise<string> {
  const st = await stat(abs).catch(() => undefined);
  return `${abs}\u0000${st?.size ?? -1}\u0000${st?.mtimeMs ?? -1}`;
}

let resultsMemo: { key: string; map: Map<string, BatchResult & { file: string }> } | undefined;

/**
 * The results of the given output files by custom_id (the first result of an id wins). Lines that are
 * not results are passed over here: they are reported when their own file is read. Kept for the next
 * input file of the same run (a batch split into several input files pairs with the same outputs).
 */
export async function readBatchResults(files: ReadonlyArray<{ abs: string; rel: string }>, maxLineBytes?: number): Promise<Map<string, BatchResult & { file: string }>> {
  const key = (await Promise.all(files.map((f) => fileKey(f.abs)))).join('\u0001');
  if (resultsMemo?.key === key) return resultsMemo.map;
  const map = new Map<string, BatchResult & { file: string }>();
  for (const f of files) {
    for await (const rec of readLines(f.abs, maxLineBytes !== undefined ? { maxLineBytes } : {})) {
      if (rec.overLong !== undefined || !rec.text.trim()) continue;
      let v: unknown;
      try {
        v = JSON.parse(rec.text);
      } catch {
        continue;
      }
      const r = batchResult(v);
      if (r && !map.has(r[0])) map.set(r[0], { ...r[1], file: f.rel });
    }
  }
  resultsMemo = { key, map };
  return map;
}

let idsMemo: { key: string; ids: Set<string> } | undefined;

/**
 * The custom_ids of the given input files, found by their key in the text: an id written inside a
 * prompt is escaped (`\"custom_id\"`) and never matches, so the input bodies need not be parsed again.
 */
export async function readBatchIds(files: ReadonlyArray<{ abs: string }>, maxLineBytes?: number): Promise<Set<string>> {
  const key = (await Promise.all(files.map((f) => fileKey(f.abs)))).join('\u0001');
  if (idsMemo?.key === key) return idsMemo.ids;
  const ids = new Set<string>();
  for (const f of files) {
    for await (const rec of readLines(f.abs, maxLineBytes !== undefined ? { maxLineBytes } : {})) {
      if (rec.overLong !== undefined) continue;
      for (const m of rec.text.matchAll(CUSTOM_ID)) {
        try {
          ids.add(JSON.parse(`"${m[1]}"`) as string);
        } catch {
          // a malformed escape: that line is reported when its own file is read
        }
      }
    }
  }
  idsMemo = { key, ids };
  return ids;
}

/** The adapter of one batch input file: a request per line, with its result when one was given. */
export function createBatchInputAdapter(
  file: string,
  format: 'openai-batch' | 'anthropic-batch',
  results: Map<string, BatchResult & { file: string }> | undefined,
): { record(v: unknown, line: number): AdapterOutput[]; end(): { notes: string[] } } {
  let requests = 0;
  let paired = 0;
  let failed = 0;
  const one = (v: unknown, line: number): AdapterOutput => {
    if (!isObject(v)) return { kind: 'bad', line, message: 'batch line is not an object' };
    const id = asString(v.custom_id);
    if (id === undefined) return { kind: 'bad', line, message: 'batch line has no custom_id' };
    let nb;
    if (format === 'anthropic-batch') {
      if (!isObject(v.params)) return { kind: 'bad', line, message: `batch request ${id} has no params object` };
      nb = normalizeAnthropic(v.params, 'anthropic');
    } else {
      const url = asString(v.url) ?? '';
      if (!isObject(v.body)) return { kind: 'bad', line, message: `batch request ${id} has no body object` };
      if (!isGenerationPath(url)) return { kind: 'skip', reason: `batch ${url || 'request without a url'} (not a generation call)`, line };
      nb = normalizeBody(v.body, url, 'openai');
      if (!nb) return { kind: 'skip', reason: 'batch body is not an LLM request', line };
    }
    requests++;
    const ctx: RequestContext = { file, line, format, requestId: id };
    const r = results?.get(id);
    if (r) {
      paired++;
      if (r.usage) ctx.usage = r.usage;
      if (r.diagnostics) ctx.diagnostics = r.diagnostics;
      if (r.responseId) ctx.responseId = r.responseId;
      if (!r.ok) {
        failed++;
        ctx.notes = [`batch result ${r.status}${r.error ? `: ${r.error}` : ''} (${r.file})`];
      }
    }
    return makeRequestRecord(nb, ctx);
  };
  return {
    record(v, line) {
      // the Message Batches create body holds every request
      if (format === 'anthropic-batch' && isObject(v) && Array.isArray(v.requests)) return asArray(v.requests).map((r) => one(r, line));
      return [one(v, line)];
    },
    end() {
      const notes = [
        'batch requests run concurrently and in any order: reuse between them is best effort, and file order is not arrival order',
      ];
      if (results) {
        const files = [...new Set([...results.values()].map((r) => r.file))];
        notes.push(`paired ${paired} of ${requests} requests with their results by custom_id (${files.join(', ') || 'no results found'})${failed ? `; ${failed} did not succeed` : ''}`);
      } else {
        notes.push('no batch results file given: requests carry no reported usage (pass the results file too; kvlint pairs them by custom_id)');
      }
      return { notes };
    },
  };
}

/** The adapter of one batch results file read with its input files: every line is paired or counted as unmatched. */
export function createBatchResultsAdapter(file: string, ids: Set<string> | undefined): { record(v: unknown, line: number): AdapterOutput[] } {
  if (!ids) {
    throw new KvlintError('KVE305', `${file}: batch results hold the provider's responses only, not the prompts: pass the batch input file with it (kvlint pairs them by custom_id)`, {
      file,
    });
  }
  return {
    record(v, line) {
      const r = batchResult(v);
      if (!r) return [{ kind: 'bad', line, message: isObject(v) && typeof v.custom_id === 'string' ? `batch result ${v.custom_id} has no response or result` : 'batch result has no custom_id' }];
      return [{ kind: 'skip', reason: ids.has(r[0]) ? 'batch result (read with its request, paired by custom_id)' : 'batch result whose custom_id is in no input file', line }];
    },
  };
}
