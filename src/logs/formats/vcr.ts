// VCR cassettes (vcrpy YAML and JSON, incl. pydantic-ai's `parsed_body`): one request per interaction
// that is an LLM generation call; telemetry, MCP JSON-RPC, package-index and other traffic is skipped
// and counted. Request headers are never read into anything that is printed.
import { aliasProblem, yaml } from '../../yaml.js';
import { asString, isObject } from '../api/common.js';
import { isGenerationPath, normalizeBody, providerFromUrl } from '../api/index.js';
import { decodeBody, diagnosticsFromDecoded, usageFromDecoded } from '../body.js';
import { CACHE_CALL, cacheObjectFacts, isCacheObjectUrl } from '../api/gemini.js';
import { arrayElementLines } from '../json-positions.js';
import { makeRequestRecord, toEpochMs } from '../request.js';
import type { AdapterOutput } from '../types.js';

/** Why an interaction is not an LLM call, from its URL. */
function skipReason(uri: string | undefined, method: string | undefined): string {
  if (!uri) return 'interaction without a URL';
  if (/\/responses\/compact\b/.test(uri)) return 'compaction call (/responses/compact)';
  if (/\/mcp\b/.test(uri)) return 'MCP JSON-RPC traffic';
  if (/telemetry|tracing|\/v1\/traces|otlp/i.test(uri)) return 'telemetry traffic';
  if (/pypi\.org|registry\.npmjs|github\.com/.test(uri)) return 'package-index traffic';
  if (method && method.toUpperCase() === 'GET') return 'GET request (no body)';
  return 'not an LLM generation call';
}

/** When the response was sent, from its Date header (epoch ms). */
function responseTime(rs: Record<string, unknown>): number | undefined {
  const headers = isObject(rs.headers) ? rs.headers : {};
  const date = headers.date ?? headers.Date;
  return toEpochMs(Array.isArray(date) ? date[0] : date);
}

/** Converts decoded interactions (plain JS) into adapter outputs. `lines[i]` is interaction i's line. */
export function interactionsToRecords(interactions: unknown[], lines: number[], file: string, format: string): AdapterOutput[] {
  const out: AdapterOutput[] = [];
  interactions.forEach((it, i) => {
    const line = lines[i] ?? 1;
    if (!isObject(it) || !isObject(it.request)) {
      out.push({ kind: 'bad', line, message: `interaction ${i} has no request` });
      return;
    }
    const rq = it.request;
    const uri = asString(rq.uri) ?? asString(rq.url);
    const method = asString(rq.method);
    if (isCacheObjectUrl(uri)) {
      const rs = isObject(it.response) ? it.response : {};
      const facts = cacheObjectFacts(uri!, method, decodeBody(rq.body, rq.parsed_body).json, decodeBody(rs.body, rs.parsed_body).json, responseTime(rs));
      out.push({ kind: 'skip', reason: CACHE_CALL, line, ...(facts ? { cacheObject: facts } : {}) });
      return;
    }
    const llmUrl = uri ? isGenerationPath(uri) && (providerFromUrl(uri) !== undefined || /\/v1\/|generateContent|converse|invoke/.test(uri)) : false;
    if (!llmUrl && uri) {
      out.push({ kind: 'skip', reason: skipReason(uri, method), line });
      return;
    }
    const body = decodeBody(rq.body, rq.parsed_body);
    if (body.json === undefined) {
      out.push(body.error ? { kind: 'bad', line, message: `interaction ${i}: ${body.error}` } : { kind: 'skip', reason: 'request without a JSON body', line });
      return;
    }
    const nb = normalizeBody(body.json, uri);
    if (!nb) {
      out.push({ kind: 'skip', reason: 'body is not an LLM request', line });
      return;
    }
    const rs = isObject(it.response) ? it.response : {};
    const resp = decodeBody(rs.body, rs.parsed_body);
    const usage = usageFromDecoded(resp);
    const time = responseTime(rs);
    const notes: string[] = [];
    if (resp.error) notes.push(`response: ${resp.error}`);
    const ctx: Parameters<typeof makeRequestRecord>[1] = { file, line, format, notes };
    if (usage) ctx.usage = usage;
    const diagnostics = diagnosticsFromDecoded(resp);
    if (diagnostics) ctx.diagnostics = diagnostics;
    const respId = isObject(resp.json) ? asString(resp.json.id) : undefined;
    if (respId) ctx.responseId = respId;
    if (time !== undefined) ctx.time = time;
    // pydantic-ai stores parsed_body with keys sorted: the wire key order is lost.
    if (rq.parsed_body !== undefined) {
      ctx.keyOrderUnknown = true;
      notes.push('parsed_body keys are sorted by the recorder: key order is unknown');
    }
    out.push(makeRequestRecord(nb, ctx));
  });
  return out;
}

/** Parses a vcrpy YAML cassette. */
export function parseVcrYaml(text: string, file: string): AdapterOutput[] {
  const lineCounter = new (yaml().LineCounter)();
  const doc = yaml().parseDocument(text, { lineCounter, uniqueKeys: false });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const pos = lineCounter.linePos(e.pos[0]);
    return [{ kind: 'bad', line: pos.line, message: `YAML error: ${e.message.split('\n')[0]}` }];
  }
  const root = doc.contents;
  const node = yaml().isMap(root) ? root.get('interactions', true) : root;
  const lines: number[] = [];
  if (yaml().isSeq(node)) for (const item of node.items) lines.push(lineCounter.linePos((item as unknown as { range?: number[] }).range?.[0] ?? 0).line);
  // PyYAML (which writes vcrpy cassettes) emits an anchor and alias for every object it meets twice (a
  // shared headers mapping): bounded by the size they add, not by their number
  const bomb = aliasProblem(doc);
  if (bomb) return [{ kind: 'bad', line: lineCounter.linePos(bomb.offset).line, message: bomb.message }];
  let js: unknown;
  try {
    js = doc.toJS({ maxAliasCount: -1 }) as unknown;
  } catch (e) {
    // yaml refuses an alias bomb ("Excessive alias count …"): one bad record, not a crashed run
    return [{ kind: 'bad', line: 1, message: `YAML error: ${(e as Error).message.split('\n')[0]}` }];
  }
  const interactions = isObject(js) && Array.isArray(js.interactions) ? js.interactions : Array.isArray(js) ? js : [];
  return interactionsToRecords(interactions, lines, file, 'vcr-yaml');
}

/** Parses a JSON cassette (`{interactions:[…]}` or a bare array of interactions). */
export function parseVcrJson(text: string, file: string): AdapterOutput[] {
  let js: unknown;
  try {
    js = JSON.parse(text);
  } catch (e) {
    return [{ kind: 'bad', line: 1, message: `JSON error: ${(e as Error).message}` }];
  }
  const keyed = isObject(js) && Array.isArray(js.interactions);
  const interactions = keyed ? (js as { interactions: unknown[] }).interactions : Array.isArray(js) ? js : [];
  return interactionsToRecords(interactions, arrayElementLines(text, keyed ? 'interactions' : undefined), file, 'vcr-json');
}
