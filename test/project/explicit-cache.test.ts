// Gemini explicit caching (cachedContent): a log's requests that read a cache object carry its creation
// and storage, priced as `kvlint estimate --explicit-cache` prices a planned one.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EXPLICIT_DEFAULT_TTL_S, storageHours, storedCaches } from '../../src/project/explicit-cache.js';
import { kvlint } from '../helpers/cli.js';

const fixture = 'fixtures/logs/gemini-explicit-cache.jsonl';
const H = 3600_000;

describe('storedCaches', () => {
  it('stores each object for its TTL, or its first to last use when longer, sized by the most cached tokens reported', () => {
    const caches = storedCaches(
      [
        { seq: 0, name: 'cachedContents/a', time: 0, cachedTokens: 1000 },
        { seq: 1, name: 'cachedContents/b', time: 10 * 60_000, cachedTokens: 500 },
        { seq: 2, name: 'cachedContents/a', time: 3 * H, cachedTokens: 1200 },
        { seq: 3, name: 'cachedContents/c', time: 4 * H },
      ],
      4.5,
    );
    expect(caches).toEqual([
      { name: 'cachedContents/a', firstSeq: 0, requests: 2, tokens: 1200, hours: 3, fromLog: false, pico: BigInt(Math.round(1200 * 3 * 4.5 * 1e6)) },
      { name: 'cachedContents/b', firstSeq: 1, requests: 1, tokens: 500, hours: 1, fromLog: false, pico: BigInt(Math.round(500 * 1 * 4.5 * 1e6)) },
      { name: 'cachedContents/c', firstSeq: 3, requests: 1, hours: 1, fromLog: false },
    ]);
    // no storage price: sized, not priced; a --ttl replaces the default lifetime
    expect(storedCaches([{ seq: 0, name: 'x', cachedTokens: 10 }], undefined, 7200)).toEqual([{ name: 'x', firstSeq: 0, requests: 1, tokens: 10, hours: 2, fromLog: false }]);
    // the object's own calls in the log: created at 0, deleted at 1.5 h, 900 tokens; a use past a recorded
    // expiry means an update the log missed: stored through that use
    const known = new Map([
      ['cachedContents/a', { createdAt: 0, deletedAt: 1.5 * H, tokens: 900 }],
      ['cachedContents/b', { createdAt: 0, expiresAt: 0.5 * H }],
    ]);
    const [a, b] = storedCaches(
      [
        { seq: 0, name: 'cachedContents/a', time: 0.2 * H, cachedTokens: 800 },
        { seq: 1, name: 'cachedContents/b', time: 2 * H, cachedTokens: 100 },
      ],
      4.5,
      undefined,
      known,
    );
    expect(a).toMatchObject({ tokens: 900, hours: 1.5, fromLog: true });
    expect(b).toMatchObject({ tokens: 100, hours: 2, fromLog: true });
    expect(storageHours(0)).toBe(EXPLICIT_DEFAULT_TTL_S / 3600);
  });
});

