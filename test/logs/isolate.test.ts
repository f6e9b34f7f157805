// A log job gives the same result in a capped worker as on the main thread.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runLogJobIsolated } from '../../src/logs/isolate.js';
import { runLogJob, type LogJob } from '../../src/logs/job.js';

const built = existsSync(resolve(__dirname, '../../dist/logs/job-worker.js'));
const fx = (name: string) => ({ abs: resolve(__dirname, '../../fixtures/logs', name), rel: `fixtures/logs/${name}` });

describe.skipIf(!built)('isolated log jobs (need npm run build: the worker runs dist/logs/job-worker.js)', () => {
  it('match the main-thread result exactly, progress included', async () => {
    const job: LogJob = { inputs: [fx('litellm-standard-logging.jsonl'), fx('claude-code.jsonl')], tokenizerModel: 'gpt-4o', redact: true };
    const seen: number[] = [];
    const inWorker = await runLogJobIsolated(job, (p) => seen.push(p.requests));
    const inline = await runLogJob(job);
    expect(inWorker).toEqual(inline);
    expect(inline.projection?.targets.length).toBeGreaterThan(0);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
  });
});
