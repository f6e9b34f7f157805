// Codex CLI rollouts, Batch API files (OpenAI and Anthropic, paired by custom_id), Langfuse ingestion
// batches, provider cache diagnostics, OpenRouter native counts and self-explaining sniffing, on
// fixtures written from each format's documentation.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path, { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeLogs } from '../../src/logs/analyze.js';
import { detectLogFormat, ingestLog } from '../../src/logs/ingest.js';
import { explainUnrecognized } from '../../src/logs/sniff.js';
import { cacheDiagnosticsFrom, cacheDiagnosticsFromSse, usageFromResponse } from '../../src/logs/usage.js';
import type { AdapterOutput, LogFormat, RequestRecord } from '../../src/logs/types.js';
import { loadTokenizer, type Tokenizer } from '../../src/tokenize/index.js';

const fx = (name: string) => ({ abs: resolve(__dirname, '../../fixtures/logs', name), rel: `fixtures/logs/${name}` });

async function records(name: string, format: LogFormat, siblings: string[] = []): Promise<AdapterOutput[]> {
  const f = fx(name);
  const out: AdapterOutput[] = [];
  for await (const o of ingestLog(f.abs, f.rel, format, { siblings: [f, ...siblings.map(fx)] })) out.push(o);
  return out;
}
const requests = (outs: AdapterOutput[]): RequestRecord[] => outs.filter((o): o is RequestRecord => o.kind === 'request');

