// Log format detection from content (first bytes / first records), with the extension only as a tie-break.
import { isObject } from './api/common.js';
import { detectBodyApi } from './api/index.js';
import { isPairRecord } from './formats/bodies.js';
import { isClaudeCodeRecord } from './formats/claude-code.js';
import { isCodexRecord, isLegacyCodexHead } from './formats/codex.js';
import { batchRecordFormat, isBatchFormat } from './formats/batch.js';
import { isLangfuseIngestion } from './formats/langfuse-ingestion.js';
import { isLangfuseRecord, isLitellmRecord } from './formats/observability.js';
import { spanDialect } from './formats/spans.js';
import type { LogFormat } from './types.js';

/** Streaming event types of provider responses (a file of these has no request bodies). */
const STREAM_EVENTS = /^(message_start|message_delta|message_stop|content_block_(start|delta|stop)|response\.[\w.]+|ping)$/;

/** The format of one parsed JSONL record, if it is one we read line by line. */
export function recordFormat(v: unknown): LogFormat | 'stream-event' | undefined {
  if (!isObject(v)) return undefined;
  if (typeof v.type === 'string' && STREAM_EVENTS.test(v.type)) return 'stream-event';
  if (typeof v.object === 'string' && v.object === 'chat.completion.chunk') return 'stream-event';
  if (isClaudeCodeRecord(v)) return 'claude-code';
  if (isCodexRecord(v)) return 'codex-rollout';
  const batch = batchRecordFormat(v);
  if (batch) return batch;
  if (isLitellmRecord(v)) return 'litellm';
  if (isLangfuseRecord(v)) return 'langfuse';
  if (isLangfuseIngestion(v)) return 'langfuse-ingestion';
  if (Array.isArray(v.turns) && 'question_id' in v) return 'mtbench';
  // BFCL records that carry their function docs are tool sets (the prompt linter reads them), not logs
  if (Array.isArray(v.question) && 'id' in v && !('function' in v) && !('functions' in v)) return 'bfcl';
  if (Array.isArray(v.conversations)) return 'sharegpt';
  if (isPairRecord(v)) return 'request-response-pairs';
  if (detectBodyApi(v)) return 'request-jsonl';
  return undefined;
}

function firstLines(text: string, max: number): string[] {
  const out: string[] = [];
  let start = 0;
  while (out.length < max && start < text.length) {
    const nl = text.indexOf('\n', start);
    const end = nl === -1 ? text.length : nl;
    const line = text.slice(start, end).trim();
    if (line) out.push(line);
    if (nl === -1) break;
    start = nl + 1;
  }
  return out;
}

/**
 * Detects a log format from the head of a file (decompressed). Returns undefined for anything that is
 * not a log kvlint reads — notably a single request-shaped JSON document, which the template parser
 * owns. `response-stream` is returned for provider response streams so the caller can reject them.
 */
