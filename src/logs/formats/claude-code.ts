// Claude Code session transcripts (~/.claude/projects/*.jsonl). Each assistant API call is written as
// one line per content block, all sharing a `requestId`: those lines are ONE request (usage kept once).
// The system prompt and tool definitions are not in the file, so the prompt is reconstructed from the
// message history only and marked incomplete; the reported usage is what cache analysis relies on.
import type { Segment } from '../../model.js';
import { asArray, asString, isObject, makeSegment, modelSegment, renderBlocks, stripMarkers } from '../api/common.js';
import { makeRequestRecord, toEpochMs } from '../request.js';
import { cacheDiagnosticsFrom, usageFromObject } from '../usage.js';
import type { AdapterOutput, LogEvent } from '../types.js';

const NOTE = 'Claude Code transcripts do not contain the system prompt or tool definitions: segments hold the message history, and breaks are read from the reported usage';

/** Record types that are transcript bookkeeping, never sent to the model. */
const METADATA_TYPES = new Set(['progress', 'system', 'file-history-snapshot', 'queue-operation', 'summary', 'custom-title', 'tag']);

interface Thread {
  messages: Segment[];
  lastRequestId?: string;
  events: LogEvent[];
}

/** True when a parsed JSONL record looks like a Claude Code transcript line. */
export function isClaudeCodeRecord(v: unknown): boolean {
  if (!isObject(v)) return false;
  const t = asString(v.type);
  if (t === 'file-history-snapshot' || t === 'queue-operation') return true;
  return (t === 'user' || t === 'assistant' || t === 'progress' || t === 'system' || t === 'summary') && ('sessionId' in v || 'parentUuid' in v || 'leafUuid' in v);
}

function eventsIn(text: string, line: number): LogEvent[] {
  const out: LogEvent[] = [];
  const cmd = /<command-name>\/?([\w:-]+)<\/command-name>/.exec(text);
  const name = cmd?.[1];
  if (name === 'mcp') out.push({ kind: 'mcp-reconnect', line, detail: '/mcp (MCP servers reconnected: tool definitions reloaded)' });
  else if (name === 'compact') out.push({ kind: 'compaction', line, detail: '/compact' });
  else if (name === 'clear') out.push({ kind: 'clear', line, detail: '/clear' });
  else if (name === 'model') out.push({ kind: 'model-switch', line, detail: '/model' });
  return out;
}

/** A stateful line adapter for one transcript file. */
export function createClaudeCodeAdapter(file: string): { record(v: unknown, line: number): AdapterOutput[]; end(): AdapterOutput[] } {
  const threads = new Map<string, Thread>();
  const thread = (key: string): Thread => {
    let t = threads.get(key);
    if (!t) {
      t = { messages: [], events: [] };
      threads.set(key, t);
    }
    return t;
  };
  return {
    record(v, line) {
      if (!isObject(v)) return [{ kind: 'bad', line, message: 'record is not an object' }];
      const type = asString(v.type) ?? '';
      if (METADATA_TYPES.has(type)) return [{ kind: 'skip', reason: 'transcript metadata', line }];
      if (type !== 'user' && type !== 'assistant') return [{ kind: 'skip', reason: `record type ${type || 'unknown'}`, line }];
      const session = asString(v.sessionId) ?? 'unknown-session';
      const agent = asString(v.agentId);
      const side = v.isSidechain === true;
      const key = side && agent ? `${session}:agent-${agent}` : session;
      const th = thread(key);
      const msg = isObject(v.message) ? v.message : {};
      const content = msg.content;
      const { value } = stripMarkers(content);
      const rendered = typeof value === 'string' ? { text: value, structured: false } : renderBlocks(asArray(value));
      if (type === 'user') {
        if (v.isCompactSummary === true) {
          th.events.push({ kind: 'compaction', line, detail: 'compaction summary replaced the history' });
          th.messages = [];
        }
        th.events.push(...eventsIn(rendered.text, line));
        if (th.events.some((e) => e.kind === 'clear' && e.line === line)) th.messages = [];
        const i = th.messages.length;
        th.messages.push(makeSegment('messages', 'user', `messages[${i}] user`, rendered.text, rendered.structured ? { value } : {}));
        return [{ kind: 'skip', reason: 'transcript message (part of the next request)', line }];
      }
      // assistant
      const model = asString(msg.model);
      if (model === '<synthetic>') return [{ kind: 'skip', reason: 'synthetic assistant message (no API call)', line }];
      const requestId = asString(v.requestId) ?? asString(msg.id);
      const out: AdapterOutput[] = [];
      if (requestId !== undefined && requestId === th.lastRequestId) {
        const last = th.messages[th.messages.length - 1];
        if (last && last.role === 'assistant') last.text = `${last.text}\n${rendered.text}`;
        out.push({ kind: 'skip', reason: 'same requestId (one request written as several lines)', line });
        return out;
      }
      th.lastRequestId = requestId;
      const ctx: Parameters<typeof makeRequestRecord>[1] = {
        file,
        line,
        format: 'claude-code',
        lineage: side && agent ? ['agent', key] : ['session', key],
        notes: [NOTE],
        promptIncomplete: true,
        events: th.events,
      };
      const time = toEpochMs(v.timestamp);
      if (time !== undefined) ctx.time = time;
      if (requestId) ctx.requestId = requestId;
      const usage = usageFromObject(msg.usage);
      if (usage) ctx.usage = usage;
      const diagnostics = cacheDiagnosticsFrom(msg);
      if (diagnostics) ctx.diagnostics = diagnostics;
      const nb = {
        provider: 'anthropic',
        api: 'anthropic-messages',
        segments: [...modelSegment(model), ...th.messages.map((s) => ({ ...s }))],
        lineageKeys: [],
        notes: [],
        ...(model ? { model } : {}),
      };
      out.push(makeRequestRecord(nb, ctx));
      th.events = [];
      const i = th.messages.length;
      th.messages.push(makeSegment('messages', 'assistant', `messages[${i}] assistant`, rendered.text));
      return out;
    },
    end() {
      threads.clear();
      return [];
    },
  };
}
