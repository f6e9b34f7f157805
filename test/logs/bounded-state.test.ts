// Per-lineage state stays small: chains are delta-encoded and only recently active lineages keep texts,
// decided by the text read in between, so a lineage is analyzed the same in every shard of a run.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeLogs } from '../../src/logs/analyze.js';
import { expandChains, TEXT_BUDGET } from '../../src/logs/request-analyzer.js';
import type { LogAnalysis } from '../../src/logs/types.js';
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

  it('keeps or drops a lineage\'s text alike in every shard: n shards give the one run, lineage by lineage', async () => {
    // 30 sessions of agents whose system prompt gains a dated line on some turns, interleaved unevenly,
    // against a budget that drops some sessions' texts between their turns and not others'
    const file = path.join(dir, 'sharded.jsonl');
    const lines: string[] = [];
    let seed = 7;
    const next = (n: number): number => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed % n);
    const turns = new Map<number, number>();
    for (let i = 0; i < 240; i++) {
      const s = next(4) === 0 ? next(3) : next(30); // three busy sessions, the rest rare
      const t = (turns.get(s) ?? 0) + 1;
      turns.set(s, t);
      const dated = t % 3 === 0 ? ` Today is 2026-11-${String(10 + (t % 19)).padStart(2, '0')}.` : '';
      lines.push(body(s, `You are agent ${s}. ${'Answer about the fleet. '.repeat(1 + (s % 5))}${dated}`, t));
    }
    writeFileSync(file, lines.join('\n') + '\n');
    const budget = 6000;
    const run = (shard?: { index: number; count: number }): Promise<LogAnalysis> =>
      analyzeLogs([{ abs: file, rel: 'sharded.jsonl' }], { tokenizer, textBudget: budget, ...(shard ? { shard } : {}) });
    const whole = await run();
    const byLineage = (a: LogAnalysis) => new Map(a.lineages.map((l) => [l.lineage, l]));
    const wholeLineages = byLineage(whole);
    // the budget matters here: some breaks are classified, some are not
    const causes = whole.lineages.flatMap((l) => l.requests.map((r) => r.divergence?.excerpt ?? ''));
    expect(causes.some((e) => /not kept/.test(e))).toBe(true);
    expect(causes.some((e) => e !== '' && !/not kept/.test(e))).toBe(true);
    let seen = 0;
    for (const index of [1, 2, 3]) {
      const part = await run({ index, count: 3 });
      for (const l of part.lineages) {
        expect(l).toEqual(wholeLineages.get(l.lineage));
        seen++;
      }
      const keys = new Set(part.lineages.map((l) => l.lineage));
      expect(part.diagnostics).toEqual(whole.diagnostics.filter((d) => whole.lineages.some((l) => keys.has(l.lineage) && l.requests.some((r) => r.index === d.request))));
    }
    expect(seen).toBe(whole.lineages.length);
  });

  it('classifies the same break fully when the lineage is recent', async () => {
    const file = path.join(dir, 'recent.jsonl');
    writeFileSync(file, [body(0, 'You are agent zero. Today is 2026-11-01T10:00:00Z.', 1), body(0, 'You are agent zero. Today is 2026-11-01T10:05:00Z.', 2)].join('\n') + '\n');
    const a = await analyzeLogs([{ abs: file, rel: 'recent.jsonl' }], { tokenizer });
    expect(a.lineages[0]!.requests[1]!.divergence?.cause).toBe('timestamp');
  });
});
