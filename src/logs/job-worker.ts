// Worker-thread entry for a log job (see ./isolate.ts): runs it and posts progress and the result.
import { parentPort, workerData } from 'node:worker_threads';
import { runLogJob, type LogJob } from './job.js';

const port = parentPort!;
const result = await runLogJob(workerData as LogJob, (p) => port.postMessage({ type: 'progress', p }));
port.postMessage({ type: 'result', result });
