// Exports of LLM observability tools whose record shape is documented:
// - LiteLLM's StandardLoggingPayload (docs.litellm.ai/docs/proxy/logging_spec; `litellm/types/utils.py`),
//   written one per line by its bucket/file loggers, or wrapped as `{standard_logging_object: …}`.
//   `messages` are in OpenAI chat form whatever the provider (LiteLLM translates them on the way out),
//   `model_parameters` holds tools and settings, `response.usage` the provider's usage in OpenAI form.
// - Langfuse observations (UI table export as JSON/JSONL, the public observations API, and the
//   "Download JSON" of one trace: `{…trace, observations: […]}`): GENERATION observations carry `input`
//   (a message list, or `{messages}`), `model`, `modelParameters`, `usage`/`usageDetails`, `startTime`.
import type { ReportedUsage } from '../../model.js';
import { asArray, asString, isObject } from '../api/common.js';
import { normalizeOpenAiChat } from '../api/openai.js';
import { makeRequestRecord, toEpochMs } from '../request.js';
import type { AdapterOutput } from '../types.js';
import { cacheDiagnosticsFrom, usageFromObject } from '../usage.js';

/** A LiteLLM StandardLoggingPayload, bare or wrapped. */
export function isLitellmRecord(v: unknown): boolean {
  const p = isObject(v) && isObject(v.standard_logging_object) ? v.standard_logging_object : v;
  return isObject(p) && typeof p.call_type === 'string' && 'messages' in p && isObject(p.model_parameters);
}

/** A Langfuse observation (or a trace download holding them). */
export function isLangfuseRecord(v: unknown): boolean {
  if (!isObject(v)) return false;
  if (Array.isArray(v.observations) && ('sessionId' in v || 'id' in v)) return true;
  return typeof v.traceId === 'string' && typeof v.type === 'string' && 'startTime' in v && 'input' in v;
}

/** LiteLLM names providers as it routes them; the cache model follows the upstream provider. */
function providerOf(p: Record<string, unknown>): string {
  const custom = asString(p.custom_llm_provider)?.toLowerCase();
  const model = asString(p.model) ?? '';
  if (custom === 'vertex_ai' || custom === 'gemini') return /claude/i.test(model) ? 'anthropic' : 'google';
  if (custom === 'bedrock' || custom === 'bedrock_converse') return 'bedrock';
  if (custom === 'azure' || custom === 'azure_ai') return 'azure';
  if (custom) return custom;
  return /claude/i.test(model) ? 'anthropic' : /gemini/i.test(model) ? 'google' : 'openai';
}

/** One LiteLLM payload → a request (failures and non-chat calls are skipped and counted). */
export function litellmRecord(v: unknown, file: string, line: number): AdapterOutput {
  const p = isObject(v) && isObject(v.standard_logging_object) ? v.standard_logging_object : v;
  if (!isObject(p)) return { kind: 'bad', line, message: 'LiteLLM record is not an object' };
  const callType = asString(p.call_type) ?? '';
  if (!/completion|responses|messages/i.test(callType)) return { kind: 'skip', reason: `LiteLLM ${callType || 'non-chat'} call`, line };
  if (!Array.isArray(p.messages)) return { kind: 'skip', reason: 'LiteLLM record without a message list', line };
  const params = isObject(p.model_parameters) ? p.model_parameters : {};
  const body: Record<string, unknown> = { ...params, model: asString(p.model), messages: p.messages };
  const nb = normalizeOpenAiChat(body, providerOf(p));
  nb.notes.push('LiteLLM logs messages in OpenAI form; the provider-specific wire bytes may differ');
  const ctx: Parameters<typeof makeRequestRecord>[1] = { file, line, format: 'litellm' };
  const time = toEpochMs(p.startTime);
  if (time !== undefined) ctx.time = time;
  const meta = isObject(p.metadata) ? p.metadata : {};
  const spend = isObject(meta.spend_logs_metadata) ? meta.spend_logs_metadata : {};
  const session = asString(meta.session_id) ?? asString(meta.litellm_session_id) ?? asString(spend.session_id);
  const user = asString(p.end_user);
  if (session) ctx.lineage = ['session', session];
  else if (user) ctx.lineage = ['user', user];
  const resp = isObject(p.response) ? p.response : {};
  const usage = usageFromObject(resp.usage) ?? usageFromObject({ prompt_tokens: p.prompt_tokens, completion_tokens: p.completion_tokens });
  if (usage) ctx.usage = usage;
  const diagnostics = cacheDiagnosticsFrom(resp);
  if (diagnostics) ctx.diagnostics = diagnostics;
  const id = asString(p.id);
  if (id) ctx.requestId = id;
  return makeRequestRecord(nb, ctx);
}

