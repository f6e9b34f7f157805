// The real binary on the newer log formats: Codex rollouts, Batch API files (paired by custom_id),
// Langfuse ingestion batches, provider diagnostics in the json report, and KVE305 lines that explain.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kvlint } from '../helpers/cli.js';

interface Report {
  problems: Array<{ code: string; file: string; line?: number; message: string }>;
  files: Array<{ file: string; diagnostics: Array<{ code: string; line: number }> }>;
  logs: {
    files: Array<{ file: string; format?: string; requests: number; skipped: Record<string, number>; notes?: string[] }>;
    lineages: Array<{ lineage: string; lineageSource: string; requests: Array<{ line: number; usage?: Record<string, number>; providerDiagnostics?: unknown; divergence?: { cause: string } }> }>;
  };
  projection?: { assumptions: string[]; agreement: { compared: number } };
}

const json = (args: string[]): { report: Report; code: number | null } => {
  const r = kvlint([...args, '-f', 'json']);
  expect(r.stderr).toBe('');
  return { report: JSON.parse(r.stdout) as Report, code: r.code };
};

describe('kvlint on more request-log formats', () => {
  it('a Codex rollout: the session as lineage, the cache drop read from usage', () => {
    const r = kvlint(['fixtures/logs/codex-rollout.jsonl']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/lineage 0199a6f2-5c1e-7d30-9b1a-2f4c8e6d1a77 \(session, openai, 2026-03-02\)/);
    expect(r.stdout).toMatch(/cache read fell from 5504 to 1024 tokens/);
    const { report } = json(['fixtures/logs/codex-rollout.jsonl']);
    expect(report.logs.files[0]).toMatchObject({ format: 'codex-rollout', requests: 4 });
    expect(report.projection?.agreement.compared).toBe(0); // the prompt is not all in the rollout: priced from usage
  });

  it('an OpenAI Batch input with its output: paired usage, diagnostics in the report, the batch-rate note', () => {
    const { report, code } = json(['fixtures/logs/openai-batch-input.jsonl', 'fixtures/logs/openai-batch-output.jsonl']);
    expect(code).toBe(1); // the injected date is a certain break: the provider's diagnostics confirm the miss
    expect(report.problems).toEqual([]);
    expect(report.logs.files.map((f) => [f.format, f.requests])).toEqual([
      ['openai-batch', 3],
      ['openai-batch-output', 0],
    ]);
    expect(report.logs.files[1]!.skipped).toEqual({ 'batch result (read with its request, paired by custom_id)': 4, 'batch result whose custom_id is in no input file': 1 });
    const reqs = report.logs.lineages[0]!.requests;
    expect(reqs.map((q) => q.usage?.cacheReadTokens)).toEqual([0, 1792, 0]);
    expect(reqs[2]!.providerDiagnostics).toMatchObject({ provider: 'openai', type: 'cache_miss', missedTokens: 1860 });
    expect(report.files.flatMap((f) => f.diagnostics.map((d) => [d.code, d.line]))).toEqual([['KV101', 4]]);
    expect(report.projection?.assumptions.join('\n')).toMatch(/gpt-5.6-luna was sent through a Batch API/);
  });

  it('a batch output alone is refused with what to add', () => {
    const r = kvlint(['fixtures/logs/openai-batch-output.jsonl']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/KVE305 .*batch results hold the provider's responses only, not the prompts: pass the batch input file with it/);
  });

  it('Anthropic Message Batches requests with results, and a Langfuse ingestion document', () => {
    const a = json(['fixtures/logs/anthropic-batch-requests.jsonl', 'fixtures/logs/anthropic-batch-results.jsonl']).report;
    expect(a.logs.files[0]!.notes?.join('\n')).toMatch(/paired 3 of 3 requests/);
    // a system block appended after the shared, cached one: another request's content, not a break
    expect(a.logs.lineages[0]!.requests[1]!.divergence?.cause).toBe('branch');
    expect(a.projection?.assumptions.join('\n')).toMatch(/billed at 0\.5 × the standard prices \(price table defaults\.anthropic\.batch_multiplier\)/);
    const l = json(['fixtures/logs/langfuse-ingestion.json']).report;
    expect(l.logs.lineages[0]).toMatchObject({ lineage: 'sess-42', lineageSource: 'session' });
    expect(l.files.flatMap((f) => f.diagnostics.map((d) => [d.code, d.line]))).toEqual([['KV101', 130]]);
  });

  describe('unknown JSON files', () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(path.join(tmpdir(), 'kvlint-sniff-'));
      writeFileSync(path.join(dir, 'trace.json'), '{"id":"t1","name":"chat","sessionId":"s","timestamp":"2026-01-01T00:00:00Z"}\n');
      writeFileSync(path.join(dir, 'rollout.jsonl'), '{"timestamp":"x","type":"response_item","item":{}}\n{"timestamp":"y","type":"event_msg"}\n');
      writeFileSync(path.join(dir, 'other.jsonl'), '{"foo":1}\n{"foo":2}\n');
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('name the closest format and the field it missed, or say plainly they are unknown', () => {
      const r = kvlint(['trace.json', 'rollout.jsonl', 'other.jsonl'], { cwd: dir });
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/trace\.json {2}KVE305 {2}unknown format: looks like a Langfuse export but has no `observations`/);
      expect(r.stdout).toMatch(/rollout\.jsonl {2}KVE305 {2}unknown format: looks like a Codex CLI rollout but has no `payload`/);
      expect(r.stdout).toMatch(/other\.jsonl {2}KVE305 {2}unknown format: not a prompt template, tool definition file or request log/);
    });
  });
});