export function sniffLog(path: string, head: Buffer | string): LogFormat | undefined {
  let text = typeof head === 'string' ? head : head.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const t = text.trimStart();
  if (!t) return undefined;
  const jsonlExt = /\.(jsonl|ndjson)(\.gz)?$|\.gz$/i.test(path);

  // YAML cassettes
  if (/^(---\s*\n)?interactions:\s*$/m.test(t.slice(0, 4096))) return 'vcr-yaml';

  // JSON Lines: the first line is a complete JSON object on its own.
  const lines = firstLines(t, 5);
  const parsed: unknown[] = [];
  for (const l of lines) {
    try {
      parsed.push(JSON.parse(l));
    } catch {
      break;
    }
  }
  if (parsed.length >= 1 && isObject(parsed[0])) {
    if (isLegacyCodexHead(parsed)) return 'codex-rollout';
    const kinds = parsed.map(recordFormat);
    const first = kinds.find((k) => k !== undefined);
    if (first === 'stream-event' && kinds.every((k) => k === 'stream-event' || k === undefined)) return 'response-stream';
    if (first === 'claude-code' || first === 'codex-rollout') return first;
    if (first && first !== 'stream-event' && (lines.length >= 2 || jsonlExt)) return first;
    // A lone one-line JSON object: pairs and datasets are logs; a bare request body is a template.
    if (first === 'request-response-pairs' || first === 'sharegpt' || first === 'mtbench' || first === 'bfcl' || first === 'langfuse-ingestion' || (first !== undefined && first !== 'stream-event' && isBatchFormat(first))) return first;
    if (parsed.length === 1 && lines.length === 1 && isObject(parsed[0])) {
      const a = parsed[0];
      if (Array.isArray(a.interactions)) return 'vcr-json';
      if (isObject(a.log) && Array.isArray(a.log.entries)) return 'har';
      const dialect = spanDialect(isObject(a.attributes) ? a.attributes : a);
      if (dialect) return dialect;
    }
  }

  // Whole JSON documents, recognized by their keys near the start.
  if (t.startsWith('{') || t.startsWith('[')) {
    const h = t.slice(0, 16384);
    if (/^\{\s*"interactions"\s*:/.test(h)) return 'vcr-json';
    if (/^\{\s*"log"\s*:\s*\{/.test(h) && /"entries"\s*:/.test(h)) return 'har';
    if (/"ai\.(operationId|prompt|model\.id)"\s*:/.test(h)) return 'vercel-ai-spans';
    if (/"openinference\.span\.kind"\s*:|"llm\.input_messages\.\d/.test(h)) return 'openinference-spans';
    if (/"gen_ai\.(input\.messages|request\.model|provider\.name|system|operation\.name)"\s*:/.test(h)) return 'otel-genai-spans';
    if (/^[[{]\s*(\{\s*)?"(id|system)"\s*:[^]*?"conversations"\s*:\s*\[|^[[{]\s*(\{\s*)?"conversations"\s*:\s*\[/.test(h)) return 'sharegpt';
    if (/^\[?\s*\{\s*"request"\s*:\s*\{/.test(h) && /"(response|usage)"\s*:/.test(t)) return 'request-response-pairs';
    // the keys may come in any order (`metadata` first): the envelope shapes are what is looked for
    if (/"batch"\s*:\s*\[\s*\{/.test(h) && /"type"\s*:\s*"(trace|generation|span|event|observation)-(create|update)"/.test(h)) return 'langfuse-ingestion';
    if (/"requests"\s*:\s*\[\s*\{/.test(h) && /"custom_id"\s*:/.test(h) && /"params"\s*:/.test(h)) return 'anthropic-batch';
    if (/"call_type"\s*:/.test(h) && /"model_parameters"\s*:/.test(t)) return 'litellm';
    if (/"traceId"\s*:/.test(h) && /"type"\s*:\s*"(GENERATION|SPAN|EVENT)"/.test(t)) return 'langfuse';
  }
  return undefined;
}

/** The first JSON value of a text: its first line when that parses (JSON Lines), else the whole text. */
function firstValue(text: string): unknown {
  const t = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const line = firstLines(t, 1)[0];
  if (line === undefined) return undefined;
  for (const candidate of [line, t]) {
    try {
      return JSON.parse(candidate);
    } catch {
      // not this one
    }
  }
  return undefined;
}

const has = (o: Record<string, unknown>, k: string): boolean => k in o;

/**
 * For a JSON or JSON Lines file no format claimed: the closest log format kvlint knows and the field it
 * missed, e.g. "looks like a Langfuse export but has no `observations`", so a user can tell a new
 * format from a broken file. Undefined when the text is not JSON or resembles nothing kvlint reads.
 */
export function explainUnrecognized(text: string): string | undefined {
  let v = firstValue(text);
  if (Array.isArray(v)) v = v.find(isObject);
  if (!isObject(v)) return undefined;
  /** `field` is written as shown, backticks included */
  const miss = (what: string, field: string): string => `looks like ${what} but has no ${field}`;
  const type = typeof v.type === 'string' ? v.type : undefined;
  if (type !== undefined && /^(session_meta|response_item|turn_context|event_msg|compacted)$/.test(type)) {
    return miss('a Codex CLI rollout', isObject(v.payload) ? '`timestamp`' : '`payload`');
  }
  if (has(v, 'batch')) {
    if (!Array.isArray(v.batch)) return miss('a Langfuse ingestion batch', 'a `batch` list of events');
    const ev = v.batch.find(isObject);
    if (!ev) return miss('a Langfuse ingestion batch', 'events in `batch`');
    if (typeof ev.type !== 'string') return miss('a Langfuse ingestion batch', '`type` on its events');
    if (!isObject(ev.body)) return miss('a Langfuse ingestion batch', `\`body\` on its ${ev.type} events`);
    return `looks like a Langfuse ingestion batch but its events are of no known type (${ev.type}; e.g. trace-create, generation-create)`;
  }
  if (has(v, 'custom_id')) {
    if (has(v, 'params')) return miss('an Anthropic Message Batches request', '`params` object');
    if (has(v, 'result')) return miss('an Anthropic Message Batches result', '`result.type`');
    if (has(v, 'response') || has(v, 'error')) return miss('an OpenAI Batch output line', '`response.body`');
    if (has(v, 'url') || has(v, 'method') || has(v, 'body')) return miss('an OpenAI Batch input line', isObject(v.body) ? '`url`' : '`body` object');
    return miss('a Batch API file', '`params` (Anthropic) or `body` (OpenAI)');
  }
  if (has(v, 'traceId') || (has(v, 'sessionId') && has(v, 'name')) || has(v, 'observations')) {
    if (has(v, 'observations')) return miss('a Langfuse trace download', '`observations` list');
    if (has(v, 'type') && has(v, 'traceId')) return miss('a Langfuse observation', has(v, 'startTime') ? '`input`' : '`startTime`');
    return miss('a Langfuse export', '`observations`');
  }
  if (has(v, 'parentUuid') || has(v, 'leafUuid') || (has(v, 'sessionId') && has(v, 'uuid'))) return miss('a Claude Code transcript', '`type` user or assistant');
  if (has(v, 'call_type') || has(v, 'standard_logging_object')) return miss('a LiteLLM StandardLoggingPayload', isObject(v.model_parameters) ? '`messages`' : '`model_parameters`');
  if (has(v, 'interactions')) return miss('a VCR cassette', '`interactions` list');
  if (isObject(v.log)) return miss('a HAR file', '`log.entries`');
  if (isObject(v.request) && !has(v, 'response')) return miss('a request/response pair', '`response`');
  if (isObject(v.attributes) || has(v, 'spanId') || has(v, 'span_id')) return miss('a trace span', '`gen_ai.*`, `llm.*` or `ai.*` attributes');
  if (typeof v.model === 'string') return miss('a provider request body', '`messages`, `input` or `contents`');
  if (has(v, 'messages') || has(v, 'input')) return miss('a provider request body', '`model`');
  return undefined;
}
