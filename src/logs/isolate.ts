// Large logs are analyzed in a worker thread whose V8 heap is capped. The analysis keeps little alive
// (hashes and counts per lineage), but parsing and tokenizing a large log allocate ~13 bytes per input
// byte, and an uncapped heap lets that garbage pile up between collections: the 1 GB agent-log benchmark
// peaked at 340-500 MB RSS on the main thread and ~265 MB in a worker capped as below. A log with much
// live state (the 200 MB unique-text benchmark: 32k one-request lineages) needs room: a 192 MB cap made
// it thrash (31 s vs 13 s), 256 MB costs it ~25%. Should a log need more live memory than the cap, the
// job is run again on the main thread, uncapped.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { runLogJob, type LogJob, type LogJobResult, type LogProgress } from './job.js';

/** Logs at least this large (in all) run isolated; smaller ones are not worth a worker's start-up. */
export const ISOLATE_BYTES = 64 * 1024 * 1024;
/** The worker's heap caps, MB: measured on the 1 GB agent log (see the module comment). */
const OLD_GENERATION_MB = 256;
const YOUNG_GENERATION_MB = 16;

function workerUrl(): URL | undefined {
  const here = new URL('./job-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(here))) return here;
  const built = new URL('../../dist/logs/job-worker.js', import.meta.url);
  return existsSync(fileURLToPath(built)) ? built : undefined;
}

/** Runs a log job in a capped worker; falls back to the main thread when the worker cannot finish. */
export async function runLogJobIsolated(job: LogJob, onProgress?: LogProgress): Promise<LogJobResult> {
  const url = workerUrl();
  if (!url) return runLogJob(job, onProgress);
  try {
    return await new Promise<LogJobResult>((resolve, reject) => {
      const w = new Worker(url, {
        workerData: job,
        resourceLimits: { maxOldGenerationSizeMb: OLD_GENERATION_MB, maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
      });
      w.on('message', (m: { type: 'progress'; p: Parameters<LogProgress>[0] } | { type: 'result'; result: LogJobResult }) => {
        if (m.type === 'progress') onProgress?.(m.p);
        else resolve(m.result);
      });
      w.on('error', reject);
      w.on('exit', (code) => {
        if (code !== 0) reject(Object.assign(new Error(`log worker exited with code ${code}`), { code: 'ERR_WORKER_EXIT' }));
      });
    });
  } catch (err) {
    const code = (err as { code?: string }).code;
    // out of heap (or the worker died): the answer matters more than the memory bound
    if (code === 'ERR_WORKER_OUT_OF_MEMORY' || code === 'ERR_WORKER_EXIT') return runLogJob(job, onProgress);
    throw err;
  }
}
