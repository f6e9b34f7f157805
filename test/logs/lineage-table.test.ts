// A lineage whose previous request's text is dropped keeps it packed (one flat string): what comes back
// is what the comparison reads of it — hollow segments of the same level and role, the raw links, the
// token counts — and the run reads a log the same whether texts are kept or packed.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeLogs } from '../../src/logs/analyze.js';
import { expandChains } from '../../src/logs/request-analyzer.js';
import { LineageTable } from '../../src/logs/lineage-table.js';
import { inputOf, packInput, unpackInput, type PrevState } from '../../src/logs/priors.js';
import type { KvRequest, Segment } from '../../src/model.js';
import { hashSegments } from '../../src/prefix/hash.js';
import type { DiffInput } from '../../src/prefix/diff.js';
import { loadTokenizer, type Tokenizer } from '../../src/tokenize/index.js';

const segment = fc.record({
  level: fc.constantFrom('tools', 'system', 'messages') as fc.Arbitrary<Segment['level']>,
  role: fc.constantFrom('tool', 'system', 'user', 'assistant', 'model', 'settings'),
  text: fc.string({ maxLength: 40 }),
});

function inputFrom(segs: { level: Segment['level']; role: string; text: string }[], tokens: number[], keyOrderUnknown: boolean): DiffInput {
  const segments = segs.map((s, k) => ({ ...s, label: `${s.level} ${k}` }) as Segment);
  return { segments, hashes: hashSegments(segments), tokens, ...(keyOrderUnknown ? { keyOrderUnknown: true } : {}) };
}

describe('packed previous requests', () => {
  it('unpack(pack(x)) keeps each segment\'s level, role, raw link and token count, and drops the texts', () => {
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 12 }), fc.array(fc.oneof(fc.nat(), fc.double({ min: 0, max: 1e9, noNaN: true })), { minLength: 12, maxLength: 12 }), fc.boolean(), (segs, counts, unknown) => {
        const input = inputFrom(segs, counts.slice(0, segs.length), unknown);
        const back = unpackInput(packInput(input));
        expect(back.compact).toBe(true);
        expect(back.segments.map((s) => [s.level, s.role, s.text])).toEqual(input.segments.map((s) => [s.level, s.role, '']));
        expect(back.hashes.map((h) => h.rawChain)).toEqual(input.hashes.map((h) => h.rawChain));
        expect(back.tokens).toEqual(input.tokens);
        expect(back.keyOrderUnknown === true).toBe(unknown);
      }),
      { seed: 5, numRuns: 200 },
    );
  });

  it('a lineage table gives its previous request back whole until packed, then rebuilt around the packed input', () => {
    const t = new LineageTable();
    const req = { lineage: 'user:a', lineageSource: 'user', provider: 'anthropic', file: 'a.jsonl', index: 3 } as KvRequest;
    const id = t.open(req, true);
    expect(t.find('user:a')).toBe(id);
    expect(t.prev(id)).toBeUndefined();
    const input = inputFrom([{ level: 'system', role: 'system', text: 'You are terse.' }, { level: 'messages', role: 'user', text: 'hi' }], [4, 1], false);
    const prev: PrevState = { seq: 7, input, ids: Int32Array.of(1, 2), scope: 'org-1', total: 5, time: 1000, cached: 4, chains: undefined, timelineIndex: 0 };
    t.setPrev(id, prev);
    t.addEntry(id, { tokens: 5, reusedTokens: 0, lostTokens: 0 });
    expect(t.prev(id)).toBe(prev);
    t.pack('user:a', 6); // not its previous request: nothing changes
    expect(t.prev(id)).toBe(prev);
    t.pack('user:a', 7);
    const packed = t.prev(id)!;
    expect({ ...packed, input: undefined, ids: undefined }).toEqual({ ...prev, input: undefined, ids: undefined });
    expect(inputOf(packed)).toEqual(unpackInput(packInput(input)));
    expect(t.entries(id)).toBe(1);
    const [only] = t.timelines();
    expect(only).toEqual({ timeline: { lineage: 'user:a', lineageSource: 'user', provider: 'anthropic', requests: [], tokens: 5, reusedTokens: 0, lostTokens: 0, breaks: 0 }, first: { file: 'a.jsonl', index: 3 } });
  });
});

describe('a run reads a log alike whether texts are kept or packed', () => {
  let dir: string;
  let tokenizer: Tokenizer;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'kvlint-packed-'));
    tokenizer = await loadTokenizer('claude-sonnet-4-6');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps every chain, place and token count, and never claims more reuse', async () => {
    // 200 users, each asking a few questions over a day; every fifth one's system prompt carries a
    // per-request trace id. A tiny text budget packs nearly every lineage between its requests.
    const lines: string[] = [];
    let seed = 11;
    const next = (n: number): number => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed % n);
    const turns = new Map<number, number>();
    for (let i = 0; i < 600; i++) {
      const u = next(200);
      const t = (turns.get(u) ?? 0) + 1;
      turns.set(u, t);
      const trace = u % 5 === 0 ? ` Trace: trace_${u}_${t}.` : '';
      const messages = [];
      for (let k = 0; k < t; k++) {
        messages.push({ role: 'user', content: `question ${k} from user ${u}` });
        if (k < t - 1) messages.push({ role: 'assistant', content: `answer ${k}` });
      }
      lines.push(JSON.stringify({ model: 'claude-sonnet-4-6', max_tokens: 64, metadata: { user_id: `u${u}` }, system: `You answer questions about the fleet.${trace}`, messages, created_at: 1_700_000_000 + i }));
    }
    const file = path.join(dir, 'users.jsonl');
    writeFileSync(file, lines.join('\n') + '\n');
    const run = (textBudget?: number) => analyzeLogs([{ abs: file, rel: 'users.jsonl' }], { tokenizer, ...(textBudget !== undefined ? { textBudget } : {}) });
    const kept = await run();
    const packed = await run(300);
    expect(packed.lineages.map((l) => l.lineage)).toEqual(kept.lineages.map((l) => l.lineage));
    let notKept = 0;
    kept.lineages.forEach((l, i) => {
      const p = packed.lineages[i]!;
      // (a packed request has no canonical links, so the next one stores its own in full: the same chains)
      expect(expandChains(p)).toEqual(expandChains(l));
      expect(p.requests.map((r) => [r.previous, r.tokens])).toEqual(l.requests.map((r) => [r.previous, r.tokens]));
      // without the text, the characters shared inside the diverging segment are not counted: never more reuse
      p.requests.forEach((r, k) => expect(r.reusedTokens).toBeLessThanOrEqual(l.requests[k]!.reusedTokens));
      notKept += p.requests.filter((r) => /not kept/.test(r.divergence?.excerpt ?? '')).length;
    });
    // the packed run did compare against packed requests: their changes cannot be shown
    expect(notKept).toBeGreaterThan(0);
  });
});
