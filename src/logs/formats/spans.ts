// Tracing spans: OpenTelemetry GenAI (`gen_ai.*`, messages as a JSON string), OpenInference (messages
// flattened into `llm.input_messages.N.message.*` keys) and Vercel AI SDK (`ai.prompt.messages`,
// `ai.usage.*`). Spans are flat attribute maps, alone, in arrays, or under `attributes`.
import { asArray, asString, isObject } from '../api/common.js';
import { normalizeOpenAiChat } from '../api/openai.js';
import { arrayElementLines } from '../json-positions.js';
import { makeRequestRecord, toEpochMs } from '../request.js';
import { cacheDiagnosticsFrom, usageFromAttributes, usageFromResponse } from '../usage.js';
import type { AdapterOutput, LogFormat } from '../types.js';

function parseJson(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v);
  } catch {
    return undefined;
  }
}

/** OTel GenAI parts → chat content parts the chat normalizer renders. */
function genaiMessage(m: unknown): Record<string, unknown> | undefined {
  if (!isObject(m)) return undefined;
  const parts = asArray(m.parts).map((p) => (isObject(p) && p.type === 'text' && typeof p.content === 'string' ? { type: 'text', text: p.content } : p));
  return { role: asString(m.role) ?? 'user', content: parts.length > 0 ? parts : m.content ?? '' };
}

/** Rebuilds OpenInference's flattened `llm.input_messages.N.message.*` keys into messages. */
function openinferenceMessages(a: Record<string, unknown>): Array<Record<string, unknown>> {
  const msgs: Array<Record<string, unknown>> = [];
  const re = /^llm\.input_messages\.(\d+)\.message\.(.+)$/;
  for (const [k, v] of Object.entries(a)) {
    const m = re.exec(k);
    if (!m) continue;
    const i = Number(m[1]);
    const rest = m[2]!;
    const msg = (msgs[i] ??= { role: 'user', content: [] as unknown[] });
    if (rest === 'role') msg.role = v;
    else if (rest === 'content') msg.content = v;
    else {
      const c = /^contents\.(\d+)\.message_content\.(\w+)$/.exec(rest);
      const t = /^tool_calls\.(\d+)\.tool_call\.(.+)$/.exec(rest);
      if (c && Array.isArray(msg.content)) {
        const part = ((msg.content as Array<Record<string, unknown>>)[Number(c[1])] ??= {});
        part[c[2]!] = v;
      } else if (t) {
        const calls = (msg.tool_calls ??= []) as Array<Record<string, unknown>>;
        const call = (calls[Number(t[1])] ??= {});
        call[t[2]!] = v;
      } else msg[rest] = v;
    }
  }
  return msgs.filter((m) => m !== undefined);
}

function openinferenceTools(a: Record<string, unknown>): unknown[] {
  const tools: unknown[] = [];
  for (const [k, v] of Object.entries(a)) {
    const m = /^llm\.tools\.(\d+)\.tool\.json_schema$/.exec(k);
    if (m) tools[Number(m[1])] = parseJson(v);
  }
  return tools.filter((t) => t !== undefined);
}

/** Which span dialect an attribute map speaks, if any. */
export function spanDialect(a: Record<string, unknown>): LogFormat | undefined {
  if (Object.keys(a).some((k) => k.startsWith('ai.'))) return 'vercel-ai-spans';
  if ('openinference.span.kind' in a || Object.keys(a).some((k) => k.startsWith('llm.input_messages.'))) return 'openinference-spans';
  if (Object.keys(a).some((k) => k.startsWith('gen_ai.'))) return 'otel-genai-spans';
  return undefined;
}

