// Worker-thread entry for a log job (see ./isolate.ts). It may start before its job is known: it loads
// the job's modules and the tokenizer data at once, then runs the job the main thread posts, posting
// progress and the result back.
import { parentPort, workerData } from 'node:worker_threads';
import type { JobWorkerData } from './isolate.js';
import type { LogJob } from './job.js';

const port = parentPort!;
const { tokenizerModel } = workerData as JobWorkerData;
const job = import('./job.js');
// loadTokenizer keeps the loaded encoding: the job's own loadTokenizer call finds it ready
const tokenizer = import('../tokenize/index.js').then((m) => m.loadTokenizer(tokenizerModel));
tokenizer.catch(() => undefined); // a failure shows again (and is reported) when the job loads it

port.once('message', async (j: LogJob) => {
  const { runLogJob } = await job;
  const result = await runLogJob(j, (p) => port.postMessage({ type: 'progress', p }));
  port.postMessage({ type: 'result', result });
});
