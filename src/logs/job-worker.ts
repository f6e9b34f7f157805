// Worker-thread entry for a log job (see ./isolate.ts). It may start before its job is known: it starts
// the reader threads of the files named on the command line, loads the job's modules and the tokenizer
// data at once, then runs the job the main thread posts, posting progress and the result back.
import { parentPort, workerData } from 'node:worker_threads';
import type { JobWorkerData } from './isolate.js';
import type { LogJob } from './job.js';

const port = parentPort!;
const { tokenizerModel, readers } = workerData as JobWorkerData;
// first, so the readers' start-up overlaps the loading below rather than following the job's start
const read = import('./read.js');
if (readers) void read.then((m) => m.prestartReaders(readers));
const job = import('./job.js');
// loadTokenizer keeps the loaded encoding: the job's own loadTokenizer call finds it ready
const tokenizer = import('../tokenize/index.js').then((m) => m.loadTokenizer(tokenizerModel));
tokenizer.catch(() => undefined); // a failure shows again (and is reported) when the job loads it

port.once('message', async (j: LogJob) => {
  const { runLogJob } = await job;
  const result = await runLogJob(j, (p) => port.postMessage({ type: 'progress', p }));
  // readers the job did not take (not a line log, another line limit) must not keep this thread alive
  (await read).discardPrestartedReaders();
  port.postMessage({ type: 'result', result });
});
