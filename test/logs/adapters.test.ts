import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeLogs } from '../../src/logs/analyze.js';
import { detectLogFormat } from '../../src/logs/ingest.js';
import { loadRequest, parseRequestSpec } from '../../src/logs/load-request.js';
import { loadTokenizer } from '../../src/tokenize/index.js';

const fx = (name: string): { abs: string; rel: string } => ({ abs: resolve(__dirname, '../../fixtures/logs', name), rel: `fixtures/logs/${name}` });

async function analyze(name: string, opts: { ttlSeconds?: number; blockSizes?: number[] } = {}) {
  const tokenizer = await loadTokenizer();
  return analyzeLogs([fx(name)], { tokenizer, ...opts });
}

describe('format detection from content', () => {
  it.each([
    ['anthropic-bodies.jsonl', 'request-jsonl'],
    ['openai-chat.jsonl.gz', 'request-jsonl'],
    ['malformed.jsonl', 'request-jsonl'],
    ['pairs.json', 'request-response-pairs'],
    ['mixed-apis.jsonl', 'request-jsonl'],
    ['cassette.yaml', 'vcr-yaml'],
    ['claude-code.jsonl', 'claude-code'],
    ['otel-genai.json', 'otel-genai-spans'],
    ['openinference.json', 'openinference-spans'],
    ['vercel-spans.json', 'vercel-ai-spans'],
    ['sharegpt.json', 'sharegpt'],
    ['mtbench.jsonl', 'mtbench'],
    ['bfcl.jsonl', 'bfcl'],
    ['capture.har', 'har'],
    ['response-stream.jsonl', 'response-stream'],
  ])('%s → %s', async (name, format) => {
    const f = fx(name);
    expect(await detectLogFormat(f.abs, f.rel)).toBe(format);
  });
});

