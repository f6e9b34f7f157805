// A tokenizer worker thread: counts the tokens of batches of texts for the pool in ./pool.ts.
// Loads its encoding once and counts exactly as the main thread does (./bpe.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { loadBpeCounter } from './bpe.js';

interface Job {
  id: number;
  texts: string[];
}

const encoding = (workerData as { encoding: 'o200k_base' | 'cl100k_base' }).encoding;
const count = await loadBpeCounter(encoding);

parentPort!.on('message', (job: Job) => {
  const counts = job.texts.map((t) => (t.length === 0 ? 0 : count(t)));
  parentPort!.postMessage({ id: job.id, counts });
});
parentPort!.postMessage({ ready: true });
