// Tokenization on every core. Tokenizing is ~40x slower than reading and parsing a log, so when a log
// holds a lot of text never seen before, counting it in worker threads is what keeps the run near the
// read-and-parse floor. Starting workers costs ~0.2-0.3 s (thread start + tokenizer load), so callers
// use the pool only once enough unique text has been met; counts are identical to the main thread's.
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { EncodingName } from './index.js';

/** Texts are sent in batches of about this many characters, so both workers stay busy to the end. */
const BATCH_CHARS = 256 * 1024;

/** The compiled worker; from src/ (under vitest) the built one in dist/ is used. */
function workerUrl(): URL {
  const here = new URL('./worker.js', import.meta.url);
  if (existsSync(fileURLToPath(here))) return here;
  return new URL('../../dist/tokenize/worker.js', import.meta.url);
}

interface Pending {
  resolve: (counts: number[]) => void;
  reject: (err: Error) => void;
}

/** A fixed set of worker threads counting tokens of one encoding. */
export class TokenizerPool {
  private readonly workers: Worker[] = [];
  private readonly ready: Promise<void>[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private next = 0;

  constructor(
    readonly encoding: EncodingName,
    readonly size: number = Math.max(1, availableParallelism()),
  ) {
    for (let i = 0; i < size; i++) {
      const w = new Worker(workerUrl(), { workerData: { encoding } });
      // a worker must never keep the process alive on its own (Ctrl-C, errors elsewhere)
      w.unref();
      this.ready.push(
        new Promise((resolve, reject) => {
          const onMessage = (m: { ready?: boolean; id?: number; counts?: number[] }) => {
            if (m.ready) return resolve();
            const p = m.id !== undefined ? this.pending.get(m.id) : undefined;
            if (p && m.counts) {
              this.pending.delete(m.id!);
              p.resolve(m.counts);
            }
          };
          w.on('message', onMessage);
          w.on('error', (err) => {
            reject(err);
            for (const p of this.pending.values()) p.reject(err);
            this.pending.clear();
          });
        }),
      );
      this.workers.push(w);
    }
  }

  /** Token counts of `texts`, in order. */
  async countMany(texts: readonly string[]): Promise<number[]> {
    await Promise.all(this.ready);
    const jobs: Promise<number[]>[] = [];
    const starts: number[] = [];
    let batch: string[] = [];
    let chars = 0;
    let start = 0;
    const send = () => {
      if (batch.length === 0) return;
      const id = this.nextId++;
      const w = this.workers[this.next++ % this.workers.length]!;
      w.ref(); // keep the process alive while work is outstanding
      jobs.push(
        new Promise<number[]>((resolve, reject) => this.pending.set(id, { resolve, reject })).finally(() => {
          if (this.pending.size === 0) for (const x of this.workers) x.unref();
        }),
      );
      starts.push(start);
      w.postMessage({ id, texts: batch });
      start += batch.length;
      batch = [];
      chars = 0;
    };
    for (const t of texts) {
      batch.push(t);
      chars += t.length;
      if (chars >= BATCH_CHARS) send();
    }
    send();
    const out = new Array<number>(texts.length);
    const results = await Promise.all(jobs);
    results.forEach((counts, j) => counts.forEach((n, k) => (out[starts[j]! + k] = n)));
    return out;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
