// `kvlint/recorder`: wraps an SDK client (@anthropic-ai/sdk, openai, or anything shaped like them) so each
// request body and the usage its response reports are appended to a JSONL file that `kvlint <file>` and
// analyzeLogs() read. By duck typing: no SDK is imported. The wrapped call is never delayed or failed by
// the recording: the body is copied when the call is made, and redacted and written afterwards, in order,
// by a queue whose errors go to `onError` and whose backlog is bounded (records past it are dropped).
import { createHash } from 'node:crypto';
import { appendFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Redactor } from './redact.js';

export interface RecorderOptions {
  /** the JSONL file records are appended to (its folder is created) */
  file: string;
  /** share of calls recorded, 0 to 1 (default 1: every call) */
  sampleRate?: number;
  /**
   * what sampling keeps together: calls with the same key are all recorded or all skipped, so a sampled
   * conversation keeps every turn (e.g. `(body) => body.metadata?.user_id`); default: each call alone
   */
  sampleKey?: (body: Record<string, unknown>) => string | undefined;
  /**
   * replace emails, keys, tokens and phone numbers in the recorded bodies (default true). Each value is
   * replaced by its kind and a short hash (`[REDACTED:email~3f2a9c1b]`), so two requests that differ
   * only in a redacted value still differ in the file, as kvlint needs to see.
   */
  redact?: boolean;
  /** told when a record could not be made or written; never thrown at the caller */
  onError?: (err: unknown) => void;
  /** most bytes waiting to be written before further records are dropped (default 64 MiB) */
  maxPendingBytes?: number;
  /** random numbers in [0, 1) for sampling (default Math.random; for tests) */
  random?: () => number;
}

