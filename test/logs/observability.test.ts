// LiteLLM StandardLoggingPayload and Langfuse observation exports, on fixtures shaped after their
// documented schemas.
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeLogs } from '../../src/logs/analyze.js';
import { detectLogFormat } from '../../src/logs/ingest.js';
import { loadTokenizer, type Tokenizer } from '../../src/tokenize/index.js';

const fx = (name: string) => ({ abs: resolve(__dirname, '../../fixtures/logs', name), rel: `fixtures/logs/${name}` });

describe('LiteLLM and Langfuse exports', () => {
  let tokenizer: Tokenizer;
  beforeAll(async () => {
    tokenizer = await loadTokenizer('claude-sonnet-4-5');
  });

  it('detects each from content', async () => {
    for (const [name, format] of [
      ['litellm-standard-logging.jsonl', 'litellm'],
      ['langfuse-trace.json', 'langfuse'],
      ['langfuse-observations.jsonl', 'langfuse'],
    ] as const) {
      const f = fx(name);
      expect(await detectLogFormat(f.abs, f.rel), name).toBe(format);
    }
  });

  it('LiteLLM: one lineage per session, usage with cache writes, a timestamp break, embeddings skipped', async () => {
    const a = await analyzeLogs([fx('litellm-standard-logging.jsonl')], { tokenizer });
    expect(a.files[0]).toMatchObject({ format: 'litellm', requests: 3, skipped: { 'LiteLLM aembedding call': 1 } });
    const l = a.lineages[0]!;
    expect(l.lineage).toBe('ticket-4812');
    expect(l.provider).toBe('anthropic');
    expect(l.requests[0]!.usage).toEqual({ inputTokens: 50, cacheReadTokens: 0, cacheWriteTokens: 2050, outputTokens: 20 });
    expect(l.requests[1]!.usage).toMatchObject({ inputTokens: 30, cacheReadTokens: 2050, cacheWriteTokens: 60 });
    expect(l.requests[1]!.divergence).toBeUndefined();
    expect(l.requests[2]!.divergence).toMatchObject({ cause: 'timestamp', code: 'KV101' });
    expect(a.diagnostics.map((d) => [d.code, d.line])).toEqual([['KV101', 3]]);
  });

  it('Langfuse: generations only, in time order, with the session as lineage and cached tokens read', async () => {
    for (const name of ['langfuse-trace.json', 'langfuse-observations.jsonl']) {
      const a = await analyzeLogs([fx(name)], { tokenizer });
      expect(a.files[0]?.requests, name).toBe(2);
      expect(a.files[0]?.skipped, name).toEqual({ 'Langfuse span observation': 1 });
      const l = a.lineages[0]!;
      expect(l.lineage, name).toBe(name.endsWith('.json') ? 'sess-9' : 'trace-77');
      expect(l.requests.map((r) => r.usage?.cacheReadTokens), name).toEqual([0, 1280]);
      expect(l.requests[1]!.usage?.inputTokens, name).toBe(220); // 1500 reported, of which 1280 cached
      expect(l.requests[1]!.divergence, name).toBeUndefined(); // the conversation only grew
    }
  });
});
