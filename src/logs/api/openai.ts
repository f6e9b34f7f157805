// OpenAI Chat Completions and Responses bodies (and OpenAI-compatible APIs: Mistral, DeepSeek, …) →
// segments in render order: model, prefix-changing settings, tools (injected before developer
// instructions, providers.md §2.2), then instructions/system/developer, then the conversation.
import type { Segment } from '../../model.js';
import {
  asArray,
  asString,
  compactBlobs,
  isObject,
  makeSegment,
  modelSegment,
  renderBlocks,
  settingsSegment,
  stripMarkers,
  toolSegments,
  type NormalizedBody,
} from './common.js';

/**
 * Settings that change the whole prefix (providers.md §2.2: model, tools, parallel_tool_calls,
 * text.format, reasoning.effort, text.verbosity). Where OpenAI renders them is not documented, so they
 * sit right after the model, ahead of tools: a change is reported as a divergence from token 0.
 */
const CHAT_SETTINGS = ['parallel_tool_calls', 'response_format', 'reasoning_effort', 'verbosity'] as const;
const RESPONSES_SETTINGS = ['parallel_tool_calls', 'text.format', 'text.verbosity', 'reasoning.effort'] as const;

/** Text keys of content parts in Chat (`text`) and Responses (`input_text`, `output_text`) shapes. */
const TEXT_KEYS = ['text'] as const;

function lineageKeys(body: Record<string, unknown>): NormalizedBody['lineageKeys'] {
  const keys: NormalizedBody['lineageKeys'] = [];
  const pck = asString(body.prompt_cache_key);
  if (pck) keys.push(['prompt_cache_key', pck]);
  const meta = isObject(body.metadata) ? body.metadata : undefined;
  const mu = meta ? asString(meta.user_id) ?? asString(meta.session_id) : undefined;
  if (mu) keys.push(['metadata.user_id', mu]);
  const user = asString(body.user) ?? asString(body.safety_identifier);
  if (user) keys.push(['user', user]);
  const conv = isObject(body.conversation) ? asString(body.conversation.id) : asString(body.conversation);
  if (conv) keys.push(['conversation', conv]);
  return keys;
}

/** Content of a chat message (string or parts) plus tool calls as the text the model reads. */
function messageText(msg: Record<string, unknown>): { text: string; structured: boolean; value: unknown; marker?: Segment['cacheMarker'] } {
  const { value, marker } = stripMarkers(msg);
  const m = value as Record<string, unknown>;
  let text = '';
  let structured = false;
  if (typeof m.content === 'string') text = m.content;
  else if (Array.isArray(m.content)) {
    const r = renderBlocks(m.content, TEXT_KEYS);
    text = r.text;
    structured = r.structured;
  }
  const extras: Record<string, unknown> = {};
  for (const k of ['tool_calls', 'function_call', 'tool_call_id', 'name']) if (m[k] !== undefined) extras[k] = m[k];
  if (Object.keys(extras).length > 0) {
    text = text ? `${text}\n${JSON.stringify(extras)}` : JSON.stringify(extras);
    structured = true;
  }
  return marker ? { text, structured, value: m, marker } : { text, structured, value: m };
}

/** Normalizes a Chat Completions body. Leading system/developer messages form the system level. */
export function normalizeOpenAiChat(body: Record<string, unknown>, provider = 'openai'): NormalizedBody {
  const model = asString(body.model);
  const segments: Segment[] = [...modelSegment(model), ...settingsSegment('tools', body, CHAT_SETTINGS)];
  segments.push(...toolSegments([...asArray(body.tools), ...asArray(body.functions)]));
  let inSystemRun = true;
  asArray(body.messages).forEach((msg, i) => {
    if (!isObject(msg)) return;
    const role = asString(msg.role) ?? 'user';
    const sys = role === 'system' || role === 'developer';
    if (!sys) inSystemRun = false;
    const level = sys && inSystemRun ? 'system' : 'messages';
    const r = messageText(msg);
    segments.push(
      makeSegment(level, role, `messages[${i}] ${role}`, r.text, { ...(r.marker ? { marker: r.marker } : {}), ...(r.structured ? { value: r.value } : {}) }),
    );
  });
  const out: NormalizedBody = { provider, api: 'openai-chat', segments, lineageKeys: lineageKeys(body), notes: [] };
  if (model) out.model = model;
  return out;
}

/**
 * Normalizes a Responses body: tools, then `instructions`, then `input` items. A `previous_response_id`
 * means the history lives on the server: it becomes a `server-state` segment and the prompt is marked
 * incomplete, since the body alone under-counts the prefix.
 */
export function normalizeOpenAiResponses(body: Record<string, unknown>, provider = 'openai'): NormalizedBody {
  const model = asString(body.model);
  const notes: string[] = [];
  const segments: Segment[] = [...modelSegment(model), ...settingsSegment('tools', body, RESPONSES_SETTINGS)];
  segments.push(...toolSegments(asArray(body.tools)));
  const instructions = body.instructions;
  if (typeof instructions === 'string') segments.push(makeSegment('system', 'system', 'instructions', instructions));
  else if (Array.isArray(instructions)) {
    instructions.forEach((item, i) => {
      if (isObject(item)) {
        const r = messageText(item);
        segments.push(makeSegment('system', asString(item.role) ?? 'developer', `instructions[${i}]`, r.text));
      }
    });
  }
  let promptIncomplete = false;
  const prev = asString(body.previous_response_id);
  if (prev) {
    promptIncomplete = true;
    notes.push('history is held server-side (previous_response_id): the body does not contain the cached prefix');
    segments.push(makeSegment('messages', 'server-state', 'history (previous_response_id)', prev));
  }
  const input = body.input;
  if (typeof input === 'string') segments.push(makeSegment('messages', 'user', 'input', input));
  else {
    asArray(input).forEach((item, i) => {
      if (!isObject(item)) return;
      const type = asString(item.type);
      if (type === 'compaction' || (type === undefined && 'encrypted_content' in item)) {
        notes.push('input starts from a compaction item (encrypted summary of earlier history)');
      }
      const role = asString(item.role) ?? type ?? 'item';
      const r = item.role !== undefined ? messageText(item) : { ...stripMarkers(item), text: JSON.stringify(stripMarkers(item).value, compactBlobs), structured: true };
      const value = 'value' in r ? r.value : undefined;
      segments.push(makeSegment('messages', role, `input[${i}] ${role}`, r.text, r.structured ? { value } : {}));
    });
  }
  const out: NormalizedBody = { provider, api: 'openai-responses', segments, lineageKeys: lineageKeys(body), notes };
  if (model) out.model = model;
  if (promptIncomplete) out.promptIncomplete = true;
  return out;
}