describe('more request-log formats', () => {
  let tokenizer: Tokenizer;
  beforeAll(async () => {
    tokenizer = await loadTokenizer('gpt-4o');
  });

  it('detects each from content', async () => {
    for (const [name, format] of [
      ['codex-rollout.jsonl', 'codex-rollout'],
      ['codex-rollout-legacy.jsonl', 'codex-rollout'],
      ['openai-batch-input.jsonl', 'openai-batch'],
      ['openai-batch-output.jsonl', 'openai-batch-output'],
      ['anthropic-batch-requests.jsonl', 'anthropic-batch'],
      ['anthropic-batch-results.jsonl', 'anthropic-batch-results'],
      ['langfuse-ingestion.jsonl', 'langfuse-ingestion'],
      ['langfuse-ingestion.json', 'langfuse-ingestion'],
    ] as const) {
      const f = fx(name);
      expect(await detectLogFormat(f.abs, f.rel), name).toBe(format);
    }
  });

  it('Codex: one request per model call, in Responses render order, with its own token_count', async () => {
    const recs = requests(await records('codex-rollout.jsonl', 'codex-rollout'));
    expect(recs.map((r) => r.request.line)).toEqual([8, 13, 21, 24]);
    const [first, second] = recs;
    expect(first!.promptIncomplete).toBe(true);
    expect(first!.notes?.[0]).toMatch(/do not contain the tool definitions or \(in this version\) the base instructions/);
    expect(first!.request).toMatchObject({ provider: 'openai', api: 'openai-responses', model: 'gpt-5-codex', lineage: '0199a6f2-5c1e-7d30-9b1a-2f4c8e6d1a77', lineageSource: 'session' });
    // model, reasoning effort, then the three user items before the first call; the ghost snapshot is not sent
    expect(first!.request.segments.map((s) => s.role)).toEqual(['model', 'settings', 'user', 'user', 'user']);
    expect(second!.request.segments.map((s) => s.role)).toEqual(['model', 'settings', 'user', 'user', 'user', 'reasoning', 'function_call', 'function_call_output']);
    // input_tokens include cached ones (OpenAI); the count written twice is used once
    expect(recs.map((r) => r.request.usage)).toEqual([
      { inputTokens: 5210, cacheReadTokens: 0, outputTokens: 142 },
      { inputTokens: 412, cacheReadTokens: 5120, outputTokens: 96 },
      { inputTokens: 157, cacheReadTokens: 5504, outputTokens: 40 },
      { inputTokens: 4766, cacheReadTokens: 1024, outputTokens: 12 },
    ]);
    // event ids of the envelope, UI events and encrypted reasoning never reach a segment as prompt text
    expect(recs[3]!.request.segments.some((s) => s.text.includes('agent_reasoning') || s.text.includes('rate_limits'))).toBe(false);
  });

  it('Codex: usage is matched to its call whichever side of the call’s items the count is written', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kvlint-codex-'));
    try {
      const line = (ts: string, type: string, payload: unknown) => JSON.stringify({ timestamp: `2026-05-01T10:00:${ts}Z`, type, payload });
      const count = (ts: string, total: number, input: number, cached: number) =>
        line(ts, 'event_msg', { type: 'token_count', info: { total_token_usage: { input_tokens: total, cached_input_tokens: cached, output_tokens: 5 }, last_token_usage: { input_tokens: input, cached_input_tokens: cached, output_tokens: 5 } } });
      const user = (ts: string, text: string) => line(ts, 'response_item', { type: 'message', role: 'user', content: [{ type: 'input_text', text }] });
      const said = (ts: string, text: string) => line(ts, 'response_item', { type: 'message', role: 'assistant', content: [{ type: 'output_text', text }] });
      const rollout = [
        line('00', 'session_meta', { id: 's-order', session_id: 's-order', cwd: '/r', cli_version: '0.142.5', base_instructions: { text: 'You are Codex.' } }),
        line('01', 'turn_context', { model: 'gpt-5.5', effort: 'high' }),
        user('02', 'add a Dockerfile'),
        // 0.14x: the tool ran while the response streamed; the count (written twice) comes after its output
        line('03', 'response_item', { type: 'function_call', name: 'exec_command', arguments: '{"cmd":"ls"}', call_id: 'c1' }),
        line('04', 'response_item', { type: 'function_call_output', call_id: 'c1', output: 'main.py' }),
        count('05', 2000, 2000, 0),
        count('06', 2000, 2000, 0),
        // 0.60: the count comes before the call's final message
        line('07', 'event_msg', { type: 'agent_message', message: 'Done.' }),
        count('08', 4100, 2100, 1920),
        said('09', 'Done.'),
        user('10', 'thanks'),
        count('11', 6250, 2150, 2048),
        said('12', 'You are welcome.'),
      ].join('\n');
      writeFileSync(path.join(dir, 'rollout.jsonl'), `${rollout}\n`);
      const out: AdapterOutput[] = [];
      for await (const o of ingestLog(path.join(dir, 'rollout.jsonl'), 'rollout.jsonl', 'codex-rollout')) out.push(o);
      const recs = requests(out);
      expect(recs.map((r) => [r.request.line, r.request.usage?.cacheReadTokens, r.request.usage?.inputTokens])).toEqual([
        [4, 0, 2000],
        [9, 1920, 180],
        [12, 2048, 102],
      ]);
      // the base instructions are in this version's rollout: they sit at the system level
      expect(recs[0]!.request.segments.map((s) => s.label)).toEqual(['model', 'settings (reasoning.effort)', 'instructions', 'input[0] user']);
      expect(recs[0]!.notes?.[0]).toMatch(/do not contain the tool definitions: segments hold the instructions/);
      expect(recs[2]!.request.segments.at(-1)!.text).toBe('thanks');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('Codex rollouts written before the envelope (bare header, state markers, bare items) are read too', async () => {
    const recs = requests(await records('codex-rollout-legacy.jsonl', 'codex-rollout'));
    expect(recs.map((r) => r.request.line)).toEqual([6, 10, 12, 14]);
    expect(recs[0]!.request.lineage).toBe('5f0c9a7e-3b21-4c55-9d0e-61a2b7c4e901');
    expect(recs[0]!.request.segments.map((s) => s.label)).toEqual(['instructions', 'input[0] user', 'input[1] user']);
    expect(recs[3]!.request.segments.at(-1)).toMatchObject({ role: 'function_call_output' });
    expect(recs.every((r) => r.request.usage === undefined && r.promptIncomplete)).toBe(true);
  });

  it('Codex end to end: a session lineage, the shrunken cache read found from usage', async () => {
    const a = await analyzeLogs([fx('codex-rollout.jsonl')], { tokenizer });
    expect(a.lineages).toHaveLength(1);
    const l = a.lineages[0]!;
    expect(l.requests.map((r) => [r.tokens, r.reusedTokens, r.lostTokens])).toEqual([
      [5210, 0, 0],
      [5532, 5120, 0],
      [5661, 5504, 0],
      [5790, 1024, 4480],
    ]);
    expect(l.requests[3]!.divergence?.note).toMatch(/reported usage/);
  });

  it('OpenAI Batch: inputs paired with outputs by custom_id, embeddings skipped, results file refused alone', async () => {
    const alone = requests(await records('openai-batch-input.jsonl', 'openai-batch'));
    expect(alone.map((r) => r.request.requestId)).toEqual(['ticket-1', 'ticket-2', 'ticket-3']);
    expect(alone.every((r) => r.request.usage === undefined)).toBe(true);

    const outs = await records('openai-batch-input.jsonl', 'openai-batch', ['openai-batch-output.jsonl']);
    expect(outs.filter((o) => o.kind === 'skip').map((o) => (o as { reason: string }).reason)).toEqual(['batch /v1/embeddings (not a generation call)']);
    const paired = requests(outs);
    expect(paired.map((r) => r.request.usage)).toEqual([
      { inputTokens: 76, cacheReadTokens: 0, cacheWriteTokens: 1792, outputTokens: 58 },
      { inputTokens: 80, cacheReadTokens: 1792, cacheWriteTokens: 0, outputTokens: 61 },
      { inputTokens: 93, cacheReadTokens: 0, cacheWriteTokens: 1792, outputTokens: 70 },
    ]);
    expect(paired[2]!.request.diagnostics).toEqual({ provider: 'openai', type: 'cache_miss', missedTokens: 1860, reason: 'input changed', reusableTokens: 12 });
    expect(paired[1]!.responseId).toBe('resp_ticket-2');

    const results = await records('openai-batch-output.jsonl', 'openai-batch-output', ['openai-batch-input.jsonl']);
    const reasons = results.map((o) => (o.kind === 'skip' ? o.reason : o.kind));
    expect(reasons.filter((r) => r.startsWith('batch result (read with'))).toHaveLength(4);
    expect(reasons.filter((r) => r === 'batch result whose custom_id is in no input file')).toHaveLength(1);
    await expect(records('openai-batch-output.jsonl', 'openai-batch-output')).rejects.toThrow(/pass the batch input file with it/);
  });

  it('Anthropic Message Batches end to end: a shared system prefix, results by custom_id, an errored result noted', async () => {
    const a = await analyzeLogs([fx('anthropic-batch-requests.jsonl'), fx('anthropic-batch-results.jsonl')], { tokenizer });
    expect(a.files.map((f) => [f.format, f.requests])).toEqual([
      ['anthropic-batch', 3],
      ['anthropic-batch-results', 0],
    ]);
    expect(a.files[0]!.notes?.join('\n')).toMatch(/paired 3 of 3 requests .* 1 did not succeed/);
    expect(a.files[0]!.notes?.join('\n')).toMatch(/best effort, and file order is not arrival order/);
    expect(a.files[1]!.skipped).toEqual({ 'batch result (read with its request, paired by custom_id)': 3 });
    const l = a.lineages[0]!;
    expect(l.requests).toHaveLength(3);
    // the second request appends a system block after the shared, cached one: not a break
    expect(l.requests[1]!.divergence).toMatchObject({ cause: 'branch', label: 'system[1]' });
    expect(l.requests[1]!.usage).toMatchObject({ cacheReadTokens: 2010 });
    expect(l.requests[2]!.notes).toEqual(['batch result errored: Overloaded (fixtures/logs/anthropic-batch-results.jsonl)']);
    const recs = requests(await records('anthropic-batch-requests.jsonl', 'anthropic-batch', ['anthropic-batch-results.jsonl']));
    expect(recs[1]!.request.diagnostics).toEqual({ provider: 'anthropic', type: 'previous_message_not_found' });
  });

  it('Langfuse ingestion: generations merged with their updates; envelope ids and timestamps are not prompt', async () => {
    for (const name of ['langfuse-ingestion.jsonl', 'langfuse-ingestion.json']) {
      const a = await analyzeLogs([fx(name)], { tokenizer });
      expect(a.files[0], name).toMatchObject({ format: 'langfuse-ingestion', requests: 3 });
      expect(a.files[0]!.skipped['Langfuse generation update (merged into its generation)'], name).toBe(1);
      const l = a.lineages[0]!;
      expect(l.lineage, name).toBe('sess-42'); // from the trace-create event
      expect(l.requests.map((r) => r.usage?.cacheReadTokens), name).toEqual([0, 1280, 0]);
      expect(l.requests[0]!.usage?.outputTokens, name).toBe(180); // only in the update
      expect(l.requests[1]!.divergence, name).toBeUndefined();
      expect(l.requests[2]!.divergence, name).toMatchObject({ cause: 'timestamp', code: 'KV101' });
    }
    const recs = requests(await records('langfuse-ingestion.jsonl', 'langfuse-ingestion'));
    for (const r of recs) for (const s of r.request.segments) expect(s.text).not.toMatch(/4d3c2b1a|2026-01-02T09:00:0/);
  });

  it('provider cache diagnostics and OpenRouter native counts from logged response bodies', async () => {
    const recs = requests(await records('diagnostics-pairs.jsonl', 'request-response-pairs'));
    expect(recs.map((r) => r.request.diagnostics)).toEqual([
      { provider: 'anthropic', type: 'none' },
      { provider: 'anthropic', type: 'system_changed', missedTokens: 1490 },
      { provider: 'openai', type: 'cache_miss', missedTokens: 1400, reason: 'The tools changed.', reusableTokens: 0 },
      undefined,
    ]);
    // OpenRouter: the native counts are what the upstream billed, read before the normalized ones
    expect(recs[3]!.request.usage).toEqual({ inputTokens: 30, cacheReadTokens: 1500, outputTokens: 3 });
    const a = await analyzeLogs([fx('diagnostics-pairs.jsonl')], { tokenizer });
    const diagA = a.lineages.find((l) => l.lineage === 'diag-a')!;
    expect(diagA.requests[1]!.divergence).toMatchObject({ cause: 'system-edit' });
    // carried to the report's per-request data, beside kvlint's own cause
    expect(diagA.requests[1]!.providerDiagnostics).toEqual({ provider: 'anthropic', type: 'system_changed', missedTokens: 1490 });
  });

  it('diagnostics: streamed, inconclusive, and wrapped forms', () => {
    expect(cacheDiagnosticsFromSse([{ type: 'message_start', message: { id: 'm', diagnostics: { cache_miss_reason: { type: 'messages_changed', cache_missed_input_tokens: 300 } } } }, { type: 'message_stop' }])).toEqual({
      provider: 'anthropic',
      type: 'messages_changed',
      missedTokens: 300,
    });
    expect(cacheDiagnosticsFrom({ diagnostics: { cache_miss_reason: { type: null } } })).toEqual({ provider: 'anthropic', type: null });
    expect(cacheDiagnosticsFromSse([{ type: 'response.completed', response: { prompt_cache_diagnostics: { type: 'unavailable' } } }])).toEqual({ provider: 'openai', type: 'unavailable' });
    expect(cacheDiagnosticsFrom({ usage: { input_tokens: 3 } })).toBeUndefined();
    // normalized counts alone still work; native fields inside usage are read too
    expect(usageFromResponse({ usage: { prompt_tokens: 100, prompt_tokens_details: { cached_tokens: 64 }, completion_tokens: 1 } })).toEqual({ inputTokens: 36, cacheReadTokens: 64, outputTokens: 1 });
    expect(usageFromResponse({ usage: { prompt_tokens: 100, prompt_tokens_details: { cached_tokens: 0 }, native_tokens_prompt_details: { cached_tokens: 80 } } })).toEqual({ inputTokens: 20, cacheReadTokens: 80 });
  });

  it('Gemini usage: cached tokens are inside the prompt count, thinking is output', () => {
    // the second call of pydantic-ai's Gemini 2.5 Flash cassette (corpus logs/pai_gemini_implicit_cache.yaml)
    const usageMetadata = { promptTokenCount: 373, cachedContentTokenCount: 204, candidatesTokenCount: 89, thoughtsTokenCount: 167, totalTokenCount: 629 };
    expect(usageFromResponse({ usageMetadata })).toEqual({ inputTokens: 169, cacheReadTokens: 204, outputTokens: 256 });
    expect(usageFromResponse({ usageMetadata: { promptTokenCount: 10, candidatesTokenCount: 4 } })).toEqual({ inputTokens: 10, cacheReadTokens: 0, outputTokens: 4 });
  });

  it('an unrecognized JSON file names the closest format and the field it lacks', () => {
    const cases: Array<[string, RegExp]> = [
      ['{"id":"t1","name":"chat","sessionId":"s","timestamp":"2026-01-01T00:00:00Z"}', /looks like a Langfuse export but has no `observations`/],
      ['{"timestamp":"x","type":"response_item","item":{}}\n', /looks like a Codex CLI rollout but has no `payload`/],
      ['{"custom_id":"a","method":"POST","url":"/v1/chat/completions"}\n', /OpenAI Batch input line but has no `body` object/],
      ['{"custom_id":"a","params":null}\n', /Anthropic Message Batches request but has no `params` object/],
      ['{"batch":[{"id":"e1","timestamp":"t"}]}', /Langfuse ingestion batch but has no `type` on its events/],
      ['{"model":"gpt-4o","prompt":"hi"}', /provider request body but has no `messages`, `input` or `contents`/],
      ['{"batch":[{"id":"e1","type":"log-entry","body":{}}]}', /Langfuse ingestion batch but its events are of no known type \(log-entry;/],
    ];
    for (const [text, want] of cases) expect(explainUnrecognized(text), text).toMatch(want);
    expect(explainUnrecognized('{"foo":1}\n{"foo":2}\n')).toBeUndefined();
    expect(explainUnrecognized('not json')).toBeUndefined();
  });
});