/** The SDK methods whose first argument is a request body kvlint reads, by the path from the client. */
type Tree = { [key: string]: Tree | true };
const RECORDED: Tree = {
  messages: { create: true },
  beta: { messages: { create: true } },
  chat: { completions: { create: true } },
  responses: { create: true },
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Usage counters from a response or from the events of a streamed one, merged as they arrive. */
function usageOf(event: unknown): Record<string, unknown> | undefined {
  if (!isObject(event)) return undefined;
  if (isObject(event.usage)) return event.usage; // a response; OpenAI's last chunk; Anthropic's message_delta
  if (isObject(event.message) && isObject(event.message.usage)) return event.message.usage; // Anthropic message_start
  if (isObject(event.response) && isObject(event.response.usage)) return event.response.usage; // OpenAI Responses response.completed
  return undefined;
}

function idAndModel(event: unknown): { id?: string; model?: string } {
  const from = isObject(event) ? (isObject(event.message) ? event.message : isObject(event.response) ? event.response : event) : {};
  return {
    ...(typeof from.id === 'string' ? { id: from.id } : {}),
    ...(typeof from.model === 'string' ? { model: from.model } : {}),
  };
}

/** Records the calls of the clients it wraps into one file. */
export class Recorder {
  /** records written, and dropped (sampled out is neither) */
  written = 0;
  dropped = 0;
  private readonly opts: RecorderOptions;
  private readonly redactor: Redactor;
  private queue: Promise<void> = Promise.resolve();
  private pendingBytes = 0;
  private dirMade = false;
  private readonly proxies = new WeakMap<object, unknown>();

  constructor(options: RecorderOptions) {
    if (!options?.file) throw new TypeError('kvlint recorder: options.file (the JSONL file to append to) is required');
    const rate = options.sampleRate ?? 1;
    if (!(rate >= 0 && rate <= 1)) throw new RangeError(`kvlint recorder: sampleRate must be between 0 and 1, got ${String(options.sampleRate)}`);
    this.opts = { ...options, file: path.resolve(options.file) };
    this.redactor = new Redactor(options.redact !== false);
  }

  /**
   * The client, with `messages.create`, `beta.messages.create`, `chat.completions.create` and
   * `responses.create` recorded (whichever it has). Everything else passes through untouched, and a
   * recorded call returns exactly what the client returned.
   */
  wrap<T extends object>(client: T): T {
    return this.proxy(client, RECORDED) as T;
  }

  /** Resolves once every record made so far is written (call it before the process ends). */
  async flush(): Promise<void> {
    await this.queue;
  }

  private proxy(target: object, tree: Tree): unknown {
    const known = this.proxies.get(target);
    if (known) return known;
    const wrapped = new Map<PropertyKey, unknown>();
    const p = new Proxy(target, {
      get: (t, prop) => {
        const v: unknown = Reflect.get(t, prop, t);
        const sub = typeof prop === 'string' && Object.hasOwn(tree, prop) ? tree[prop] : undefined;
        if (sub === undefined || v === null || (typeof v !== 'object' && typeof v !== 'function')) return v;
        if (sub !== true) return this.proxy(v as object, sub);
        if (typeof v !== 'function') return v;
        let w = wrapped.get(prop);
        if (!w) {
          w = this.recorded(v as (...args: unknown[]) => unknown);
          wrapped.set(prop, w);
        }
        return w;
      },
    });
    this.proxies.set(target, p);
    return p;
  }

  private recorded(fn: (...args: unknown[]) => unknown): (...args: unknown[]) => unknown {
    const recorder = this;
    return function recordedCall(this: unknown, ...args: unknown[]): unknown {
      const snapshot = recorder.begin(args[0]);
      const result = Reflect.apply(fn, this, args); // its own exceptions are the caller's, unchanged
      if (snapshot !== undefined) recorder.observe(result, snapshot);
      return result;
    };
  }

  /** The body as JSON, copied now (an agent loop may push onto the same messages array next), when sampled. */
  private begin(body: unknown): { text: string; time: string } | undefined {
    try {
      if (!isObject(body)) return undefined;
      const rate = this.opts.sampleRate ?? 1;
      if (rate < 1) {
        const key = this.opts.sampleKey?.(body);
        const x = key !== undefined ? createHash('sha256').update(String(key)).digest().readUInt32BE(0) / 2 ** 32 : (this.opts.random ?? Math.random)();
        if (x >= rate) return undefined;
      }
      return { text: JSON.stringify(body), time: new Date().toISOString() };
    } catch (err) {
      this.opts.onError?.(err);
      return undefined;
    }
  }

  /** Waits for the response next to the caller, never in its way, and records it with its usage. */
  private observe(result: unknown, snapshot: { text: string; time: string }): void {
    try {
      const onValue = (value: unknown) => this.onResponse(value, snapshot);
      const r = result as { then?: unknown; parse?: unknown } | null;
      if (r && typeof r.then === 'function' && typeof r.parse === 'function') {
        // The SDKs' APIPromise reads the body when someone asks for it (then, withResponse), and never for
        // asResponse(): the recorder waits for the caller's own read instead of starting one.
        const parse = r.parse as (...a: unknown[]) => Promise<unknown>;
        let seen = false;
        Object.defineProperty(r, 'parse', {
          configurable: true,
          writable: true,
          value(this: unknown, ...a: unknown[]) {
            const p = Reflect.apply(parse, this, a) as Promise<unknown>;
            if (!seen) {
              seen = true;
              p.then(onValue, () => undefined); // a failed call is the caller's to see; nothing is recorded
            }
            return p;
          },
        });
      } else if (r && typeof r.then === 'function') (r as Promise<unknown>).then(onValue, () => undefined);
      else onValue(result);
    } catch (err) {
      this.opts.onError?.(err);
    }
  }

  private onResponse(value: unknown, snapshot: { text: string; time: string }): void {
    try {
      const iterate = value !== null && typeof value === 'object' ? (value as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] : undefined;
      if (typeof iterate !== 'function') {
        this.enqueue(snapshot, { ...idAndModel(value), ...(usageOf(value) ? { usage: usageOf(value) } : {}) });
        return;
      }
      // A stream: its events are watched as the caller reads them; the record is written when it ends.
      const recorder = this;
      const original = iterate as (this: unknown) => AsyncIterator<unknown>;
      Object.defineProperty(value, Symbol.asyncIterator, {
        configurable: true,
        writable: true,
        value(this: unknown): AsyncIterator<unknown> {
          const it = Reflect.apply(original, this, []);
          let usage: Record<string, unknown> | undefined;
          let meta: { id?: string; model?: string } = {};
          let finished = false;
          const finish = () => {
            if (finished) return;
            finished = true;
            recorder.enqueue(snapshot, { ...meta, ...(usage ? { usage } : {}) });
          };
          const watch = (event: unknown) => {
            try {
              const u = usageOf(event);
              if (u) usage = { ...usage, ...Object.fromEntries(Object.entries(u).filter(([, v]) => v !== null && v !== undefined)) };
              const m = idAndModel(event);
              if (m.id && !meta.id) meta = { ...meta, id: m.id };
              if (m.model && !meta.model) meta = { ...meta, model: m.model };
            } catch (err) {
              recorder.opts.onError?.(err);
            }
          };
          const wrapped: AsyncIterableIterator<unknown> = {
            async next(...a: [] | [unknown]) {
              try {
                const r = await it.next(...a);
                if (r.done) finish();
                else watch(r.value);
                return r;
              } catch (err) {
                finish();
                throw err;
              }
            },
            async return(v?: unknown) {
              finish();
              return it.return ? it.return(v) : { done: true, value: v };
            },
            async throw(e?: unknown) {
              finish();
              if (it.throw) return it.throw(e);
              throw e;
            },
            [Symbol.asyncIterator]() {
              return wrapped;
            },
          };
          return wrapped;
        },
      });
    } catch (err) {
      this.opts.onError?.(err);
    }
  }

  /** Redacts and writes one record after those before it; drops it when the backlog is full. */
  private enqueue(snapshot: { text: string; time: string }, response: Record<string, unknown>): void {
    const size = snapshot.text.length;
    if (this.pendingBytes + size > (this.opts.maxPendingBytes ?? 64 * 1024 * 1024)) {
      this.dropped++;
      return;
    }
    this.pendingBytes += size;
    this.queue = this.queue.then(async () => {
      try {
        const line = this.line(snapshot, response);
        if (!this.dirMade) {
          await mkdir(path.dirname(this.opts.file), { recursive: true });
          this.dirMade = true;
        }
        await appendFile(this.opts.file, line);
        this.written++;
      } catch (err) {
        this.dropped++;
        this.opts.onError?.(err);
      } finally {
        this.pendingBytes -= size;
      }
    });
  }

  /** One JSONL record in the pair form kvlint reads: `{timestamp, request, response: {id, model, usage}}`. */
  private line(snapshot: { text: string; time: string }, response: Record<string, unknown>): string {
    const mark = (kind: string, v: string) => `[REDACTED:${kind}~${createHash('sha256').update(v).digest('hex').slice(0, 8)}]`;
    const request: unknown = this.redactor.enabled
      ? JSON.parse(snapshot.text, (_k, v: unknown) => (typeof v === 'string' ? this.redactor.redact(v, mark) : v))
      : JSON.parse(snapshot.text);
    return `${JSON.stringify({ timestamp: snapshot.time, request, response })}\n`;
  }
}

/** Creates a recorder; wrap each client with `recorder.wrap(client)`, and `await recorder.flush()` before exit. */
export function createRecorder(options: RecorderOptions): Recorder {
  return new Recorder(options);
}
