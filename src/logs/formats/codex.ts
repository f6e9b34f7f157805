// Codex CLI session rollouts (~/.codex/sessions/YYYY/MM/DD/rollout-<time>-<id>.jsonl). Every line is
// `{timestamp, type, payload}`: `session_meta` (session id, cwd, cli_version, and in some versions the
// instructions), `turn_context` (model, reasoning effort per turn), `response_item` (the Responses API
// items of the conversation: messages, reasoning, function calls and their outputs), `event_msg` (UI
// events, among them `token_count` with the usage of the last model call) and `compacted`.
//
// Codex sends the Responses API the whole history on every model call (tools → instructions → input
// items). A call starts where the model's output items begin after input items; its request is the
// items so far. Its usage is the next `token_count`, which versions write at different places: after
// the call's tool outputs (0.14x), or before the call's final message (0.60). The tool definitions are
// never in the rollout, and the base instructions only in some versions: the prompt is marked
// incomplete and breaks are read from the reported usage, as for Claude Code transcripts.
import type { ReportedUsage } from '../../model.js';
import { asArray, asString, isObject } from '../api/common.js';
import { normalizeOpenAiResponses } from '../api/openai.js';
import { makeRequestRecord, toEpochMs, type RequestContext } from '../request.js';
import type { AdapterOutput, LogEvent } from '../types.js';

/** Record types of the rollout envelope. */
const RECORD_TYPES = new Set(['session_meta', 'response_item', 'turn_context', 'event_msg', 'compacted']);

/** Item types the model produces: the first of a run starts a model call. */
const OUTPUT_ITEMS = new Set(['reasoning', 'function_call', 'custom_tool_call', 'local_shell_call', 'web_search_call', 'image_generation_call', 'tool_search_call']);

/** Items the rollout keeps for the UI that are never sent to the model. */
const LOCAL_ITEMS = new Set(['ghost_snapshot']);

/** True when a parsed JSONL record is a line of a Codex rollout. */
export function isCodexRecord(v: unknown): boolean {
  return isObject(v) && typeof v.type === 'string' && RECORD_TYPES.has(v.type) && isObject(v.payload) && 'timestamp' in v;
}

/** Responses item types a rollout written before the envelope (mid 2025) holds bare, one per line. */
const BARE_ITEMS = new Set(['message', 'function_call_output', 'custom_tool_call_output', ...OUTPUT_ITEMS, ...LOCAL_ITEMS]);

/** A bare Responses item of a rollout written before the envelope. */
function isBareItem(v: Record<string, unknown>): boolean {
  return typeof v.type === 'string' && BARE_ITEMS.has(v.type) && !('payload' in v) && (v.type !== 'message' || Array.isArray(v.content));
}

/**
 * True when the first records are a rollout written before the envelope existed: a bare header
 * `{id, timestamp, instructions?, git?}`, then `{"record_type":"state"}` markers and bare items.
 */
export function isLegacyCodexHead(records: readonly unknown[]): boolean {
  const [head, ...rest] = records;
  if (!isObject(head) || typeof head.id !== 'string' || typeof head.timestamp !== 'string' || 'type' in head) return false;
  if (!('instructions' in head) && !('git' in head) && !('cli_version' in head)) return false;
  return rest.some((r) => isObject(r) && (r.record_type === 'state' || isBareItem(r)));
}

function isOutputItem(item: Record<string, unknown>): boolean {
  const type = asString(item.type);
  if (type === 'message') return item.role === 'assistant';
  return type !== undefined && OUTPUT_ITEMS.has(type);
}

/** `last_token_usage` of a token_count event: OpenAI counts, input including cached (and written) tokens. */
function codexUsage(u: unknown): ReportedUsage | undefined {
  if (!isObject(u)) return undefined;
  const n = (k: string): number | undefined => (typeof u[k] === 'number' && Number.isFinite(u[k]) ? Math.max(0, u[k] as number) : undefined);
  const input = n('input_tokens');
  const read = n('cached_input_tokens');
  const write = n('cache_write_input_tokens');
  const out: ReportedUsage = {};
  if (input !== undefined) out.inputTokens = Math.max(0, input - (read ?? 0) - (write ?? 0));
  if (read !== undefined) out.cacheReadTokens = read;
  if (write !== undefined) out.cacheWriteTokens = write;
  const output = n('output_tokens');
  if (output !== undefined) out.outputTokens = output;
  return Object.keys(out).length > 0 ? out : undefined;
}

/** The latest model call: its request is fixed when it opens; usage and trailing outputs may come later. */
interface Call {
  ctx: RequestContext;
  body: Record<string, unknown>;
  /** one of the call's output items has been seen */
  hasOutput: boolean;
  hasUsage: boolean;
  emitted: boolean;
}