function spanToRecord(span: Record<string, unknown>, file: string, line: number): AdapterOutput {
  const a = isObject(span.attributes) ? span.attributes : span;
  const dialect = spanDialect(a);
  if (!dialect) return { kind: 'skip', reason: 'span without LLM attributes', line };
  let messages: Array<Record<string, unknown>> = [];
  let tools: unknown[] = [];
  let model: string | undefined;
  let provider: string | undefined;
  if (dialect === 'vercel-ai-spans') {
    const op = asString(a['ai.operationId']) ?? asString(span.name) ?? '';
    if (/embed/.test(op)) return { kind: 'skip', reason: 'embedding span', line };
    if (!('ai.prompt.messages' in a)) return { kind: 'skip', reason: 'wrapper span (its doGenerate/doStream child holds the call)', line };
    messages = asArray(parseJson(a['ai.prompt.messages'])).filter(isObject);
    tools = asArray(a['ai.prompt.tools']).map(parseJson);
    model = asString(a['ai.model.id']) ?? asString(a['gen_ai.request.model']);
    provider = asString(a['ai.model.provider'])?.split('.')[0];
  } else if (dialect === 'openinference-spans') {
    if (asString(a['openinference.span.kind']) && a['openinference.span.kind'] !== 'LLM') return { kind: 'skip', reason: 'non-LLM span', line };
    messages = openinferenceMessages(a);
    tools = openinferenceTools(a);
    const params = parseJson(a['llm.invocation_parameters']);
    model = asString(a['llm.model_name']) ?? (isObject(params) ? asString(params.model) : undefined);
    provider = asString(a['llm.provider']) ?? asString(a['llm.system']);
  } else {
    const op = asString(a['gen_ai.operation.name']);
    if (op && !/chat|generate|text_completion|invoke_agent/.test(op)) return { kind: 'skip', reason: `gen_ai operation ${op}`, line };
    const sys = parseJson(a['gen_ai.system_instructions']);
    const sysParts = asArray(sys).map((p) => (isObject(p) && typeof p.content === 'string' ? p.content : JSON.stringify(p)));
    if (sysParts.length > 0) messages.push({ role: 'system', content: sysParts.join('\n') });
    for (const m of asArray(parseJson(a['gen_ai.input.messages']))) {
      const gm = genaiMessage(m);
      if (gm) messages.push(gm);
    }
    tools = asArray(parseJson(a['gen_ai.tool.definitions']));
    model = asString(a['gen_ai.request.model']);
    provider = asString(a['gen_ai.provider.name']) ?? asString(a['gen_ai.system']);
  }
  if (messages.length === 0) return { kind: 'skip', reason: 'span without input messages', line };
  const body: Record<string, unknown> = { messages };
  if (model) body.model = model;
  if (tools.length > 0) body.tools = tools;
  const nb = normalizeOpenAiChat(body, provider ?? 'unknown');
  nb.api = dialect;
  const ctx: Parameters<typeof makeRequestRecord>[1] = { file, line, format: dialect };
  // OpenInference keeps the provider's response body as JSON text in `output.value`: its usage (with
  // OpenRouter's native counts) and cache diagnostics are the provider's own words
  const output = a['output.mime_type'] === 'application/json' || typeof a['output.value'] === 'string' ? parseJson(a['output.value']) : undefined;
  const usage = usageFromAttributes(a) ?? usageFromResponse(output);
  if (usage) ctx.usage = usage;
  const diagnostics = cacheDiagnosticsFrom(output);
  if (diagnostics) ctx.diagnostics = diagnostics;
  const time = toEpochMs(span.startTime) ?? toEpochMs(a['ai.response.timestamp']);
  if (time !== undefined) ctx.time = time;
  const session = asString(a['session.id']) ?? asString(a['gen_ai.conversation.id']) ?? asString(a['ai.telemetry.metadata.sessionId']);
  if (session) ctx.lineage = ['session', session];
  return makeRequestRecord(nb, ctx);
}

/** Parses a JSON document of spans: one attribute map, an array of spans, or `{spans:[…]}`. */
export function parseSpans(text: string, file: string): AdapterOutput[] {
  let js: unknown;
  try {
    js = JSON.parse(text);
  } catch (e) {
    return [{ kind: 'bad', line: 1, message: `JSON error: ${(e as Error).message}` }];
  }
  if (Array.isArray(js)) {
    const lines = arrayElementLines(text);
    return js.map((s, i) => (isObject(s) ? spanToRecord(s, file, lines[i] ?? 1) : { kind: 'bad', line: lines[i] ?? 1, message: 'span is not an object' }));
  }
  if (isObject(js) && Array.isArray(js.spans)) {
    const lines = arrayElementLines(text, 'spans');
    return js.spans.map((s, i) => (isObject(s) ? spanToRecord(s, file, lines[i] ?? 1) : { kind: 'bad', line: lines[i] ?? 1, message: 'span is not an object' }));
  }
  if (isObject(js)) return [spanToRecord(js, file, 1)];
  return [{ kind: 'bad', line: 1, message: 'not a span document' }];
}