/** Langfuse usage: `usageDetails` (free-form keys, the current form) or legacy `usage`. */
function langfuseUsage(o: Record<string, unknown>): ReportedUsage | undefined {
  const d = isObject(o.usageDetails) ? o.usageDetails : isObject(o.usage) ? o.usage : undefined;
  if (!d) return undefined;
  const num = (...keys: string[]): number | undefined => {
    for (const k of keys) if (typeof d[k] === 'number') return d[k] as number;
    return undefined;
  };
  const read = num('cache_read_input_tokens', 'input_cached_tokens', 'input_cache_read', 'cached_tokens');
  const write = num('cache_creation_input_tokens', 'input_cache_creation', 'cache_write_tokens');
  const input = num('input', 'promptTokens', 'prompt_tokens', 'input_tokens');
  const output = num('output', 'completionTokens', 'completion_tokens', 'output_tokens');
  const u: ReportedUsage = {};
  // Langfuse's `input` is what the integration reported: for Anthropic it excludes cache reads and
  // writes (they are separate keys), for OpenAI it includes cached tokens (input_cached_tokens ⊂ input).
  if (input !== undefined) u.inputTokens = read !== undefined && d['input_cached_tokens'] !== undefined ? Math.max(0, input - read) : input;
  if (read !== undefined) u.cacheReadTokens = read;
  if (write !== undefined) u.cacheWriteTokens = write;
  if (output !== undefined) u.outputTokens = output;
  return Object.keys(u).length ? u : undefined;
}

/** One Langfuse observation → a request (spans and events are skipped: only generations are LLM calls). */
export function langfuseObservation(o: unknown, file: string, line: number, sessionId?: string): AdapterOutput {
  if (!isObject(o)) return { kind: 'bad', line, message: 'Langfuse observation is not an object' };
  if (asString(o.type) !== 'GENERATION') return { kind: 'skip', reason: `Langfuse ${String(o.type ?? 'untyped').toLowerCase()} observation`, line };
  const input = isObject(o.input) && Array.isArray(o.input.messages) ? o.input.messages : o.input;
  if (!Array.isArray(input)) return { kind: 'skip', reason: 'Langfuse generation without a message list as input', line };
  const params = isObject(o.modelParameters) ? o.modelParameters : {};
  const tools = isObject(o.input) ? asArray(o.input.tools) : [];
  const body: Record<string, unknown> = { ...params, ...(tools.length ? { tools } : {}), model: asString(o.model), messages: input };
  const model = asString(o.model) ?? '';
  const nb = normalizeOpenAiChat(body, /claude/i.test(model) ? 'anthropic' : /gemini/i.test(model) ? 'google' : 'openai');
  nb.notes.push('Langfuse stores the input its integration captured, in message form; the wire bytes may differ');
  const ctx: Parameters<typeof makeRequestRecord>[1] = { file, line, format: 'langfuse' };
  const time = toEpochMs(o.startTime);
  if (time !== undefined) ctx.time = time;
  const session = sessionId ?? asString(o.sessionId);
  const trace = asString(o.traceId);
  if (session) ctx.lineage = ['session', session];
  else if (trace) ctx.lineage = ['trace', trace];
  const usage = langfuseUsage(o);
  if (usage) ctx.usage = usage;
  const id = asString(o.id);
  if (id) ctx.requestId = id;
  return makeRequestRecord(nb, ctx);
}

/** A JSONL line or array element of either export. */
export function observabilityRecord(v: unknown, file: string, line: number): AdapterOutput[] {
  if (isLitellmRecord(v)) return [litellmRecord(v, file, line)];
  if (isObject(v) && Array.isArray(v.observations)) {
    const session = asString(v.sessionId);
    // a trace download: its generations in time order
    const obs = [...v.observations].sort((a, b) => (toEpochMs(isObject(a) ? a.startTime : undefined) ?? 0) - (toEpochMs(isObject(b) ? b.startTime : undefined) ?? 0));
    return obs.map((o) => langfuseObservation(o, file, line, session));
  }
  return [langfuseObservation(v, file, line)];
}
