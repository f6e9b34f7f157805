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
      { name: 'cachedContents/a', firstSeq: 0, requests: 2, tokens: 1200, hours: 3, pico: BigInt(Math.round(1200 * 3 * 4.5 * 1e6)) },
      { name: 'cachedContents/b', firstSeq: 1, requests: 1, tokens: 500, hours: 1, pico: BigInt(Math.round(500 * 1 * 4.5 * 1e6)) },
      { name: 'cachedContents/c', firstSeq: 3, requests: 1, hours: 1 },
    ]);
    // no storage price: sized, not priced; a --ttl replaces the default lifetime
    expect(storedCaches([{ seq: 0, name: 'x', cachedTokens: 10 }], undefined, 7200)).toEqual([{ name: 'x', firstSeq: 0, requests: 1, tokens: 10, hours: 2 }]);
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
});
