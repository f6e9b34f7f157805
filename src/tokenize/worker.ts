// A tokenizer worker thread: counts the tokens of batches of texts for the pool in ./pool.ts.
// Loads its encoding once, with the library's merge cache off (the pool sends each distinct text once).
import { parentPort, workerData } from 'node:worker_threads';

interface Job {
  id: number;
  texts: string[];
}

const encoding = (workerData as { encoding: 'o200k_base' | 'cl100k_base' }).encoding;
const mod =
  encoding === 'cl100k_base' ? await import('gpt-tokenizer/encoding/cl100k_base') : await import('gpt-tokenizer/encoding/o200k_base');
mod.setMergeCacheSize(0);

parentPort!.on('message', (job: Job) => {
  const counts = job.texts.map((t) => (t.length === 0 ? 0 : mod.countTokens(t)));
  parentPort!.postMessage({ id: job.id, counts });
});
parentPort!.postMessage({ ready: true });
