// Large logs are analyzed in a worker thread whose V8 heap is capped. The analysis keeps little alive
// (hashes and counts per lineage), but parsing and tokenizing a large log allocate ~13 bytes per input
// byte, and an uncapped heap lets that garbage pile up between collections: the 1 GB agent-log benchmark
// peaked at 340-500 MB RSS on the main thread and ~265 MB in a worker capped as below. A log with much
// live state (the 200 MB unique-text benchmark: 32k one-request lineages) needs room: a 192 MB cap made
// it thrash (31 s vs 13 s), 256 MB costs it ~25%. Should a log need more live memory than the cap, the
// job is run again on the main thread, uncapped.
//
// This module stays light (the job's own modules load in the worker, or on the main thread only for the
// fallback), so the CLI can start the worker before it has even loaded the lint pipeline: see
// prestartLogWorker.
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { LogJob, LogJobResult, LogProgress } from './job.js';
import { openLogJobResult, type CompactLogJobResult } from './job-result.js';
import { ISOLATE_BYTES, READER_THREAD_BYTES } from './thresholds.js';

export { ISOLATE_BYTES };
/** The worker's heap caps, MB: measured on the 1 GB agent log (see the module comment). */
const OLD_GENERATION_MB = 256;
const YOUNG_GENERATION_MB = 16;
/**
 * Results of fewer requests than this are taken as soon as they arrive, while the worker is still ending
 * (its teardown takes ~10 ms): the report they make is a few MB. Larger ones wait for the worker's exit.
 */
const TAKE_AT_ONCE = 20_000;
/** The model whose tokenizer counts log tokens when neither --model nor the config names one. */
export const DEFAULT_LOG_TOKENIZER_MODEL = 'gpt-4o';

