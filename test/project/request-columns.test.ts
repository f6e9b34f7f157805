// The projection's per-request columns must give back exactly what was recorded, for any mix of optional
// fields, segment counts and breakpoints, and across the columns' growth.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RequestColumns, type RecordedInput } from '../../src/project/request-columns.js';

const optional = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(arb, { nil: undefined });

const record: fc.Arbitrary<RecordedInput> = fc
  .record({
    index: fc.nat(1_000_000),
    file: fc.constantFrom('a.jsonl', 'logs/b.jsonl', 'ü.yaml'),
    line: fc.nat(1_000_000),
    lineage: fc.string({ maxLength: 12 }),
    provider: fc.constantFrom('anthropic', 'openai', 'vllm'),
    model: fc.constantFrom('claude-sonnet-4-5', 'gpt-4o', 'unknown'),
    time: optional(fc.integer({ min: 0, max: 4_000_000_000_000 })),
    segments: fc.array(fc.record({ tokens: fc.nat(100_000), chain: fc.integer({ min: -5, max: 1_000_000 }), end: fc.boolean() }), { maxLength: 40 }),
    fixed: optional(fc.record({ n: fc.nat(40), seq: fc.nat(100) })),
    breakpoints: fc.array(fc.record({ segment: fc.nat(40), ttl: fc.constantFrom('5m' as const, '1h' as const) }), { maxLength: 4 }),
    autoCache: fc.boolean(),
    implicitBreakpoint: optional(fc.nat(40)),
    sharedSegments: fc.nat(40),
    sharedTokens: fc.nat(10_000_000),
    priorSeq: optional(fc.nat(100)),
    scope: optional(fc.constantFrom('org-a', 'org-b')),
    inShard: fc.boolean(),
    divergence: optional(fc.record({ segment: fc.nat(40), cause: fc.constantFrom('timestamp', 'branch'), code: optional(fc.constantFrom('KV101', 'KV203')) })),
    usage: optional(fc.record({ inputTokens: fc.nat(), cacheReadTokens: optional(fc.nat()) })),
    incomplete: fc.boolean(),
    counted: fc.nat(10_000_000),
  })
  .map(({ segments, fixed, ...r }) => {
    let acc = 0;
    const out: RecordedInput = {
      ...r,
      ...(fixed ? { fixedN: fixed.n, fixedSeq: fixed.seq } : {}),
      cum: segments.map((s) => (acc += s.tokens)),
      chain: segments.map((s) => s.chain),
      messageEnds: segments.flatMap((s, k) => (s.end ? [k] : [])),
    };
    // optional fields are absent, not undefined, as the projector builds them
    for (const k of Object.keys(out) as (keyof RecordedInput)[]) if (out[k] === undefined) delete out[k];
    if (out.divergence?.code === undefined) delete out.divergence?.code;
    return out;
  });

function plain(r: ReturnType<RequestColumns['get']>): unknown {
  return { ...r, cum: Array.from(r.cum), chain: Array.from(r.chain) };
}

describe('RequestColumns', () => {
  it('gives back every request as recorded', () => {
    fc.assert(
      fc.property(fc.array(record, { maxLength: 60 }), (records) => {
        const cols = new RequestColumns();
        records.forEach((r, seq) => expect(cols.add(r)).toBe(seq));
        expect(cols.length).toBe(records.length);
        records.forEach((r, seq) => {
          expect(plain(cols.get(seq))).toEqual({ ...r, seq });
          expect(Array.from(cols.chainOf(seq))).toEqual(r.chain);
          expect(cols.lineageOf(seq)).toBe(r.lineage);
        });
        expect([...cols].map(plain)).toEqual(records.map((r, seq) => ({ ...r, seq })));
      }),
      { numRuns: 200 },
    );
  });

  it('keeps earlier requests intact while its columns grow', () => {
    const cols = new RequestColumns();
    const n = 5000; // past the initial capacity of every column (1024 requests, 4096 segments)
    for (let i = 0; i < n; i++) {
      cols.add({
        index: i,
        file: `f${i % 3}`,
        line: i + 1,
        lineage: `l${i % 7}`,
        provider: 'openai',
        model: 'gpt-4o',
        cum: [i, i + 1, i + 2],
        chain: [1, i, -i - 1],
        breakpoints: i % 2 ? [{ segment: 2, ttl: '1h' }] : [],
        autoCache: false,
        messageEnds: [1, 2],
        sharedSegments: 1,
        sharedTokens: i,
        inShard: true,
        incomplete: false,
        counted: i + 2,
      });
    }
    for (const i of [0, 1023, 1024, 4095, 4999]) {
      const r = cols.get(i);
      expect([r.index, r.file, r.line, r.lineage, Array.from(r.cum), Array.from(r.chain), r.messageEnds, r.breakpoints]).toEqual([
        i,
        `f${i % 3}`,
        i + 1,
        `l${i % 7}`,
        [i, i + 1, i + 2],
        [1, i, -i - 1],
        [1, 2],
        i % 2 ? [{ segment: 2, ttl: '1h' }] : [],
      ]);
    }
  });
});
