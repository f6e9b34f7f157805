// Worker-thread entry for a log job (see ./isolate.ts). It may start before its job is known: it starts
// the reader threads of the files named on the command line, loads the job's modules and the tokenizer
// data at once, then runs the job the main thread posts, posting progress and the result back.
import { parentPort, workerData } from 'node:worker_threads';
import { ownedBuffers } from '../columns.js';
import type { JobMessage, JobWorkerData } from './isolate.js';
import type { LogProgress } from './job.js';

const port = parentPort!;
const { tokenizerModel, readers } = workerData as JobWorkerData;
// first, so the readers' start-up overlaps the loading below rather than following the job's start
const read = import('./read.js');
const started = read.then((m) => (readers ? new m.PrestartedReaders(readers) : undefined));
const job = import('./job.js');
// loadTokenizer keeps the loaded encoding: the job's own loadTokenizer call finds it ready
const tokenizer = import('../tokenize/index.js').then((m) => m.loadTokenizer(tokenizerModel));
tokenizer.catch(() => undefined); // a failure shows again (and is reported) when the job loads it

/** Progress is posted at most this often (ms): the bar redraws every 100 ms, and a post per request cost ~6% of a run. */
const PROGRESS_POST_MS = 50;

port.once('message', async ({ job: j, progress }: JobMessage) => {
  const { runLogJobCompact } = await job;
  let last = -Infinity;
  const onProgress: LogProgress = (p) => {
    const now = performance.now();
    if (now - last < PROGRESS_POST_MS) return;
    last = now;
    port.postMessage({ type: 'progress', p });
  };
  // timelines and projection rows cross as columns; the main thread reads them as lists (job-result.ts)
  const pool = await started;
  const result = await runLogJobCompact(j, progress ? onProgress : undefined, pool);
  // readers the job did not take (not a line log, another line limit) must not keep this thread alive
  pool?.discard();
  // the columns' buffers are moved, not copied: a copy of each on both sides of the post was the peak of a
  // run over many requests (this thread ends next, so nothing here reads them again)
  port.postMessage({ type: 'result', result }, ownedBuffers(result));
  // ends this thread now (the message is already on its way): the main thread takes a large result
  // only after this exit, once this heap is gone
  process.exit(0);
});
