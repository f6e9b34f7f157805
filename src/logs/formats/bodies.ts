// Raw request bodies: JSONL with one body per line, `{request, response}` pairs and `{body, usage}`
// records (JSONL, a JSON array, or one pair object), plain or gzip.
import { asString, isObject } from '../api/common.js';
import { detectBodyApi, normalizeBody } from '../api/index.js';
import { CACHE_CALL, cacheObjectFacts, isCacheObjectUrl } from '../api/gemini.js';
import { decodeBody, diagnosticsFromDecoded, usageFromDecoded } from '../body.js';
import { documentItems } from '../json-positions.js';
import { makeRequestRecord, toEpochMs } from '../request.js';
import { cacheDiagnosticsFrom, usageFromObject, usageFromResponse } from '../usage.js';
import type { AdapterOutput } from '../types.js';

/** True when a value is a `{request, response}` or `{body|request, usage}` record. */
export function isPairRecord(v: unknown): boolean {
  if (!isObject(v)) return false;
  const rq = isObject(v.request) ? v.request : isObject(v.body) ? v.body : undefined;
  if (!rq) return false;
  if ('response' in v || 'usage' in v) return true;
  // a logging proxy's record: `{timestamp, request: <body>}` with no response captured
  return isObject(v.request) && detectBodyApi(isObject(rq.body) ? rq.body : rq) !== undefined;
}

/** One JSONL line or array element: a bare body, or a pair record. */
export function bodyRecord(v: unknown, file: string, line: number, format: string): AdapterOutput {
  if (!isObject(v)) return { kind: 'bad', line, message: 'record is not a JSON object' };
  const pair = isPairRecord(v);
  let body: unknown = v;
  let uri: string | undefined;
  if (pair) {
    const rq = isObject(v.request) ? v.request : (v.body as Record<string, unknown>);
    // a pair may hold the request as {url, body} (a DELETE has no body) or as the body itself
    uri = asString(rq.url) ?? asString(rq.uri);
    if ('body' in rq && (isObject(rq.body) || typeof rq.body === 'string')) body = decodeBody(rq.body).json;
    else body = rq;
  }
  const time = toEpochMs(v.timestamp ?? v.time ?? v.created_at ?? v.startTime);
  if (pair && isCacheObjectUrl(uri)) {
    // a Gemini cachedContents call (its body looks like a generation request's): what it says of the object
    const resp = v.response;
    const decoded = isObject(resp) && ('body' in resp || 'parsed_body' in resp) ? decodeBody(resp.body, resp.parsed_body) : undefined;
    const rq = isObject(v.request) ? v.request : {};
    const facts = cacheObjectFacts(uri!, asString(rq.method), body, decoded ? decoded.json : resp, time);
    return { kind: 'skip', reason: CACHE_CALL, line, ...(facts ? { cacheObject: facts } : {}) };
  }
  const nb = normalizeBody(body, uri);
  if (!nb) return { kind: 'skip', reason: 'record is not an LLM request body', line };
  const ctx: Parameters<typeof makeRequestRecord>[1] = { file, line, format };
  if (pair) {
    const resp = v.response;
    const decoded = isObject(resp) && ('body' in resp || 'parsed_body' in resp) ? decodeBody(resp.body, resp.parsed_body) : undefined;
    const usage = usageFromObject(v.usage) ?? (decoded ? usageFromDecoded(decoded) : usageFromResponse(resp));
    if (usage) ctx.usage = usage;
    const diagnostics = decoded ? diagnosticsFromDecoded(decoded) : cacheDiagnosticsFrom(resp);
    if (diagnostics) ctx.diagnostics = diagnostics;
  }
  if (time !== undefined) ctx.time = time;
  const session = asString(v.session_id) ?? asString(v.sessionId) ?? asString(v.conversation_id);
  if (session) ctx.lineage = ['session', session];
  return makeRequestRecord(nb, ctx);
}

/** A JSON document of pairs: one pair object or an array of them. */
export function parsePairsDocument(text: string, file: string): AdapterOutput[] {
  const doc = documentItems(text);
  if ('error' in doc) return [{ kind: 'bad', line: 1, message: doc.error }];
  return doc.items.map((it) => bodyRecord(it.value, file, it.line, 'request-response-pairs'));
}
