// Per-lineage state stays small: chains are delta-encoded and only recently active lineages keep texts.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeLogs, expandChains, TEXT_BUDGET } from '../../src/logs/analyze.js';
import { loadRequest } from '../../src/logs/load-request.js';
import { hashSegments } from '../../src/prefix/hash.js';
import { loadTokenizer, type Tokenizer } from '../../src/tokenize/index.js';

function body(session: number, system: string, turns: number): string {
  const messages = [];
  for (let t = 0; t < turns; t++) {
    messages.push({ role: 'user', content: `question ${t} of session ${session}` });
    if (t < turns - 1) messages.push({ role: 'assistant', content: `answer ${t}` });
  }
  return JSON.stringify({ model: 'claude-sonnet-4-6', max_tokens: 64, metadata: { user_id: `s${session}` }, system, messages });
}

describe('bounded per-lineage state', () => {
  let dir: string;
  let tokenizer: Tokenizer;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'kvlint-bounded-'));
    tokenizer = await loadTokenizer('claude-sonnet-4-6');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('stores only new chain links and rebuilds the full chains exactly', async () => {
    const file = path.join(dir, 'grow.jsonl');
    writeFileSync(file, [1, 2, 3, 4].map((t) => body(1, 'You are a careful agent.', t)).join('\n') + '\n');
    const a = await analyzeLogs([{ abs: file, rel: 'grow.jsonl' }], { tokenizer });
    const tl = a.lineages[0]!;
    expect(tl.requests.map((r) => r.hashes.rawChain.length)).toEqual([3, 2, 2, 2]); // model+system+m0, then 2 new links per turn
    const full = expandChains(tl);
    for (let i = 0; i < 4; i++) {
      const req = await loadRequest(file, 'grow.jsonl', i);
      expect(full[i]!.rawChain).toEqual(hashSegments(req.segments).map((h) => h.rawChain));
      expect(full[i]!.canonicalChain).toEqual(hashSegments(req.segments).map((h) => h.canonicalChain));
    }
  });

  it('still locates a break in a lineage whose texts were dropped while others were active', async () => {
    const file = path.join(dir, 'interleaved.jsonl');
    const lines = [body(0, 'You are agent zero. Version A.', 1)];
    // enough other sessions to fill a small text budget
    const budget = 2000;
    for (let s = 1; s <= 40; s++) lines.push(body(s, `You are agent ${s}, one of many agents that answer questions about the fleet.`, 1));
    lines.push(body(0, 'You are agent zero. Version B.', 2)); // session 0 resumes with an edited system prompt
    writeFileSync(file, lines.join('\n') + '\n');
    const a = await analyzeLogs([{ abs: file, rel: 'interleaved.jsonl' }], { tokenizer, textBudget: budget });
    expect(budget).toBeLessThan(TEXT_BUDGET);
    const s0 = a.lineages.find((l) => l.lineage === 's0')!;
    const d = s0.requests[1]!.divergence!;
    expect(d.label).toMatch(/^system/);
    expect(d.cause).toBe('unknown');
    expect(d.excerpt).toMatch(/not kept/);
    expect(s0.requests[1]!.lostTokens).toBeGreaterThan(0);
  });

  it('classifies the same break fully when the lineage is recent', async () => {
    const file = path.join(dir, 'recent.jsonl');
    writeFileSync(file, [body(0, 'You are agent zero. Today is 2026-11-01T10:00:00Z.', 1), body(0, 'You are agent zero. Today is 2026-11-01T10:05:00Z.', 2)].join('\n') + '\n');
    const a = await analyzeLogs([{ abs: file, rel: 'recent.jsonl' }], { tokenizer });
    expect(a.lineages[0]!.requests[1]!.divergence?.cause).toBe('timestamp');
  });
});