describe('a log that reads explicit cache objects', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'kvlint-explicit-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const json = (args: string[]) => {
    const r = kvlint(['-f', 'json', ...args]);
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout);
  };

  it('adds each object\'s creation and storage to the request that first reads it, now, fixed and reported', () => {
    const p = json([fixture]).projection;
    // contract: 48,000 tokens read 09:00-12:00 (3 h); handbook: 12,000 tokens read once (its 1 h TTL);
    // each created at $1.25 and stored at $4.50 per million token-hours (the gemini-2.5-pro row)
    const contract = 48_000 * 1.25 + 48_000 * 3 * 4.5; // micro-dollars
    const handbook = 12_000 * 1.25 + 12_000 * 1 * 4.5;
    expect(p.total.now.cost.write).toBe(contract + handbook);
    expect(p.total.fixed.cost.write).toBe(contract + handbook);
    const first = p.requests.find((r: { line: number }) => r.line === 1);
    expect(first.now.pico.write).toBe(contract * 1e6);
    // the provider bills the objects too: the reported cost carries the same fees
    const reportedWrite = p.requests.reduce((n: number, r: { reportedPico: number; now: { pico: { uncached: number; read: number; output: number } } }) => n + r.reportedPico - r.now.pico.uncached - r.now.pico.read - r.now.pico.output, 0);
    expect(reportedWrite).toBe((contract + handbook) * 1e6);
    const note = p.targets[0].assumptions.find((a: string) => a.startsWith('Gemini explicit caches'));
    expect(note).toMatch(/2 objects read by 6 requests/);
    expect(note).toMatch(/\$4\.5 per million token-hours/);
    expect(note).toMatch(/≈ \$0\.777/);
  });

  it('prices the contract object as kvlint estimate --explicit-cache prices the same workload', () => {
    const r = kvlint(['estimate', '--explicit-cache', '-m', 'gemini-2.5-pro', '--prefix-tokens', '48000', '--suffix-tokens', '12', '--requests', '5', '--interval', '2700', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).cached.cost.write).toBe(48_000 * 1.25 + 48_000 * 3 * 4.5);
  });

  it('says what it could not price: a row with no storage fee, an object no request reported the size of', () => {
    const flash = json(['--model', 'gemini-2.5-flash', fixture]).projection;
    const note = flash.targets[0].assumptions.find((a: string) => a.startsWith('Gemini explicit caches'));
    expect(note).toMatch(/storage not priced: the price row gemini-2.5-flash has no storage fee/);
    expect(flash.total.now.cost.write).toBe((48_000 + 12_000) * 0.3); // creation at the input price only

    const bare = path.join(dir, 'no-usage.jsonl');
    writeFileSync(bare, `${JSON.stringify({ request: { url: 'https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-pro:generateContent', body: { cachedContent: 'cachedContents/x', contents: [{ role: 'user', parts: [{ text: 'hi' }] }] } }, response: { candidates: [] } })}\n`);
    const p = json([bare]).projection;
    expect(p.targets[0].assumptions).toContain('Gemini explicit caches (cachedContent): 1 object with no reported cached tokens: their size, and so their creation and storage, are not priced');
    expect(p.total.now.cost.write).toBe(0);
  });

  it('reads the proto field name too (cached_content), and a Vertex URL\'s model', () => {
    const file = path.join(dir, 'snake.jsonl');
    const url = 'https://us-central1-aiplatform.googleapis.com/v1/projects/p/locations/us-central1/publishers/google/models/gemini-2.5-pro:generateContent';
    const line = (q: string, at: string) => JSON.stringify({ timestamp: at, request: { url, body: { cached_content: 'projects/p/locations/us-central1/cachedContents/42', contents: [{ role: 'user', parts: [{ text: q }] }] } }, response: { usageMetadata: { promptTokenCount: 30_010, cachedContentTokenCount: 30_000, candidatesTokenCount: 90 } } });
    writeFileSync(file, `${line('First question?', '2026-11-20T09:00:00Z')}\n${line('Second question?', '2026-11-20T09:20:00Z')}\n`);
    const p = json([file]).projection;
    expect(p.targets[0].model).toBe('gemini-2.5-pro');
    expect(p.total.now.cost.write).toBe(30_000 * 1.25 + 30_000 * 1 * 4.5); // within its 1 h TTL
    expect(p.targets[0].assumptions.find((a: string) => a.startsWith('Gemini explicit caches'))).toMatch(/1 object read by 2 requests/);
  });

  it('sizes and stores an object as its own cachedContents calls in the log say: create, update, delete', () => {
    const base = 'https://generativelanguage.googleapis.com/v1beta';
    const at = (min: number) => new Date(Date.parse('2026-11-20T09:00:00Z') + min * 60_000).toISOString();
    const create = (name: string, min: number, ttl: string, tokens: number) => ({
      timestamp: at(min),
      request: { url: `${base}/cachedContents`, method: 'POST', body: { model: 'models/gemini-2.5-pro', contents: [{ role: 'user', parts: [{ text: 'The whole contract…' }] }], ttl } },
      response: { name, model: 'models/gemini-2.5-pro', createTime: at(min), expireTime: at(min + Number.parseInt(ttl) / 60), usageMetadata: { totalTokenCount: tokens } },
    });
    const read = (min: number, q: string) => ({
      timestamp: at(min),
      request: { url: `${base}/models/gemini-2.5-pro:generateContent`, body: { cachedContent: 'cachedContents/contract', contents: [{ role: 'user', parts: [{ text: q }] }] } },
      response: { usageMetadata: { promptTokenCount: 48_020, cachedContentTokenCount: 48_010, candidatesTokenCount: 100 } },
    });
    const lines = [
      create('cachedContents/contract', 0, '7200s', 48_010),
      create('cachedContents/unused', 1, '3600s', 9_000),
      read(5, 'Who signs?'),
      read(50, 'What is the term?'),
      read(95, 'Any penalties?'),
      { timestamp: at(100), request: { url: `${base}/cachedContents/contract`, method: 'DELETE' }, response: {} },
    ];
    const file = path.join(dir, 'lifecycle.jsonl');
    writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    const r = json([file]);
    // the cachedContents calls are not requests: 3 requests, 3 calls skipped and counted
    expect(r.logs.files[0].requests).toBe(3);
    expect(Object.values(r.logs.files[0].skipped)).toEqual([3]);
    const p = r.projection;
    // created 09:00, deleted 10:40 (1 h 40 min): 48,010 tokens at $1.25 per million, stored at $4.50 per million token-hours
    const pico = 48_010 * 1.25e6 + Math.round(48_010 * (100 / 60) * 4.5 * 1e6);
    expect(p.total.now.cost.write).toBe(Math.round(pico / 1e6));
    const notes: string[] = p.targets[0].assumptions.filter((a: string) => a.startsWith('Gemini explicit caches'));
    expect(notes[0]).toMatch(/1 object read by 3 requests.* come to \$0\.42\d* in all.*\(each sized and stored as its own calls in the log say\)/);
    expect(notes[0]).not.toMatch(/≈/);
    expect(notes[1]).toBe('Gemini explicit caches (cachedContent): 1 object created in the log is read by none of its priced requests: its creation and storage are not in these totals');
  });

  it('reads the same calls from a VCR cassette', () => {
    const body = (v: unknown) => JSON.stringify(JSON.stringify(v));
    const interaction = (method: string, uri: string, req: unknown, resp: unknown, date: string) => `- request:
    method: ${method}
    uri: ${uri}
    body: ${body(req)}
    headers: {}
  response:
    status: {code: 200, message: OK}
    headers:
      Date: ['${date}']
    body: {string: ${body(resp)}}`;
    const base = 'https://generativelanguage.googleapis.com/v1beta';
    const yamlText = `interactions:
${interaction('POST', `${base}/cachedContents`, { model: 'models/gemini-2.5-pro', contents: [{ role: 'user', parts: [{ text: 'The handbook' }] }], ttl: '1800s' }, { name: 'cachedContents/hb', createTime: '2026-11-20T09:00:00Z', expireTime: '2026-11-20T09:30:00Z', usageMetadata: { totalTokenCount: 20_000 } }, 'Fri, 20 Nov 2026 09:00:00 GMT')}
${interaction('POST', `${base}/models/gemini-2.5-pro:generateContent`, { cachedContent: 'cachedContents/hb', contents: [{ role: 'user', parts: [{ text: 'Travel policy?' }] }] }, { usageMetadata: { promptTokenCount: 20_006, cachedContentTokenCount: 20_000, candidatesTokenCount: 50 } }, 'Fri, 20 Nov 2026 09:10:00 GMT')}
version: 1
`;
    const file = path.join(dir, 'cassette.yaml');
    writeFileSync(file, yamlText);
    const r = json([file]);
    expect(r.logs.files[0].requests).toBe(1);
    // created 09:00, expiring 09:30: half an hour of 20,000 tokens
    const pico = 20_000 * 1.25e6 + Math.round(20_000 * 0.5 * 4.5 * 1e6);
    expect(r.projection.total.now.cost.write).toBe(Math.round(pico / 1e6));
  });
});

