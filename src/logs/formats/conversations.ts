// Conversation datasets expanded into one cumulative request per user turn: ShareGPT
// (`{conversations:[{from,value}]}`, arrays or single objects), MT-Bench (`turns`), BFCL (`question`).
// Each conversation is its own lineage; assistant answers missing from the file are noted.
import type { Segment } from '../../model.js';
import { asArray, asString, isObject, makeSegment } from '../api/common.js';
import { makeRequestRecord } from '../request.js';
import type { AdapterOutput } from '../types.js';

const ROLE: Record<string, string> = { human: 'user', user: 'user', gpt: 'assistant', assistant: 'assistant', chatgpt: 'assistant', bing: 'assistant', bard: 'assistant', model: 'assistant', system: 'system', tool: 'tool', function_response: 'tool' };

function requestsFromTurns(
  turns: Array<{ role: string; text: string }>,
  ctx: { file: string; line: number; format: string; lineage: string; notes?: string[] },
): AdapterOutput[] {
  const out: AdapterOutput[] = [];
  const segs: Segment[] = [];
  let inSystem = true;
  turns.forEach((t, i) => {
    if (t.role !== 'system') inSystem = false;
    const level = t.role === 'system' && inSystem ? 'system' : 'messages';
    segs.push(makeSegment(level, t.role, `messages[${i}] ${t.role}`, t.text));
    if (t.role === 'user') {
      out.push(
        makeRequestRecord(
          { provider: 'unknown', api: 'chat-messages', segments: segs.slice(), lineageKeys: [], notes: ctx.notes ?? [] },
          { file: ctx.file, line: ctx.line, format: ctx.format, lineage: ['conversation', ctx.lineage] },
        ),
      );
    }
  });
  return out;
}

/** One ShareGPT record (`{id?, conversations:[…]}`) → cumulative requests. */
export function sharegptRecord(v: unknown, file: string, line: number, ordinal: number): AdapterOutput[] {
  if (!isObject(v) || !Array.isArray(v.conversations)) return [{ kind: 'bad', line, message: 'ShareGPT record without a conversations array' }];
  const turns: Array<{ role: string; text: string }> = [];
  const sys = asString(v.system);
  if (sys) turns.push({ role: 'system', text: sys });
  for (const t of v.conversations) {
    if (!isObject(t)) continue;
    const from = (asString(t.from) ?? asString(t.role) ?? 'user').toLowerCase();
    turns.push({ role: ROLE[from] ?? from, text: asString(t.value) ?? asString(t.content) ?? '' });
  }
  const id = asString(v.id) ?? (typeof v.id === 'number' ? String(v.id) : undefined);
  const out = requestsFromTurns(turns, { file, line, format: 'sharegpt', lineage: id ?? `${file}#${ordinal}` });
  return out.length > 0 ? out : [{ kind: 'skip', reason: 'conversation without a user turn', line }];
}

/** One MT-Bench question (`{question_id, turns:[…]}`): only user turns are in the file. */
export function mtbenchRecord(v: unknown, file: string, line: number): AdapterOutput[] {
  if (!isObject(v) || !Array.isArray(v.turns)) return [{ kind: 'bad', line, message: 'MT-Bench record without turns' }];
  const turns = v.turns.filter((t): t is string => typeof t === 'string').map((text) => ({ role: 'user', text }));
  return requestsFromTurns(turns, {
    file,
    line,
    format: 'mtbench',
    lineage: `question ${String(v.question_id ?? line)}`,
    notes: ['assistant answers between turns are not in the file: later turns are under-counted'],
  });
}

/** One BFCL record (`{id, question:[[messages], …]}`): each inner list is one turn. */
export function bfclRecord(v: unknown, file: string, line: number): AdapterOutput[] {
  if (!isObject(v) || !Array.isArray(v.question)) return [{ kind: 'bad', line, message: 'BFCL record without question' }];
  const turns: Array<{ role: string; text: string }> = [];
  for (const turn of v.question) {
    for (const m of asArray(turn)) {
      if (isObject(m)) turns.push({ role: asString(m.role) ?? 'user', text: asString(m.content) ?? JSON.stringify(m.content) });
    }
  }
  return requestsFromTurns(turns, {
    file,
    line,
    format: 'bfcl',
    lineage: asString(v.id) ?? `${file}#${line}`,
    notes: ['assistant answers between turns are not in the file: later turns are under-counted'],
  });
}
