// A log job gives the same result in a capped worker as on the main thread.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { discardWarmLogWorker, prestartLogWorker, runLogJobIsolated } from '../../src/logs/isolate.js';
import { runLogJob, type LogJob } from '../../src/logs/job.js';

const built = existsSync(resolve(__dirname, '../../dist/logs/job-worker.js'));
/** A result as plain data: its per-request parts are lists that build items when read (src/list.ts). */
const plain = (x: unknown): unknown => JSON.parse(JSON.stringify(x));
const fx = (name: string) => ({ abs: resolve(__dirname, '../../fixtures/logs', name), rel: `fixtures/logs/${name}` });

describe.skipIf(!built)('isolated log jobs (need npm run build: the worker runs dist/logs/job-worker.js)', () => {
  it('match the main-thread result exactly, progress included', async () => {
    const job: LogJob = { inputs: [fx('litellm-standard-logging.jsonl'), fx('claude-code.jsonl')], tokenizerModel: 'gpt-4o', redact: true };
    const seen: number[] = [];
    const inWorker = await runLogJobIsolated(job, { onProgress: (p) => seen.push(p.requests) });
    const inline = await runLogJob(job);
    expect(plain(inWorker)).toEqual(plain(inline));
    expect(inline.projection?.targets.length).toBeGreaterThan(0);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
  });

  it('carry --group-by values across the thread, so groups match the main-thread run', async () => {
    const job: LogJob = { inputs: [{ abs: resolve(__dirname, '../../fixtures/group-by/multi-tenant.jsonl'), rel: 'fixtures/group-by/multi-tenant.jsonl' }, fx('claude-code.jsonl')], tokenizerModel: 'gpt-4o', redact: true, groupBy: ['metadata.tenant', ':file'] };
    const inWorker = await runLogJobIsolated(job);
    expect(plain(inWorker)).toEqual(plain(await runLogJob(job)));
    expect(inWorker.projection!.byGroup!.map((g) => g.groups.length)).toEqual([4, 2]);
  });

  it('give the same result when a large result waits for the worker to end before it is taken', async () => {
    const job: LogJob = { inputs: [fx('litellm-standard-logging.jsonl'), fx('claude-code.jsonl')], tokenizerModel: 'gpt-4o', redact: true, engine: 'vllm' };
    // every result counts as large: taken on the worker's exit, not on its message
    const inWorker = await runLogJobIsolated(job, { takeAtOnce: 0 });
    expect(plain(inWorker)).toEqual(plain(await runLogJob(job)));
    expect(inWorker.analysis.lineages.reduce((n, l) => n + l.requests.length, 0)).toBe(inWorker.analysis.summary.requests);
  });

  it('give the same result in a worker started before its job was known', async () => {
    const job: LogJob = { inputs: [fx('litellm-standard-logging.jsonl'), fx('claude-code.jsonl')], tokenizerModel: 'gpt-4o', redact: true };
    prestartLogWorker([job.inputs[0]!.abs], process.cwd(), 'gpt-4o', 0);
    const inWorker = await runLogJobIsolated(job);
    expect(plain(inWorker)).toEqual(plain(await runLogJob(job)));
  });

  it('run again on this thread, and say why, when the job outgrows the worker heap', async () => {
    const job: LogJob = { inputs: [fx('litellm-standard-logging.jsonl'), fx('claude-code.jsonl')], tokenizerModel: 'gpt-4o', redact: true };
    const notes: string[] = [];
    // a heap far too small for the job's modules and tables: the worker runs out of memory
    const result = await runLogJobIsolated(job, { oldGenerationMb: 2, onFallback: (m) => notes.push(m) });
    expect(plain(result)).toEqual(plain(await runLogJob(job)));
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(/outgrew its worker's 2 MB heap .*--shard i\/n/);
  });

  it('end a prestarted worker no job used, and start none for small files', async () => {
    prestartLogWorker([fx('claude-code.jsonl').abs], process.cwd(), undefined, 0);
    discardWarmLogWorker();
    prestartLogWorker([fx('claude-code.jsonl').abs, 'missing.jsonl', '*.jsonl'], process.cwd());
    discardWarmLogWorker(); // nothing to end
    const job: LogJob = { inputs: [fx('claude-code.jsonl')], tokenizerModel: 'claude-sonnet-4-6', redact: true };
    expect(plain(await runLogJobIsolated(job))).toEqual(plain(await runLogJob(job)));
  });
});
