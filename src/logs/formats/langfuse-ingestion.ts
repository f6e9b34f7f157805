// Langfuse ingestion batches, as the SDKs and LiteLLM's Langfuse logger POST them to
// /api/public/ingestion: `{batch: [{id, type, timestamp, body, metadata?}], metadata?}`, one batch per
// JSONL line (a proxy capture) or one pretty-printed document. Each event is an envelope: its `id` and
// `timestamp` identify the delivery (Langfuse dedupes by them) and are never prompt content. What
// matters is the body: `generation-create` (and `observation-create` of type GENERATION) opens an LLM
// call with `input`, `model`, `modelParameters`, `usage`/`usageDetails` and `startTime`;
// `generation-update` events with the same body id fill in usage and output later; `trace-create`
// names the session its generations belong to.
import { asString, isObject } from '../api/common.js';
import type { AdapterOutput } from '../types.js';
import { langfuseObservation } from './observability.js';

const EVENT_TYPES = /^(trace|generation|span|event|observation|score|sdk)-(create|update|log)$|^sdk-log$/;

/** A Langfuse ingestion request body: a `batch` of typed event envelopes. */
export function isLangfuseIngestion(v: unknown): boolean {
  if (!isObject(v) || !Array.isArray(v.batch)) return false;
  const first = v.batch.find(isObject);
  return first !== undefined && typeof first.type === 'string' && EVENT_TYPES.test(first.type) && isObject(first.body);
}

/** Generations held for their updates are emitted past this many, oldest first, so memory stays bounded. */
const MAX_OPEN = 10_000;

interface Open {
  line: number;
  body: Record<string, unknown>;
}

/** A stateful adapter for one file of ingestion batches. */
export function createLangfuseIngestionAdapter(file: string): { record(v: unknown, line: number, eventLines?: number[]): AdapterOutput[]; end(): AdapterOutput[] } {
  const sessions = new Map<string, string>();
  const open = new Map<string, Open>();

  const emitOne = (id: string): AdapterOutput => {
    const g = open.get(id)!;
    open.delete(id);
    const traceId = asString(g.body.traceId);
    const session = asString(g.body.sessionId) ?? (traceId !== undefined ? sessions.get(traceId) : undefined);
    const out = langfuseObservation({ ...g.body, type: 'GENERATION' }, file, g.line, session);
    if (out.kind === 'request') out.request.format = 'langfuse-ingestion';
    return out;
  };

  return {
    record(v, line, eventLines) {
      if (!isObject(v) || !Array.isArray(v.batch)) return [{ kind: 'bad', line, message: 'Langfuse ingestion record has no batch array' }];
      const out: AdapterOutput[] = [];
      v.batch.forEach((ev, i) => {
        const at = eventLines?.[i] ?? line;
        if (!isObject(ev) || typeof ev.type !== 'string') {
          out.push({ kind: 'bad', line: at, message: `Langfuse event ${i} has no type` });
          return;
        }
        const body = isObject(ev.body) ? ev.body : undefined;
        if (!body) {
          out.push({ kind: 'bad', line: at, message: `Langfuse ${ev.type} event ${i} has no body` });
          return;
        }
        const type = ev.type;
        if (type === 'trace-create') {
          const id = asString(body.id);
          const session = asString(body.sessionId);
          if (id && session) sessions.set(id, session);
          out.push({ kind: 'skip', reason: 'Langfuse trace event', line: at });
          return;
        }
        const generation = type === 'generation-create' || type === 'generation-update' || ((type === 'observation-create' || type === 'observation-update') && body.type === 'GENERATION');
        if (!generation) {
          out.push({ kind: 'skip', reason: `Langfuse ${type} event`, line: at });
          return;
        }
        const id = asString(body.id) ?? `${line}:${i}`;
        const g = open.get(id);
        if (g) {
          // an update fills in what the create did not know (usage, output, end time); null never erases
          for (const [k, val] of Object.entries(body)) if (val !== null && val !== undefined) g.body[k] = val;
          out.push({ kind: 'skip', reason: 'Langfuse generation update (merged into its generation)', line: at });
          return;
        }
        open.set(id, { line: at, body: { ...body } });
        if (open.size > MAX_OPEN) out.push(emitOne(open.keys().next().value as string));
      });
      return out;
    },
    end() {
      const out: AdapterOutput[] = [];
      for (const id of [...open.keys()]) out.push(emitOne(id));
      return out;
    },
  };
}
