// kvlint/recorder against the real SDK clients (@anthropic-ai/sdk, openai), pointed at a local server on
// 127.0.0.1 that answers like the APIs (JSON and server-sent events, with usage): each call's body and
// usage land in a JSONL file that kvlint then reads end to end. No network.
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeLogs } from '../../src/index.js';
import { createRecorder } from '../../src/recorder.js';

const repoRoot = path.resolve(__dirname, '../..');
const POLICY = 'Answer briefly and cite the policy you used. '.repeat(150);

/** A provider's cache, roughly: a system prompt seen before is read from cache, a new one is written. */
function usageFor(system: string, seen: Set<string>): { cached: number; written: number; fresh: number } {
  const tokens = Math.ceil(system.length / 4);
  const hit = seen.has(system);
  seen.add(system);
  return { cached: hit ? tokens : 0, written: hit ? 0 : tokens, fresh: 12 };
}

function sse(res: ServerResponse, events: Array<{ event?: string; data: unknown }>, done = false): void {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  for (const e of events) res.write(`${e.event ? `event: ${e.event}\n` : ''}data: ${JSON.stringify(e.data)}\n\n`);
  if (done) res.write('data: [DONE]\n\n');
  res.end();
}

function answer(req: IncomingMessage, res: ServerResponse, body: Record<string, unknown>, seen: Set<string>): void {
  const url = req.url ?? '';
  if (body.model === 'fail') {
    res.writeHead(500, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ type: 'error', error: { type: 'api_error', message: 'boom' } }));
    return;
  }
  if (url === '/v1/messages') {
    const system = typeof body.system === 'string' ? body.system : JSON.stringify(body.system ?? '');
    const u = usageFor(system, seen);
    const usage = { input_tokens: u.fresh, cache_creation_input_tokens: u.written, cache_read_input_tokens: u.cached, output_tokens: 3 };
    const message = { id: `msg_${seen.size}`, type: 'message', role: 'assistant', model: body.model, content: [{ type: 'text', text: 'ok' }], stop_reason: 'end_turn', stop_sequence: null, usage };
    if (!body.stream) {
      res.writeHead(200, { 'content-type': 'application/json', 'request-id': 'req_1' });
      res.end(JSON.stringify(message));
      return;
    }
    sse(res, [
      { event: 'message_start', data: { type: 'message_start', message: { ...message, content: [], stop_reason: null, usage: { ...usage, output_tokens: 1 } } } },
      { event: 'content_block_start', data: { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } } },
      { event: 'content_block_delta', data: { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'ok' } } },
      { event: 'content_block_stop', data: { type: 'content_block_stop', index: 0 } },
      { event: 'message_delta', data: { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 3 } } },
      { event: 'message_stop', data: { type: 'message_stop' } },
    ]);
    return;
  }
  if (url === '/v1/chat/completions') {
    const messages = body.messages as Array<{ role: string; content: string }>;
    const u = usageFor(messages.filter((m) => m.role === 'system').map((m) => m.content).join('\n'), seen);
    const usage = { prompt_tokens: u.fresh + u.cached + u.written, completion_tokens: 3, total_tokens: u.fresh + u.cached + u.written + 3, prompt_tokens_details: { cached_tokens: u.cached } };
    const base = { id: `chatcmpl-${seen.size}`, created: 1767225600, model: body.model };
    if (!body.stream) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ...base, object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }], usage }));
      return;
    }
    const chunk = { ...base, object: 'chat.completion.chunk' };
    sse(
      res,
      [
        { data: { ...chunk, choices: [{ index: 0, delta: { role: 'assistant', content: 'ok' }, finish_reason: null }] } },
        { data: { ...chunk, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] } },
        { data: { ...chunk, choices: [], usage } },
      ],
      true,
    );
    return;
  }
  if (url === '/v1/responses') {
    const u = usageFor(String(body.instructions ?? ''), seen);
    const usage = { input_tokens: u.fresh + u.cached, input_tokens_details: { cached_tokens: u.cached }, output_tokens: 3, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: u.fresh + u.cached + 3 };
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ id: `resp_${seen.size}`, object: 'response', created_at: 1767225600, status: 'completed', model: body.model, output: [], usage }));
    return;
  }
  res.writeHead(404).end();
}

