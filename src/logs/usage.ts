// Token usage from every field name providers and tracers use (providers.md §1.7, §2.5, §3.3, §4, Bedrock,
// OTel GenAI, OpenInference, Vercel AI SDK), normalized to one meaning: `inputTokens` is the UNCACHED
// input (Anthropic semantics), so total prompt tokens = inputTokens + cacheReadTokens + cacheWriteTokens.
import type { ProviderCacheDiagnostics, ReportedUsage } from '../model.js';
import { isObject } from './api/common.js';

function num(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^\d+(\.\d+)?$/.test(v)) return Number(v);
  return undefined;
}

function pick(o: Record<string, unknown>, ...keys: string[]): number | undefined {
  for (const k of keys) {
    const v = num(o[k]);
    if (v !== undefined) return v;
  }
  return undefined;
}

function clean(u: ReportedUsage): ReportedUsage | undefined {
  const out: ReportedUsage = {};
  for (const [k, v] of Object.entries(u) as Array<[keyof ReportedUsage, number | undefined]>) if (v !== undefined) out[k] = Math.max(0, v);
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Total prompt tokens a usage object accounts for (uncached + read + written). */
export function totalInput(u: ReportedUsage): number {
  return (u.inputTokens ?? 0) + (u.cacheReadTokens ?? 0) + (u.cacheWriteTokens ?? 0);
}

/**
 * Reads a usage object of any known shape: Anthropic `usage`, OpenAI Chat/Responses `usage`, DeepSeek,
 * Gemini `usageMetadata`, Bedrock camelCase. Pass the object that holds the counters.
 */
export function usageFromObject(u: unknown): ReportedUsage | undefined {
  if (!isObject(u)) return undefined;
  const native = nativeUsage(u);
  if (native) return native;
  // Gemini: promptTokenCount includes cached tokens; thinking (thoughtsTokenCount) is billed as output
  // but not counted in candidatesTokenCount (totalTokenCount = prompt + candidates + thoughts)
  if ('promptTokenCount' in u || 'cachedContentTokenCount' in u) {
    const prompt = pick(u, 'promptTokenCount');
    const read = pick(u, 'cachedContentTokenCount') ?? 0;
    const candidates = pick(u, 'candidatesTokenCount');
    const thoughts = pick(u, 'thoughtsTokenCount');
    const outputTokens = candidates === undefined && thoughts === undefined ? undefined : (candidates ?? 0) + (thoughts ?? 0);
    return clean({ inputTokens: prompt !== undefined ? prompt - read : undefined, cacheReadTokens: read, outputTokens });
  }
  // Bedrock Converse camelCase: inputTokens excludes cache reads and writes.
  if ('inputTokens' in u || 'cacheReadInputTokens' in u) {
    return clean({
      inputTokens: pick(u, 'inputTokens'),
      cacheReadTokens: pick(u, 'cacheReadInputTokens', 'cacheReadInputTokenCount'),
      cacheWriteTokens: pick(u, 'cacheWriteInputTokens', 'cacheWriteInputTokenCount'),
      outputTokens: pick(u, 'outputTokens'),
    });
  }
  // DeepSeek.
  if ('prompt_cache_hit_tokens' in u) {
    return clean({ inputTokens: pick(u, 'prompt_cache_miss_tokens'), cacheReadTokens: pick(u, 'prompt_cache_hit_tokens'), outputTokens: pick(u, 'completion_tokens') });
  }
  // OpenAI Chat (and Mistral, OpenAI-compatible): prompt_tokens includes cached tokens.
  if ('prompt_tokens' in u) {
    const d = isObject(u.prompt_tokens_details) ? u.prompt_tokens_details : {};
    const read = pick(d, 'cached_tokens') ?? 0;
    // LiteLLM reports Anthropic cache writes beside the OpenAI-form fields (prompt_tokens includes them)
    const write = pick(d, 'cache_write_tokens') ?? pick(u, 'cache_creation_input_tokens');
    const prompt = pick(u, 'prompt_tokens');
    return clean({ inputTokens: prompt !== undefined ? prompt - read - (write ?? 0) : undefined, cacheReadTokens: read, cacheWriteTokens: write, outputTokens: pick(u, 'completion_tokens') });
  }
  // OpenAI Responses: input_tokens includes cached and written tokens.
  if (isObject(u.input_tokens_details)) {
    const d = u.input_tokens_details;
    const read = pick(d, 'cached_tokens') ?? 0;
    const write = pick(d, 'cache_write_tokens');
    const input = pick(u, 'input_tokens');
    return clean({ inputTokens: input !== undefined ? input - read - (write ?? 0) : undefined, cacheReadTokens: read, cacheWriteTokens: write, outputTokens: pick(u, 'output_tokens') });
  }
  // Anthropic: input_tokens counts only tokens after the last breakpoint.
  if ('input_tokens' in u || 'output_tokens' in u || 'cache_read_input_tokens' in u || 'cache_creation_input_tokens' in u) {
    const cc = isObject(u.cache_creation) ? u.cache_creation : {};
    return clean({
      inputTokens: pick(u, 'input_tokens'),
      cacheReadTokens: pick(u, 'cache_read_input_tokens'),
      cacheWriteTokens: pick(u, 'cache_creation_input_tokens'),
      cacheWrite5mTokens: pick(cc, 'ephemeral_5m_input_tokens'),
      cacheWrite1hTokens: pick(cc, 'ephemeral_1h_input_tokens'),
      outputTokens: pick(u, 'output_tokens'),
    });
  }
  return undefined;
}

/**
 * OpenRouter's native counts (providers.md §9.4): `native_tokens_prompt_details.cached_tokens` and the
 * other `native_tokens_*` fields are what the upstream provider reported and billed, so where they are
 * present they win over the normalized `prompt_tokens_details.cached_tokens`. The prompt total counts
 * cached tokens, as OpenRouter's normalized `prompt_tokens` does. Undefined when there are none.
 */
function nativeUsage(u: Record<string, unknown>): ReportedUsage | undefined {
  const details = isObject(u.native_tokens_prompt_details) ? u.native_tokens_prompt_details : undefined;
  const read = (details ? pick(details, 'cached_tokens') : undefined) ?? pick(u, 'native_tokens_cached');
  const write = details ? pick(details, 'cache_write_tokens') : undefined;
  const prompt = pick(u, 'native_tokens_prompt');
  const output = pick(u, 'native_tokens_completion');
  if (read === undefined && prompt === undefined) return undefined;
  // fields the native ones leave out come from the normalized usage beside them
  const rest = { ...u };
  for (const k of Object.keys(rest)) if (k.startsWith('native_tokens_')) delete rest[k];
  const base = usageFromObject(rest) ?? {};
  const baseTotal = base.inputTokens !== undefined ? totalInput(base) : undefined;
  const total = prompt ?? baseTotal;
  const r = read ?? base.cacheReadTokens;
  const w = write ?? base.cacheWriteTokens;
  return clean({
    inputTokens: total !== undefined ? total - (r ?? 0) - (w ?? 0) : undefined,
    cacheReadTokens: r,
    cacheWriteTokens: w,
    outputTokens: output ?? base.outputTokens,
  });
}

/** Usage from a whole response body (JSON object): `usage`, `usageMetadata`, or `response.usage`. */
export function usageFromResponse(body: unknown): ReportedUsage | undefined {
  if (!isObject(body)) return undefined;
  // OpenRouter generation records keep the native counts beside `usage`, not inside it
  const native = Object.keys(body).filter((k) => k.startsWith('native_tokens_'));
  if (native.length > 0) {
    const merged: Record<string, unknown> = isObject(body.usage) ? { ...body.usage } : {};
    for (const k of native) merged[k] = body[k];
    const u = usageFromObject(merged);
    if (u) return u;
  }
  return (
    usageFromObject(body.usage) ??
    usageFromObject(body.usageMetadata) ??
    (isObject(body.response) ? usageFromObject(body.response.usage) : undefined) ??
    (isObject(body.message) ? usageFromObject(body.message.usage) : undefined)
  );
}

/** Parses the `data:` payloads of a server-sent-events text (CRLF tolerated), skipping non-JSON ones. */
export function parseSseEvents(text: string): unknown[] {
  const out: unknown[] = [];
  for (const block of text.split(/\r?\n\r?\n/)) {
    const data = block
      .split(/\r?\n/)
      .filter((l) => l.startsWith('data:'))
      .map((l) => l.slice(5).trimStart())
      .join('\n');
    if (!data || data === '[DONE]') continue;
    try {
      out.push(JSON.parse(data));
    } catch {
      // keep-alive comments and partial events carry no usage
    }
  }
  return out;
}

/**
 * Usage from a streamed response: Anthropic puts input/cache counters in `message_start` and final
 * counters in `message_delta`; OpenAI sends usage on the final chunk (stream_options.include_usage);
 * Responses streams end with `response.completed`. Later values win field by field.
 */
export function usageFromSse(events: readonly unknown[]): ReportedUsage | undefined {
  let acc: ReportedUsage | undefined;
  for (const ev of events) {
    if (!isObject(ev)) continue;
    let u: ReportedUsage | undefined;
    if (ev.type === 'message_start' && isObject(ev.message)) u = usageFromObject(ev.message.usage);
    else if (ev.type === 'message_delta') u = usageFromObject(ev.usage);
    else if (isObject(ev.response)) u = usageFromObject(ev.response.usage);
    else u = usageFromObject(ev.usage) ?? usageFromObject(ev.usageMetadata);
    if (u) acc = { ...acc, ...u };
  }
  return acc;
}

/** Usage from flat span attributes (OTel GenAI, OpenInference, Vercel AI SDK). Input there includes cached. */
export function usageFromAttributes(a: Record<string, unknown>): ReportedUsage | undefined {
  const input = pick(a, 'gen_ai.usage.input_tokens', 'gen_ai.usage.prompt_tokens', 'llm.token_count.prompt', 'ai.usage.inputTokens', 'ai.usage.promptTokens');
  const read = pick(
    a,
    'gen_ai.usage.cache_read.input_tokens',
    'gen_ai.usage.cache_read_input_tokens',
    'llm.token_count.prompt_details.cache_read',
    'ai.usage.cachedInputTokens',
    'ai.usage.inputTokenDetails.cacheReadTokens',
  );
  const write = pick(
    a,
    'gen_ai.usage.cache_creation.input_tokens',
    'gen_ai.usage.cache_creation_input_tokens',
    'llm.token_count.prompt_details.cache_write',
    'ai.usage.inputTokenDetails.cacheWriteTokens',
  );
  const output = pick(a, 'gen_ai.usage.output_tokens', 'gen_ai.usage.completion_tokens', 'llm.token_count.completion', 'ai.usage.outputTokens', 'ai.usage.completionTokens');
  return clean({
    inputTokens: input !== undefined ? input - (read ?? 0) - (write ?? 0) : undefined,
    cacheReadTokens: read,
    cacheWriteTokens: write,
    outputTokens: output,
  });
}

function count(v: unknown): number | undefined {
  const n = num(v);
  return n !== undefined ? Math.max(0, n) : undefined;
}

/**
 * The provider's own cache diagnostics in a response body (providers.md §9.2-9.3): Anthropic
 * `diagnostics.cache_miss_reason` (on the message, or on `message_start`'s message when streamed) and
 * OpenAI Responses `prompt_cache_diagnostics` (on the response, or `response.completed`'s response).
 * Undefined when the body has neither.
 */
export function cacheDiagnosticsFrom(body: unknown): ProviderCacheDiagnostics | undefined {
  if (!isObject(body)) return undefined;
  const d = body.diagnostics;
  if (isObject(d) && 'cache_miss_reason' in d) {
    const r = d.cache_miss_reason;
    if (r === null) return { provider: 'anthropic', type: 'none' };
    if (isObject(r)) {
      const out: ProviderCacheDiagnostics = { provider: 'anthropic', type: typeof r.type === 'string' ? r.type : null };
      const missed = count(r.cache_missed_input_tokens);
      if (missed !== undefined) out.missedTokens = missed;
      return out;
    }
  }
  const p = body.prompt_cache_diagnostics;
  if (isObject(p)) {
    const out: ProviderCacheDiagnostics = { provider: 'openai', type: typeof p.type === 'string' ? p.type : null };
    const missed = count(p.cache_missed_tokens);
    if (missed !== undefined) out.missedTokens = missed;
    const reusable = count(p.comparison_reusable_tokens);
    if (reusable !== undefined) out.reusableTokens = reusable;
    if (typeof p.reason === 'string') out.reason = p.reason;
    return out;
  }
  // wrappers: a stored response under `response` / `message` (Batch results, streamed events)
  if (isObject(body.response)) return cacheDiagnosticsFrom(body.response);
  if (isObject(body.message)) return cacheDiagnosticsFrom(body.message);
  return undefined;
}

/** Cache diagnostics in a streamed response: the last event that carries them. */
export function cacheDiagnosticsFromSse(events: readonly unknown[]): ProviderCacheDiagnostics | undefined {
  let out: ProviderCacheDiagnostics | undefined;
  for (const ev of events) out = cacheDiagnosticsFrom(ev) ?? out;
  return out;
}