describe('format detection when the first records are longer than the head', () => {
  const record = (chars: number): string => JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x'.repeat(chars) }] });
  const detect = async (lines: string[]): Promise<string | undefined> => {
    const dir = mkdtempSync(join(tmpdir(), 'kvlint-sniff-'));
    try {
      writeFileSync(join(dir, 'log.jsonl'), `${lines.join('\n')}\n`);
      return await detectLogFormat(join(dir, 'log.jsonl'), 'log.jsonl');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  it('reads a 200 KB first record whole', async () => {
    expect(await detect([record(200_000), record(10)])).toBe('request-jsonl');
  });

  it('passes over a first record of 5 MB when the next ones are short (without holding it)', async () => {
    expect(await detect([record(5_000_000), record(10), record(10)])).toBe('request-jsonl');
  });

  it('reads the first records again up to the line limit when every one is long', async () => {
    expect(await detect([record(5_000_000), record(5_000_000), record(5_000_000), record(5_000_000)])).toBe('request-jsonl');
  });

  it('finds nothing in a first line of prose', async () => {
    expect(await detect([`{"note": "${'y'.repeat(100_000)}`, 'plain text'])).toBeUndefined();
  });
});

describe('raw request bodies', () => {
  it('orders Anthropic segments tools → system → messages and strips cache_control', async () => {
    const req = await loadRequest(fx('anthropic-bodies.jsonl').abs, 'a.jsonl', 0);
    expect(req.segments.map((s) => s.label)).toEqual(['model', 'tools[0] get_weather', 'tools[1] search', 'system[0]', 'messages[0] user']);
    expect(req.segments[3]?.cacheMarker).toEqual({});
    expect(req.segments.some((s) => s.text.includes('cache_control'))).toBe(false);
    expect(req.lineageSource).toBe('metadata.user_id');
  });

  it('finds append-only growth then a tool reorder (KV201)', async () => {
    const a = await analyze('anthropic-bodies.jsonl');
    const [l] = a.lineages;
    expect(l?.requests.map((r) => r.divergence?.cause)).toEqual([undefined, undefined, 'tool-reorder']);
    expect(l?.requests[2]?.divergence).toMatchObject({ segment: 1, label: 'tools[0] search' });
    expect(l?.requests[2]?.divergence?.tokenOffset).toBeLessThan(5);
    expect(a.diagnostics.map((d) => [d.code, d.line])).toEqual([['KV201', 3]]);
  });

  it('streams a gzip JSONL', async () => {
    const a = await analyze('openai-chat.jsonl.gz');
    expect(a.files[0]).toMatchObject({ format: 'request-jsonl', requests: 2 });
    expect(a.lineages[0]?.lineageSource).toBe('prompt_cache_key');
    expect(a.lineages[0]?.requests[1]?.lostTokens).toBe(0);
  });

  it('reports a malformed middle line and a cut-off last line and analyzes the rest', async () => {
    const a = await analyze('malformed.jsonl');
    expect(a.files[0]?.requests).toBe(2);
    expect(a.files[0]?.skipped['malformed record']).toBe(2);
    expect(a.problems.map((p) => [p.code, p.line])).toEqual([['KVE306', 2], ['KVE306', 4]]);
    expect(a.problems[1]?.message).toMatch(/cut off/);
  });

  it('reports a truncated gzip with the last good line and keeps what came before', async () => {
    const a = await analyze('truncated.jsonl.gz');
    expect(a.files[0]?.requests).toBeGreaterThan(0);
    expect(a.files[0]?.requests).toBeLessThan(200);
    expect(a.problems.some((p) => /truncated/.test(p.message))).toBe(true);
  });

  it('reads {request,response} pairs with usage and flags the TTL gap', async () => {
    const a = await analyze('pairs.json');
    const r = a.lineages[0]?.requests;
    expect(r?.[0]?.usage).toMatchObject({ cacheWriteTokens: 900, cacheReadTokens: 0 });
    expect(r?.[1]?.divergence?.cause).toBe('ttl-gap');
    expect(a.diagnostics[0]?.code).toBe('KV305');
  });

  it('normalizes Gemini, Bedrock Converse and Responses bodies in render order', async () => {
    const tk = await loadTokenizer();
    const reqs = await Promise.all([0, 1, 2].map((i) => loadRequest(fx('mixed-apis.jsonl').abs, 'm.jsonl', i)));
    expect(reqs.map((r) => r.api)).toEqual(['gemini', 'bedrock-converse', 'openai-responses']);
    expect(reqs[0]?.segments.map((s) => s.label)).toEqual(['model', 'tools[0] f', 'systemInstruction', 'contents[0] user']);
    expect(reqs[1]?.segments.map((s) => s.label)).toEqual(['model', 'tools[0] t', 'system[0]', 'settings (toolConfig.toolChoice)', 'messages[0] user']);
    expect(reqs[1]?.segments.filter((s) => s.cacheMarker).length).toBe(3);
    expect(reqs[2]?.segments.map((s) => s.label)).toEqual(['model', 'settings (text.format)', 'instructions', 'input[0] user']);
    expect(tk.count('x')).toBe(1);
  });
});

describe('VCR cassettes', () => {
  it('skips non-LLM traffic, decodes base64+gzip and SSE usage, marks parsed_body key order unknown', async () => {
    const a = await analyze('cassette.yaml');
    const f = a.files[0]!;
    expect(f.requests).toBe(3);
    expect(f.skipped).toEqual({ 'telemetry traffic': 1, 'package-index traffic': 1 });
    const all = a.lineages.flatMap((l) => l.requests);
    const byLine = new Map(all.map((r) => [r.line, r]));
    expect(byLine.get(14)?.usage).toMatchObject({ cacheReadTokens: 1024, inputTokens: 176 });
    expect([...byLine.values()].find((r) => r.usage?.cacheReadTokens === 1165)?.usage?.outputTokens).toBe(12);
    expect(JSON.stringify(a)).not.toContain('sk-secret');
  });
});

describe('Claude Code transcripts', () => {
  it('dedupes requestId lines, splits sidechains, and finds the usage drop after /mcp', async () => {
    const a = await analyze('claude-code.jsonl');
    expect(a.files[0]?.requests).toBe(4);
    const main = a.lineages.find((l) => l.lineage === 's1')!;
    const side = a.lineages.find((l) => l.lineageSource === 'agent')!;
    expect(main.requests.map((r) => r.line)).toEqual([2, 6, 9]);
    expect(side.requests).toHaveLength(1);
    const d = main.requests[2]?.divergence;
    expect(d).toMatchObject({ cause: 'tool-set-change', code: 'KV107', tokenOffset: 8000 });
    expect(main.requests[2]?.lostTokens).toBe(10540 - 8000);
    expect(main.requests[2]?.notes?.[0]).toMatch(/system prompt or tool definitions/);
  });
});

describe('spans, conversations, HAR', () => {
  it('reads OTel GenAI spans with cache-read usage', async () => {
    const a = await analyze('otel-genai.json');
    expect(a.lineages[0]?.requests[0]?.usage).toEqual({ inputTokens: 30, cacheReadTokens: 20, outputTokens: 5 });
  });
  it('reads OpenInference flattened messages', async () => {
    const req = await loadRequest(fx('openinference.json').abs, 'o.json');
    expect(req.segments.map((s) => [s.label, s.text])).toEqual([['model', 'gpt-4o'], ['messages[0] system', 'Sys'], ['messages[1] user', 'Hi']]);
  });
  it('reads Vercel doGenerate spans and skips wrappers and embeddings', async () => {
    const a = await analyze('vercel-spans.json');
    expect(a.files[0]).toMatchObject({ requests: 1, skipped: { 'wrapper span (its doGenerate/doStream child holds the call)': 1, 'embedding span': 1 } });
    expect(a.lineages[0]?.requests[0]?.time).toBe(1770131992005);
  });
  it('expands ShareGPT, MT-Bench and BFCL into cumulative requests per user turn', async () => {
    expect((await analyze('sharegpt.json')).lineages.map((l) => l.requests.length)).toEqual([2, 1]);
    expect((await analyze('mtbench.jsonl')).files[0]?.requests).toBe(2);
    const b = await analyze('bfcl.jsonl');
    expect(b.files[0]?.requests).toBe(2);
    expect(b.diagnostics).toEqual([]);
  });
  it('reads LLM calls out of a HAR capture', async () => {
    const a = await analyze('capture.har');
    expect(a.files[0]).toMatchObject({ format: 'har', requests: 1 });
    expect(a.lineages[0]?.requests[0]?.line).toBe(5);
  });
  it('rejects a response-only stream with a reason', async () => {
    const a = await analyze('response-stream.jsonl');
    expect(a.files[0]?.rejected).toBe('response stream without a request body');
  });
});

describe('block hashes', () => {
  it('reuses blocks inside the shared prefix', async () => {
    const a = await analyze('openai-chat.jsonl.gz', { blockSizes: [4] });
    const [r0, r1] = a.lineages[0]!.requests;
    expect(r0?.hashes.blocks?.['4']?.count).toBeGreaterThan(0);
    expect(r1?.hashes.blocks?.['4']?.reused).toBe(Math.floor((r0?.tokens ?? 0) / 4));
  });
});

describe('request specs', () => {
  it('parses file#N', () => {
    expect(parseRequestSpec('a/b.jsonl#3')).toEqual({ path: 'a/b.jsonl', index: 3 });
    expect(parseRequestSpec('a.json')).toEqual({ path: 'a.json' });
  });
  it('rejects an index past the end', async () => {
    await expect(loadRequest(fx('openai-chat.jsonl.gz').abs, 'o', 5)).rejects.toThrow(/has 2 requests/);
  });
});