let server: Server;
let base: string;
let dir: string;
const seen = new Set<string>();

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'kvlint-recorder-'));
  server = createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString('utf8')));
    req.on('end', () => answer(req, res, JSON.parse(text || '{}') as Record<string, unknown>, seen));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

const anthropicClient = () => new Anthropic({ apiKey: 'sk-ant-test-not-a-key', baseURL: base, maxRetries: 0 });
const openaiClient = () => new OpenAI({ apiKey: 'sk-test-not-a-key', baseURL: `${base}/v1`, maxRetries: 0 });
const records = (file: string) =>
  readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { timestamp: string; request: Record<string, unknown>; response: { id?: string; model?: string; usage?: Record<string, number> } });

const ask = (user: string, time = '2026-03-05') => ({
  model: 'claude-sonnet-4-5',
  max_tokens: 64,
  metadata: { user_id: user },
  system: [{ type: 'text' as const, text: `Today is ${time}.\n${POLICY}`, cache_control: { type: 'ephemeral' as const } }],
  messages: [{ role: 'user' as const, content: `I am ${user}. Where is my order?` }],
});

describe('recorder', () => {
  it('records Anthropic calls (plain, withResponse, streamed, the stream helper) with their usage, and kvlint reads the file', async () => {
    const file = path.join(dir, 'anthropic', 'calls.jsonl');
    const recorder = createRecorder({ file });
    const client = recorder.wrap(anthropicClient());
    const first = await client.messages.create(ask('alice@example.com'));
    expect(first.content[0]).toEqual({ type: 'text', text: 'ok' });
    const { data, response } = await client.messages.create(ask('bob@example.com')).withResponse();
    expect(data.usage.cache_read_input_tokens).toBeGreaterThan(0);
    expect(response.headers.get('request-id')).toBe('req_1');
    const stream = await client.messages.create({ ...ask('carol@example.com', '2026-03-06'), stream: true });
    const kinds: string[] = [];
    for await (const event of stream) kinds.push(event.type);
    expect(kinds).toEqual(['message_start', 'content_block_start', 'content_block_delta', 'content_block_stop', 'message_delta', 'message_stop']);
    const final = await client.messages.stream(ask('dave@example.com', '2026-03-06')).finalMessage();
    expect(final.usage.output_tokens).toBe(3);
    await recorder.flush();

    const rows = records(file);
    expect(rows).toHaveLength(4);
    expect(recorder.written).toBe(4);
    expect(rows.map((r) => r.response.usage?.cache_read_input_tokens! > 0)).toEqual([false, true, false, true]);
    expect(rows[2]!.response.usage).toMatchObject({ input_tokens: 12, output_tokens: 3 }); // message_start and message_delta merged
    expect(rows[2]!.response.id).toMatch(/^msg_/);
    // redacted by default, each value by its own hash, so alice and bob stay two users
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain('alice@example.com');
    expect(rows[0]!.request.metadata).toEqual({ user_id: expect.stringMatching(/^\[REDACTED:email~[0-9a-f]{8}\]$/) });
    expect(rows[0]!.request.metadata).not.toEqual(rows[1]!.request.metadata);

    // end to end: the library and the CLI read the recording, its usage and its breaker
    const report = await analyzeLogs(file);
    expect(report.problems).toEqual([]);
    expect(report.files[0]).toMatchObject({ kind: 'log', format: 'request-response-pairs' });
    const logs = report.logs as { summary: { requests: number } };
    expect(logs.summary.requests).toBe(4);
    expect(report.files[0]!.diagnostics.some((d) => d.code === 'KV101')).toBe(true);
    if (existsSync(path.join(repoRoot, 'dist/bundle/cli.js'))) {
      const cli = spawnSync(process.execPath, [path.join(repoRoot, 'bin/kvlint.js'), file, '--format', 'json'], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
      expect(cli.status, cli.stderr).toBe(1);
      const json = JSON.parse(cli.stdout) as { logs: { summary: { requests: number } }; projection?: { requests?: unknown } };
      expect(json.logs.summary.requests).toBe(4);
      expect(cli.stdout).toContain('"cacheReadTokens"');
    }
  });

  it('records OpenAI chat completions (plain and streamed with usage) and responses', async () => {
    const file = path.join(dir, 'openai.jsonl');
    const recorder = createRecorder({ file, redact: false });
    const client = recorder.wrap(openaiClient());
    const chat = (user: string) => ({ model: 'gpt-4o', messages: [{ role: 'system' as const, content: POLICY }, { role: 'user' as const, content: `I am ${user}.` }] });
    const plain = await client.chat.completions.create(chat('alice@example.com'));
    expect(plain.choices[0]!.message.content).toBe('ok');
    const stream = await client.chat.completions.create({ ...chat('bob@example.com'), stream: true, stream_options: { include_usage: true } });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('ok');
    const resp = await client.responses.create({ model: 'gpt-4o', instructions: POLICY, input: 'Where is my order?' });
    expect(resp.id).toMatch(/^resp_/);
    await recorder.flush();
    const rows = records(file);
    expect(rows.map((r) => r.response.usage?.prompt_tokens_details ?? r.response.usage?.input_tokens_details)).toEqual([
      { cached_tokens: 0 },
      { cached_tokens: Math.ceil(POLICY.length / 4) }, // the server's cache: the same system prompt again
      { cached_tokens: Math.ceil(POLICY.length / 4) }, // the same text as instructions
    ]);
    expect(JSON.stringify(rows[0]!.request)).toContain('alice@example.com'); // redact: false
    const report = await analyzeLogs(file);
    expect(report.problems).toEqual([]);
    expect((report.logs as { summary: { requests: number } }).summary.requests).toBe(3);
  });

  it('never fails or changes the call: a failed write is reported to onError, a failed call is the caller’s alone', async () => {
    const blocker = path.join(dir, 'a-file');
    writeFileSync(blocker, 'not a folder');
    const errors: unknown[] = [];
    const recorder = createRecorder({ file: path.join(blocker, 'calls.jsonl'), onError: (e) => errors.push(e) });
    const client = recorder.wrap(anthropicClient());
    const message = await client.messages.create(ask('erin'));
    expect(message.id).toMatch(/^msg_/);
    await recorder.flush();
    expect(errors).toHaveLength(1);
    expect(recorder.dropped).toBe(1);

    const file = path.join(dir, 'failing.jsonl');
    const r2 = createRecorder({ file });
    const wrapped = r2.wrap(anthropicClient());
    const unwrappedError = await anthropicClient().messages.create({ ...ask('x'), model: 'fail' }).catch((e: unknown) => e);
    const wrappedError = await wrapped.messages.create({ ...ask('x'), model: 'fail' }).catch((e: unknown) => e);
    expect(wrappedError).toBeInstanceOf(Anthropic.InternalServerError);
    expect((wrappedError as Error).message).toBe((unwrappedError as Error).message);
    await r2.flush();
    expect(existsSync(file)).toBe(false);
    // untouched: what is not a recorded method, and identity of sub-objects
    expect(wrapped.messages).toBe(wrapped.messages);
    expect(typeof wrapped.models.list).toBe('function');
  });

  it('samples calls, or whole users with sampleKey', async () => {
    const file = path.join(dir, 'sampled.jsonl');
    let n = 0;
    const recorder = createRecorder({ file, sampleRate: 0.5, random: () => (n++ % 2 === 0 ? 0.1 : 0.9) });
    const client = recorder.wrap(anthropicClient());
    for (let i = 0; i < 6; i++) await client.messages.create(ask(`user${i}`));
    await recorder.flush();
    expect(records(file)).toHaveLength(3);

    const byUser = path.join(dir, 'by-user.jsonl');
    const r2 = createRecorder({ file: byUser, sampleRate: 0.5, sampleKey: (b) => (b.metadata as { user_id: string }).user_id, redact: false });
    const c2 = r2.wrap(anthropicClient());
    for (let turn = 0; turn < 3; turn++) for (let u = 0; u < 8; u++) await c2.messages.create(ask(`user${u}`));
    await r2.flush();
    const users = new Map<string, number>();
    for (const r of records(byUser)) {
      const id = (r.request.metadata as { user_id: string }).user_id;
      users.set(id, (users.get(id) ?? 0) + 1);
    }
    expect(users.size).toBeGreaterThan(0);
    expect(users.size).toBeLessThan(8);
    expect([...users.values()].every((v) => v === 3)).toBe(true); // every turn of a sampled user
    expect(() => createRecorder({ file, sampleRate: 2 })).toThrow(/between 0 and 1/);
  });
});