/** A stateful line adapter for one rollout file (one session). */
export function createCodexAdapter(file: string): { record(v: unknown, line: number): AdapterOutput[]; end(): AdapterOutput[] } {
  let session: string | undefined;
  let instructions: string | undefined;
  let baseInstructions = false;
  let model: string | undefined;
  let effort: string | undefined;
  let provider = 'openai';
  let items: unknown[] = [];
  /** an input item came after the latest call's outputs: the next output item opens a new call */
  let inputSince = true;
  let events: LogEvent[] = [];
  let call: Call | undefined;
  /** the cumulative totals of the last token_count: Codex sometimes writes the same count twice */
  let lastTotals: string | undefined;

  const emit = (): AdapterOutput[] => {
    if (!call || call.emitted) return [];
    call.emitted = true;
    return [makeRequestRecord(normalizeOpenAiResponses(call.body, provider), call.ctx)];
  };

  /** Opens a call whose request is the items so far; the one before it is emitted as it stands. */
  const open = (line: number, time: number | undefined): AdapterOutput[] => {
    const out = emit();
    const notes = [
      baseInstructions
        ? 'Codex rollouts do not contain the tool definitions: segments hold the instructions and the conversation items, and breaks are read from the reported usage where the rollout has it'
        : 'Codex rollouts do not contain the tool definitions or (in this version) the base instructions: segments hold the conversation items, and breaks are read from the reported usage where the rollout has it',
    ];
    const ctx: RequestContext = { file, line, format: 'codex-rollout', lineage: ['session', session ?? file], notes, promptIncomplete: true };
    if (time !== undefined) ctx.time = time;
    if (events.length > 0) ctx.events = events;
    events = [];
    const body: Record<string, unknown> = { input: [...items] };
    if (model) body.model = model;
    if (instructions !== undefined) body.instructions = instructions;
    if (effort) body.reasoning = { effort };
    call = { ctx, body, hasOutput: false, hasUsage: false, emitted: false };
    inputSince = false;
    return out;
  };

  return {
    record(raw, line) {
      if (!isObject(raw)) return [{ kind: 'bad', line, message: 'record is not an object' }];
      // a rollout written before the envelope: a bare header, state markers and bare items
      if (raw.record_type === 'state') return [{ kind: 'skip', reason: 'rollout metadata', line }];
      let v: Record<string, unknown> = raw;
      if (line === 1 && typeof raw.id === 'string' && !('type' in raw) && !('payload' in raw)) v = { timestamp: raw.timestamp, type: 'session_meta', payload: raw };
      else if (isBareItem(raw)) v = { timestamp: raw.timestamp, type: 'response_item', payload: raw };
      const type = asString(v.type) ?? '';
      const payload = isObject(v.payload) ? v.payload : undefined;
      if (!RECORD_TYPES.has(type)) return [{ kind: 'skip', reason: `rollout record type ${type || 'unknown'}`, line }];
      if (!payload) return [{ kind: 'bad', line, message: `Codex ${type} record has no payload object` }];
      const time = toEpochMs(v.timestamp);
      switch (type) {
        case 'session_meta': {
          const meta = isObject(payload.meta) ? payload.meta : payload; // forked sessions nest it
          session = asString(meta.id) ?? asString(meta.session_id) ?? session;
          provider = asString(meta.model_provider) ?? provider;
          model = asString(meta.model) ?? model;
          const base = isObject(meta.base_instructions) ? asString(meta.base_instructions.text) : asString(meta.base_instructions);
          if (base !== undefined) {
            instructions = base;
            baseInstructions = true;
          } else if (typeof meta.instructions === 'string') instructions = meta.instructions;
          return [{ kind: 'skip', reason: 'rollout metadata', line }];
        }
        case 'turn_context': {
          const m = asString(payload.model);
          if (m && model && m !== model) events.push({ kind: 'model-switch', line, detail: `model ${model} → ${m}` });
          model = m ?? model;
          effort = asString(payload.effort) ?? (isObject(payload.reasoning) ? asString(payload.reasoning.effort) : undefined) ?? effort;
          return [{ kind: 'skip', reason: 'rollout metadata', line }];
        }
        case 'event_msg': {
          if (payload.type !== 'token_count') return [{ kind: 'skip', reason: 'UI event (not sent to the model)', line }];
          const skip: AdapterOutput = { kind: 'skip', reason: 'token count (usage of a model call)', line };
          const info = isObject(payload.info) ? payload.info : undefined;
          const usage = info ? codexUsage(info.last_token_usage) : undefined;
          if (!info || !usage) return [skip];
          const totals = JSON.stringify(info.total_token_usage ?? null);
          if (totals !== 'null' && totals === lastTotals) return [skip];
          lastTotals = totals;
          // A count belongs to the latest call when that has none yet (its tool outputs may already be
          // logged). Otherwise the call it counts logs its output items after the count (Codex 0.60
          // writes the final message after it): it opens here, on the items so far.
          const out: AdapterOutput[] = [];
          if (!call || call.hasUsage || !call.hasOutput) out.push(...open(line, time));
          call!.hasUsage = true;
          call!.ctx.usage = usage;
          out.push(...emit(), skip);
          return out;
        }
        case 'compacted': {
          // the history is replaced by a summary (or by the replacement history Codex kept)
          const replacement = asArray(payload.replacement_history);
          const message = asString(payload.message);
          items = replacement.length > 0 ? [...replacement] : message !== undefined ? [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: message }] }] : [];
          events.push({ kind: 'compaction', line, detail: 'compaction replaced the history with a summary' });
          inputSince = true;
          return [...emit(), { kind: 'skip', reason: 'compaction record', line }];
        }
        default: {
          // response_item
          const itemType = asString(payload.type);
          if (itemType !== undefined && LOCAL_ITEMS.has(itemType)) return [{ kind: 'skip', reason: `${itemType} item (not sent to the model)`, line }];
          const out: AdapterOutput[] = [];
          if (isOutputItem(payload)) {
            if (inputSince || !call) out.push(...open(line, time));
            call!.hasOutput = true;
          } else inputSince = true;
          items.push(payload);
          out.push({ kind: 'skip', reason: 'conversation item (part of the next request)', line });
          return out;
        }
      }
    },
    end() {
      const out = emit();
      items = [];
      return out;
    },
  };
}