function workerUrl(): URL | undefined {
  const here = new URL('./job-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(here))) return here;
  const built = new URL('../../dist/logs/job-worker.js', import.meta.url);
  return existsSync(fileURLToPath(built)) ? built : undefined;
}

/** What job-worker.ts is started with: the model whose tokenizer it loads while it waits for its job. */
export interface JobWorkerData {
  tokenizerModel: string;
  /** files whose reader threads it starts at once (see PrestartedReaders in ./read.ts) */
  readers?: { abs: string; maxLineBytes?: number }[];
}

function startWorker(url: URL, tokenizerModel: string, readers?: JobWorkerData['readers'], oldGenerationMb = OLD_GENERATION_MB): Worker {
  const data: JobWorkerData = { tokenizerModel, ...(readers?.length ? { readers } : {}) };
  return new Worker(url, {
    workerData: data,
    resourceLimits: { maxOldGenerationSizeMb: oldGenerationMb, maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
  });
}

/** What the main thread posts to the worker: the job, and whether anyone shows its progress. */
export interface JobMessage {
  job: LogJob;
  progress: boolean;
}

/**
 * A worker started ahead of its job (prestartLogWorker). The run that asked for it owns it: it hands it
 * to runLogJobIsolated, or ends it with discard() when no log job came.
 */
export class WarmLogWorker {
  /** set once it failed or exited before being used */
  private dead = false;
  private worker: Worker | undefined;

  constructor(worker: Worker) {
    this.worker = worker;
    worker.unref();
    worker.on('error', () => (this.dead = true));
    worker.on('exit', () => (this.dead = true));
  }

  /** The worker, once, when it is still alive; a dead one is ended. */
  take(): Worker | undefined {
    const w = this.worker;
    this.worker = undefined;
    if (w && this.dead) void w.terminate();
    return w && !this.dead ? w : undefined;
  }

  /** Ends the worker when no job took it. */
  discard(): void {
    const w = this.worker;
    this.worker = undefined;
    if (w && !this.dead) void w.terminate();
  }
}

/**
 * Starts the capped worker before its job is known, when a path on the command line is a file of at least
 * ISOLATE_BYTES. The worker starts the reader threads of the named files of at least READER_THREAD_BYTES at once
 * (with `maxLineBytes`, --max-line-size): the job takes them if it reads those files with that limit. Its start-up (thread, the job's modules, the tokenizer data: ~250 ms, a fixed cost that
 * made a 100 MB log cost 14 s/GB against 9 s/GB at 1 GB) then runs on the other core while the main
 * thread loads the lint pipeline, reads the config and finds the inputs. Idle, it never keeps the process
 * alive; the caller passes it to runLogJobIsolated, or discards it. `model`: --model, whose tokenizer it
 * preloads; `minBytes` is for tests.
 */
export function prestartLogWorker(paths: readonly string[], cwd: string, model?: string, minBytes = ISOLATE_BYTES, maxLineBytes?: number): WarmLogWorker | undefined {
  const files: { abs: string; size: number }[] = [];
  for (const p of paths) {
    try {
      const abs = resolve(cwd, p);
      const st = statSync(abs);
      if (st.isFile()) files.push({ abs, size: st.size });
    } catch {
      // a glob, stdin or a missing file: found (and reported) later
    }
  }
  const url = files.some((f) => f.size >= minBytes) ? workerUrl() : undefined;
  if (!url) return undefined;
  const tokenizerModel = model ?? DEFAULT_LOG_TOKENIZER_MODEL;
  const readers = files.filter((f) => f.size >= READER_THREAD_BYTES).map((f) => ({ abs: f.abs, ...(maxLineBytes !== undefined ? { maxLineBytes } : {}) }));
  return new WarmLogWorker(startWorker(url, tokenizerModel, readers));
}

async function runLocally(job: LogJob, onProgress?: LogProgress): Promise<LogJobResult> {
  const { runLogJob } = await import('./job.js');
  return runLogJob(job, onProgress);
}

export interface IsolateOptions {
  onProgress?: LogProgress;
  /** told why the job ran again on this thread, without the cap (it takes longer and more memory) */
  onFallback?: (reason: string) => void;
  /** the worker's heap cap, MB (for tests; default OLD_GENERATION_MB) */
  oldGenerationMb?: number;
  /** results of fewer requests are taken before the worker has ended (for tests; default TAKE_AT_ONCE) */
  takeAtOnce?: number;
  /** a worker prestartLogWorker started for this run: used when alive (and no test cap is asked for) */
  warm?: WarmLogWorker;
}

/** Runs a log job in a capped worker; falls back to the main thread when the worker cannot finish. */
export async function runLogJobIsolated(job: LogJob, opts: IsolateOptions = {}): Promise<LogJobResult> {
  const { onProgress, onFallback } = opts;
  const url = workerUrl();
  if (!url) {
    opts.warm?.discard();
    return runLocally(job, onProgress);
  }
  if (opts.oldGenerationMb !== undefined) opts.warm?.discard();
  const ready = opts.warm?.take();
  const cap = opts.oldGenerationMb ?? OLD_GENERATION_MB;
  try {
    return await new Promise<LogJobResult>((resolve, reject) => {
      const w = ready ?? startWorker(url, job.tokenizerModel, undefined, cap);
      w.ref();
      let result: CompactLogJobResult | undefined;
      let done = false;
      w.on('message', (m: { type: 'progress'; p: Parameters<LogProgress>[0] } | { type: 'result'; result: CompactLogJobResult }) => {
        if (m.type === 'progress') onProgress?.(m.p);
        else if (m.result.timelines.count < (opts.takeAtOnce ?? TAKE_AT_ONCE)) {
          done = true;
          resolve(openLogJobResult(m.result));
        } else result = m.result;
      });
      w.on('error', reject);
      // A large result is taken once the worker has ended and its heap is gone: the report written
      // beside that heap made the two the peak of a many-request run (300,000 requests: ~1 GB).
      w.on('exit', (code) => {
        if (done) return;
        if (code === 0 && result) resolve(openLogJobResult(result));
        else reject(Object.assign(new Error(`log worker exited with code ${code}${code === 0 ? ' and no result' : ''}`), { code: 'ERR_WORKER_EXIT' }));
      });
      const message: JobMessage = { job, progress: onProgress !== undefined };
      w.postMessage(message);
    });
  } catch (err) {
    const code = (err as { code?: string }).code;
    // out of heap (or the worker died): the answer matters more than the memory bound
    if (code !== 'ERR_WORKER_OUT_OF_MEMORY' && code !== 'ERR_WORKER_EXIT') throw err;
    onFallback?.(
      code === 'ERR_WORKER_OUT_OF_MEMORY'
        ? `the log analysis outgrew its worker's ${cap} MB heap (kvlint keeps a few hundred bytes for every request until the report is written), so it ran again without the cap, taking longer and more memory; --shard i/n splits such a run into parts of bounded size, merged by kvlint merge`
        : `the log worker ended early (${(err as Error).message}), so the analysis ran again on the main thread`,
    );
    return runLocally(job, onProgress);
  }
}
